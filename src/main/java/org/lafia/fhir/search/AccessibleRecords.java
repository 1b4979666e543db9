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
 * correlated test per candidate: one probe of the care relationships ({@code fhir_care}, kept at
 * write time from Patient.managingOrganization, Encounter.serviceProvider,
 * EpisodeOfCare.managingOrganization and ServiceRequest.performer), and no active Consent of the
 * {@code restrict-sharing} category held by another facility.
 */
public final class AccessibleRecords {
  private final SearchEngine engine;
  private final SearchParamRegistry registry;
  private final Map<String, Integer[]> compartmentCodes = new java.util.concurrent.ConcurrentHashMap<>();

  AccessibleRecords(SearchEngine engine, SearchParamRegistry registry) {
    this.engine = engine;
    this.registry = registry;
  }

  /**
   * The test that the patient whose pid is {@code p} (an SQL expression) is open to the scope's
   * caller, correlated so that PostgreSQL checks each candidate with an index probe of the care
   * relationships (in care at one of the caller's facilities; no restricting consent) instead of
   * computing every accessible patient for every search. Each EXISTS ends with {@code offset 0}:
   * it keeps PostgreSQL from turning the test into a semi-join over every encounter of the
   * country (its choice when it misjudges how many candidates a search has); evaluated per
   * candidate, a page of 20 costs a few dozen index probes.
   */
  Sql patientOpen(String p, PatientScope scope, String base) {
    Sql open = new Sql().add("(");
    boolean any = false;
    if (!scope.organizations().isEmpty()) {
      Object orgIds = scope.organizations().toArray(String[]::new);
      open.add("((exists (select 1 from fhir_care k where k.patient_pid = " + p + " and k.org_pid = any(").add(orgPids(orgIds))
          .add(") offset 0)");
      open.add(") and not ").add(restricted(p, orgIds, base)).add(")");
      any = true;
    }
    if (!scope.grantedPatients().isEmpty()) {
      if (any) open.add(" or ");
      open.add(p + " in (select g.pid from fhir_resource g where g.res_type = 'Patient' and g.res_id = any(?))",
          (Object) scope.grantedPatients().toArray(String[]::new));
      any = true;
    }
    if (!any) open.add("false");
    return open.add(")");
  }

  /** The caller's organisations as pids, computed once per statement (an InitPlan). */
  private static Sql orgPids(Object orgIds) {
    return new Sql().add("array(select o.pid from fhir_resource o"
        + " where o.res_type = 'Organization' and o.res_id = any(?) and not o.deleted)", orgIds);
  }

  /** An active consent of the patient keeps their record to a facility that is not one of the caller's. */
  private Sql restricted(String p, Object orgIds, String base) {
    SearchParam patient = registry.param("Consent", "patient");
    SearchParam org = registry.param("Consent", "organization");
    Map<String, List<String>> active = new LinkedHashMap<>();
    active.put("status", List.of("active"));
    active.put("category", List.of(PatientScope.RESTRICT_SYSTEM + "|" + PatientScope.RESTRICT_CODE));
    return new Sql().add("exists (select 1 from fhir_sp_ref cp where " + patient.spTest("cp") + " and cp.tgt_pid = " + p
            + " and cp.pid in (select r.pid from ", patient.spArg())
        .add(engine.where("Consent", active, false, base))
        .add(") and not exists (select 1 from fhir_sp_ref co where co.pid = cp.pid and " + org.spTest("co") + " and co.tgt_pid = any(",
            org.spArg()).add(orgPids(orgIds)).add(") offset 0) offset 0)");
  }

  /** The condition that keeps the resources (of {@code type}, row alias {@code alias}) a restricted caller may see; null if none needed. */
  Sql condition(String type, String alias, PatientScope scope, String base) {
    if (scope.all()) return null;
    if (type.equals("Patient")) return patientOpen(alias + ".pid", scope, base);
    Integer[] codes = compartmentCodes(type);
    if (codes.length == 0) return null; // not patient data
    return new Sql().add("exists (select 1 from fhir_sp_ref c where c.pid = " + alias + ".pid and c.sp = any(?) and ", (Object) codes)
        .add(patientOpen("c.tgt_pid", scope, base)).add(" offset 0)");
  }

  /** Which of these resources the scope lets its caller see (for reads, includes, history and $everything). */
  public Set<Long> visible(Connection c, List<StoredResource> resources, PatientScope scope, String base) throws SQLException {
    Set<Long> out = new HashSet<>();
    Map<String, List<Long>> byType = new LinkedHashMap<>();
    for (StoredResource r : resources) {
      if (scope.all()) out.add(r.pid());
      else byType.computeIfAbsent(r.type(), k -> new ArrayList<>()).add(r.pid());
    }
    for (Map.Entry<String, List<Long>> e : byType.entrySet()) {
      Sql cond = condition(e.getKey(), "v", scope, base);
      if (cond == null) {
        out.addAll(e.getValue());
        continue;
      }
      Sql q = new Sql().add("select v.pid from fhir_resource v where v.pid = any(?) and ", (Object) e.getValue().toArray(Long[]::new))
          .add(cond);
      try (PreparedStatement ps = q.prepare(c); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(rs.getLong(1));
      }
    }
    return out;
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
