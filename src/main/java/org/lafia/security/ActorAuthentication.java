package org.lafia.security;

import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/** A verified bearer token and the actor it names, built once per request. */
final class ActorAuthentication extends JwtAuthenticationToken {
  private final Actor actor;
  /** Computed once per request. */
  private org.lafia.fhir.spi.PatientScope scope;

  ActorAuthentication(Jwt jwt, Actor actor) {
    super(jwt, actor.roles().stream().map(r -> new SimpleGrantedAuthority("ROLE_" + r)).toList(), actor.subject());
    this.actor = actor;
  }

  Actor actor() {
    return actor;
  }

  /** The actor's permissions, parsed once per request (a search page asks for every entry). */
  private SmartScopes permissions;

  SmartScopes permissions() {
    if (permissions == null) permissions = actor.permissions();
    return permissions;
  }

  org.lafia.fhir.spi.PatientScope scope(java.util.function.Function<Actor, org.lafia.fhir.spi.PatientScope> compute) {
    if (scope == null) scope = compute.apply(actor);
    return scope;
  }

}
