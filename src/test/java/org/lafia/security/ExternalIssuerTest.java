package org.lafia.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lafia.LafiaApplication;
import org.lafia.TestAuth;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;

/**
 * Lafia with an external OpenID Connect issuer. The issuer here is a second Lafia's built-in
 * server: a real OIDC provider (discovery document, JWKS, token endpoint) that starts in seconds
 * from this build, where Keycloak's distribution would add minutes and a large download to every
 * CI run. The Lafia under test discovers the issuer, verifies its tokens with its published keys,
 * and reads roles from a configured claim path, as it would with a Keycloak realm.
 */
class ExternalIssuerTest {

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static ConfigurableApplicationContext start(String... props) {
    LafiaApplication.useUtc();
    return new SpringApplicationBuilder(LafiaApplication.class).run(props);
  }

  private static int status(int port, String path, String token) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void lafia_accepts_the_tokens_of_an_external_issuer_and_reads_roles_from_its_claims() throws Exception {
    int issuerPort = freePort();
    String issuer = "http://localhost:" + issuerPort;
    try (ConfigurableApplicationContext idp = start("--server.port=" + issuerPort, "--lafia.security.issuer=" + issuer,
            "--lafia.db.data-dir=" + Files.createTempDirectory("lafia-idp"), "--lafia.db.embedded-durable=false");
        ConfigurableApplicationContext lafia = start("--server.port=0", "--lafia.security.external-issuer-uri=" + issuer,
            "--lafia.security.claims.roles=realm_access.roles",
            "--lafia.db.data-dir=" + Files.createTempDirectory("lafia-rp"), "--lafia.db.embedded-durable=false")) {
      int port = Integer.parseInt(lafia.getEnvironment().getProperty("local.server.port"));
      // No authorization server of its own.
      assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/oauth2/jwks"))
          .GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isIn(401, 404);

      // A system client of the issuer, through SMART Backend Services there.
      String system = TestAuth.fullAccess(idp, issuerPort);
      assertThat(status(port, "/fhir/Patient?_count=1", system)).isEqualTo(200);

      // A person whose roles sit where Keycloak puts realm roles.
      JwtEncoder idpKeys = idp.getBean(JwtEncoder.class);
      String auditor = idpKeys.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(),
          JwtClaimsSet.builder().issuer(issuer).subject("kc-auditor").audience(List.of("lafia")).issuedAt(Instant.now())
              .expiresAt(Instant.now().plusSeconds(300)).claim("realm_access", java.util.Map.of("roles", List.of("auditor"))).build()))
          .getTokenValue();
      assertThat(status(port, "/fhir/AuditEvent?_count=1", auditor)).isEqualTo(200);
      assertThat(status(port, "/fhir/Patient", auditor)).isEqualTo(403);

      // Tokens of the wrong issuer or audience are refused.
      String otherAudience = idpKeys.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(),
          JwtClaimsSet.builder().issuer(issuer).subject("x").audience(List.of("some-other-api")).issuedAt(Instant.now())
              .expiresAt(Instant.now().plusSeconds(300)).claim("scope", List.of("system/*.cruds")).build())).getTokenValue();
      assertThat(status(port, "/fhir/Patient", otherAudience)).isEqualTo(401);
      String selfMade = lafia.getBeanProvider(JwtEncoder.class).getIfAvailable() == null ? "none" : "unexpected";
      assertThat(selfMade).as("the relying Lafia has no signing keys of its own").isEqualTo("none");
    }
  }
}
