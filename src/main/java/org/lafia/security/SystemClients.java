package org.lafia.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.text.ParseException;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.UUID;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionDecoderFactory;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;

/**
 * Systems that call the API (facility EMRs, DHIS2, laboratory systems) as SMART Backend Services:
 * each is registered with its public keys (a JWKS) and the SMART {@code system/} scopes it may ask
 * for, and authenticates at the token endpoint with a JWT it signs (RS384 or ES384, as SMART
 * requires; RS256 accepted too), never with a shared secret.
 */
public final class SystemClients {
  static final String JWKS_SETTING = "lafia.jwks";
  private static final Set<JWSAlgorithm> ASSERTION_ALGORITHMS = Set.of(JWSAlgorithm.RS384, JWSAlgorithm.ES384, JWSAlgorithm.RS256);

  private final RegisteredClientRepository clients;
  private final Duration tokenTtl;

  SystemClients(RegisteredClientRepository clients, Duration tokenTtl) {
    this.clients = clients;
    this.tokenTtl = tokenTtl;
  }

  /** Registers a system client, or replaces the keys, name and scopes of one already registered. */
  public void register(String clientId, String name, String jwksJson, Collection<String> scopes) {
    try {
      if (JWKSet.parse(jwksJson).getKeys().isEmpty()) throw new IllegalArgumentException("The JWKS of " + clientId + " has no key.");
    } catch (ParseException e) {
      throw new IllegalArgumentException("The JWKS of " + clientId + " is not a JSON Web Key Set: " + e.getMessage(), e);
    }
    RegisteredClient existing = clients.findByClientId(clientId);
    RegisteredClient client = RegisteredClient.withId(existing == null ? UUID.randomUUID().toString() : existing.getId())
        .clientId(clientId)
        .clientName(name)
        .clientAuthenticationMethod(ClientAuthenticationMethod.PRIVATE_KEY_JWT)
        .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
        .scopes(s -> s.addAll(scopes))
        .clientSettings(ClientSettings.builder()
            .tokenEndpointAuthenticationSigningAlgorithm(SignatureAlgorithm.RS384)
            .setting(JWKS_SETTING, jwksJson)
            .build())
        .tokenSettings(TokenSettings.builder().accessTokenTimeToLive(tokenTtl)
            .accessTokenFormat(OAuth2TokenFormat.SELF_CONTAINED).build())
        .build();
    clients.save(client);
  }

  /**
   * Verifies client assertions against the JWKS registered with the client (the default factory
   * only knows JWKS URLs), with Spring Authorization Server's checks of iss, sub, aud and expiry
   * and ours: a jti, at most five minutes to live, never used before ({@link UsedAssertions}).
   */
  static JwtDecoderFactory<RegisteredClient> assertionDecoders(UsedAssertions used) {
    JwtClientAssertionDecoderFactory byUrl = new JwtClientAssertionDecoderFactory();
    byUrl.setJwtValidatorFactory(used::validator);
    return client -> {
      String jwks = client.getClientSettings().getSetting(JWKS_SETTING);
      if (jwks == null) return byUrl.createDecoder(client);
      DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
      try {
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ASSERTION_ALGORITHMS, new ImmutableJWKSet<>(JWKSet.parse(jwks))));
      } catch (ParseException e) {
        throw new IllegalStateException("The registered JWKS of " + client.getClientId() + " cannot be read", e);
      }
      NimbusJwtDecoder decoder = new NimbusJwtDecoder(processor);
      decoder.setJwtValidator(used.validator(client));
      return decoder;
    };
  }
}
