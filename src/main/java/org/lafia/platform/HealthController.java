package org.lafia.platform;

import java.util.Map;
import javax.sql.DataSource;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /health}: up when this node can reach its database. Answers without authentication. */
@RestController
class HealthController {
  private final JdbcTemplate jdbc;

  HealthController(DataSource dataSource) {
    this.jdbc = new JdbcTemplate(dataSource);
  }

  @GetMapping(value = "/health", produces = "application/json")
  ResponseEntity<Map<String, Object>> health() {
    try {
      jdbc.queryForObject("select 1", Integer.class);
      return ResponseEntity.ok(Map.of("status", "UP", "database", "UP"));
    } catch (RuntimeException e) {
      return ResponseEntity.status(503).body(Map.of("status", "DOWN", "database", "DOWN"));
    }
  }
}
