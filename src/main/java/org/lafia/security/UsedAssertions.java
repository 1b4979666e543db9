package org.lafia.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionDecoderFactory;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * Replay protection of client assertions (SMART Backend Services, RFC 7523): an assertion must
 * name a {@code jti} and expire within five minutes, and is accepted once. The used jti's are in
 * PostgreSQL ({@code sec_assertion_jti}), so that an assertion used on one node is refused on every
 * other; the insert itself is the check (a conflict means the jti was used), so two nodes racing
 * with the same assertion cannot both accept it.
 */
final class UsedAssertions {
  /** SMART: {@code exp} "no more than five minutes in the future". */
  static final Duration MAX_LIFETIME = Duration.ofMinutes(5);
  /** The clock skew Spring Security's expiry check tolerates; allowed on the far side too. */
  private static final Duration SKEW = Duration.ofSeconds(60);

  private final JdbcTemplate jdbc;
  private final Clock clock;
  private final AtomicReference<Instant> nextPurge = new AtomicReference<>(Instant.MIN);

  UsedAssertions(DataSource dataSource, Clock clock) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.clock = clock;
  }

  /**
   * Spring Authorization Server's checks (iss = sub = client id, aud = this server, exp, nbf), then
   * ours; the jti is recorded only for an otherwise valid assertion, so that a refused one cannot
   * use up a jti the client will send in a good one.
   */
  OAuth2TokenValidator<Jwt> validator(RegisteredClient client) {
    OAuth2TokenValidator<Jwt> standard = JwtClientAssertionDecoderFactory.DEFAULT_JWT_VALIDATOR_FACTORY.apply(client);
    return jwt -> {
      OAuth2TokenValidatorResult result = standard.validate(jwt);
      if (result.hasErrors()) return result;
      String jti = jwt.getId();
      if (jti == null || jti.isBlank() || jti.length() > 255) return refused("The client assertion needs a jti (at most 255 characters).");
      if (jwt.getExpiresAt().isAfter(clock.instant().plus(MAX_LIFETIME).plus(SKEW))) {
        return refused("The client assertion must expire within " + MAX_LIFETIME.toMinutes() + " minutes.");
      }
      if (!firstUse(client.getClientId(), jti, jwt.getExpiresAt())) return refused("The client assertion was already used (jti).");
      return OAuth2TokenValidatorResult.success();
    };
  }

  /** Records the use; false when this client's jti was recorded already (by any node). */
  boolean firstUse(String clientId, String jti, Instant expires) {
    purgeNowAndThen();
    return jdbc.update("insert into sec_assertion_jti (client_id, jti, expires_at) values (?, ?, ?) on conflict do nothing",
        clientId, jti, expires.atOffset(ZoneOffset.UTC)) == 1;
  }

  /**
   * At most once a minute per node: a jti is kept until its assertion could no longer pass the
   * expiry check anyway (exp plus the tolerated skew). The table holds minutes of traffic only.
   */
  private void purgeNowAndThen() {
    Instant now = clock.instant();
    Instant due = nextPurge.get();
    if (now.isBefore(due) || !nextPurge.compareAndSet(due, now.plus(Duration.ofMinutes(1)))) return;
    jdbc.update("delete from sec_assertion_jti where expires_at < ?", now.minus(SKEW).atOffset(ZoneOffset.UTC));
  }

  private static OAuth2TokenValidatorResult refused(String description) {
    return OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, description, null));
  }
}
