package org.lafia.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lafia.LafiaTest;
import org.lafia.TestAuth;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.security.oauth2.jwt.JwtEncoder;

/**
 * Surveillance staff reach by territory. A country with two regions, each with a district and a
 * health centre: {@code country ← r1 ← d1 ← f1} and {@code country ← r2 ← d2 ← f2}. Each centre
 * has a patient in care there, with an observation, and sends a weekly aggregate report
 * (MeasureReport, reporter = the centre). Officers see the aggregates of their territory and
 * below, never names unless their role is case-level, and then only their territory's patients.
 */
@LafiaTest
class TerritoryTest {

  @LocalServerPort int port;
  @Autowired ApplicationContext context;
  @Autowired JwtEncoder encoder;

  private String run;
  private final Map<String, String> org = new HashMap<>();
  private final Map<String, String> patient = new HashMap<>();
  private final Map<String, String> report = new HashMap<>();

  private String full() {
    return TestAuth.fullAccess(context, port);
  }

  private String person(String role, List<String> facilities, List<String> territories) {
    return as.token(role + "-" + run, role, facilities, territories);
  }

  private void organization(String key, String parent) throws Exception {
    String id = key + "-" + run;
    org.put(key, id);
    as.ok("PUT", "/fhir/Organization/" + id, full(), "{\"resourceType\":\"Organization\",\"id\":\"" + id + "\",\"name\":\"" + key + "\""
        + (parent == null ? "" : ",\"partOf\":{\"reference\":\"Organization/" + org.get(parent) + "\"}") + "}");
  }

  private AsPerson as;

  @BeforeEach
  void aCountryOfTwoRegions() throws Exception {
    as = new AsPerson(port, encoder);
    run = UUID.randomUUID().toString().substring(0, 8);
    organization("country", null);
    for (String n : List.of("1", "2")) {
      organization("r" + n, "country");
      organization("d" + n, "r" + n);
      organization("f" + n, "d" + n);
      String p = "p" + n + "-" + run;
      patient.put(n, p);
      as.ok("PUT", "/fhir/Patient/" + p, full(), "{\"resourceType\":\"Patient\",\"id\":\"" + p + "\",\"name\":[{\"family\":\"Cas" + run
          + "\"}],\"managingOrganization\":{\"reference\":\"Organization/" + org.get("f" + n) + "\"}}");
      as.ok("POST", "/fhir/Observation", full(), "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":"
          + "\"urn:lafia:test\",\"code\":\"tdr-" + run + "\"}]},\"subject\":{\"reference\":\"Patient/" + p + "\"}}");
      JsonNode mr = as.ok("POST", "/fhir/MeasureReport", full(), "{\"resourceType\":\"MeasureReport\",\"status\":\"complete\",\"type\":"
          + "\"summary\",\"measure\":\"http://lafia.health/fhir/Measure/idsr-weekly-" + run + "\",\"period\":{\"start\":\"2026-11-16\","
          + "\"end\":\"2026-11-22\"},\"reporter\":{\"reference\":\"Organization/" + org.get("f" + n) + "\"},\"subject\":{\"reference\":"
          + "\"Organization/" + org.get("f" + n) + "\"},\"group\":[{\"code\":{\"text\":\"Paludisme\"},\"population\":[{\"count\":" + (10 * Integer.parseInt(n))
          + "}]}]}");
      report.put(n, mr.path("id").asText());
    }
  }

  private List<String> reports(String token) throws Exception {
    return AsPerson.ids(as.ok("GET", "/fhir/MeasureReport?measure=http://lafia.health/fhir/Measure/idsr-weekly-" + run, token, null), "MeasureReport");
  }

  @Test
  void a_regional_officer_sees_the_aggregates_of_their_region_and_below_and_no_names() throws Exception {
    String officer = person("surveillance-officer", List.of(), List.of(org.get("r1")));
    assertThat(reports(officer)).containsExactly(report.get("1"));
    assertThat(as.send("GET", "/fhir/MeasureReport/" + report.get("1"), officer, null).statusCode()).isEqualTo(200);
    assertThat(as.send("GET", "/fhir/MeasureReport/" + report.get("2"), officer, null).statusCode()).isEqualTo(403);
    JsonNode count = as.ok("GET", "/fhir/MeasureReport?measure=http://lafia.health/fhir/Measure/idsr-weekly-" + run + "&_summary=count", officer, null);
    assertThat(count.path("total").asInt()).isEqualTo(1);
    // No names: patients and their observations are out of reach, even in the officer's region.
    assertThat(as.send("GET", "/fhir/Patient/" + patient.get("1"), officer, null).statusCode()).isEqualTo(403);
    assertThat(as.send("GET", "/fhir/Observation?code=urn:lafia:test|tdr-" + run, officer, null).statusCode()).isEqualTo(403);
    // Facilities (not patient data) are readable, to name the reporters.
    assertThat(as.send("GET", "/fhir/Organization/" + org.get("f2"), officer, null).statusCode()).isEqualTo(200);
  }

  @Test
  void district_national_and_facility_officers_see_their_own_level() throws Exception {
    assertThat(reports(person("surveillance-officer", List.of(), List.of(org.get("d2"))))).containsExactly(report.get("2"));
    assertThat(reports(person("surveillance-officer", List.of(), List.of(org.get("country")))))
        .containsExactlyInAnyOrder(report.get("1"), report.get("2"));
    assertThat(reports(person("surveillance-officer", List.of(org.get("f1")), List.of()))).containsExactly(report.get("1"));
    assertThat(reports(person("surveillance-officer", List.of(), List.of()))).isEmpty();
    // A centre moved to the other district changes hands at once.
    as.ok("PUT", "/fhir/Organization/" + org.get("f1"), full(), "{\"resourceType\":\"Organization\",\"id\":\"" + org.get("f1")
        + "\",\"name\":\"f1\",\"partOf\":{\"reference\":\"Organization/" + org.get("d2") + "\"}}");
    assertThat(reports(person("surveillance-officer", List.of(), List.of(org.get("d2")))))
        .containsExactlyInAnyOrder(report.get("1"), report.get("2"));
    assertThat(reports(person("surveillance-officer", List.of(), List.of(org.get("r1"))))).isEmpty();
  }

  @Test
  void a_case_level_officer_sees_the_patients_of_their_territory_only() throws Exception {
    String investigator = person("surveillance-case-officer", List.of(), List.of(org.get("r1")));
    assertThat(as.send("GET", "/fhir/Patient/" + patient.get("1"), investigator, null).statusCode()).isEqualTo(200);
    assertThat(as.send("GET", "/fhir/Patient/" + patient.get("2"), investigator, null).statusCode()).isEqualTo(403);
    JsonNode obs = as.ok("GET", "/fhir/Observation?code=urn:lafia:test|tdr-" + run + "&_total=accurate", investigator, null);
    assertThat(obs.path("total").asInt()).isEqualTo(1);
    assertThat(AsPerson.ids(as.ok("GET", "/fhir/Patient?family=Cas" + run, investigator, null), "Patient")).containsExactly(patient.get("1"));
    assertThat(reports(investigator)).containsExactly(report.get("1"));
    // Case-level reading is still surveillance, not care: no writing to the record.
    assertThat(as.send("POST", "/fhir/Observation", investigator, "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":"
        + "\"x\"},\"subject\":{\"reference\":\"Patient/" + patient.get("1") + "\"}}").statusCode()).isEqualTo(403);
  }

  @Test
  void a_clinician_sees_the_reports_of_their_own_facility_and_a_system_sees_all() throws Exception {
    assertThat(reports(person("clinician", List.of(org.get("f2")), List.of()))).containsExactly(report.get("2"));
    assertThat(reports(full())).containsExactlyInAnyOrder(report.get("1"), report.get("2"));
  }
}
