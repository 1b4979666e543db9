package org.lafia.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;

/** The bearer token is read from the Authorization header only, with RFC 6750's characters. */
class BearerHeaderTest {
  private final BearerHeader resolver = new BearerHeader();

  private static MockHttpServletRequest with(String authorization) {
    MockHttpServletRequest r = new MockHttpServletRequest("GET", "/fhir/Patient");
    if (authorization != null) r.addHeader("Authorization", authorization);
    return r;
  }

  @Test
  void a_token_of_the_header_is_returned_whatever_the_scheme_case() {
    String jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl-_~+/";
    assertThat(resolver.resolve(with("Bearer " + jwt))).isEqualTo(jwt);
    assertThat(resolver.resolve(with("bearer " + jwt))).isEqualTo(jwt);
    assertThat(resolver.resolve(with("BEARER abc=="))).isEqualTo("abc==");
  }

  @Test
  void no_header_or_another_scheme_is_no_token() {
    assertThat(resolver.resolve(with(null))).isNull();
    assertThat(resolver.resolve(with("Basic dXNlcjpwYXNz"))).isNull();
    MockHttpServletRequest query = with(null);
    query.setParameter("access_token", "abc"); // never read from the query string
    assertThat(resolver.resolve(query)).isNull();
  }

  @Test
  void a_malformed_token_is_refused_as_invalid() {
    for (String bad : new String[] {"Bearer", "Bearer ", "Bearer  abc", "Bearer a b", "Bearer abc\"", "Bearer ==", "Bearer a=b",
        "Bearerabc", "Bearer é"}) {
      assertThatThrownBy(() -> resolver.resolve(with(bad))).as(bad).isInstanceOf(OAuth2AuthenticationException.class)
          .satisfies(e -> assertThat(((OAuth2AuthenticationException) e).getError().getErrorCode()).isEqualTo("invalid_token"));
    }
  }
}
