package org.lafia.demo;

import ca.uhn.fhir.context.FhirContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.lafia.security.SecurityProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;

/**
 * Puts the demo country into the store once the node serves requests: one transaction posted to
 * its own FHIR API as the system client {@code lafia-demo} (so the data goes through the same
 * checks, indexing and audit trail as any client's), with a five-minute token signed by the
 * built-in authorization server. Every start posts it again; unchanged resources make no new
 * version, so a second start, or a second node, changes nothing.
 */
public final class DemoLoader {
  private static final Logger log = LoggerFactory.getLogger(DemoLoader.class);
  static final String CLIENT = "lafia-demo";

  private final DemoProperties props;
  private final SecurityProperties security;
  private final ObjectProvider<JwtEncoder> encoder;
  private final FhirContext ctx;

  DemoLoader(DemoProperties props, SecurityProperties security, ObjectProvider<JwtEncoder> encoder, FhirContext ctx) {
    this.props = props;
    this.security = security;
    this.encoder = encoder;
    this.ctx = ctx;
  }

  @EventListener
  public void onReady(ApplicationReadyEvent ready) {
    if (!props.enabled()) return;
    if (!(ready.getApplicationContext() instanceof WebServerApplicationContext web)) return;
    JwtEncoder jwt = encoder.getIfAvailable();
    if (jwt == null) {
      log.warn("Demo country not loaded: it is loaded with a token of the built-in authorization server, and this node uses an external issuer.");
      return;
    }
    Environment env = ready.getApplicationContext().getEnvironment();
    String host = env.getProperty("server.address", "127.0.0.1");
    if (host.isBlank() || host.equals("0.0.0.0") || host.equals("::")) host = "127.0.0.1";
    String base = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + web.getWebServer().getPort()
        + env.getProperty("server.servlet.context-path", "") + "/fhir";
    try {
      loadInto(base);
    } catch (Exception e) {
      // The node serves anyway: the demo is a convenience, not a condition of running.
      log.error("Demo country not loaded: {}", e.getMessage(), e);
    }
  }

  /** Loads Togo into the FHIR API at {@code base} (this node's), with a token of this node's issuer. */
  void loadInto(String base) throws Exception {
    String token = token(encoder.getObject());
    DemoGeography geography = DemoGeography.of("TG");
    long t0 = System.nanoTime();
    post(base, token, geography.bundle(), "geography");
    DemoWorkers workers = new DemoWorkers(geography, DemoNames.togo(), DemoWorkers.DEFAULT_SEED);
    post(base, token, workers.bundle(), "health workers");
    log.info("Demo country Togo in place: {} regions, {} prefectures, {} public health facilities, health workers {} ({} ms)",
        geography.regions(), geography.districts(), geography.facilities(), workers.countByCadre(), (System.nanoTime() - t0) / 1_000_000);
  }

  /** Posts one transaction to {@code base}; throws with the server's answer when it is refused. */
  private void post(String base, String token, org.hl7.fhir.r4.model.Bundle bundle, String what) throws Exception {
    String body = ctx.newJsonParser().encodeResourceToString(bundle);
    HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build().send(
        HttpRequest.newBuilder(URI.create(base)).timeout(Duration.ofMinutes(5))
            .header("Content-Type", "application/fhir+json").header("Accept", "application/fhir+json")
            .header("Prefer", "return=minimal").header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("the store refused the demo " + what + " (HTTP " + r.statusCode() + "): "
          + r.body().substring(0, Math.min(600, r.body().length())));
    }
  }

  private String token(JwtEncoder jwt) {
    Instant now = Instant.now();
    JwtClaimsSet claims = JwtClaimsSet.builder().issuer(security.issuer()).audience(List.of(security.audience()))
        .issuedAt(now).expiresAt(now.plus(Duration.ofMinutes(5))).id(java.util.UUID.randomUUID().toString())
        .subject(CLIENT).claim("lafia_kind", "system").claim("client_id", CLIENT)
        .claim("scope", List.of("system/Organization.cu", "system/Location.cu", "system/Practitioner.cu", "system/PractitionerRole.cu")).build();
    return jwt.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(), claims)).getTokenValue();
  }
}
