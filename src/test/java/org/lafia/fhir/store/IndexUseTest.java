package org.lafia.fhir.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.lafia.LafiaTest;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Statements every write runs must be answerable from an index: a test database is small enough
 * for PostgreSQL to prefer reading whole tables, so sequential scans are switched off and the plan
 * must still avoid them (a whole-table read per bundle is invisible in tests and fatal at national
 * scale).
 */
@LafiaTest
class IndexUseTest {
  @Autowired DataSource dataSource;
  @Autowired org.lafia.fhir.rest.FhirServices fhir;

  /** The plan of {@code sql} with sequential scans off; arrays bind as text[], other values as they are. */
  private String plan(String sql, Object... args) throws Exception {
    try (Connection c = dataSource.getConnection()) {
      try (Statement s = c.createStatement()) {
        s.execute("set enable_seqscan = off");
      }
      org.lafia.fhir.search.SearchEngine.customPlans(c); // as the server's searches run
      try (PreparedStatement ps = c.prepareStatement("explain " + sql)) {
        for (int i = 0; i < args.length; i++) {
          if (args[i] instanceof Object[] array) ps.setArray(i + 1, c.createArrayOf("text", array));
          else ps.setObject(i + 1, args[i]);
        }
        StringBuilder out = new StringBuilder();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) out.append(rs.getString(1)).append('\n');
        }
        return out.toString();
      } finally {
        try (Statement s = c.createStatement()) {
          s.execute("reset enable_seqscan");
        }
        org.lafia.fhir.search.SearchEngine.cachedPlans(c);
      }
    }
  }

  @Test
  void the_reference_check_probes_the_type_and_id_index() throws Exception {
    String plan = plan(ResourceStore.PIDS_OF,
        new String[] {"Patient", "Practitioner"}, new String[] {"p-1", "pr-1"});
    // The index's leading column must be in the condition: a condition on res_id alone would still
    // show the index, read whole.
    assertThat(plan).contains("Index Scan using fhir_resource_type_id").contains("Index Cond: ((res_type = ")
        .doesNotContain("Seq Scan on fhir_resource");
  }

  @Test
  void reference_targets_are_found_through_the_type_and_id_index() throws Exception {
    String plan = plan(ResourceStore.TARGET_PIDS, new String[] {"Patient"}, new String[] {"p-1"});
    assertThat(plan).contains("Index Cond: ((res_type = ").doesNotContain("Seq Scan on fhir_resource");
  }

  @Test
  void a_token_is_found_through_the_hashes_of_the_value_index() throws Exception {
    // The search side hashes its value with the function that filled the generated columns (V4);
    // the hash of a bound value must become an index bound, not a filter run on every row.
    String plan = plan("select pid from fhir_sp_token t where t.sp = ? and t.hcode = hashtextextended(?, 0)"
        + " and t.hsys = hashtextextended(?, 0)", 42, "8867-4", "http://loinc.org");
    assertThat(plan).contains("fhir_sp_token_val").contains("hcode = '").doesNotContain("Seq Scan");
  }

  @Test
  void searches_are_planned_for_their_values_and_point_statements_keep_their_plans() throws Exception {
    try (Connection c = dataSource.getConnection()) {
      // The pooled connection may hold statements of earlier work: count what these searches add.
      String generic = "select coalesce(sum(generic_plans), 0) from pg_prepared_statements"
          + " where statement like '%fhir_sp_string%' and statement not like '%pg_prepared_statements%'";
      String custom = generic.replace("generic_plans", "custom_plans");
      long genericBefore = count(c, generic);
      long customBefore = count(c, custom);
      for (int i = 0; i < 8; i++) {
        fhir.search().search(c, "Patient", java.util.Map.of("family", java.util.List.of("plan" + (i % 2))), false, "http://lafia.test/fhir");
      }
      // Planned for its values beyond the fifth execution (where PostgreSQL would otherwise switch a
      // prepared statement to a cached generic plan), and never generically.
      assertThat(count(c, custom) - customBefore).isGreaterThan(5);
      assertThat(count(c, generic)).isEqualTo(genericBefore);
      // The session stays so for the next search, until a read or a write asks for cached plans back.
      assertThat(planCacheMode(c)).isEqualTo("force_custom_plan");
      org.lafia.fhir.search.SearchEngine.cachedPlans(c);
      assertThat(planCacheMode(c)).isEqualTo("auto");
      org.lafia.fhir.search.SearchEngine.cachedPlans(c); // already so: no statement, no change
      assertThat(planCacheMode(c)).isEqualTo("auto");
    }
  }

  private static String planCacheMode(Connection c) throws Exception {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("show plan_cache_mode")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static long count(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
