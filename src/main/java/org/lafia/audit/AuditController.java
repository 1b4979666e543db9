package org.lafia.audit;

import java.sql.SQLException;
import java.time.Instant;
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

  @GetMapping("/verify")
  Map<String, Object> verify() throws SQLException {
    AuditChain.Verification v = chain.verify();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("intact", v.intact());
    out.put("checked", v.checked());
    out.put("unsealed", v.unsealed());
    if (!v.intact()) {
      out.put("firstProblem", Map.of("position", v.firstProblem().position(), "kind", v.firstProblem().kind(),
          "message", v.firstProblem().message()));
    }
    trail.record(new Access('E', "audit-verify", v.intact() ? 0 : 4, List.of(), List.of(), null,
        v.intact() ? v.checked() + " entries intact" : v.firstProblem().message()));
    return out;
  }

  @GetMapping("/patients/{id}/accesses")
  Map<String, Object> accesses(@PathVariable String id) {
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
