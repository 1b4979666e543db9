package org.lafia.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;

/**
 * Requests to the test server as a given person (a token signed by the server's own key, with the
 * roles, facilities and territories a test needs): the access-matrix tests' one way to call it.
 */
public final class AsPerson {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final int port;
  private final JwtEncoder encoder;

  public AsPerson(int port, JwtEncoder encoder) {
    this.port = port;
    this.encoder = encoder;
  }

  /** A token for {@code login} with one role, attached to these facilities and territories. */
  public String token(String login, String role, List<String> facilities, List<String> territories) {
    JwtClaimsSet claims = JwtClaimsSet.builder().issuer("http://lafia.test").subject(login).audience(List.of("lafia"))
        .issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(600)).claim("lafia_kind", "user")
        .claim("roles", List.of(role)).claim("facilities", facilities).claim("territories", territories).build();
    return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(), claims)).getTokenValue();
  }

  public HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path.replace("|", "%7C")))
        .header("Authorization", "Bearer " + token);
    if (body != null) b.header("Content-Type", path.startsWith("/api") ? "application/json" : "application/fhir+json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /** The response's JSON, after asserting a 200 or 201. */
  public JsonNode ok(String method, String path, String token, String body) throws Exception {
    HttpResponse<String> r = send(method, path, token, body);
    assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isBetween(200, 201);
    return JSON.readTree(r.body());
  }

  /** The ids of a bundle's resources of one type, in order. */
  public static List<String> ids(JsonNode bundle, String type) {
    List<String> out = new ArrayList<>();
    for (JsonNode e : bundle.path("entry")) {
      if (e.path("resource").path("resourceType").asText().equals(type)) out.add(e.path("resource").path("id").asText());
    }
    return out;
  }
}
