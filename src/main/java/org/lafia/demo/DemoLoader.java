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
 * Puts the demo country into the store once the node serves requests: transactions (geography,
 * health workers, patients 250 at a time) posted to its own FHIR API as the system client
 * {@code lafia-demo}, so the data goes through the same checks, indexing and audit trail as any
 * client's, each with a fresh five-minute token signed by the built-in authorization server.
 * A complete load leaves its fingerprint on {@code Organization/tg}; a start that finds it posts
 * nothing. Otherwise everything is posted again, and unchanged resources make no new version, so
 * a second node loading at the same time changes nothing either.
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

  /** Whether the last load at start-up worked (the {@code demo} command's exit status). */
  private volatile boolean loaded;

  public boolean loaded() {
    return loaded;
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
      loaded = true;
    } catch (Exception e) {
      // The node serves anyway: the demo is a convenience, not a condition of running.
      log.error("Demo country not loaded: {}", e.getMessage(), e);
    }
  }

  /** Loads Togo into the FHIR API at {@code base} (this node's), with a token of this node's issuer. */
  void loadInto(String base) throws Exception {
    loadInto(base, props.patients());
  }

  /**
   * Loads the geography, the health workers and {@code patients} patients, unless the country
   * already carries the fingerprint of exactly this load (same data, generator, seed and size):
   * then a restart costs one read instead of comparing every resource again.
   */
  void loadInto(String base, int patients) throws Exception {
    String fingerprint = fingerprint(patients);
    if (loaded(base, token(), fingerprint)) {
      log.info("Demo country Togo already in place ({} patients).", patients);
      return;
    }
    DemoGeography geography = DemoGeography.of("TG");
    long t0 = System.nanoTime();
    post(base, geography.bundle(), "geography");
    DemoWorkers workers = new DemoWorkers(geography, DemoNames.togo(), DemoWorkers.DEFAULT_SEED);
    post(base, workers.bundle(), "health workers");
    DemoPatients people = new DemoPatients(geography, DemoNames.togo(), workers, DemoPatients.DEFAULT_SEED);
    int resources = 0;
    for (int from = 1; from <= patients; from += PATIENTS_PER_BUNDLE) {
      org.hl7.fhir.r4.model.Bundle b = people.bundle(from, Math.min(patients, from + PATIENTS_PER_BUNDLE - 1));
      resources += b.getEntry().size();
      post(base, b, "patients " + from + "+");
    }
    mark(base, token(), fingerprint);
    log.info("Demo country Togo in place: {} regions, {} prefectures, {} public health facilities, health workers {},"
        + " {} patients ({} resources of their records) in {} ms", geography.regions(), geography.districts(),
        geography.facilities(), workers.countByCadre(), patients, resources, (System.nanoTime() - t0) / 1_000_000);
  }

  /** Bumped whenever the generators change what they make, so that a new build reloads. */
  static final int GENERATOR_VERSION = 2;
  static final String LOAD_TAG = "http://lafia.health/fhir/CodeSystem/demo-load";
  private static final int PATIENTS_PER_BUNDLE = 250;

  static String fingerprint(int patients) throws Exception {
    java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
    for (String file : List.of("/demo/tg/geography.json", "/demo/tg/names.json")) {
      try (java.io.InputStream in = DemoLoader.class.getResourceAsStream(file)) {
        md.update(in.readAllBytes());
      }
    }
    md.update((GENERATOR_VERSION + "/" + DemoWorkers.DEFAULT_SEED + "/" + DemoPatients.DEFAULT_SEED + "/" + patients)
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return java.util.HexFormat.of().formatHex(md.digest(), 0, 12);
  }

  private boolean loaded(String base, String token, String fingerprint) throws Exception {
    HttpResponse<String> r = http(HttpRequest.newBuilder(URI.create(base + "/Organization/tg")).GET(), token);
    if (r.statusCode() != 200) return false;
    org.hl7.fhir.r4.model.Organization tg = ctx.newJsonParser().parseResource(org.hl7.fhir.r4.model.Organization.class, r.body());
    return tg.getMeta().getTag(LOAD_TAG, fingerprint) != null;
  }

  private void mark(String base, String token, String fingerprint) throws Exception {
    org.hl7.fhir.r4.model.Parameters p = new org.hl7.fhir.r4.model.Parameters();
    p.addParameter().setName("meta").setValue(new org.hl7.fhir.r4.model.Meta()
        .addTag(LOAD_TAG, fingerprint, "Demo country loaded (generator " + GENERATOR_VERSION + ")"));
    HttpResponse<String> r = http(HttpRequest.newBuilder(URI.create(base + "/Organization/tg/$meta-add"))
        .header("Content-Type", "application/fhir+json")
        .POST(HttpRequest.BodyPublishers.ofString(ctx.newJsonParser().encodeResourceToString(p))), token);
    if (r.statusCode() != 200) log.warn("Demo country loaded but not marked (HTTP {}): the next start compares it again.", r.statusCode());
  }

  private static HttpResponse<String> http(HttpRequest.Builder b, String token) throws Exception {
    return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build().send(
        b.timeout(Duration.ofMinutes(5)).header("Accept", "application/fhir+json").header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Posts one transaction to {@code base}, with a token of its own (a large load outlives any one
   * token); throws with the server's answer when it is refused.
   */
  private void post(String base, org.hl7.fhir.r4.model.Bundle bundle, String what) throws Exception {
    String token = token();
    String body = ctx.newJsonParser().encodeResourceToString(bundle);
    HttpResponse<String> r = http(HttpRequest.newBuilder(URI.create(base)).header("Content-Type", "application/fhir+json")
        .header("Prefer", "return=minimal").POST(HttpRequest.BodyPublishers.ofString(body)), token);
    if (r.statusCode() != 200) {
      throw new IllegalStateException("the store refused the demo " + what + " (HTTP " + r.statusCode() + "): "
          + r.body().substring(0, Math.min(600, r.body().length())));
    }
  }

  private String token() {
    JwtEncoder jwt = encoder.getObject();
    Instant now = Instant.now();
    JwtClaimsSet claims = JwtClaimsSet.builder().issuer(security.issuer()).audience(List.of(security.audience()))
        .issuedAt(now).expiresAt(now.plus(Duration.ofMinutes(5))).id(java.util.UUID.randomUUID().toString())
        .subject(CLIENT).claim("lafia_kind", "system").claim("client_id", CLIENT)
        .claim("scope", List.of("system/Organization.cru", "system/Location.cu", "system/Practitioner.cu", "system/PractitionerRole.cu",
            "system/Patient.cu", "system/Encounter.cu", "system/Condition.cu", "system/Observation.cu", "system/MedicationRequest.cu",
            "system/Immunization.cu")).build();
    return jwt.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(), claims)).getTokenValue();
  }
}
