package org.lafia.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;

/**
 * The bearer token of the {@code Authorization} header (RFC 6750 §2.1), and nowhere else: tokens
 * in query strings or form bodies are not read (they end up in logs and browser histories).
 * Spring Security's default resolver does the same with a regular expression run over every
 * token of every request (a JWT is a kilobyte or more): a tenth of what Spring Security cost a
 * FHIR read. This checks the same characters in one pass.
 */
final class BearerHeader implements BearerTokenResolver {
  private static final String SCHEME = "bearer";

  @Override
  public String resolve(HttpServletRequest request) {
    String header = request.getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) return null;
    // b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=", after one space
    if (header.length() <= SCHEME.length() + 1 || header.charAt(SCHEME.length()) != ' ') throw malformed();
    int start = SCHEME.length() + 1;
    int end = header.length();
    int padding = end;
    while (padding > start && header.charAt(padding - 1) == '=') padding--;
    if (padding == start) throw malformed();
    for (int i = start; i < padding; i++) {
      char ch = header.charAt(i);
      boolean ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
          || ch == '-' || ch == '.' || ch == '_' || ch == '~' || ch == '+' || ch == '/';
      if (!ok) throw malformed();
    }
    return header.substring(start);
  }

  private static OAuth2AuthenticationException malformed() {
    return new OAuth2AuthenticationException(BearerTokenErrors.invalidToken("Bearer token is malformed"));
  }
}
