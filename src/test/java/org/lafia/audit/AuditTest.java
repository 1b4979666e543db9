package org.lafia.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.lafia.LafiaTest;
import org.lafia.TestAuth;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;

/** The audit trail over real HTTP: what is recorded, what is not, and that tampering is found. */
@LafiaTest
class AuditTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @LocalServerPort int port;
  @Autowired ApplicationContext context;
  @Autowired DataSource dataSource;
  @Autowired AuditChain chain;
  @Autowired JwtEncoder encoder;

  private JdbcTemplate jdbc() {
    return new JdbcTemplate(dataSource);
  }

  private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .header("Authorization", "Bearer " + token);
    if (body != null) b.header("Content-Type", "application/fhir+json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private String full() {
    return TestAuth.fullAccess(context, port);
  }

  /** A person's token as the built-in server would issue it, for a role. */
  private String person(String login, String role) {
    JwtClaimsSet claims = JwtClaimsSet.builder().issuer("http://lafia.test").subject(login).audience(List.of("lafia"))
        .issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(300)).claim("lafia_kind", "user")
        .claim("roles", List.of(role)).build();
    return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(), claims)).getTokenValue();
  }

  private String createPatient() throws Exception {
    HttpResponse<String> r = send("POST", "/fhir/Patient", full(), "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Audité\"}]}");
    assertThat(r.statusCode()).isEqualTo(201);
    return JSON.readTree(r.body()).path("id").asText();
  }

  private List<Map<String, Object>> entriesFor(String entity) {
    return jdbc().queryForList("select subtype, action, outcome, agent, agent_kind, patients::text as patients, source_ip"
        + " from audit_event where entities @> array[?]::text[] order by seq", entity);
  }

  @Test
  void a_write_and_a_read_each_leave_an_entry_naming_who_what_whose_and_from_where() throws Exception {
    String patient = createPatient();
    HttpResponse<String> obs = send("POST", "/fhir/Observation", full(), "{\"resourceType\":\"Observation\",\"status\":\"final\","
        + "\"code\":{\"text\":\"poids\"},\"subject\":{\"reference\":\"Patient/" + patient + "\"}}");
    String obsId = JSON.readTree(obs.body()).path("id").asText();
    assertThat(send("GET", "/fhir/Observation/" + obsId, full(), null).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/fhir/Observation?subject=Patient/" + patient, full(), null).statusCode()).isEqualTo(200);

    List<Map<String, Object>> entries = entriesFor("Observation/" + obsId);
    assertThat(entries).extracting(e -> e.get("subtype")).containsExactly("create", "read", "search");
    assertThat(entries).allSatisfy(e -> {
      assertThat(e.get("agent")).isEqualTo("test-system-all");
      assertThat(e.get("agent_kind")).isEqualTo("S");
      assertThat((String) e.get("patients")).contains(patient);
      assertThat(((Number) e.get("outcome")).intValue()).isZero();
      assertThat((String) e.get("source_ip")).isNotBlank();
    });
    assertThat(entriesFor("Patient/" + patient)).extracting(e -> e.get("subtype")).containsExactly("create");
  }

  @Test
  void a_transaction_that_fails_leaves_no_entry_and_a_refused_request_is_recorded_as_refused() throws Exception {
    String id = "audit-" + UUID.randomUUID().toString().substring(0, 8);
    String tx = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
        + "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"" + id + "\"},\"request\":{\"method\":\"PUT\",\"url\":\"Patient/" + id + "\"}},"
        + "{\"resource\":{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
        + "\"subject\":{\"reference\":\"Patient/nobody-" + id + "\"}},\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}]}";
    assertThat(send("POST", "/fhir", full(), tx).statusCode()).isEqualTo(422);
    assertThat(entriesFor("Patient/" + id)).isEmpty();

    String reader = TestAuth.systemToken(context, port, "test-audit-reader", "system/Patient.rs");
    assertThat(send("DELETE", "/fhir/Patient/" + id, reader, null).statusCode()).isEqualTo(403);
    List<Map<String, Object>> refused = jdbc().queryForList("select outcome, query from audit_event where agent = 'test-audit-reader'"
        + " and subtype = 'refused' and query like ?", "%" + id);
    assertThat(refused).hasSize(1);
    assertThat(((Number) refused.get(0).get("outcome")).intValue()).isEqualTo(4);
  }

  @Test
  void sealed_entries_cannot_be_changed_or_deleted() throws Exception {
    createPatient();
    chain.sealAll();
    Long seq = jdbc().queryForObject("select max(seq) from audit_event where chain_pos is not null", Long.class);
    assertThat(seq).isNotNull();
    assertThatThrownBy(() -> jdbc().update("update audit_event set agent = 'someone else' where seq = ?", seq))
        .hasMessageContaining("append-only");
    assertThatThrownBy(() -> jdbc().update("delete from audit_event where seq = ?", seq)).hasMessageContaining("append-only");
  }

  @Test
  void verification_finds_the_first_altered_or_deleted_entry() throws Exception {
    for (int i = 0; i < 3; i++) createPatient();
    chain.sealAll();
    assertThat(chain.verify().intact()).isTrue();
    // Someone with the database owner's rights turns the trigger off and rewrites history.
    Map<String, Object> victim = jdbc().queryForMap("select seq, chain_pos, agent from audit_event where chain_pos is not null"
        + " order by chain_pos desc offset 1 limit 1");
    long seq = (Long) victim.get("seq");
    long pos = (Long) victim.get("chain_pos");
    JdbcTemplate j = jdbc();
    try {
      j.execute("alter table audit_event disable trigger audit_event_append_only");
      j.update("update audit_event set agent = 'nobody' where seq = ?", seq);
      AuditChain.Verification altered = chain.verify();
      assertThat(altered.intact()).isFalse();
      assertThat(altered.firstProblem().kind()).isEqualTo("altered");
      assertThat(altered.firstProblem().position()).isEqualTo(pos);
      j.update("update audit_event set agent = ? where seq = ?", victim.get("agent"), seq);
      assertThat(chain.verify().intact()).isTrue();

      String saved = "audit_saved_" + UUID.randomUUID().toString().replace("-", "");
      j.execute("create table " + saved + " as select * from audit_event where seq = " + seq);
      j.update("delete from audit_event where seq = ?", seq);
      AuditChain.Verification deleted = chain.verify();
      assertThat(deleted.firstProblem().kind()).isEqualTo("missing");
      assertThat(deleted.firstProblem().position()).isEqualTo(pos);
      j.execute("insert into audit_event overriding system value select * from " + saved);
      j.execute("drop table " + saved);
    } finally {
      j.execute("alter table audit_event enable trigger audit_event_append_only");
    }
    assertThat(chain.verify().intact()).isTrue();
  }

  @Test
  void auditors_search_the_trail_as_fhir_audit_events_by_patient_and_date() throws Exception {
    String patient = createPatient();
    send("GET", "/fhir/Patient/" + patient, full(), null);
    String auditor = person("auditeur-" + UUID.randomUUID().toString().substring(0, 6), "auditor");
    String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
    HttpResponse<String> r = send("GET", "/fhir/AuditEvent?patient=Patient/" + patient + "&date=ge" + today, auditor, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    org.hl7.fhir.r4.model.Bundle bundle = org.hl7.fhir.r4.model.Bundle.class.cast(
        ca.uhn.fhir.context.FhirContext.forR4Cached().newJsonParser().parseResource(r.body()));
    assertThat(bundle.getEntry()).extracting(e -> ((org.hl7.fhir.r4.model.AuditEvent) e.getResource()).getSubtypeFirstRep().getCode())
        .containsExactly("read", "create"); // newest first
    org.hl7.fhir.r4.model.AuditEvent read = (org.hl7.fhir.r4.model.AuditEvent) bundle.getEntry().get(0).getResource();
    assertThat(read.getAgentFirstRep().getWho().getIdentifier().getValue()).isEqualTo("test-system-all");
    assertThat(read.getAgentFirstRep().getNetwork().getAddress()).isNotBlank();
    assertThat(read.getEntity()).anySatisfy(e -> assertThat(e.getWhat().getReference()).isEqualTo("Patient/" + patient));
    assertThat(read.getAction()).isEqualTo(org.hl7.fhir.r4.model.AuditEvent.AuditEventAction.R);

    String id = read.getIdElement().getIdPart();
    assertThat(send("GET", "/fhir/AuditEvent/" + id, auditor, null).statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(send("GET", "/fhir/AuditEvent?patient=" + patient + "&date=lt2000-01-01", auditor, null).body())
        .path("entry")).isEmpty();
    assertThat(send("GET", "/fhir/AuditEvent?colour=blue", auditor, null).statusCode()).isEqualTo(400);
    assertThat(send("POST", "/fhir/AuditEvent", full(), "{\"resourceType\":\"AuditEvent\"}").statusCode()).isEqualTo(405);
    assertThat(send("GET", "/fhir/AuditEvent?patient=" + patient, person("dr-y", "clinician"), null).statusCode()).isEqualTo(403);
    // Paging: one per page, newest first, the next link carries on.
    JsonNode first = JSON.readTree(send("GET", "/fhir/AuditEvent?patient=" + patient + "&_count=1", auditor, null).body());
    assertThat(first.path("entry")).hasSize(1);
    String next = null;
    for (JsonNode l : first.path("link")) if (l.path("relation").asText().equals("next")) next = l.path("url").asText();
    assertThat(next).isNotNull();
    JsonNode second = JSON.readTree(send("GET", next.substring(next.indexOf("/fhir/")), auditor, null).body());
    // The auditor's own first search is in the trail too (it showed this patient's data): newest first.
    assertThat(List.of(first.path("entry").get(0).path("resource").path("subtype").get(0).path("code").asText(),
        second.path("entry").get(0).path("resource").path("subtype").get(0).path("code").asText())).containsExactly("search", "read");
  }

  @Test
  void an_auditor_gets_a_patients_access_report_and_a_verification_and_nobody_else_does() throws Exception {
    String patient = createPatient();
    send("GET", "/fhir/Patient/" + patient, full(), null);
    String auditor = person("auditeur-" + UUID.randomUUID().toString().substring(0, 6), "auditor");
    HttpResponse<String> r = send("GET", "/api/audit/patients/" + patient + "/accesses", auditor, null);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode report = JSON.readTree(r.body());
    assertThat(report.path("accesses")).extracting(a -> a.path("what").asText()).contains("create", "read");
    assertThat(report.path("accesses")).allSatisfy(a -> {
      assertThat(a.path("who").asText()).isNotBlank();
      assertThat(a.path("when").asText()).isNotBlank();
    });
    HttpResponse<String> verify = send("GET", "/api/audit/verify", auditor, null);
    assertThat(verify.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(verify.body()).has("intact")).isTrue();

    HttpResponse<String> clinician = send("GET", "/api/audit/patients/" + patient + "/accesses", person("dr-x", "clinician"), null);
    assertThat(clinician.statusCode()).isEqualTo(403);
    assertThat(clinician.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    assertThat(send("GET", "/api/audit/verify", "garbage", null).statusCode()).isEqualTo(401);
  }
}
