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
 * when it is not patient data (an Organization, a Medication...), when it is an accessible
 * Patient, or when it is in the compartment of one. Accessible patients (see {@link PatientScope})
 * are found with the search engine's own conditions: {@code Patient?organization=},
 * {@code Encounter?service-provider=}, {@code EpisodeOfCare?organization=},
 * {@code ServiceRequest?performer=}, {@code Consent?status=active&category=}.
 */
public final class AccessibleRecords {
  private final SearchEngine engine;
  private final SearchParamRegistry registry;
  private final Map<String, Integer[]> compartmentCodes = new java.util.concurrent.ConcurrentHashMap<>();

  AccessibleRecords(SearchEngine engine, SearchParamRegistry registry) {
    this.engine = engine;
    this.registry = registry;
  }

  /** "select pid" of the Patients the scope lets its caller see. */
  Sql patients(PatientScope scope, String base) {
    List<Sql> parts = new ArrayList<>();
    if (!scope.organizations().isEmpty()) {
      List<String> refs = new ArrayList<>();
      for (String o : scope.organizations()) refs.add("Organization/" + o);
      String orgs = String.join(",", refs);
      Sql related = new Sql().add("(select r.pid from ").add(engine.where("Patient", Map.of("organization", List.of(orgs)), false, base)).add(")")
          .add(" union ").add(patientsOf("Encounter", "subject", Map.of("service-provider", List.of(orgs)), base))
          .add(" union ").add(patientsOf("EpisodeOfCare", "patient", Map.of("organization", List.of(orgs)), base))
          .add(" union ").add(patientsOf("ServiceRequest", "subject", Map.of("performer", List.of(orgs)), base));
      String restrict = PatientScope.RESTRICT_SYSTEM + "|" + PatientScope.RESTRICT_CODE;
      Map<String, List<String>> consents = new LinkedHashMap<>();
      consents.put("status", List.of("active"));
      consents.put("category", List.of(restrict));
      Map<String, List<String>> heldHere = new LinkedHashMap<>(consents);
      heldHere.put("organization", List.of(orgs));
      // Patients who keep their record to the facility that holds it, unless that is one of ours.
      Sql restricted = new Sql().add("(").add(patientsOf("Consent", "patient", consents, base)).add(" except ")
          .add(patientsOf("Consent", "patient", heldHere, base)).add(")");
      parts.add(new Sql().add("((").add(related).add(") except ").add(restricted).add(")"));
    }
    if (!scope.grantedPatients().isEmpty()) {
      parts.add(new Sql().add("(select g.pid from fhir_resource g where g.res_type = 'Patient' and g.res_id = any(?) and not g.deleted)",
          (Object) scope.grantedPatients().toArray(String[]::new)));
    }
    if (parts.isEmpty()) return new Sql().add("select null::bigint where false");
    Sql all = new Sql().add("select pid from (");
    for (int i = 0; i < parts.size(); i++) {
      if (i > 0) all.add(" union ");
      all.add(parts.get(i));
    }
    return all.add(") accessible(pid)");
  }

  private Sql patientsOf(String type, String patientParam, Map<String, List<String>> criteria, String base) {
    SearchParam p = registry.param(type, patientParam);
    return new Sql().add("(select x.tgt_pid from fhir_sp_ref x where " + p.spTest("x") + " and x.pid in (select r.pid from ", p.spArg())
        .add(engine.where(type, criteria, false, base)).add("))");
  }

  /** The condition that keeps the resources (of {@code type}, row alias {@code alias}) a restricted caller may see; null if none needed. */
  Sql condition(String type, String alias, PatientScope scope, String base) {
    if (scope.all()) return null;
    if (type.equals("Patient")) return new Sql().add(alias + ".pid in (").add(patients(scope, base)).add(")");
    Integer[] codes = compartmentCodes(type);
    if (codes.length == 0) return null; // not patient data
    return new Sql().add("exists (select 1 from fhir_sp_ref c where c.pid = " + alias + ".pid and c.sp = any(?) and c.tgt_pid in (",
        (Object) codes).add(patients(scope, base)).add("))");
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
