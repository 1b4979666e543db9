package org.lafia.fhir.search;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.lafia.fhir.index.SearchParam;
import org.lafia.fhir.index.SearchParamRegistry;
import org.lafia.fhir.spi.PatientScope;
import org.lafia.fhir.store.StoredResource;

/**
 * The records a restricted caller may see, as SQL inside the search's own WHERE clause, so that
 * counts, totals and paging never reveal a record the caller may not see. A resource is visible
 * when it is not patient data (an Organization, a Medication...), when it is an open Patient, or
 * when it is in the compartment of one. Whether a patient is open (see {@link PatientScope}) is a
 * correlated test per candidate: probes of {@code fhir_care}, kept at write time (CareIndex) from
 * Patient.managingOrganization, Encounter.serviceProvider, EpisodeOfCare.managingOrganization,
 * ServiceRequest.performer (tele-expertise requests apart) and the active Consents of Lafia's
 * {@code restrict-sharing} and {@code tele-expertise} categories.
 */
public final class AccessibleRecords {
  private final SearchParamRegistry registry;
  private final Map<String, Integer[]> compartmentCodes = new java.util.concurrent.ConcurrentHashMap<>();

  AccessibleRecords(SearchParamRegistry registry) {
    this.registry = registry;
  }

  /**
   * The test that the patient whose pid is {@code p} (an SQL expression) is open to the scope's
   * caller, correlated so that PostgreSQL checks each candidate with one primary-key probe of the
   * patient's access row ({@code fhir_patient_access}, kept at write time by CareIndex) instead of
   * computing every accessible patient for every search: in care at one of the caller's
   * facilities and kept to none other by a restricting consent, or referred to one of them for
   * tele-expertise with the patient's consent. The EXISTS ends with {@code offset 0}: it keeps
   * PostgreSQL from turning the test into a semi-join over every patient of the country (its
   * choice when it misjudges how many candidates a search has).
   */
  Sql patientOpen(String p, PatientScope scope) {
    Sql open = new Sql().add("(");
    boolean any = false;
    List<String> plain = scope.organizationCases() ? scope.organizations() : List.of();
    List<String> areas = scope.territoryCases() ? scope.territories() : List.of();
    if (!plain.isEmpty() || !areas.isEmpty()) {
      Sql orgs = orgPids(plain, areas);
      open.add("exists (select 1 from fhir_patient_access acc where acc.patient_pid = " + p + " and ((acc.care && ")
          .add(orgs).add(" and (acc.restrict_to is null or acc.restrict_to <@ ").add(orgs)
          .add(")) or acc.tele && ").add(orgs).add(") offset 0)");
      any = true;
    }
    if (scope.grants() != null) {
      // Emergency grants are few (usually none): InitPlans evaluated once per statement; an array
      // rather than "in (select ...)", which PostgreSQL plans as a join (0.05 ms more per search).
      if (any) open.add(" or ");
      open.add(p + " = any(array(select g.pid from fhir_resource g where g.res_type = 'Patient' and g.res_id = any(array("
          + scope.grants().patientIdsSql() + "))))", scope.grants().argument());
      any = true;
    }
    if (!any) open.add("false");
    return open.add(")");
  }

  /**
   * The pids of these Organizations and of every Organization below the {@code areas} (by
   * Organization.partOf, any depth). A facility's pid never changes (a deleted Organization
   * created again keeps it) and a deleted one opens nothing (its patients' access rows leave it
   * out): so the pids of plain facilities are remembered by the node, once {@link #resolve} has
   * found them all, and sent as a parameter. Territories are resolved in each statement (an
   * InitPlan), always as the registry stands now, so a facility moved to another district changes
   * hands at once.
   */
  private Sql orgPids(List<String> organizations, List<String> areas) {
    if (areas.isEmpty()) {
      Long[] known = knownPids(organizations);
      if (known != null) return new Sql().add("?::bigint[]", (Object) known);
    }
    return livePids(organizations, areas, false);
  }

  /** As {@link #orgPids}, resolved in the statement; without the deleted Organizations if {@code live}. */
  private Sql livePids(List<String> organizations, List<String> areas, boolean live) {
    Sql sql = new Sql().add("array(select o.pid from fhir_resource o"
        + " where o.res_type = 'Organization' and o.res_id = any(?)" + (live ? " and not o.deleted" : ""),
        (Object) organizations.toArray(String[]::new));
    if (!areas.isEmpty()) {
      sql.add(" union (with recursive area(pid) as (select a.pid from fhir_resource a where a.res_type = 'Organization'"
          + " and a.res_id = any(?) and not a.deleted", (Object) areas.toArray(String[]::new))
          .add(" union select b.pid from fhir_sp_ref b join area on b.tgt_pid = area.pid where b.sp = any(?))"
              + " select pid from area)", (Object) partOfCodes());
    }
    return sql.add(")");
  }

  /** Facility ids to pids, as the node has found them (a pid is for ever; absence is not remembered). */
  private final Map<String, Long> facilityPids = new java.util.concurrent.ConcurrentHashMap<>();

  private Long[] knownPids(List<String> organizations) {
    Long[] out = new Long[organizations.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = facilityPids.get(organizations.get(i));
      if (out[i] == null) return null;
    }
    return out;
  }

  /**
   * Looks up, once per node, the pids of the scope's facilities, so that the statements that
   * follow send them as a parameter rather than plan a lookup each; those not found (not created
   * yet) are looked up again next time, and meanwhile resolved in each statement.
   */
  void resolve(Connection c, PatientScope scope) throws SQLException {
    if (scope.all() || scope.organizations().isEmpty() || knownPids(scope.organizations()) != null) return;
    if (facilityPids.size() > 100_000) facilityPids.clear(); // more facilities than a country has: start again
    try (PreparedStatement ps = c.prepareStatement("select res_id, pid from fhir_resource where res_type = 'Organization' and res_id = any(?)")) {
      ps.setArray(1, c.createArrayOf("text", scope.organizations().toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) facilityPids.put(rs.getString(1), rs.getLong(2));
      }
    }
  }

  private Integer[] partOfCodes() {
    return boxed(registry.param("Organization", "partof").stored());
  }

  /**
   * Resource types whose records belong to a territory rather than (or as well as) to patients, and
   * the reference parameter that says where: an aggregate report is its reporting facility's.
   */
  private static final Map<String, String> TERRITORIAL = Map.of("MeasureReport", "reporter");

  /** The condition that keeps the resources (of {@code type}, row alias {@code alias}) a restricted caller may see; null if none needed. */
  Sql condition(String type, String alias, PatientScope scope) {
    if (scope.all()) return null;
    if (type.equals("Patient")) return patientOpen(alias + ".pid", scope);
    Integer[] codes = compartmentCodes(type);
    String territorial = TERRITORIAL.get(type);
    if (codes.length == 0 && territorial == null) return null; // neither patient data nor a territory's
    Sql test = new Sql().add("(");
    if (codes.length > 0) {
      test.add("exists (select 1 from fhir_sp_ref c where c.pid = " + alias + ".pid and c.sp = any(?) and c.tgt_type = 'Patient' and ",
          (Object) codes);
      test.add(patientOpen("c.tgt_pid", scope)).add(" offset 0)");
    }
    if (territorial != null) {
      // An aggregate (no patient in it) reported by one of the caller's facilities, or one of their territories'.
      if (codes.length > 0) {
        test.add(" or (not exists (select 1 from fhir_sp_ref pc where pc.pid = " + alias + ".pid and pc.sp = any(?)"
            + " and pc.tgt_type = 'Patient') and ", (Object) codes);
      } else {
        test.add("(");
      }
      test.add("exists (select 1 from fhir_sp_ref rep where rep.pid = " + alias + ".pid and rep.sp = any(?) and rep.tgt_pid = any(",
          (Object) boxed(registry.param(type, territorial).stored())).add(livePids(scope.organizations(), scope.territories(), true)).add(")))");
    }
    return test.add(")");
  }

  /** True when the records of {@code type} are held to a caller's scope: patient data, or a territory's. */
  boolean restricted(String type) {
    return type.equals("Patient") || compartmentCodes(type).length > 0 || TERRITORIAL.containsKey(type);
  }

  private static Integer[] boxed(int[] codes) {
    Integer[] out = new Integer[codes.length];
    for (int i = 0; i < codes.length; i++) out[i] = codes[i];
    return out;
  }

  /** True when every row of these parameter codes is a reference that puts a {@code type} resource in its target's compartment. */
  boolean compartmentReference(String type, int[] codes) {
    List<Integer> compartment = List.of(compartmentCodes(type));
    for (int code : codes) if (!compartment.contains(code)) return false;
    return codes.length > 0;
  }

  /** Which of these resources the scope lets its caller see (for reads, includes, history and $everything). */
  public Set<Long> visible(Connection c, List<StoredResource> resources, PatientScope scope) throws SQLException {
    Set<Long> out = new HashSet<>();
    Map<String, List<Long>> byType = new LinkedHashMap<>();
    for (StoredResource r : resources) {
      if (scope.all()) out.add(r.pid());
      else byType.computeIfAbsent(r.type(), k -> new ArrayList<>()).add(r.pid());
    }
    if (!byType.isEmpty()) resolve(c, scope);
    for (Map.Entry<String, List<Long>> e : byType.entrySet()) {
      Sql cond = condition(e.getKey(), "v", scope);
      if (cond == null) {
        out.addAll(e.getValue());
        continue;
      }
      // One resource (a read) with a scalar parameter: PostgreSQL keeps a cached plan for that
      // statement, where an array of unknown length makes it plan every execution again.
      List<Long> pids = e.getValue();
      Sql q = pids.size() == 1 ? new Sql().add("select v.pid from fhir_resource v where v.pid = ? and ", pids.get(0))
          : new Sql().add("select v.pid from fhir_resource v where v.pid = any(?) and ", (Object) pids.toArray(Long[]::new));
      q.add(cond);
      try (PreparedStatement ps = q.prepare(c); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(rs.getLong(1));
      }
    }
    return out;
  }

  /**
   * For one resource (a read): the Patients whose compartment it is in (for the audit trail), if
   * the scope's caller may see it, else null — the two questions of a read in one statement.
   *
   * @param patientCodes codes of the reference parameters of the patient compartment
   */
  public List<String> patientsIfVisible(Connection c, StoredResource r, PatientScope scope, Integer[] patientCodes) throws SQLException {
    if (!scope.all()) resolve(c, scope);
    Sql cond = scope.all() ? null : condition(r.type(), "v", scope);
    boolean patient = r.type().equals("Patient");
    if (cond == null && patient) return List.of(r.id());
    Sql q = new Sql().add("select ").add(cond == null ? new Sql().add("true") : cond);
    if (!patient) {
      q.add(", array(select distinct t.res_id from fhir_sp_ref x join fhir_resource t on t.pid = x.tgt_pid"
          + " where x.pid = v.pid and x.sp = any(?) and t.res_type = 'Patient')", (Object) patientCodes);
    }
    q.add(" from fhir_resource v where v.pid = ?", r.pid());
    try (PreparedStatement ps = q.prepare(c); ResultSet rs = ps.executeQuery()) {
      if (!rs.next() || !rs.getBoolean(1)) return null;
      return patient ? List.of(r.id()) : List.of((String[]) rs.getArray(2).getArray());
    }
  }

  /** Codes of the reference parameters that put a {@code type} resource in a patient's compartment. */
  Integer[] compartmentCodes(String type) {
    return compartmentCodes.computeIfAbsent(type, t -> {
      List<Integer> codes = new ArrayList<>();
      for (SearchParam sp : registry.params(t).values()) {
        if (sp.patientCompartment()) for (int code : sp.stored()) if (!codes.contains(code)) codes.add(code);
      }
      return codes.toArray(Integer[]::new);
    });
  }
}
