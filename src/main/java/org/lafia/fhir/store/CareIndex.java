package org.lafia.fhir.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;

/**
 * The care relationships (patient, organisation) that restricted searches test: derived from the
 * reference index rows of the resources that establish them, and rewritten whenever such a
 * resource is written, so that they are never staler than the index itself. The parameter codes
 * come from the caller (the store knows no search-parameter names).
 *
 * @param patientOrganization codes of Patient.organization (the patient is the resource itself)
 * @param pairs for each other establishing parameter pair: {patient codes, organisation codes}
 */
public record CareIndex(int[] patientOrganization, List<int[][]> pairs) {

  /** Rewrites the relationships established by these resources (just written, updated or deleted). */
  public void maintain(Connection c, Collection<Long> pids, boolean onlyCreated) throws SQLException {
    if (pids.isEmpty()) return;
    Long[] array = pids.toArray(Long[]::new);
    if (!onlyCreated) {
      try (PreparedStatement ps = c.prepareStatement("delete from fhir_care where source_pid = any(?)")) {
        ps.setArray(1, c.createArrayOf("bigint", array));
        ps.executeUpdate();
      }
    }
    try (PreparedStatement ps = c.prepareStatement("insert into fhir_care (source_pid, patient_pid, org_pid) " + select("= any(?)"))) {
      ps.setArray(1, c.createArrayOf("bigint", array));
      ps.setArray(2, c.createArrayOf("bigint", array));
      ps.executeUpdate();
    }
  }

  /** Fills the table from the index at the first start after the migration that created it (one node, under a lock). */
  public void backfill(Connection c) throws SQLException {
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      try (PreparedStatement ps = c.prepareStatement("select pg_advisory_xact_lock(4775313210)")) {
        ps.execute();
      }
      boolean empty;
      try (PreparedStatement ps = c.prepareStatement("select not exists (select 1 from fhir_care)"
          + " and exists (select 1 from fhir_resource where res_type in ('Patient', 'Encounter', 'EpisodeOfCare', 'ServiceRequest'))");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        empty = rs.getBoolean(1);
      }
      if (empty) {
        try (PreparedStatement ps = c.prepareStatement("insert into fhir_care (source_pid, patient_pid, org_pid) " + select("is not null"))) {
          ps.executeUpdate();
        }
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(auto);
    }
  }

  /** The relationships of the resources whose pid satisfies {@code pidTest} (two placeholders when it binds one). */
  private String select(String pidTest) {
    StringBuilder pairTest = new StringBuilder();
    for (int[][] pair : pairs) {
      if (pairTest.length() > 0) pairTest.append(" or ");
      pairTest.append("(vp.sp in (").append(list(pair[0])).append(") and vo.sp in (").append(list(pair[1])).append("))");
    }
    return "select vp.pid, vp.tgt_pid, vo.tgt_pid from fhir_sp_ref vp join fhir_sp_ref vo on vo.pid = vp.pid"
        + " where vp.pid " + pidTest + " and vp.tgt_pid is not null and vo.tgt_pid is not null and (" + pairTest + ")"
        + " union all select m.pid, m.pid, m.tgt_pid from fhir_sp_ref m where m.pid " + pidTest
        + " and m.tgt_pid is not null and m.sp in (" + list(patientOrganization) + ")";
  }

  private static String list(int[] codes) {
    StringBuilder b = new StringBuilder();
    for (int code : codes) {
      if (b.length() > 0) b.append(',');
      b.append(code); // integers computed by the registry, never input
    }
    return b.toString();
  }
}
