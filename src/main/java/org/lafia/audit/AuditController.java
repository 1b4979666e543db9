package org.lafia.audit;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.lafia.fhir.spi.AuditSink.Access;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * For auditors ({@code /api/audit}, role {@code auditor}): verification of the chain, and a
 * patient's access report (who accessed this record, when, how and why). Both are audited too.
 */
@RestController
@RequestMapping(value = "/api/audit", produces = "application/json")
class AuditController {
  private final AuditChain chain;
  private final AuditTrail trail;
  private final JdbcTemplate jdbc;

  AuditController(AuditChain chain, AuditTrail trail, DataSource dataSource) {
    this.chain = chain;
    this.trail = trail;
    this.jdbc = new JdbcTemplate(dataSource);
  }

  /**
   * The whole chain, or with {@code since=latest} (or a checkpoint's id) what came after that
   * signed checkpoint only: the check to run often on a long trail, the whole one less often.
   */
  @GetMapping("/verify")
  org.springframework.http.ResponseEntity<?> verify(@org.springframework.web.bind.annotation.RequestParam(required = false) String since)
      throws SQLException {
    Long from = null;
    if (since != null) {
      if (since.equals("latest")) from = 0L;
      else if (since.matches("[1-9][0-9]{0,17}")) from = Long.parseLong(since);
      else return problem(400, "since takes 'latest' or a checkpoint's id, not '" + since + "'. / since prend 'latest' ou le"
          + " numéro d'un point de contrôle.");
    }
    trail.flush();
    AuditChain.Verification v;
    try {
      v = from == null ? chain.verify() : chain.verifySince(from);
    } catch (IllegalArgumentException e) {
      return problem(404, e.getMessage() + " / Point de contrôle introuvable.");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("intact", v.intact());
    if (from != null) out.put("since", from == 0 ? "latest" : from); // entries before that checkpoint were not recomputed
    out.put("checked", v.checked());
    out.put("unsealed", v.unsealed());
    out.put("checkpoints", v.checkpoints());
    AuditChain.Checkpoint last = v.lastCheckpoint();
    if (last != null) { // to compare with the witness line ("audit checkpoint …") kept away from the database
      Map<String, Object> cp = new LinkedHashMap<>();
      cp.put("id", last.id());
      cp.put("position", last.position());
      cp.put("seq", last.seq());
      cp.put("hash", HexFormat.of().formatHex(last.hash()));
      cp.put("signedAt", last.signedAt().toString());
      cp.put("key", last.keyId());
      cp.put("signature", Base64.getEncoder().encodeToString(last.signature()));
      out.put("lastCheckpoint", cp);
    }
    if (!v.intact()) {
      AuditChain.Problem p = v.firstProblem();
      Map<String, Object> problem = new LinkedHashMap<>();
      problem.put("position", p.position());
      problem.put("seq", p.seq());
      problem.put("kind", p.kind());
      if (p.checkpoint() != null) problem.put("checkpoint", p.checkpoint());
      problem.put("message", p.message());
      out.put("firstProblem", problem);
    }
    trail.record(new Access('E', "audit-verify", v.intact() ? 0 : 4, List.of(), List.of(), null,
        v.intact() ? v.checked() + " entries and " + v.checkpoints() + " checkpoints intact" : v.firstProblem().message()));
    return org.springframework.http.ResponseEntity.ok(out);
  }

  private static org.springframework.http.ResponseEntity<org.springframework.http.ProblemDetail> problem(int status, String detail) {
    return org.springframework.http.ResponseEntity.status(status).contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
        .body(org.springframework.http.ProblemDetail.forStatusAndDetail(org.springframework.http.HttpStatus.valueOf(status), detail));
  }

  @GetMapping("/patients/{id}/accesses")
  Map<String, Object> accesses(@PathVariable String id) {
    trail.flush(); // this node's latest entries included
    List<Map<String, Object>> rows = jdbc.query("select recorded, agent, agent_kind, agent_roles, action, subtype, outcome, source_ip,"
        + " purpose, entities from audit_event where patients @> array[?]::text[] order by recorded desc, seq desc limit 1000",
        (rs, i) -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("when", rs.getTimestamp(1).toInstant().toString());
          m.put("who", rs.getString(2));
          m.put("kind", switch (rs.getString(3)) { case "S" -> "system"; case "U" -> "person"; default -> "anonymous"; });
          m.put("roles", List.of((String[]) rs.getArray(4).getArray()));
          m.put("action", rs.getString(5));
          m.put("what", rs.getString(6));
          m.put("outcome", rs.getInt(7) == 0 ? "success" : "refused or failed");
          m.put("from", rs.getString(8));
          m.put("why", rs.getString(9));
          m.put("resources", List.of((String[]) rs.getArray(10).getArray()));
          return m;
        }, id);
    trail.record(new Access('E', "access-report", 0, List.of(id), List.of("Patient/" + id), null, rows.size() + " accesses listed"));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("patient", id);
    out.put("generated", Instant.now().toString());
    out.put("accesses", rows);
    return out;
  }
}
