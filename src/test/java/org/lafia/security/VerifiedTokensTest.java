package org.lafia.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/** The memory of verified tokens: it saves the work, never a check. */
class VerifiedTokensTest {
  private Instant now = Instant.parse("2026-11-25T08:00:00Z");
  private final AtomicInteger verifications = new AtomicInteger();

  private final Clock clock = new Clock() {
    @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(java.time.ZoneId zone) { return this; }
    @Override public Instant instant() { return now; }
  };

  /** Stands for the real decoder: accepts "good-*" tokens expiring 5 minutes after issue, refuses the rest. */
  private final JwtDecoder verifier = token -> {
    verifications.incrementAndGet();
    if (!token.startsWith("good")) throw new BadJwtException("bad signature");
    return Jwt.withTokenValue(token).header("alg", "RS256").subject("clinicien")
        .issuedAt(Instant.parse("2026-11-25T08:00:00Z")).expiresAt(Instant.parse("2026-11-25T08:05:00Z")).build();
  };

  @Test
  void a_token_is_verified_once_a_minute_and_never_honoured_after_it_expires() {
    VerifiedTokens tokens = new VerifiedTokens(verifier, clock);
    assertThat(tokens.decode("good-1").getSubject()).isEqualTo("clinicien");
    tokens.decode("good-1");
    now = now.plusSeconds(59);
    tokens.decode("good-1");
    assertThat(verifications).hasValue(1);
    now = now.plusSeconds(2);
    tokens.decode("good-1");
    assertThat(verifications).as("verified again after a minute").hasValue(2);
    // Expiry at 08:05, plus the validator's minute of skew: remembered at most until 08:06.
    now = Instant.parse("2026-11-25T08:05:30Z");
    tokens.decode("good-1");
    int before = verifications.get();
    now = Instant.parse("2026-11-25T08:06:00Z");
    tokens.decode("good-1");
    assertThat(verifications.get()).as("not served from memory past expiry + skew").isEqualTo(before + 1);
  }

  @Test
  void a_refused_token_is_refused_every_time() {
    VerifiedTokens tokens = new VerifiedTokens(verifier, clock);
    assertThatThrownBy(() -> tokens.decode("forged")).isInstanceOf(BadJwtException.class);
    assertThatThrownBy(() -> tokens.decode("forged")).isInstanceOf(BadJwtException.class);
    assertThat(verifications).hasValue(2);
  }

  @Test
  void a_flood_of_distinct_tokens_does_not_grow_the_memory_without_bound() {
    VerifiedTokens tokens = new VerifiedTokens(verifier, clock);
    for (int i = 0; i < 10_000; i++) tokens.decode("good-" + i);
    verifications.set(0);
    tokens.decode("good-9999");
    tokens.decode("good-0");
    assertThat(verifications).as("the oldest were forgotten, the newest kept").hasValue(1);
  }
}
