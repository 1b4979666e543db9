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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.lafia.LafiaTest;
import org.lafia.TestAuth;
import org.lafia.platform.DatabaseProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
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
@ExtendWith(OutputCaptureExtension.class)
class AuditTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @LocalServerPort int port;
  @Autowired ApplicationContext context;
  @Autowired DataSource dataSource;
  @Autowired AuditChain chain;
  @Autowired AuditTrail trail;
  @Autowired JwtEncoder encoder;
  @Autowired DatabaseProperties db;

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
    trail.flush(); // the entries of reads are written by this node's audit writer
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
    trail.flush();
    List<Map<String, Object>> refused = jdbc().queryForList("select outcome, query from audit_event where agent = 'test-audit-reader'"
        + " and subtype = 'refused' and query like ?", "%" + id);
    assertThat(refused).hasSize(1);
    assertThat(((Number) refused.get(0).get("outcome")).intValue()).isEqualTo(4);
  }

  @Test
  void entries_recorded_by_many_requests_at_once_are_all_written_in_batches() throws Exception {
    String marker = "burst-" + UUID.randomUUID();
    int threads = 8;
    int each = 400;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < each; i++) {
            trail.record(new org.lafia.fhir.spi.AuditSink.Access('R', "read", 0, List.of("p-" + thread), List.of("Patient/p-" + thread),
                marker, "entry " + i));
          }
        }));
      }
      for (var f : done) f.get();
    } finally {
      pool.shutdown();
    }
    trail.flush();
    assertThat(jdbc().queryForObject("select count(*) from audit_event where query = ?", Integer.class, marker)).isEqualTo(threads * each);
    // Batched: far fewer transactions than entries (one per entry if the writer wrote them one by one).
    assertThat(jdbc().queryForObject("select count(distinct txid) from audit_event where query = ?", Integer.class, marker))
        .isLessThan(threads * each);
    // Each thread's entries in the order it recorded them.
    List<String> details = jdbc().queryForList("select detail from audit_event where query = ? and patients = '{p-3}' order by seq",
        String.class, marker);
    assertThat(details).hasSize(each).first().isEqualTo("entry 0");
    assertThat(details).last().isEqualTo("entry " + (each - 1));
  }

  @Test
  void entries_of_one_request_after_another_are_gathered_into_shared_commits() throws Exception {
    // A single client's reads, a millisecond apart: the writer lets entries gather for a moment
    // rather than committing each one as it arrives.
    String marker = "one-by-one-" + UUID.randomUUID();
    int entries = 60;
    for (int i = 0; i < entries; i++) {
      trail.record(new org.lafia.fhir.spi.AuditSink.Access('R', "read", 0, List.of("p-1"), List.of("Patient/p-1"), marker, "entry " + i));
      Thread.sleep(1);
    }
    trail.flush();
    assertThat(jdbc().queryForList("select detail from audit_event where query = ? order by seq", String.class, marker))
        .hasSize(entries).first().isEqualTo("entry 0");
    assertThat(jdbc().queryForObject("select count(distinct txid) from audit_event where query = ?", Integer.class, marker))
        .isLessThan(entries / 2);
  }

  @Test
  void entries_the_database_has_no_room_for_wait_and_are_written_once_it_has() throws Exception {
    String marker = "disk-full-" + UUID.randomUUID();
    JdbcTemplate j = jdbc();
    // A full disk, as PostgreSQL reports it (SQLState 53100), for as long as the flag row exists.
    j.execute("create table audit_test_disk_full (flag int)");
    j.execute("insert into audit_test_disk_full values (1)");
    j.execute("create function audit_test_disk_full() returns trigger language plpgsql as $$ begin"
        + " if exists (select 1 from audit_test_disk_full) then"
        + " raise exception 'could not extend file: No space left on device' using errcode = 'disk_full'; end if;"
        + " return new; end $$");
    j.execute("create trigger audit_test_disk_full before insert on audit_event for each row execute function audit_test_disk_full()");
    try {
      for (int i = 0; i < 3; i++) {
        trail.record(new org.lafia.fhir.spi.AuditSink.Access('R', "read", 0, List.of("p-full"), List.of("Patient/p-full"),
            marker, "entry " + i));
      }
      Thread.sleep(1500); // the writer has tried, and been refused, at least once
      assertThat(j.queryForObject("select count(*) from audit_event where query = ?", Integer.class, marker)).isZero();
      j.execute("delete from audit_test_disk_full"); // room again
      trail.flush();
      assertThat(j.queryForList("select detail from audit_event where query = ? order by seq", String.class, marker))
          .containsExactly("entry 0", "entry 1", "entry 2");
    } finally {
      j.execute("drop trigger if exists audit_test_disk_full on audit_event");
      j.execute("drop function if exists audit_test_disk_full()");
      j.execute("drop table if exists audit_test_disk_full");
    }
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
  void verification_since_a_checkpoint_recomputes_what_came_after_it_and_trusts_its_signature_for_the_rest() throws Exception {
    createPatient();
    chain.sealAll();
    AuditChain.Checkpoint cp = chain.checkpointNow();
    for (int i = 0; i < 2; i++) createPatient();
    chain.sealAll();
    withChainLocked(() -> {
      long after = jdbc().queryForObject("select count(*) from audit_event where chain_pos > ?", Long.class, cp.position());
      AuditChain.Verification since = chain.verifySince(cp.id());
      assertThat(since.intact()).isTrue();
      assertThat(since.checked()).isEqualTo(after).isPositive();
      JdbcTemplate j = jdbc();
      try {
        j.execute("alter table audit_event disable trigger audit_event_append_only");
        // An entry the checkpoint covers, changed: the full verification finds it, the one since the checkpoint does not look.
        Map<String, Object> covered = j.queryForMap("select seq, agent from audit_event where chain_pos = ?", cp.position());
        j.update("update audit_event set agent = 'nobody' where seq = ?", covered.get("seq"));
        assertThat(chain.verify().firstProblem().kind()).isEqualTo("altered");
        assertThat(chain.verifySince(cp.id()).intact()).isTrue();
        j.update("update audit_event set agent = ? where seq = ?", covered.get("agent"), covered.get("seq"));
        // An entry after it, changed: found, at its position.
        long pos = cp.position() + 1;
        Map<String, Object> later = j.queryForMap("select seq, agent from audit_event where chain_pos = ?", pos);
        j.update("update audit_event set agent = 'nobody' where seq = ?", later.get("seq"));
        AuditChain.Verification altered = chain.verifySince(cp.id());
        assertThat(altered.firstProblem().kind()).isEqualTo("altered");
        assertThat(altered.firstProblem().position()).isEqualTo(pos);
        j.update("update audit_event set agent = ? where seq = ?", later.get("agent"), later.get("seq"));
      } finally {
        j.execute("alter table audit_event enable trigger audit_event_append_only");
      }
      // The chain rewritten up to the checkpoint's entry (hashes recomputed): that entry no longer carries the signed hash.
      long seqAtCp = jdbc().queryForObject("select seq from audit_event where chain_pos = ?", Long.class, cp.position());
      String agentAtCp = jdbc().queryForObject("select agent from audit_event where chain_pos = ?", String.class, cp.position());
      rewrite(seqAtCp, "nobody", cp.position());
      try {
        AuditChain.Verification rewritten = chain.verifySince(cp.id());
        assertThat(rewritten.firstProblem().kind()).isEqualTo("rewritten");
        assertThat(rewritten.firstProblem().position()).isEqualTo(cp.position());
      } finally {
        rewrite(seqAtCp, agentAtCp, cp.position());
      }
      assertThat(chain.verify().intact()).isTrue();
    });
    assertThatThrownBy(() -> chain.verifySince(Long.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
    String auditor = person("auditeur-since", "auditor");
    JsonNode latest = JSON.readTree(send("GET", "/api/audit/verify?since=latest", auditor, null).body());
    assertThat(latest.path("intact").asBoolean()).isTrue();
    assertThat(latest.path("since").asText()).isEqualTo("latest");
    assertThat(send("GET", "/api/audit/verify?since=yesterday", auditor, null).statusCode()).isEqualTo(400);
    assertThat(send("GET", "/api/audit/verify?since=999999999", auditor, null).statusCode()).isEqualTo(404);
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

  @Test
  void the_chain_head_is_signed_with_a_key_kept_outside_the_database_logged_and_verified(CapturedOutput output) throws Exception {
    createPatient();
    chain.sealAll();
    AuditChain.Checkpoint cp = chain.checkpointNow();
    assertThat(cp).isNotNull();
    Map<String, Object> entry = jdbc().queryForMap("select seq, hash from audit_event where chain_pos = ?", cp.position());
    assertThat(cp.seq()).isEqualTo(entry.get("seq"));
    assertThat(cp.hash()).isEqualTo(entry.get("hash"));
    // The witness line, for log collectors outside the database's reach.
    assertThat(output.getOut()).contains("audit checkpoint seq=" + cp.seq() + " hash=" + HexFormat.of().formatHex(cp.hash())
        + " sig=" + Base64.getEncoder().encodeToString(cp.signature()) + " position=" + cp.position() + " id=" + cp.id());
    // The key was generated into the data directory, readable by its owner only; its public key
    // beside it is all an operator needs to check a checkpoint (and its id is its fingerprint).
    Path keyFile = Path.of(db.dataDir(), "audit", "checkpoint-key.pem");
    assertThat(Files.getPosixFilePermissions(keyFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    PublicKey pub = CheckpointKey.readPublic(keyFile.resolveSibling("checkpoint-key.pub.pem"));
    assertThat(cp.keyId()).isEqualTo(HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(pub.getEncoded())));
    Signature ed = Signature.getInstance("Ed25519");
    ed.initVerify(pub);
    ed.update(cp.message());
    assertThat(ed.verify(cp.signature())).isTrue();

    AuditChain.Verification v = chain.verify();
    assertThat(v.intact()).isTrue();
    assertThat(v.checkpoints()).isPositive();
    assertThat(v.lastCheckpoint().id()).isGreaterThanOrEqualTo(cp.id());
    JsonNode api = JSON.readTree(send("GET", "/api/audit/verify", person("auditeur-cp", "auditor"), null).body());
    assertThat(api.path("intact").asBoolean()).isTrue();
    assertThat(api.path("checkpoints").asLong()).isGreaterThanOrEqualTo(v.checkpoints());
    assertThat(api.path("lastCheckpoint").path("id").asLong()).isGreaterThanOrEqualTo(cp.id());
    if (api.path("lastCheckpoint").path("id").asLong() == cp.id()) {
      assertThat(api.path("lastCheckpoint").path("hash").asText()).isEqualTo(HexFormat.of().formatHex(cp.hash()));
      assertThat(api.path("lastCheckpoint").path("signature").asText()).isEqualTo(Base64.getEncoder().encodeToString(cp.signature()));
    }
  }

  @Test
  void a_chain_rewritten_and_recomputed_after_an_entry_no_longer_matches_the_checkpoint_signed_before() throws Exception {
    createPatient();
    chain.sealAll();
    AuditChain.Checkpoint before = chain.checkpointNow();
    for (int i = 0; i < 3; i++) createPatient();
    chain.sealAll();
    AuditChain.Checkpoint after = chain.checkpointNow();
    assertThat(after.position()).isGreaterThan(before.position());
    long pos = before.position() + 1; // the first entry no checkpoint covered yet, until `after`
    Map<String, Object> victim = jdbc().queryForMap("select seq, agent from audit_event where chain_pos = ?", pos);
    long seq = (Long) victim.get("seq");
    withChainLocked(() -> {
      rewrite(seq, "nobody", pos);
      try {
        AuditChain.Verification v = chain.verify();
        assertThat(v.intact()).isFalse();
        assertThat(v.checked()).as("every hash matches: only the checkpoint tells").isGreaterThanOrEqualTo(after.position());
        assertThat(v.firstProblem().kind()).isEqualTo("rewritten");
        assertThat(v.firstProblem().checkpoint()).isEqualTo(after.id());
        assertThat(v.firstProblem().position()).isEqualTo(pos);
        assertThat(v.firstProblem().seq()).isEqualTo(seq);
        assertThat(v.lastCheckpoint().id()).isEqualTo(before.id());
        JsonNode api = JSON.readTree(send("GET", "/api/audit/verify", person("auditeur-rw", "auditor"), null).body());
        assertThat(api.path("intact").asBoolean()).isFalse();
        assertThat(api.path("firstProblem").path("kind").asText()).isEqualTo("rewritten");
        assertThat(api.path("firstProblem").path("checkpoint").asLong()).isEqualTo(after.id());
        assertThat(api.path("firstProblem").path("seq").asLong()).isEqualTo(seq);
        assertThat(api.path("lastCheckpoint").path("id").asLong()).isEqualTo(before.id());
      } finally {
        rewrite(seq, (String) victim.get("agent"), pos); // the original content gives back the original hashes
      }
    });
    assertThat(chain.verify().intact()).isTrue();
  }

  @Test
  void a_forged_checkpoint_or_one_signed_by_an_unknown_key_is_found() throws Exception {
    createPatient();
    chain.sealAll();
    AuditChain.Checkpoint genuine = chain.checkpointNow();
    assertThat(genuine).isNotNull();
    createPatient();
    chain.sealAll();
    withChainLocked(() -> {
      Map<String, Object> head = jdbc().queryForMap("select chain_pos, seq, hash from audit_event where chain_pos is not null"
          + " order by chain_pos desc limit 1");
      long id = jdbc().queryForObject("select max(id) from audit_checkpoint", Long.class) + 1;
      KeyPair attacker = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      AuditChain.Checkpoint claim = new AuditChain.Checkpoint(id, (Long) head.get("chain_pos"), (Long) head.get("seq"),
          (byte[]) head.get("hash"), Instant.now().truncatedTo(ChronoUnit.MICROS), genuine.keyId(), null);
      // Signed with another key while naming this node's: a forgery.
      insertCheckpoint(claim, sign(attacker, claim));
      try {
        AuditChain.Verification v = chain.verify();
        assertThat(v.firstProblem().kind()).isEqualTo("checkpoint-forged");
        assertThat(v.firstProblem().checkpoint()).isEqualTo(id);
        assertThat(v.lastCheckpoint().id()).isEqualTo(id - 1);
        assertThat(JSON.readTree(send("GET", "/api/audit/verify", person("auditeur-fg", "auditor"), null).body())
            .path("firstProblem").path("kind").asText()).isEqualTo("checkpoint-forged");
      } finally {
        deleteCheckpoint(id);
      }
      // Signed properly, by a key this node was never given.
      AuditChain.Checkpoint own = new AuditChain.Checkpoint(id, claim.position(), claim.seq(), claim.hash(), claim.signedAt(),
          CheckpointKey.id(attacker.getPublic()), null);
      insertCheckpoint(own, sign(attacker, own));
      try {
        AuditChain.Verification v = chain.verify();
        assertThat(v.firstProblem().kind()).isEqualTo("checkpoint-unknown-key");
        assertThat(v.firstProblem().checkpoint()).isEqualTo(id);
      } finally {
        deleteCheckpoint(id);
      }
    });
    assertThat(chain.verify().intact()).isTrue();
  }

  @Test
  void deleting_the_newest_entries_is_found_by_the_checkpoint_that_covers_them() throws Exception {
    for (int i = 0; i < 2; i++) createPatient();
    chain.sealAll();
    AuditChain.Checkpoint cp = chain.checkpointNow();
    withChainLocked(() -> {
      String saved = "audit_saved_" + UUID.randomUUID().toString().replace("-", "");
      JdbcTemplate j = jdbc();
      j.execute("create table " + saved + " as select * from audit_event where chain_pos >= " + (cp.position() - 1));
      try {
        j.execute("alter table audit_event disable trigger audit_event_append_only");
        j.update("delete from audit_event where chain_pos >= ?", cp.position() - 1);
        AuditChain.Verification v = chain.verify();
        assertThat(v.firstProblem().kind()).isEqualTo("missing");
        assertThat(v.firstProblem().position()).isEqualTo(cp.position() - 1);
        assertThat(v.firstProblem().checkpoint()).isEqualTo(cp.id());
      } finally {
        j.execute("insert into audit_event overriding system value select * from " + saved);
        j.execute("alter table audit_event enable trigger audit_event_append_only");
        j.execute("drop table " + saved);
      }
    });
    assertThat(chain.verify().intact()).isTrue();
  }

  interface ChainWork {
    void run() throws Exception;
  }

  /** With the sealing lock held: neither the sealer nor a checkpoint runs meanwhile, as when the attacker stops the nodes. */
  private void withChainLocked(ChainWork work) throws Exception {
    try (Connection c = dataSource.getConnection(); PreparedStatement lock = c.prepareStatement("select pg_advisory_lock(?)");
        PreparedStatement unlock = c.prepareStatement("select pg_advisory_unlock(?)")) {
      lock.setLong(1, AuditChain.LOCK);
      lock.execute();
      try {
        work.run();
      } finally {
        unlock.setLong(1, AuditChain.LOCK);
        unlock.execute();
      }
    }
  }

  /** What the database's owner can do: change an entry, then recompute every hash from it on, in one transaction. */
  private void rewrite(long seq, String agent, long fromPos) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (var st = c.createStatement()) {
        st.execute("alter table audit_event disable trigger audit_event_append_only");
        st.executeUpdate("update audit_event set agent = '" + agent.replace("'", "''") + "' where seq = " + seq);
      }
      byte[] previous = AuditChain.GENESIS;
      try (PreparedStatement ps = c.prepareStatement("select hash from audit_event where chain_pos = ?")) {
        ps.setLong(1, fromPos - 1);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) previous = rs.getBytes(1);
        }
      }
      try (PreparedStatement select = c.prepareStatement("select " + AuditChain.COLUMNS + " from audit_event where chain_pos >= ?"
              + " order by chain_pos");
          PreparedStatement update = c.prepareStatement("update audit_event set prev_hash = ?, hash = ? where seq = ?")) {
        select.setLong(1, fromPos);
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            byte[] hash = AuditChain.hash(previous, AuditChain.canonical(rs));
            update.setBytes(1, previous);
            update.setBytes(2, hash);
            update.setLong(3, rs.getLong(1));
            update.executeUpdate();
            previous = hash;
          }
        }
      }
      try (var st = c.createStatement()) {
        st.execute("alter table audit_event enable trigger audit_event_append_only");
      }
      c.commit();
    }
  }

  private static byte[] sign(KeyPair key, AuditChain.Checkpoint cp) throws Exception {
    Signature s = Signature.getInstance("Ed25519");
    s.initSign(key.getPrivate());
    s.update(cp.message());
    return s.sign();
  }

  private void insertCheckpoint(AuditChain.Checkpoint cp, byte[] signature) {
    jdbc().update("insert into audit_checkpoint (id, chain_pos, seq, hash, signed_at, key_id, signature) values (?, ?, ?, ?, ?, ?, ?)",
        cp.id(), cp.position(), cp.seq(), cp.hash(), cp.signedAt().atOffset(ZoneOffset.UTC), cp.keyId(), signature);
  }

  private void deleteCheckpoint(long id) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (var st = c.createStatement()) {
        st.execute("alter table audit_checkpoint disable trigger audit_checkpoint_append_only");
        st.executeUpdate("delete from audit_checkpoint where id = " + id);
        st.execute("alter table audit_checkpoint enable trigger audit_checkpoint_append_only");
      }
      c.commit();
    }
  }
}
