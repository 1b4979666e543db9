package org.lafia.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * Refusals on {@code /fhir} in the API's own language: an OperationOutcome (401 with the
 * {@code WWW-Authenticate: Bearer} challenge RFC 6750 prescribes, or 403), never a login page.
 */
final class FhirAuthErrors {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FhirAuthErrors() {}

  static AuthenticationEntryPoint unauthenticated() {
    BearerTokenAuthenticationEntryPoint challenge = new BearerTokenAuthenticationEntryPoint();
    return (request, response, e) -> {
      challenge.commence(request, response, e);
      boolean hadToken = request.getHeader("Authorization") != null;
      write(response, 401, "login", hadToken
          ? "The access token was refused (" + e.getMessage() + "): it is invalid, expired, or not meant for this server."
              + " / Jeton d'accès refusé : invalide, expiré ou destiné à un autre serveur."
          : "Authentication required: send an access token (Authorization: Bearer ...). / Authentification requise :"
              + " envoyez un jeton d'accès.");
    };
  }

  static AccessDeniedHandler forbidden() {
    BearerTokenAccessDeniedHandler challenge = new BearerTokenAccessDeniedHandler();
    return (request, response, e) -> {
      challenge.handle(request, response, e);
      write(response, 403, "forbidden", "Your access does not allow this request. / Vos droits ne permettent pas cette requête.");
    };
  }

  private static void write(HttpServletResponse response, int status, String code, String message) throws IOException {
    ObjectNode oo = JSON.createObjectNode().put("resourceType", "OperationOutcome");
    oo.putArray("issue").addObject().put("severity", "error").put("code", code).put("diagnostics", message);
    response.setStatus(status);
    response.setContentType("application/fhir+json;charset=UTF-8");
    response.getOutputStream().write(JSON.writeValueAsBytes(oo));
  }
}
