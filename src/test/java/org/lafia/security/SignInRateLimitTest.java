package org.lafia.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class SignInRateLimitTest {

  /** A clock the test moves by hand. */
  private static Clock clock(AtomicLong millis) {
    return new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
      }
    };
  }

  private static int post(SignInRateLimit limit, String path, String address) throws Exception {
    MockHttpServletRequest req = new MockHttpServletRequest("POST", path);
    req.setRemoteAddr(address);
    MockHttpServletResponse resp = new MockHttpServletResponse();
    limit.doFilter(req, resp, new MockFilterChain());
    return resp.getStatus();
  }

  @Test
  void an_address_gets_429_beyond_the_limit_until_the_next_minute_and_others_are_not_affected() throws Exception {
    AtomicLong now = new AtomicLong(1_800_000_000_000L);
    SignInRateLimit limit = new SignInRateLimit(3, clock(now));
    for (int i = 0; i < 3; i++) assertThat(post(limit, "/login", "10.0.0.1")).isEqualTo(200);
    assertThat(post(limit, "/oauth2/token", "10.0.0.1")).isEqualTo(429);
    assertThat(post(limit, "/login", "10.0.0.2")).isEqualTo(200);
    MockHttpServletRequest other = new MockHttpServletRequest("GET", "/fhir/Patient");
    other.setRemoteAddr("10.0.0.1");
    MockHttpServletResponse resp = new MockHttpServletResponse();
    limit.doFilter(other, resp, new MockFilterChain());
    assertThat(resp.getStatus()).as("only sign-in and token requests are limited").isEqualTo(200);
    now.addAndGet(60_000);
    assertThat(post(limit, "/login", "10.0.0.1")).isEqualTo(200);
  }
}
