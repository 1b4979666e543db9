package org.lafia.fhir.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;

/**
 * What opens or closes patients' records to facilities (table {@code fhir_care}, migration V10):
 * care relationships, tele-expertise requests, restricting and tele-expertise consents; and,
 * derived from it, one access row per patient (table {@code fhir_patient_access}, V14) that the
 * searches of a facility's staff test. Derived
 * from the index rows of the resources that establish them, and rewritten whenever such a resource
 * is written, so that they are never staler than the index itself. The parameter codes come from
 * the caller (the store knows no search-parameter names).
 *
 * @param rules how each kind of row is derived
 */
public record CareIndex(List<Rule> rules) {

  /** A token an index row must (or must not) have: parameter codes, system (null: any), code. */
  public record Token(int[] sp, String system, String code) {}

  /**
   * Rows of one kind: from resources with a reference at {@code patient} (or the resource itself
   * when null: a Patient) and, when {@code organization} is given, one there too (required unless
   * {@code organizationOptional}, then 0); with every token of {@code required} and none of
   * {@code excluded}.
   */
  public record Rule(char kind, int[] patient, int[] organization, boolean organizationOptional,
      List<Token> required, List<Token> excluded) {}

  /**
   * Rewrites the rows established by these resources (just written, updated or deleted), then the
   * access rows of every patient concerned: theirs, and those in care at the {@code organizations}
   * deleted or created again.
   */
  public void maintain(Connection c, Collection<Long> pids, boolean onlyCreated, Collection<Long> organizations) throws SQLException {
    java.util.Set<Long> patients = new java.util.TreeSet<>();
    if (!pids.isEmpty()) {
      Long[] array = pids.toArray(Long[]::new);
      if (!onlyCreated) {
        try (PreparedStatement ps = c.prepareStatement("delete from fhir_care where source_pid = any(?) returning patient_pid")) {
          ps.setArray(1, c.createArrayOf("bigint", array));
          collect(ps, patients);
        }
      }
      String sql = "insert into fhir_care (source_pid, patient_pid, org_pid, kind) " + select("= any(?)") + " returning patient_pid";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        java.sql.Array bound = c.createArrayOf("bigint", array);
        for (int i = 1; i <= rules.size(); i++) ps.setArray(i, bound);
        collect(ps, patients);
      }
    }
    if (!organizations.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement("select distinct patient_pid from fhir_care where org_pid = any(?)")) {
        ps.setArray(1, c.createArrayOf("bigint", organizations.toArray(Long[]::new)));
        collect(ps, patients);
      }
    }
    if (patients.isEmpty()) return;
    java.sql.Array bound = c.createArrayOf("bigint", patients.toArray(Long[]::new));
    // One writer at a time per patient, in a fixed order (no deadlock between two transactions):
    // the rows are then aggregated by a statement that starts after any concurrent writer of the
    // same patient has committed, so it sees that writer's care rows as well as its own.
    try (PreparedStatement ps = c.prepareStatement("select count(pg_advisory_xact_lock(" + LOCK_CLASS
        + ", k)) from (select distinct (p % 2147483647)::int as k from unnest(?::bigint[]) p order by 1) s")) {
      ps.setArray(1, bound);
      ps.executeQuery().close();
    }
    try (PreparedStatement ps = c.prepareStatement(recompute("f.patient_pid = any(?)")
        + " delete from fhir_patient_access where patient_pid = any(?) and patient_pid not in (select patient_pid from agg)")) {
      ps.setArray(1, bound);
      ps.setArray(2, bound);
      ps.executeUpdate();
    }
  }

  /** Advisory lock class (the two-key form) of a patient's access row. */
  private static final int LOCK_CLASS = 1718903;

  private static void collect(PreparedStatement ps, java.util.Set<Long> into) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) into.add(rs.getLong(1));
    }
  }

  /**
   * The access rows of the patients whose care rows satisfy {@code patients} (aliased {@code f}),
   * upserted, as a statement whose CTE {@code agg} can still be used by what follows it.
   */
  private static String recompute(String patients) {
    return "with agg as (select f.patient_pid,"
        + " coalesce(array_agg(distinct f.org_pid) filter (where f.kind = 'C' and o.live), '{}') as care,"
        + " array_agg(distinct case when o.live then f.org_pid else 0 end) filter (where f.kind = 'R') as restrict_to,"
        + " case when bool_or(f.kind = 'X') then coalesce(array_agg(distinct f.org_pid) filter (where f.kind = 'T' and o.live), '{}') end as tele"
        + " from fhir_care f left join lateral (select not r.deleted as live from fhir_resource r where r.pid = f.org_pid) o on true"
        + " where " + patients + " group by f.patient_pid),"
        + " up as (insert into fhir_patient_access (patient_pid, care, restrict_to, tele) select * from agg"
        + " on conflict (patient_pid) do update set care = excluded.care, restrict_to = excluded.restrict_to, tele = excluded.tele)";
  }

  /**
   * Fills the table from the index at the first start after a migration that emptied it, and the
   * access rows from the table at the first start after V14 (one node, under a lock).
   */
  public void backfill(Connection c) throws SQLException {
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      try (PreparedStatement ps = c.prepareStatement("select pg_advisory_xact_lock(4775313210)")) {
        ps.execute();
      }
      boolean empty;
      try (PreparedStatement ps = c.prepareStatement("select not exists (select 1 from fhir_care) and exists (select 1"
          + " from fhir_resource where res_type in ('Patient', 'Encounter', 'EpisodeOfCare', 'ServiceRequest', 'Consent'))");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        empty = rs.getBoolean(1);
      }
      if (empty) {
        try (PreparedStatement ps = c.prepareStatement("insert into fhir_care (source_pid, patient_pid, org_pid, kind) "
            + select("is not null"))) {
          ps.executeUpdate();
        }
      }
      boolean noAccess;
      try (PreparedStatement ps = c.prepareStatement("select not exists (select 1 from fhir_patient_access) and exists (select 1 from fhir_care)");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        noAccess = rs.getBoolean(1);
      }
      if (noAccess) {
        try (PreparedStatement ps = c.prepareStatement(recompute("true") + " select count(*) from agg")) {
          ps.executeQuery().close();
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

  /** The rows of the resources whose pid satisfies {@code pidTest} (one placeholder per rule when it binds one). */
  private String select(String pidTest) {
    StringBuilder sql = new StringBuilder();
    for (Rule rule : rules) {
      if (sql.length() > 0) sql.append(" union all ");
      if (rule.patient() == null) {
        // The patient is the resource itself (Patient.managingOrganization); such rules take no tokens.
        sql.append("select vp.pid, vp.pid, vp.tgt_pid, '").append(rule.kind()).append("' from fhir_sp_ref vp")
            .append(" where vp.pid ").append(pidTest)
            .append(" and vp.tgt_pid is not null and vp.sp in (").append(list(rule.organization())).append(")");
      } else {
        String org = rule.organization() == null ? "0" : rule.organizationOptional() ? "coalesce(vo.tgt_pid, 0)" : "vo.tgt_pid";
        sql.append("select vp.pid, vp.tgt_pid, ").append(org).append(", '").append(rule.kind()).append("' from fhir_sp_ref vp");
        if (rule.organization() != null) {
          sql.append(rule.organizationOptional() ? " left join" : " join").append(" fhir_sp_ref vo on vo.pid = vp.pid and vo.sp in (")
              .append(list(rule.organization())).append(") and vo.tgt_pid is not null");
        }
        sql.append(" where vp.pid ").append(pidTest).append(" and vp.tgt_pid is not null and vp.sp in (")
            .append(list(rule.patient())).append(")");
      }
      for (Token t : rule.required()) sql.append(" and ").append(token(t));
      for (Token t : rule.excluded()) sql.append(" and not ").append(token(t));
    }
    return sql.toString();
  }

  private static String token(Token t) {
    return "exists (select 1 from fhir_sp_token vt where vt.pid = vp.pid and vt.sp in (" + list(t.sp()) + ") and vt.code = "
        + literal(t.code()) + (t.system() == null ? "" : " and vt.sys = " + literal(t.system())) + ")";
  }

  /** Constants of the platform (code systems, codes), never input; quoted all the same. */
  private static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
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
