package org.lafia.fhir.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.lafia.LafiaTest;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A store filled before migration V5 (bodies as text) keeps every body readable after it: the
 * migration runs on a schema of its own, with versions written the old way, then the store reads them.
 */
@LafiaTest
class BodyMigrationTest {
  @Autowired DataSource dataSource;

  @Test
  void bodies_stored_as_text_before_v5_read_back_unchanged() throws Exception {
    String schema = "v5_check";
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute("drop schema if exists " + schema + " cascade");
    }
    Flyway.configure().dataSource(dataSource).schemas(schema).target("4").load().migrate();
    String small = "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"name\":[{\"family\":\"Amégan\"}]}";
    StringBuilder large = new StringBuilder("{\"resourceType\":\"Patient\",\"id\":\"p2\",\"name\":[");
    for (int i = 0; i < 200; i++) large.append(i == 0 ? "" : ",").append("{\"family\":\"N'Guessan عبد الله ").append(i).append("\"}");
    String big = large.append("]}").toString(); // over 2 kB: PostgreSQL had compressed it (pglz)
    try (Connection c = dataSource.getConnection()) {
      try (Statement s = c.createStatement()) {
        s.execute("set search_path = " + schema);
        s.execute("insert into fhir_resource (pid, res_type, res_id, version, last_updated) values"
            + " (1, 'Patient', 'p1', 1, now()), (2, 'Patient', 'p2', 1, now())");
      }
      try (PreparedStatement ps = c.prepareStatement("insert into fhir_version"
          + " (pid, version, res_type, res_id, last_updated, method, body) values (?, 1, 'Patient', ?, now(), 'C', ?)")) {
        ps.setLong(1, 1); ps.setString(2, "p1"); ps.setString(3, small); ps.addBatch();
        ps.setLong(1, 2); ps.setString(2, "p2"); ps.setString(3, big); ps.addBatch();
        ps.executeBatch();
      }
    }
    Flyway.configure().dataSource(dataSource).schemas(schema).load().migrate();
    try (Connection c = dataSource.getConnection()) {
      try (Statement s = c.createStatement()) {
        s.execute("set search_path = " + schema);
        try (ResultSet rs = s.executeQuery("select format_type(atttypid, atttypmod), attstorage from pg_attribute"
            + " where attrelid = 'fhir_version'::regclass and attname = 'body'")) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).isEqualTo("bytea");
          assertThat(rs.getString(2)).isEqualTo("e"); // external: never compressed again by PostgreSQL
        }
      }
      ResourceStore store = new ResourceStore();
      assertThat(store.current(c, "Patient", "p1").body()).isEqualTo(small);
      assertThat(store.current(c, "Patient", "p2").body()).isEqualTo(big);
      try (Statement s = c.createStatement()) {
        s.execute("reset search_path");
        s.execute("drop schema " + schema + " cascade");
      }
    }
  }
}
