package org.lafia.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/** Refusals on {@code /api/**} as {@code application/problem+json} (RFC 9457), with the Bearer challenge. */
final class ApiAuthErrors {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ApiAuthErrors() {}

  static AuthenticationEntryPoint unauthenticated() {
    BearerTokenAuthenticationEntryPoint challenge = new BearerTokenAuthenticationEntryPoint();
    return (request, response, e) -> {
      challenge.commence(request, response, e);
      write(response, 401, "Authentication required / Authentification requise",
          "Send a valid access token (Authorization: Bearer ...). / Envoyez un jeton d'accès valide.");
    };
  }

  static AccessDeniedHandler forbidden() {
    BearerTokenAccessDeniedHandler challenge = new BearerTokenAccessDeniedHandler();
    return (request, response, e) -> {
      challenge.handle(request, response, e);
      write(response, 403, "Forbidden / Accès refusé",
          "Your role does not give access to this API. / Votre rôle ne donne pas accès à cette API.");
    };
  }

  private static void write(HttpServletResponse response, int status, String title, String detail) throws IOException {
    ObjectNode p = JSON.createObjectNode().put("type", "about:blank").put("title", title).put("status", status).put("detail", detail);
    response.setStatus(status);
    response.setContentType("application/problem+json;charset=UTF-8");
    response.getOutputStream().write(JSON.writeValueAsBytes(p));
  }
}
