package org.lafia.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.lafia.LafiaTest;
import org.lafia.fhir.FhirTestSupport;
import org.lafia.fhir.rest.FhirServices;
import org.lafia.fhir.spi.PatientScope;
import org.lafia.fhir.store.StoredResource;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A chart being read ({@code Encounter?patient=X}, one condition naming the patient) keeps one
 * plan per pooled connection instead of being planned for every patient; the plan cached for one
 * patient must answer exactly for the next, and for a restricted caller still refuse a patient
 * who is not theirs. Searches with more conditions stay planned per execution.
 */
@LafiaTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChartPlanTest extends FhirTestSupport {
  @Autowired DataSource dataSource;
  @Autowired FhirServices fhir;

  private String clinic;
  private String other;
  private String ours;
  private String theirs;
  private List<String> ourEncounters;
  private List<String> theirEncounters;

  @BeforeAll
  void data() {
    clinic = client().create().resource(new Organization().setName(unique("Clinique"))).execute().getId().getIdPart();
    other = client().create().resource(new Organization().setName(unique("Autre"))).execute().getId().getIdPart();
    ours = patient();
    theirs = patient();
    ourEncounters = List.of(encounter(ours, clinic), encounter(ours, clinic), encounter(ours, clinic));
    theirEncounters = List.of(encounter(theirs, other), encounter(theirs, other));
  }

  private String patient() {
    return client().create().resource(new Patient().addName(new org.hl7.fhir.r4.model.HumanName().setFamily(unique("Dossier"))))
        .execute().getId().getIdPart();
  }

  private String encounter(String patient, String org) {
    Encounter e = new Encounter().setStatus(Encounter.EncounterStatus.FINISHED)
        .setClass_(new org.hl7.fhir.r4.model.Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"))
        .setSubject(new Reference("Patient/" + patient)).setServiceProvider(new Reference("Organization/" + org));
    return client().create().resource(e).execute().getId().getIdPart();
  }

  private List<String> encounters(Connection c, String patient, PatientScope scope) throws Exception {
    SearchResult r = fhir.search().search(c, "Encounter", Map.of("patient", List.of(patient), "_count", List.of("50")),
        false, base(), scope);
    return r.matches().stream().map(StoredResource::id).sorted().toList();
  }

  @Test
  void a_chart_keeps_one_plan_and_answers_for_each_patient() throws Exception {
    try (Connection c = dataSource.getConnection()) {
      long genericBefore = plans(c, "generic_plans");
      for (int i = 0; i < 12; i++) {
        assertThat(encounters(c, ours, PatientScope.ALL)).containsExactlyElementsOf(sorted(ourEncounters));
        assertThat(encounters(c, theirs, PatientScope.ALL)).containsExactlyElementsOf(sorted(theirEncounters));
      }
      assertThat(planCacheMode(c)).isEqualTo("force_generic_plan");
      assertThat(plans(c, "generic_plans") - genericBefore).isGreaterThanOrEqualTo(24);

      // Two conditions: planned for its values again.
      fhir.search().search(c, "Encounter", Map.of("patient", List.of(ours), "status", List.of("finished")), false, base(),
          PatientScope.ALL);
      assertThat(planCacheMode(c)).isEqualTo("force_custom_plan");
      org.lafia.fhir.search.SearchEngine.cachedPlans(c);
      assertThat(planCacheMode(c)).isEqualTo("auto");
    }
  }

  @Test
  void a_cached_chart_plan_still_refuses_a_patient_who_is_not_the_callers() throws Exception {
    PatientScope clinicStaff = PatientScope.facilities(List.of(clinic), null);
    try (Connection c = dataSource.getConnection()) {
      for (int i = 0; i < 10; i++) {
        assertThat(encounters(c, ours, clinicStaff)).containsExactlyElementsOf(sorted(ourEncounters));
        assertThat(encounters(c, theirs, clinicStaff)).isEmpty();
      }
      assertThat(planCacheMode(c)).isEqualTo("force_generic_plan");
      SearchResult counted = fhir.search().search(c, "Encounter",
          Map.of("patient", List.of(theirs), "_summary", List.of("count")), false, base(), clinicStaff);
      assertThat(counted.total()).isZero();
      org.lafia.fhir.search.SearchEngine.cachedPlans(c);
    }
  }

  private static List<String> sorted(List<String> ids) {
    return ids.stream().sorted().toList();
  }

  private static long plans(Connection c, String column) throws Exception {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select coalesce(sum(" + column
        + "), 0) from pg_prepared_statements where statement like '%fhir_sp_ref d%' and statement not like '%pg_prepared%'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String planCacheMode(Connection c) throws Exception {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("show plan_cache_mode")) {
      rs.next();
      return rs.getString(1);
    }
  }
}
