package org.lafia.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.lafia.LafiaTest;
import org.lafia.TestAuth;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;

/** Authentication and scope enforcement over real HTTP against the running server. */
@LafiaTest
class SecurityTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private static final String ISSUER = "http://lafia.test";

  @LocalServerPort int port;
  @Autowired ApplicationContext context;
  @Autowired JwtEncoder encoder;
  @Autowired SigningKeys keys;
  @Autowired Accounts accounts;
  @Autowired javax.sql.DataSource dataSource;

  private List<Integer> signInOutcomes(String login) {
    return new org.springframework.jdbc.core.JdbcTemplate(dataSource).queryForList(
        "select outcome::int from audit_event where subtype = 'login' and agent = ? order by seq", Integer.class, login);
  }

  private HttpResponse<String> send(String method, String path, String token, String contentType, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
    if (token != null) b.header("Authorization", "Bearer " + token);
    if (contentType != null) b.header("Content-Type", contentType);
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static void assertOutcome(HttpResponse<String> r, int status) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonNode oo = JSON.readTree(r.body());
    assertThat(oo.path("resourceType").asText()).isEqualTo("OperationOutcome");
    assertThat(oo.path("issue").get(0).path("diagnostics").asText()).isNotBlank();
  }

  private String mint(Instant expires, String issuer, List<String> audience) {
    JwtClaimsSet claims = JwtClaimsSet.builder().issuer(issuer).subject("forger").audience(audience)
        .issuedAt(Instant.now().minusSeconds(600)).expiresAt(expires).claim("scope", List.of("system/*.cruds")).build();
    return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(), claims)).getTokenValue();
  }

  @Test
  void nothing_but_health_sign_in_and_metadata_answers_without_a_token() throws Exception {
    assertThat(send("GET", "/health", null, null, null).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/fhir/metadata", null, null, null).statusCode()).isEqualTo(200);
    HttpResponse<String> login = send("GET", "/login", null, null, null);
    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(login.body()).contains("Se connecter").contains("Mot de passe");
    assertThat(send("GET", "/login?lang=en", null, null, null).body()).contains("Sign in").contains("Password");
    for (String[] call : new String[][] {{"GET", "/fhir/Patient"}, {"GET", "/fhir/Patient/x"}, {"GET", "/fhir/_history"},
        {"POST", "/fhir"}, {"POST", "/fhir/Patient"}, {"DELETE", "/fhir/Patient/x"}, {"GET", "/fhir/Patient/x/$everything"}}) {
      HttpResponse<String> r = send(call[0], call[1], null, call[0].equals("POST") ? "application/fhir+json" : null,
          call[0].equals("POST") ? "{\"resourceType\":\"Patient\"}" : null);
      assertOutcome(r, 401);
      assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    }
    assertThat(send("GET", "/anything-else", null, null, null).statusCode()).isIn(302, 401);
  }

  @Test
  void forged_expired_wrongly_signed_and_wrong_audience_tokens_are_refused() throws Exception {
    // The control: the server's own key, the right issuer, audience and lifetime.
    String good = mint(Instant.now().plusSeconds(300), ISSUER, List.of("lafia"));
    assertThat(send("GET", "/fhir/Patient?_count=1", good, null, null).statusCode()).isEqualTo(200);

    assertOutcome(send("GET", "/fhir/Patient", mint(Instant.now().minusSeconds(120), ISSUER, List.of("lafia")), null, null), 401);
    assertOutcome(send("GET", "/fhir/Patient", mint(Instant.now().plusSeconds(300), ISSUER, List.of("another-api")), null, null), 401);
    assertOutcome(send("GET", "/fhir/Patient", mint(Instant.now().plusSeconds(300), "http://evil.example", List.of("lafia")), null, null), 401);
    assertOutcome(send("GET", "/fhir/Patient", "not-a-token", null, null), 401);

    // Same claims, the current key's id, signed with another key.
    RSAKey other = TestAuth.newKey();
    SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keys.current().getKeyID()).build(),
        new JWTClaimsSet.Builder().issuer(ISSUER).subject("forger").audience("lafia").claim("scope", List.of("system/*.cruds"))
            .expirationTime(Date.from(Instant.now().plusSeconds(300))).build());
    forged.sign(new RSASSASigner(other));
    assertOutcome(send("GET", "/fhir/Patient", forged.serialize(), null, null), 401);

    // alg "none": the good token's claims with its signature removed.
    String[] parts = good.split("\\.");
    String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
        + "." + parts[1] + ".";
    assertOutcome(send("GET", "/fhir/Patient", none, null, null), 401);
  }

  @Test
  void a_system_client_is_held_to_its_scopes_in_every_path() throws Exception {
    String full = TestAuth.fullAccess(context, port);
    String family = "Scope-" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<String> created = send("POST", "/fhir/Patient", full, "application/fhir+json",
        "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family + "\"}]}");
    String pid = JSON.readTree(created.body()).path("id").asText();
    send("POST", "/fhir/Observation", full, "application/fhir+json",
        "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"t\"},\"subject\":{\"reference\":\"Patient/" + pid + "\"}}");

    String readPatients = TestAuth.systemToken(context, port, "test-patient-reader", "system/Patient.rs");
    assertThat(send("GET", "/fhir/Patient/" + pid, readPatients, null, null).statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(send("GET", "/fhir/Patient?family=" + family, readPatients, null, null).body()).path("entry")).hasSize(1);
    assertOutcome(send("POST", "/fhir/Patient", readPatients, "application/fhir+json", "{\"resourceType\":\"Patient\"}"), 403);
    assertOutcome(send("PUT", "/fhir/Patient/" + pid, readPatients, "application/fhir+json",
        "{\"resourceType\":\"Patient\",\"id\":\"" + pid + "\"}"), 403);
    assertOutcome(send("DELETE", "/fhir/Patient/" + pid, readPatients, null, null), 403);
    assertOutcome(send("GET", "/fhir/Observation?subject=Patient/" + pid, readPatients, null, null), 403);
    assertOutcome(send("GET", "/fhir/_history", readPatients, null, null), 403);

    // $everything and _revinclude leave out what the client may not read.
    JsonNode everything = JSON.readTree(send("GET", "/fhir/Patient/" + pid + "/$everything", readPatients, null, null).body());
    assertThat(everything.path("entry")).extracting(e -> e.path("resource").path("resourceType").asText()).containsOnly("Patient");
    JsonNode rev = JSON.readTree(send("GET", "/fhir/Patient?_id=" + pid + "&_revinclude=Observation:subject", readPatients, null, null).body());
    assertThat(rev.path("entry")).extracting(e -> e.path("resource").path("resourceType").asText()).containsOnly("Patient");
    JsonNode revFull = JSON.readTree(send("GET", "/fhir/Patient?_id=" + pid + "&_revinclude=Observation:subject", full, null, null).body());
    assertThat(revFull.path("entry")).hasSize(2);

    // A transaction with one forbidden entry is refused whole: nothing stored.
    String marker = "Tx-" + UUID.randomUUID().toString().substring(0, 8);
    String writer = TestAuth.systemToken(context, port, "test-patient-writer", "system/Patient.cruds");
    String tx = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
        + "{\"resource\":{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + marker + "\"}]},\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}},"
        + "{\"resource\":{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"}},\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}]}";
    assertOutcome(send("POST", "/fhir", writer, "application/fhir+json", tx), 403);
    assertThat(JSON.readTree(send("GET", "/fhir/Patient?family=" + marker, full, null, null).body()).path("entry")).isEmpty();
  }

  @Test
  void a_system_client_cannot_obtain_a_scope_it_was_not_registered_for_nor_sign_with_another_key() {
    TestAuth.register(context, "test-escalation", List.of("system/Patient.rs"));
    JsonNode escalated = TestAuth.requestToken(context, port, "test-escalation", TestAuth.testKey(), "system/Patient.cruds");
    assertThat(escalated.path("error").asText()).isEqualTo("invalid_scope");
    assertThat(escalated.has("access_token")).isFalse();
    JsonNode wrongKey = TestAuth.requestToken(context, port, "test-escalation", TestAuth.newKey(), "system/Patient.rs");
    assertThat(wrongKey.path("error").asText()).isEqualTo("invalid_client");
    JsonNode unknown = TestAuth.requestToken(context, port, "nobody-registered-" + UUID.randomUUID(), TestAuth.testKey(), "system/Patient.rs");
    assertThat(unknown.path("error").asText()).isEqualTo("invalid_client");
    JsonNode ok = TestAuth.requestToken(context, port, "test-escalation", TestAuth.testKey(), "system/Patient.rs");
    assertThat(ok.path("access_token").asText()).isNotBlank();
    assertThat(ok.path("expires_in").asLong()).isBetween(1L, 300L);
  }

  @Test
  void a_rotated_key_signs_new_tokens_and_earlier_tokens_stay_valid() throws Exception {
    TestAuth.register(context, "test-rotation", List.of("system/Patient.rs"));
    String before = TestAuth.requestToken(context, port, "test-rotation", TestAuth.testKey(), "system/Patient.rs").path("access_token").asText();
    String oldKid = SignedJWT.parse(before).getHeader().getKeyID();
    keys.rotate(true);
    String after = TestAuth.requestToken(context, port, "test-rotation", TestAuth.testKey(), "system/Patient.rs").path("access_token").asText();
    String newKid = SignedJWT.parse(after).getHeader().getKeyID();
    assertThat(newKid).isNotEqualTo(oldKid);
    assertThat(send("GET", "/fhir/Patient?_count=1", before, null, null).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/fhir/Patient?_count=1", after, null, null).statusCode()).isEqualTo(200);
    JsonNode jwks = JSON.readTree(send("GET", "/oauth2/jwks", null, null, null).body());
    assertThat(jwks.path("keys")).extracting(k -> k.path("kid").asText()).contains(oldKid, newKid);
    assertThat(jwks.path("keys")).allSatisfy(k -> assertThat(k.has("d")).as("no private part published").isFalse());
  }

  @Test
  void a_person_signs_in_with_the_authorization_code_flow_and_is_held_to_the_scopes_of_their_roles() throws Exception {
    String login = "auditrice-" + UUID.randomUUID().toString().substring(0, 8);
    accounts.save(login, "Afi Auditrice", "Un mot de passe long 2026", List.of("auditor"), List.of(), List.of("TG"));
    SignIn.Result r = new SignIn(port, ISSUER + "/console/callback").as(login, "Un mot de passe long 2026", null);
    assertThat(r.error()).isNull();
    String token = r.tokens().path("access_token").asText();
    assertThat(token).as(r.tokens().toString()).isNotBlank();
    assertThat(r.tokens().path("id_token").asText()).isNotBlank();
    JWTClaimsSet claims = SignedJWT.parse(token).getJWTClaimsSet();
    assertThat(claims.getSubject()).isEqualTo(login);
    assertThat(signInOutcomes(login)).containsExactly(0);
    assertThat(claims.getStringListClaim("roles")).containsExactly("auditor");
    assertThat(claims.getAudience()).contains("lafia");
    assertThat(send("GET", "/fhir/AuditEvent?_count=1", token, null, null).statusCode()).isEqualTo(200);
    assertOutcome(send("GET", "/fhir/Patient", token, null, null), 403);
    assertOutcome(send("POST", "/fhir/Consent", token, "application/fhir+json", "{\"resourceType\":\"Consent\"}"), 403);
  }

  @Test
  void repeated_wrong_passwords_lock_the_account_even_against_the_right_one() throws Exception {
    String login = "verrou-" + UUID.randomUUID().toString().substring(0, 8);
    accounts.save(login, "Kossi Amégan", "Le bon mot de passe 2026", List.of("clinician"), List.of("fac-1"), List.of());
    SignIn browser = new SignIn(port, ISSUER + "/console/callback");
    for (int i = 0; i < 5; i++) assertThat(browser.as(login, "mauvais " + i, null).error()).isEqualTo("bad");
    assertThat(browser.as(login, "Le bon mot de passe 2026", null).error()).isEqualTo("locked");
    assertThat(accounts.find(login).orElseThrow().locked(Instant.now())).isTrue();
    // Every attempt is in the audit trail as a refused sign-in.
    assertThat(signInOutcomes(login)).hasSize(6).containsOnly(4);
  }

  @Test
  void an_administrative_role_signs_in_only_with_its_second_factor() throws Exception {
    String login = "admin-" + UUID.randomUUID().toString().substring(0, 8);
    String password = "Administrer le pays 2026";
    accounts.save(login, "Ama Admin", password, List.of("national-admin"), List.of(), List.of("TG"));
    SignIn browser = new SignIn(port, ISSUER + "/console/callback");
    assertThat(browser.as(login, password, null).error()).isEqualTo("enrol");
    String secret = SecondFactor.newSecret();
    accounts.setTotpSecret(login, secret);
    assertThat(browser.as(login, password, null).error()).isEqualTo("code");
    String wrong = String.format("%06d", (Integer.parseInt(SecondFactor.codeAt(secret, Instant.now())) + 500_000) % 1_000_000);
    assertThat(browser.as(login, password, wrong).error()).isEqualTo("code");
    SignIn.Result ok = browser.as(login, password, SecondFactor.codeAt(secret, Instant.now()));
    assertThat(ok.error()).isNull();
    assertThat(ok.tokens().path("access_token").asText()).isNotBlank();
  }
}
