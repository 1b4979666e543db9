package org.lafia.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lafia.LafiaTest;
import org.lafia.TestAuth;
import org.lafia.fhir.spi.PatientScope;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.jwt.JwtEncoder;

/**
 * Who sees which record, through every path to data. Two facilities A and B; patients:
 * {@code a} (managed by A), {@code b} (managed by B), {@code e} (managed by B, seen in an
 * encounter at A), {@code r} (like e, but a Consent keeps their record to B). A clinician of A must
 * see a and e only, in reads, searches (counts and pages too), includes, chains, {@code _has},
 * history, {@code $everything} and bundles; break-the-glass opens b, with an audited reason.
 */
@LafiaTest
class CareRelationshipTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @LocalServerPort int port;
  @Autowired ApplicationContext context;
  @Autowired JwtEncoder encoder;
  @Autowired DataSource dataSource;
  @Autowired org.lafia.audit.AuditTrail auditTrail;

  private String run;
  private String facA;
  private String facB;
  private final Map<String, String> patients = new java.util.HashMap<>();
  private final Map<String, String> observations = new java.util.HashMap<>();

  private String full() {
    return TestAuth.fullAccess(context, port);
  }

  private String person(String login, String role, String... facilities) {
    return as.token(login, role, List.of(facilities), List.of());
  }

  private AsPerson as;

  @BeforeEach
  void twoFacilitiesAndFourPatients() throws Exception {
    as = new AsPerson(port, encoder);
    run = UUID.randomUUID().toString().substring(0, 8);
    facA = "fac-a-" + run;
    facB = "fac-b-" + run;
    for (String f : List.of(facA, facB)) {
      as.ok("PUT", "/fhir/Organization/" + f, full(), "{\"resourceType\":\"Organization\",\"id\":\"" + f + "\",\"name\":\"" + f + "\"}");
    }
    for (String[] p : new String[][] {{"a", facA}, {"b", facB}, {"e", facB}, {"r", facB}}) {
      String id = p[0] + "-" + run;
      as.ok("PUT", "/fhir/Patient/" + id, full(), "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"identifier\":[{\"system\":"
          + "\"urn:lafia:test:nid\",\"value\":\"" + id + "\"}],\"name\":[{\"family\":\"Fam" + run
          + "\"}],\"managingOrganization\":{\"reference\":\"Organization/" + p[1] + "\"}}");
      patients.put(p[0], id);
      JsonNode obs = as.ok("POST", "/fhir/Observation", full(), "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":"
          + "[{\"system\":\"urn:lafia:test\",\"code\":\"obs-" + run + "\"}]},\"subject\":{\"reference\":\"Patient/" + id + "\"}}");
      observations.put(p[0], obs.path("id").asText());
    }
    for (String p : List.of("e", "r")) {
      as.ok("POST", "/fhir/Encounter", full(), "{\"resourceType\":\"Encounter\",\"status\":\"finished\",\"class\":{\"code\":\"AMB\"},"
          + "\"subject\":{\"reference\":\"Patient/" + patients.get(p) + "\"},\"serviceProvider\":{\"reference\":\"Organization/" + facA + "\"}}");
    }
    as.ok("POST", "/fhir/Consent", full(), "{\"resourceType\":\"Consent\",\"status\":\"active\",\"scope\":{\"coding\":[{\"system\":"
        + "\"http://terminology.hl7.org/CodeSystem/consentscope\",\"code\":\"patient-privacy\"}]},\"category\":[{\"coding\":[{\"system\":\""
        + PatientScope.CONSENT_CATEGORY_SYSTEM + "\",\"code\":\"" + PatientScope.RESTRICT_CODE + "\"}]}],\"patient\":{\"reference\":\"Patient/"
        + patients.get("r") + "\"},\"organization\":[{\"reference\":\"Organization/" + facB + "\"}],\"policyRule\":{\"text\":\"Partage restreint\"}}");
  }

  @Test
  void a_clinician_reads_only_the_records_of_patients_in_care_at_their_facility() throws Exception {
    String dr = person("dr-a-" + run, "clinician", facA);
    assertThat(as.send("GET", "/fhir/Patient/" + patients.get("a"), dr, null).statusCode()).isEqualTo(200);
    assertThat(as.send("GET", "/fhir/Patient/" + patients.get("e"), dr, null).statusCode()).isEqualTo(200);
    assertThat(as.send("GET", "/fhir/Patient/" + patients.get("b"), dr, null).statusCode()).isEqualTo(403);
    assertThat(as.send("GET", "/fhir/Patient/" + patients.get("r"), dr, null).statusCode()).as("consent keeps r at B").isEqualTo(403);
    assertThat(as.send("GET", "/fhir/Observation/" + observations.get("a"), dr, null).statusCode()).isEqualTo(200);
    assertThat(as.send("GET", "/fhir/Observation/" + observations.get("b"), dr, null).statusCode()).isEqualTo(403);
    assertThat(as.send("GET", "/fhir/Observation/" + observations.get("b") + "/_history/1", dr, null).statusCode()).isEqualTo(403);
    assertThat(as.send("GET", "/fhir/Patient/" + patients.get("b") + "/_history", dr, null).statusCode()).isEqualTo(403);
    assertThat(as.send("GET", "/fhir/Patient/_history", dr, null).statusCode()).isEqualTo(403);
    assertThat(as.send("GET", "/fhir/Patient/" + patients.get("b") + "/$everything", dr, null).statusCode()).isEqualTo(403);
    assertThat(AsPerson.ids(as.ok("GET", "/fhir/Patient/" + patients.get("a") + "/$everything", dr, null), "Observation"))
        .containsExactly(observations.get("a"));
    // Facilities are not patient data: a clinician sees them all.
    assertThat(as.send("GET", "/fhir/Organization/" + facB, dr, null).statusCode()).isEqualTo(200);
    // The holding facility's clinician sees r; a system sees everyone.
    assertThat(as.send("GET", "/fhir/Patient/" + patients.get("r"), person("dr-b-" + run, "clinician", facB), null).statusCode()).isEqualTo(200);
    assertThat(as.send("GET", "/fhir/Patient/" + patients.get("b"), full(), null).statusCode()).isEqualTo(200);
  }

  @Test
  void searches_count_page_include_and_chain_only_over_what_the_clinician_may_see() throws Exception {
    String dr = person("dr-a-" + run, "clinician", facA);
    String all = String.join(",", patients.values());
    JsonNode byId = as.ok("GET", "/fhir/Patient?_id=" + all + "&_total=accurate", dr, null);
    assertThat(AsPerson.ids(byId, "Patient")).containsExactlyInAnyOrder(patients.get("a"), patients.get("e"));
    assertThat(byId.path("total").asInt()).isEqualTo(2);
    assertThat(as.ok("GET", "/fhir/Patient?family=Fam" + run + "&_summary=count", dr, null).path("total").asInt()).isEqualTo(2);

    // Paging one by one: two pages, never a third, never an invisible record.
    JsonNode page1 = as.ok("GET", "/fhir/Observation?code=urn:lafia:test|obs-" + run + "&_count=1&_total=accurate", dr, null);
    assertThat(page1.path("total").asInt()).isEqualTo(2);
    String next = null;
    for (JsonNode l : page1.path("link")) if (l.path("relation").asText().equals("next")) next = l.path("url").asText();
    assertThat(next).isNotNull();
    JsonNode page2 = as.ok("GET", next.substring(next.indexOf("/fhir/")), dr, null);
    List<String> seen = new ArrayList<>(AsPerson.ids(page1, "Observation"));
    seen.addAll(AsPerson.ids(page2, "Observation"));
    assertThat(seen).containsExactlyInAnyOrder(observations.get("a"), observations.get("e"));
    assertThat(page2.path("link").findValuesAsText("relation")).doesNotContain("next");

    JsonNode rev = as.ok("GET", "/fhir/Patient?_id=" + all + "&_revinclude=Observation:subject", dr, null);
    assertThat(AsPerson.ids(rev, "Observation")).containsExactlyInAnyOrder(observations.get("a"), observations.get("e"));
    JsonNode chained = as.ok("GET", "/fhir/Observation?subject:Patient.family=Fam" + run, dr, null);
    assertThat(AsPerson.ids(chained, "Observation")).containsExactlyInAnyOrder(observations.get("a"), observations.get("e"));
    JsonNode has = as.ok("GET", "/fhir/Patient?_has:Observation:subject:code=urn:lafia:test|obs-" + run, dr, null);
    assertThat(AsPerson.ids(has, "Patient")).containsExactlyInAnyOrder(patients.get("a"), patients.get("e"));
    JsonNode consents = as.ok("GET", "/fhir/Consent?patient=Patient/" + patients.get("r"), dr, null);
    assertThat(consents.path("entry")).isEmpty();
  }

  @Test
  void a_search_that_names_its_patients_returns_only_what_is_open() throws Exception {
    String dr = person("dr-a-" + run, "clinician", facA);
    String a = patients.get("a");
    String b = patients.get("b");
    assertThat(AsPerson.ids(as.ok("GET", "/fhir/Observation?patient=" + a, dr, null), "Observation")).containsExactly(observations.get("a"));
    JsonNode closed = as.ok("GET", "/fhir/Observation?patient=" + b + "&_total=accurate", dr, null);
    assertThat(closed.path("entry")).isEmpty();
    assertThat(closed.path("total").asInt()).isZero();
    assertThat(AsPerson.ids(as.ok("GET", "/fhir/Observation?subject=Patient/" + b + ",Patient/" + a, dr, null), "Observation"))
        .containsExactly(observations.get("a"));
    assertThat(as.ok("GET", "/fhir/Observation?subject:Patient=" + b, dr, null).path("entry")).isEmpty();
    assertThat(as.ok("GET", "/fhir/Observation?patient=" + b + "&_summary=count", dr, null).path("total").asInt()).isZero();
    // b's observation that a performed (a patient measuring at home for b, say) is in a's compartment too: open.
    JsonNode both = as.ok("POST", "/fhir/Observation", full(), "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":"
        + "{\"text\":\"both\"},\"subject\":{\"reference\":\"Patient/" + b + "\"},\"performer\":[{\"reference\":\"Patient/" + a + "\"}]}");
    assertThat(AsPerson.ids(as.ok("GET", "/fhir/Observation?patient=" + b, dr, null), "Observation")).containsExactly(both.path("id").asText());
    assertThat(AsPerson.ids(as.ok("GET", "/fhir/Observation?patient=unknown-" + run, dr, null), "Observation")).isEmpty();
  }

  @Test
  void a_tele_expertise_request_opens_the_record_to_the_specialist_only_with_the_patients_consent() throws Exception {
    String facS = "fac-s-" + run;
    as.ok("PUT", "/fhir/Organization/" + facS, full(), "{\"resourceType\":\"Organization\",\"id\":\"" + facS + "\",\"name\":\"CHU\"}");
    String specialist = person("dr-s-" + run, "specialist", facS);
    String b = patients.get("b");
    String r = patients.get("r");
    for (String p : List.of(b, r)) {
      as.ok("POST", "/fhir/ServiceRequest", full(), "{\"resourceType\":\"ServiceRequest\",\"status\":\"active\",\"intent\":\"order\","
          + "\"category\":[{\"coding\":[{\"system\":\"" + PatientScope.REQUEST_CATEGORY_SYSTEM + "\",\"code\":\""
          + PatientScope.TELE_EXPERTISE_CODE + "\"}]}],\"code\":{\"text\":\"Avis dermatologique\"},\"subject\":{\"reference\":"
          + "\"Patient/" + p + "\"},\"performer\":[{\"reference\":\"Organization/" + facS + "\"}]}");
    }
    assertThat(as.send("GET", "/fhir/Patient/" + b, specialist, null).statusCode()).as("no consent yet").isEqualTo(403);
    assertThat(as.ok("GET", "/fhir/Observation?patient=" + b, specialist, null).path("entry")).isEmpty();

    String consentId = "tele-" + run;
    String consent = "{\"resourceType\":\"Consent\",\"id\":\"" + consentId + "\",\"status\":\"%s\",\"scope\":{\"coding\":[{"
        + "\"system\":\"http://terminology.hl7.org/CodeSystem/consentscope\",\"code\":\"patient-privacy\"}]},\"category\":[{"
        + "\"coding\":[{\"system\":\"" + PatientScope.CONSENT_CATEGORY_SYSTEM + "\",\"code\":\"" + PatientScope.TELE_EXPERTISE_CODE
        + "\"}]}],\"patient\":{\"reference\":\"Patient/%s\"},\"policyRule\":{\"text\":\"Télé-expertise\"}}";
    as.ok("PUT", "/fhir/Consent/" + consentId, full(), String.format(consent, "active", b));
    assertThat(as.send("GET", "/fhir/Patient/" + b, specialist, null).statusCode()).isEqualTo(200);
    assertThat(AsPerson.ids(as.ok("GET", "/fhir/Observation?patient=" + b, specialist, null), "Observation")).containsExactly(observations.get("b"));
    // Other facilities' staff still do not see b; the consent opens it to the requested specialist only.
    assertThat(as.send("GET", "/fhir/Patient/" + b, person("dr-a-" + run, "clinician", facA), null).statusCode()).isEqualTo(403);

    // Withdrawn: closed again at once, and the change is in the audit trail.
    as.ok("PUT", "/fhir/Consent/" + consentId, full(), String.format(consent, "inactive", b));
    assertThat(as.send("GET", "/fhir/Patient/" + b, specialist, null).statusCode()).isEqualTo(403);
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    assertThat(jdbc.queryForObject("select count(*) from audit_event where ? = any(entities) and action in ('C', 'U')", Integer.class,
        "Consent/" + consentId)).isEqualTo(2);

    // A patient who keeps their record to B may still consent to tele-expertise: the specialist sees it, A does not.
    as.ok("PUT", "/fhir/Consent/" + consentId + "-r", full(), String.format(consent.replace(consentId, consentId + "-r"), "active", r));
    assertThat(as.send("GET", "/fhir/Patient/" + r, specialist, null).statusCode()).isEqualTo(200);
    assertThat(as.send("GET", "/fhir/Patient/" + r, person("dr-a-" + run, "clinician", facA), null).statusCode()).isEqualTo(403);
  }

  @Test
  void bundles_and_writes_are_held_to_the_same_records() throws Exception {
    String dr = person("dr-a-" + run, "clinician", facA);
    String tx = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"request\":{\"method\":\"GET\",\"url\":\"Patient/"
        + patients.get("a") + "\"}},{\"request\":{\"method\":\"GET\",\"url\":\"Patient/" + patients.get("b") + "\"}}]}";
    assertThat(as.send("POST", "/fhir", dr, tx).statusCode()).isEqualTo(403);
    JsonNode batch = as.ok("POST", "/fhir", dr, tx.replace("\"transaction\"", "\"batch\""));
    assertThat(batch.path("entry").get(0).path("response").path("status").asText()).startsWith("200");
    assertThat(batch.path("entry").get(1).path("response").path("status").asText()).startsWith("403");
    JsonNode searchInBatch = as.ok("POST", "/fhir", dr, "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[{\"request\":"
        + "{\"method\":\"GET\",\"url\":\"Patient?family=Fam" + run + "\"}}]}");
    assertThat(AsPerson.ids(searchInBatch.path("entry").get(0).path("resource"), "Patient")).containsExactlyInAnyOrder(patients.get("a"), patients.get("e"));

    String obsB = observations.get("b");
    String update = "{\"resourceType\":\"Observation\",\"id\":\"" + obsB + "\",\"status\":\"amended\",\"code\":{\"text\":\"x\"},"
        + "\"subject\":{\"reference\":\"Patient/" + patients.get("b") + "\"}}";
    assertThat(as.send("PUT", "/fhir/Observation/" + obsB, dr, update).statusCode()).isEqualTo(403);
    assertThat(as.send("DELETE", "/fhir/Observation/" + obsB, dr, null).statusCode()).isEqualTo(403);
    assertThat(as.ok("GET", "/fhir/Observation/" + obsB, full(), null).path("status").asText()).isEqualTo("final");
  }

  @Test
  void a_conditional_write_that_matches_a_record_not_open_to_the_caller_is_refused_not_shown() throws Exception {
    String dr = person("dr-a-" + run, "clinician", facA);
    String b = patients.get("b");
    HttpResponse<String> create = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir/Patient"))
        .header("Authorization", "Bearer " + dr).header("Content-Type", "application/fhir+json")
        .header("If-None-Exist", "identifier=urn:lafia:test:nid%7C" + b)
        .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:lafia:test:nid\","
            + "\"value\":\"" + b + "\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(create.statusCode()).isEqualTo(403);
    assertThat(create.body()).doesNotContain("Fam" + run);
    assertThat(as.send("PUT", "/fhir/Patient?identifier=urn:lafia:test:nid|" + b, dr, "{\"resourceType\":\"Patient\",\"active\":false}")
        .statusCode()).isEqualTo(403);
    assertThat(as.send("DELETE", "/fhir/Patient?identifier=urn:lafia:test:nid|" + b, dr, null).statusCode()).isEqualTo(403);
    JsonNode still = as.ok("GET", "/fhir/Patient?identifier=urn:lafia:test:nid|" + b, full(), null);
    assertThat(AsPerson.ids(still, "Patient")).containsExactly(b);
    assertThat(still.path("entry").get(0).path("resource").has("active")).isFalse();
    // On a record in care at A, the same conditional create finds it.
    HttpResponse<String> mine = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir/Patient"))
        .header("Authorization", "Bearer " + dr).header("Content-Type", "application/fhir+json")
        .header("If-None-Exist", "identifier=urn:lafia:test:nid%7C" + patients.get("a"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(mine.statusCode()).isEqualTo(200);
  }

  @Test
  void breaking_the_glass_opens_a_record_at_once_with_a_stated_reason_and_auditors_see_it() throws Exception {
    String login = "dr-urgence-" + run;
    String dr = person(login, "clinician", facA);
    String b = patients.get("b");
    assertThat(as.send("GET", "/fhir/Patient/" + b, dr, null).statusCode()).isEqualTo(403);
    HttpResponse<String> noReason = as.send("POST", "/api/access/break-glass", dr, "{\"patient\":\"" + b + "\",\"reason\":\"vite\"}");
    assertThat(noReason.statusCode()).isEqualTo(400);
    assertThat(noReason.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    assertThat(as.send("POST", "/api/access/break-glass", full(), "{\"patient\":\"" + b + "\",\"reason\":\"un système n'a pas de raison\"}")
        .statusCode()).isEqualTo(403);
    HttpResponse<String> granted = as.send("POST", "/api/access/break-glass", dr,
        "{\"patient\":\"" + b + "\",\"reason\":\"Patient inconscient aux urgences, antécédents nécessaires\"}");
    assertThat(granted.statusCode()).isEqualTo(201);
    assertThat(as.send("GET", "/fhir/Patient/" + b, dr, null).statusCode()).isEqualTo(200);
    assertThat(AsPerson.ids(as.ok("GET", "/fhir/Observation?subject=Patient/" + b, dr, null), "Observation")).containsExactly(observations.get("b"));

    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    auditTrail.flush(); // the entries of reads are written by this node's audit writer
    List<Map<String, Object>> trail = jdbc.queryForList("select subtype, purpose from audit_event where agent = ? order by seq", login);
    assertThat(trail).anySatisfy(e -> {
      assertThat(e.get("subtype")).isEqualTo("break-the-glass");
      assertThat((String) e.get("purpose")).contains("Patient inconscient");
    });
    assertThat(trail).filteredOn(e -> "read".equals(e.get("subtype")) && "break-the-glass".equals(e.get("purpose"))).hasSize(1);
    // Another clinician of A still cannot.
    assertThat(as.send("GET", "/fhir/Patient/" + b, person("dr-autre-" + run, "clinician", facA), null).statusCode()).isEqualTo(403);
  }

  @Test
  void a_relationship_ends_when_the_resource_that_made_it_changes_or_goes() throws Exception {
    String dr = person("dr-a-" + run, "clinician", facA);
    String e = patients.get("e");
    assertThat(as.send("GET", "/fhir/Patient/" + e, dr, null).statusCode()).isEqualTo(200);
    JsonNode encounters = as.ok("GET", "/fhir/Encounter?subject=Patient/" + e, full(), null);
    String encounter = encounters.path("entry").get(0).path("resource").path("id").asText();
    // The encounter was in fact at B: corrected, A's clinician no longer sees e.
    as.ok("PUT", "/fhir/Encounter/" + encounter, full(), "{\"resourceType\":\"Encounter\",\"id\":\"" + encounter + "\",\"status\":"
        + "\"finished\",\"class\":{\"code\":\"AMB\"},\"subject\":{\"reference\":\"Patient/" + e + "\"},\"serviceProvider\":"
        + "{\"reference\":\"Organization/" + facB + "\"}}");
    assertThat(as.send("GET", "/fhir/Patient/" + e, dr, null).statusCode()).isEqualTo(403);
    // A new patient managed by A, then moved to B.
    String moved = "m-" + run;
    String body = "{\"resourceType\":\"Patient\",\"id\":\"" + moved + "\",\"managingOrganization\":{\"reference\":\"Organization/";
    as.ok("PUT", "/fhir/Patient/" + moved, full(), body + facA + "\"}}");
    assertThat(as.send("GET", "/fhir/Patient/" + moved, dr, null).statusCode()).isEqualTo(200);
    as.ok("PUT", "/fhir/Patient/" + moved, full(), body + facB + "\"}}");
    assertThat(as.send("GET", "/fhir/Patient/" + moved, dr, null).statusCode()).isEqualTo(403);
    // An encounter at A, deleted: the relationship goes with it.
    JsonNode enc = as.ok("POST", "/fhir/Encounter", full(), "{\"resourceType\":\"Encounter\",\"status\":\"finished\",\"class\":"
        + "{\"code\":\"AMB\"},\"subject\":{\"reference\":\"Patient/" + moved + "\"},\"serviceProvider\":{\"reference\":"
        + "\"Organization/" + facA + "\"}}");
    assertThat(as.send("GET", "/fhir/Patient/" + moved, dr, null).statusCode()).isEqualTo(200);
    assertThat(as.send("DELETE", "/fhir/Encounter/" + enc.path("id").asText(), full(), null).statusCode()).isEqualTo(204);
    assertThat(as.send("GET", "/fhir/Patient/" + moved, dr, null).statusCode()).isEqualTo(403);
  }

  @Test
  void roles_that_work_across_facilities_see_every_record_their_role_covers() throws Exception {
    String steward = person("registre-" + run, "registry-steward");
    assertThat(AsPerson.ids(as.ok("GET", "/fhir/Patient?family=Fam" + run, steward, null), "Patient")).hasSize(4);
    assertThat(as.send("GET", "/fhir/Observation/" + observations.get("a"), steward, null).statusCode()).isEqualTo(403);
    String nobody = person("sans-etablissement-" + run, "clinician");
    assertThat(as.ok("GET", "/fhir/Patient?family=Fam" + run + "&_total=accurate", nobody, null).path("total").asInt()).isZero();
  }

  @Test
  void a_deleted_facility_opens_no_record_until_it_is_created_again() throws Exception {
    String dr = person("dr-a-" + run, "clinician", facA);
    String a = patients.get("a");
    String e = patients.get("e");
    assertThat(AsPerson.ids(as.ok("GET", "/fhir/Patient?family=Fam" + run, dr, null), "Patient")).containsExactlyInAnyOrder(a, e);
    assertThat(as.send("DELETE", "/fhir/Organization/" + facA, full(), null).statusCode()).isEqualTo(204);
    assertThat(as.send("GET", "/fhir/Patient/" + a, dr, null).statusCode()).isEqualTo(403);
    assertThat(as.send("GET", "/fhir/Observation/" + observations.get("e"), dr, null).statusCode()).isEqualTo(403);
    assertThat(as.ok("GET", "/fhir/Patient?family=Fam" + run + "&_total=accurate", dr, null).path("total").asInt()).isZero();
    // Created again (same id): its patients are open to its staff again, at once.
    as.ok("PUT", "/fhir/Organization/" + facA, full(), "{\"resourceType\":\"Organization\",\"id\":\"" + facA + "\",\"name\":\"A\"}");
    assertThat(as.send("GET", "/fhir/Patient/" + a, dr, null).statusCode()).isEqualTo(200);
    assertThat(AsPerson.ids(as.ok("GET", "/fhir/Patient?family=Fam" + run, dr, null), "Patient")).containsExactlyInAnyOrder(a, e);
    // A restriction to a facility since deleted keeps the record closed to every other one.
    String drB = person("dr-b-" + run, "clinician", facB);
    assertThat(as.send("GET", "/fhir/Patient/" + patients.get("r"), drB, null).statusCode()).isEqualTo(200);
    assertThat(as.send("DELETE", "/fhir/Organization/" + facB, full(), null).statusCode()).isEqualTo(204);
    assertThat(as.send("GET", "/fhir/Patient/" + patients.get("r"), dr, null).statusCode()).as("kept to B, now gone").isEqualTo(403);
    assertThat(as.send("GET", "/fhir/Patient/" + patients.get("r"), drB, null).statusCode()).isEqualTo(403);
  }

  /**
   * Care relationships of one patient written at the same time by many transactions: each
   * recomputes the patient's access row after the others have committed, so none is lost (an
   * aggregate computed from a snapshot taken before another writer's commit would drop its rows).
   */
  @Test
  void concurrent_care_relationships_of_one_patient_are_all_kept() throws Exception {
    String p = patients.get("b");
    int n = 8;
    List<String> facilities = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String f = "fac-c" + i + "-" + run;
      as.ok("PUT", "/fhir/Organization/" + f, full(), "{\"resourceType\":\"Organization\",\"id\":\"" + f + "\",\"name\":\"" + f + "\"}");
      facilities.add(f);
    }
    String token = full();
    var pool = java.util.concurrent.Executors.newFixedThreadPool(n);
    try {
      List<java.util.concurrent.Future<Integer>> posted = new ArrayList<>();
      var start = new java.util.concurrent.CountDownLatch(1);
      for (String f : facilities) {
        posted.add(pool.submit(() -> {
          start.await();
          return as.send("POST", "/fhir/Encounter", token, "{\"resourceType\":\"Encounter\",\"status\":\"finished\",\"class\":"
              + "{\"code\":\"AMB\"},\"subject\":{\"reference\":\"Patient/" + p + "\"},\"serviceProvider\":{\"reference\":"
              + "\"Organization/" + f + "\"}}").statusCode();
        }));
      }
      start.countDown();
      for (var f : posted) assertThat(f.get()).isEqualTo(201);
    } finally {
      pool.shutdown();
    }
    for (String f : facilities) {
      assertThat(as.send("GET", "/fhir/Patient/" + p, person("dr-" + f, "clinician", f), null).statusCode()).as(f).isEqualTo(200);
    }
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    Integer care = jdbc.queryForObject("select cardinality(a.care) from fhir_patient_access a join fhir_resource r on r.pid = a.patient_pid"
        + " where r.res_type = 'Patient' and r.res_id = ?", Integer.class, p);
    assertThat(care).isEqualTo(n + 1); // the eight, and B that manages the patient
  }

  /** The access rows are derived: rebuilt from the care relationships, they are the rows kept at write time. */
  @Test
  void access_rows_rebuilt_from_the_care_relationships_are_the_ones_kept_at_write_time() throws Exception {
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    String rows = "select patient_pid, care, restrict_to, tele from fhir_patient_access order by patient_pid";
    java.util.function.Supplier<List<String>> snapshot = () -> jdbc.query(rows, (rs, i) -> rs.getLong(1) + " " + sorted(rs.getArray(2))
        + " " + sorted(rs.getArray(3)) + " " + sorted(rs.getArray(4)));
    List<String> kept = snapshot.get();
    assertThat(kept).isNotEmpty();
    try (java.sql.Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (var st = c.createStatement()) {
        st.execute("delete from fhir_patient_access");
      }
      c.commit();
      c.setAutoCommit(true);
      context.getBean(org.lafia.fhir.rest.FhirServices.class).care().backfill(c);
    }
    assertThat(snapshot.get()).isEqualTo(kept);
  }

  private static String sorted(java.sql.Array a) throws java.sql.SQLException {
    if (a == null) return "null";
    Long[] values = (Long[]) a.getArray();
    java.util.Arrays.sort(values);
    return java.util.Arrays.toString(values);
  }
}
