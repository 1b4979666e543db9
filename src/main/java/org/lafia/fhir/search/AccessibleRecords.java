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
   * caller, correlated so that PostgreSQL checks each candidate with index probes of
   * {@code fhir_care} (in care at one of the caller's facilities and no restricting consent
   * elsewhere; or referred to one of them for tele-expertise with the patient's consent) instead
   * of computing every accessible patient for every search. Each EXISTS ends with {@code offset
   * 0}: it keeps PostgreSQL from turning the test into a semi-join over every relationship of the
   * country (its choice when it misjudges how many candidates a search has); evaluated per
   * candidate, a page of 20 costs a few dozen index probes. Restrictions and tele-expertise
   * consents are rare: their probes use partial indexes that are almost empty.
   */
  Sql patientOpen(String p, PatientScope scope) {
    Sql open = new Sql().add("(");
    boolean any = false;
    List<String> plain = scope.organizationCases() ? scope.organizations() : List.of();
    List<String> areas = scope.territoryCases() ? scope.territories() : List.of();
    if (!plain.isEmpty() || !areas.isEmpty()) {
      open.add("(exists (select 1 from fhir_care care_c where care_c.patient_pid = " + p + " and care_c.org_pid = any(")
          .add(orgPids(plain, areas)).add(") and care_c.kind = 'C' offset 0) and not exists (select 1 from fhir_care care_r where"
              + " care_r.patient_pid = " + p + " and care_r.kind = 'R' and care_r.org_pid <> all(").add(orgPids(plain, areas)).add(") offset 0))");
      open.add(" or (exists (select 1 from fhir_care care_x where care_x.patient_pid = " + p + " and care_x.kind = 'X' offset 0)"
          + " and exists (select 1 from fhir_care care_t where care_t.patient_pid = " + p + " and care_t.org_pid = any(")
          .add(orgPids(plain, areas)).add(") and care_t.kind = 'T' offset 0))");
      any = true;
    }
    if (scope.grants() != null) {
      // Emergency grants are few (usually none): one InitPlan per statement, evaluated once.
      if (any) open.add(" or ");
      open.add(p + " = any(array(select g.pid from fhir_resource g where g.res_type = 'Patient' and g.res_id in ("
          + scope.grants().patientIdsSql() + ")))", scope.grants().argument());
      any = true;
    }
    if (!any) open.add("false");
    return open.add(")");
  }

  /**
   * The pids of these Organizations and of every Organization below the {@code areas} (by
   * Organization.partOf, any depth), computed once per statement (an InitPlan): always as the
   * registry stands now, so a facility moved to another district changes hands at once.
   */
  private Sql orgPids(List<String> organizations, List<String> areas) {
    Sql sql = new Sql().add("array(select o.pid from fhir_resource o"
        + " where o.res_type = 'Organization' and o.res_id = any(?) and not o.deleted", (Object) organizations.toArray(String[]::new));
    if (!areas.isEmpty()) {
      sql.add(" union (with recursive area(pid) as (select a.pid from fhir_resource a where a.res_type = 'Organization'"
          + " and a.res_id = any(?) and not a.deleted", (Object) areas.toArray(String[]::new))
          .add(" union select b.pid from fhir_sp_ref b join area on b.tgt_pid = area.pid where b.sp = any(?))"
              + " select pid from area)", (Object) partOfCodes());
    }
    return sql.add(")");
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
    return condition(type, alias, scope, null);
  }

  /**
   * As {@link #condition(String, String, PatientScope)}, knowing that the patients {@code closed}
   * are not open (the ones a search names, checked once): a candidate whose compartment holds only
   * them is refused by one probe of its reference rows, without testing their care relationships
   * again for every candidate.
   */
  Sql condition(String type, String alias, PatientScope scope, Long[] closed) {
    if (scope.all()) return null;
    if (type.equals("Patient")) return patientOpen(alias + ".pid", scope);
    Integer[] codes = compartmentCodes(type);
    String territorial = TERRITORIAL.get(type);
    if (codes.length == 0 && territorial == null) return null; // neither patient data nor a territory's
    Sql test = new Sql().add("(");
    if (codes.length > 0) {
      test.add("exists (select 1 from fhir_sp_ref c where c.pid = " + alias + ".pid and c.sp = any(?) and c.tgt_type = 'Patient' and ",
          (Object) codes);
      if (closed != null && closed.length > 0) test.add("c.tgt_pid <> all(?) and ", (Object) closed);
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
          (Object) boxed(registry.param(type, territorial).stored())).add(orgPids(scope.organizations(), scope.territories())).add(")))");
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

  private Integer[] compartmentCodes(String type) {
    return compartmentCodes.computeIfAbsent(type, t -> {
      List<Integer> codes = new ArrayList<>();
      for (SearchParam sp : registry.params(t).values()) {
        if (sp.patientCompartment()) for (int code : sp.stored()) if (!codes.contains(code)) codes.add(code);
      }
      return codes.toArray(Integer[]::new);
    });
  }
}
