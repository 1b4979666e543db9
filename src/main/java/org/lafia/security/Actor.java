package org.lafia.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Who is calling, as the verified token says: a person (with roles, facilities and territories)
 * or a system client (with SMART {@code system/} scopes). Built once per request from the JWT.
 *
 * @param subject the person's login or the client's id
 * @param system whether a system client (SMART Backend Services) rather than a person
 * @param roles role codes of a person (see {@link Role})
 * @param facilities facilities a person works in
 * @param territories administrative areas a person covers
 * @param scopes the token's scopes
 */
public record Actor(String subject, boolean system, List<String> roles, List<String> facilities,
    List<String> territories, List<String> scopes) {

  /** What this actor may do to resource types: a system's scopes, or a person's roles narrowed by the token's user scopes. */
  SmartScopes permissions() {
    if (system) return SmartScopes.parse(scopes);
    List<String> fromRoles = new ArrayList<>();
    for (String code : roles) {
      Role r = Role.of(code);
      if (r != null) fromRoles.addAll(r.scopes);
    }
    SmartScopes byRole = SmartScopes.parse(fromRoles);
    SmartScopes byToken = SmartScopes.parse(scopes.stream().filter(s -> s.startsWith("user/")).toList());
    return byToken.isEmpty() ? byRole : byRole.and(byToken);
  }

  /** The actor of the current request (a verified bearer token), or null (a console session, or none). */
  public static Actor current() {
    return ScopeAccessPolicy.current();
  }

  static Actor fromJwt(Jwt jwt, SecurityProperties.Claims paths) {
    List<String> scopes = strings(jwt.getClaims().get("scope"));
    boolean system = "system".equals(jwt.getClaimAsString("lafia_kind")) || scopes.stream().anyMatch(s -> s.startsWith("system/"));
    String subject = jwt.getSubject();
    return new Actor(subject == null ? "?" : subject, system, strings(at(jwt.getClaims(), paths.roles())),
        strings(at(jwt.getClaims(), paths.facilities())), strings(at(jwt.getClaims(), paths.territories())), scopes);
  }

  private static Object at(Map<String, Object> claims, String path) {
    Object v = claims;
    for (String part : path.split("\\.")) {
      if (!(v instanceof Map<?, ?> m)) return null;
      v = m.get(part);
    }
    return v;
  }

  private static List<String> strings(Object v) {
    if (v == null) return List.of();
    if (v instanceof String s) return s.isBlank() ? List.of() : List.of(s.trim().split("\\s+"));
    if (v instanceof Collection<?> c) return c.stream().map(String::valueOf).toList();
    return List.of(String.valueOf(v));
  }
}
