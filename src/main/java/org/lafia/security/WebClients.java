package org.lafia.security;

import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;

/**
 * Web applications that sign people in through Lafia and keep their tokens on their own server
 * (a facility's EMR, say): confidential clients with a secret, authorization code with PKCE, and
 * refresh tokens so that a person signed in for a shift is not sent back to the sign-in page every
 * 15 minutes. Each refresh token is good once (rotation): if a stolen one is used, the next refresh
 * of whoever holds the old one fails, and the theft shows.
 */
public final class WebClients {
  private final RegisteredClientRepository clients;
  private final PasswordEncoder passwords;
  private final SecurityProperties props;

  WebClients(RegisteredClientRepository clients, PasswordEncoder passwords, SecurityProperties props) {
    this.clients = clients;
    this.passwords = passwords;
    this.props = props;
  }

  /** Registers a web application, or replaces the secret, name and addresses of one already registered. */
  public void register(String clientId, String name, String secret, Collection<String> redirectUris,
      Collection<String> postLogoutRedirectUris) {
    if (secret == null || secret.length() < 16) throw new IllegalArgumentException("The secret of " + clientId + " needs at least 16 characters.");
    RegisteredClient existing = clients.findByClientId(clientId);
    clients.save(RegisteredClient.withId(existing == null ? UUID.randomUUID().toString() : existing.getId())
        .clientId(clientId)
        .clientName(name)
        .clientSecret(passwords.encode(secret)) // only the hash is stored (Argon2id, like passwords)
        .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
        .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
        .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
        .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
        .redirectUris(u -> u.addAll(redirectUris))
        .postLogoutRedirectUris(u -> u.addAll(postLogoutRedirectUris))
        .scopes(s -> s.addAll(List.of(OidcScopes.OPENID, OidcScopes.PROFILE, "fhirUser", "user/*.cruds", "user/*.rs")))
        .clientSettings(ClientSettings.builder().requireProofKey(true).requireAuthorizationConsent(false).build())
        .tokenSettings(TokenSettings.builder()
            .accessTokenTimeToLive(props.accessTokenTtl())
            .refreshTokenTimeToLive(props.refreshTokenTtl())
            .reuseRefreshTokens(false)
            .build())
        .build());
  }
}
