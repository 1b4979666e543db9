package org.lafia.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;

/**
 * Access tokens for the person signed in to the console, so that the console reads the FHIR API
 * as that person (the same roles, facilities, territories and care-relationship rules, every
 * access audited under their name) instead of around it. Built-in issuer only: the claims are
 * those the authorization server gives the same account (roles, facilities, territories). A
 * token lives five minutes and is reused for four; an account disabled or locked gets none.
 */
public final class PersonTokens {
  private static final Duration TTL = Duration.ofMinutes(5);
  private static final Duration REUSE = Duration.ofMinutes(4);

  private record Issued(String token, Instant until) {}

  private final JwtEncoder encoder;
  private final Accounts accounts;
  private final SecurityProperties props;
  private final Clock clock;
  private final Map<String, Issued> issued = new ConcurrentHashMap<>();

  PersonTokens(JwtEncoder encoder, Accounts accounts, SecurityProperties props, Clock clock) {
    this.encoder = encoder;
    this.accounts = accounts;
    this.props = props;
    this.clock = clock;
  }

  /** Forgets the token kept for {@code login}: their account changed (roles, attachments, disabled). */
  void forget(String login) {
    issued.remove(login);
  }

  /** A token for {@code login}, or an exception when the account cannot act now (disabled, locked, unknown). */
  public String tokenFor(String login) {
    Instant now = clock.instant();
    Issued i = issued.get(login);
    if (i != null && now.isBefore(i.until())) return i.token();
    Accounts.Account a = accounts.find(login).orElse(null);
    if (a == null || !a.enabled() || a.locked(now)) {
      issued.remove(login);
      throw new org.springframework.security.access.AccessDeniedException("No enabled, unlocked account '" + login + "'.");
    }
    JwtClaimsSet claims = JwtClaimsSet.builder().issuer(props.issuer()).audience(List.of(props.audience()))
        .issuedAt(now).expiresAt(now.plus(TTL)).id(java.util.UUID.randomUUID().toString())
        .subject(a.login()).claim("lafia_kind", "user").claim("lafia_via", "console").claim("name", a.displayName())
        .claim("roles", a.roles()).claim("facilities", a.facilities()).claim("territories", a.territories()).build();
    String token = encoder.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(), claims)).getTokenValue();
    if (issued.size() > 10_000) issued.clear();
    issued.put(login, new Issued(token, now.plus(REUSE)));
    return token;
  }
}
