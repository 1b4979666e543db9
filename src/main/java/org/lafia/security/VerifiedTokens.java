package org.lafia.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Remembers, for a minute, the tokens already verified: a client sends the same bearer token with
 * every request of its session, and parsing and verifying it again (JSON, RSA, claim conversion)
 * was half of what a FHIR read allocated. A remembered token is still refused once expired (with
 * the same minute of clock skew as the validator), and is verified again at least every minute,
 * so that a signing key withdrawn from the table stops being honoured as soon as the nodes reload
 * their keys. Failures are never remembered.
 */
final class VerifiedTokens implements JwtDecoder {
  static final Duration SKEW = Duration.ofSeconds(60);
  private static final Duration REMEMBER = Duration.ofMinutes(1);
  private static final int MAX = 4096;

  private record Entry(Jwt jwt, Instant until) {}

  private final JwtDecoder decoder;
  private final Clock clock;
  private final Map<String, Entry> verified = new ConcurrentHashMap<>();

  VerifiedTokens(JwtDecoder decoder, Clock clock) {
    this.decoder = decoder;
    this.clock = clock;
  }

  @Override
  public Jwt decode(String token) throws JwtException {
    Instant now = clock.instant();
    Entry e = verified.get(token);
    if (e != null && now.isBefore(e.until())) return e.jwt();
    if (e != null) verified.remove(token);
    Jwt jwt = decoder.decode(token); // throws on anything wrong: nothing remembered
    Instant until = now.plus(REMEMBER);
    if (jwt.getExpiresAt() != null && jwt.getExpiresAt().plus(SKEW).isBefore(until)) until = jwt.getExpiresAt().plus(SKEW);
    if (verified.size() >= MAX) {
      verified.values().removeIf(x -> !now.isBefore(x.until()));
      if (verified.size() >= MAX) verified.clear(); // a burst of distinct tokens: start again rather than grow
    }
    verified.put(token, new Entry(jwt, until));
    return jwt;
  }
}
