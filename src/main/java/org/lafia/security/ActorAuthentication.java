package org.lafia.security;

import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/** A verified bearer token and the actor it names, built once per request. */
final class ActorAuthentication extends JwtAuthenticationToken {
  private final Actor actor;

  ActorAuthentication(Jwt jwt, Actor actor) {
    super(jwt, actor.roles().stream().map(r -> new SimpleGrantedAuthority("ROLE_" + r)).toList(), actor.subject());
    this.actor = actor;
  }

  Actor actor() {
    return actor;
  }

}
