package org.lafia.audit;

import java.util.List;
import org.lafia.fhir.spi.AuditSink.Access;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.authentication.event.LogoutSuccessEvent;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/**
 * Sign-ins, failed sign-ins, sign-outs, tokens issued and tokens refused, from Spring Security's
 * authentication events. (A request authenticated by a valid bearer token is not an entry of its
 * own: what it reads or writes is.)
 */
final class SignInEvents {
  private final AuditTrail trail;

  SignInEvents(AuditTrail trail) {
    this.trail = trail;
  }

  @EventListener
  void succeeded(AuthenticationSuccessEvent e) {
    Authentication a = e.getAuthentication();
    if (a instanceof UsernamePasswordAuthenticationToken) {
      trail.record(new Access('E', "login", 0, List.of(), List.of(), null, "signed in"), person(a.getName()), null);
    } else if (a instanceof OAuth2AccessTokenAuthenticationToken t) {
      String client = t.getRegisteredClient().getClientId();
      String who = t.getPrincipal() instanceof Authentication p && p.getName() != null ? p.getName() : client;
      trail.record(new Access('E', "token", 0, List.of(), List.of(), null,
          "access token issued to " + client + " (scopes " + t.getAccessToken().getScopes() + ")"),
          new AuditTrail.Agent(who, who.equals(client) ? 'S' : 'U', List.of()), null);
    }
  }

  @EventListener
  void failed(AbstractAuthenticationFailureEvent e) {
    Authentication a = e.getAuthentication();
    if (a instanceof UsernamePasswordAuthenticationToken) {
      trail.record(new Access('E', "login", 4, List.of(), List.of(), null, "sign-in refused: " + e.getException().getMessage()),
          person(String.valueOf(a.getPrincipal())), null);
    } else if (a instanceof BearerTokenAuthenticationToken) {
      trail.record(new Access('E', "token-refused", 4, List.of(), List.of(), null, e.getException().getMessage()),
          new AuditTrail.Agent("unknown", 'A', List.of()), null);
    }
  }

  @EventListener
  void glassBroken(org.lafia.security.GlassBroken e) {
    trail.record(new Access('E', "break-the-glass", 0, List.of(e.patientId()), List.of("Patient/" + e.patientId()), null,
        "emergency access until " + e.until()), new AuditTrail.Agent(e.login(), 'U', e.roles()), "break-the-glass: " + e.reason());
  }

  @EventListener
  void loggedOut(LogoutSuccessEvent e) {
    trail.record(new Access('E', "logout", 0, List.of(), List.of(), null, "signed out"), person(e.getAuthentication().getName()), null);
  }

  private static AuditTrail.Agent person(String name) {
    return new AuditTrail.Agent(name, 'U', List.of());
  }
}
