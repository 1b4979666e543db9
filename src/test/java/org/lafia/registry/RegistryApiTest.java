package org.lafia.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lafia.LafiaTest;
import org.lafia.fhir.FhirTestSupport;
import org.lafia.security.AsPerson;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.jwt.JwtEncoder;

/** {@code /api/registry}: the stewards' review queue and its decisions, a person's page, the merge feed. */
@LafiaTest
class RegistryApiTest extends FhirTestSupport {
  private static final ObjectMapper JSON = new ObjectMapper();
  @Autowired JwtEncoder encoder;

  private AsPerson as;
  private String steward;
  private String family;

  @BeforeEach
  void setUp() {
    as = new AsPerson(port, encoder);
    steward = as.token("abla-" + UUID8(), "registry-steward", List.of(), List.of("tg"));
    Random r = new Random();
    StringBuilder b = new StringBuilder().append((char) ('A' + r.nextInt(26)));
    for (int i = 0; i < 9; i++) b.append((char) ('a' + r.nextInt(26)));
    family = b.toString();
  }

  private static String UUID8() {
    return java.util.UUID.randomUUID().toString().substring(0, 8);
  }

  private String create(String given, String birthDate) {
    Patient p = new Patient().addName(new HumanName().setFamily(family).addGiven(given)).setGender(AdministrativeGender.FEMALE)
        .setBirthDateElement(new DateType(birthDate));
    return client().create().resource(p).execute().getId().getIdPart();
  }

  /** Two records of one name and birth year: a new person, and the pair in the queue. */
  private JsonNode queuedPair() throws Exception {
    String first = create("Enyonam", "1987-01-09");
    String second = create("Enyonam", "1987-08-30");
    JsonNode all = as.ok("GET", "/api/registry/reviews?patient=" + second, steward, null);
    for (JsonNode r : all.path("reviews")) {
      if (r.path("patient").path("id").asText().equals(second) && r.path("candidate").path("id").asText().equals(first)) return r;
    }
    throw new AssertionError("no review for " + second + " against " + first + " in " + all);
  }

  private JsonNode decide(long id, String decision, String note) throws Exception {
    return as.ok("POST", "/api/registry/reviews/" + id, steward,
        JSON.writeValueAsString(note == null ? java.util.Map.of("decision", decision) : java.util.Map.of("decision", decision, "note", note)));
  }

  @Test
  void the_queue_shows_each_pair_with_its_score_and_the_agreement_of_each_field() throws Exception {
    JsonNode r = queuedPair();
    assertThat(r.path("status").asText()).isEqualTo("open");
    assertThat(r.path("score").asDouble()).isGreaterThanOrEqualTo(0.5);
    assertThat(r.path("patient").path("nhid").asText()).startsWith("TG").isNotEqualTo(r.path("candidate").path("nhid").asText());
    List<String> fields = new ArrayList<>();
    r.path("evidence").forEach(e -> fields.add(e.path("field").asText() + "=" + e.path("agreement").asText()));
    assertThat(fields).contains("given=exact", "family=exact", "birth_date=same year");
  }

  @Test
  void only_stewards_and_the_national_administrator_reach_the_registry() throws Exception {
    String clinician = as.token("clin-" + UUID8(), "clinician", List.of(), List.of());
    HttpResponse<String> r = as.send("GET", "/api/registry/reviews", clinician, null);
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
    String admin = as.token("admin-" + UUID8(), "national-admin", List.of(), List.of("tg"));
    assertThat(as.send("GET", "/api/registry/reviews", admin, null).statusCode()).isEqualTo(200);
    assertThat(as.send("GET", "/api/registry/reviews", null, null).statusCode()).isEqualTo(401);
  }

  @Test
  void distinct_defer_and_reopen_are_recorded_and_a_decided_pair_cannot_be_decided_again() throws Exception {
    JsonNode pair = queuedPair();
    long id = pair.path("id").asLong();
    String queuedPairPatient = pair.path("patient").path("id").asText();
    JsonNode deferred = decide(id, "defer", "Appeler le centre de santé / call the facility");
    assertThat(deferred.path("status").asText()).isEqualTo("deferred");
    assertThat(deferred.path("note").asText()).startsWith("Appeler");
    assertThat(decide(id, "reopen", null).path("status").asText()).isEqualTo("open");
    JsonNode distinct = decide(id, "distinct", "Jumelles / twins");
    assertThat(distinct.path("status").asText()).isEqualTo("distinct");
    assertThat(distinct.path("decidedBy").asText()).startsWith("abla-");
    HttpResponse<String> again = as.send("POST", "/api/registry/reviews/" + id, steward, "{\"decision\":\"link\"}");
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.body()).contains("decided already");
    // Decided pairs leave the queue.
    JsonNode open = as.ok("GET", "/api/registry/reviews?patient=" + queuedPairPatient, steward, null);
    open.path("reviews").forEach(r -> assertThat(r.path("id").asLong()).isNotEqualTo(id));
  }

  @Test
  void link_moves_the_record_to_the_candidates_person_with_its_history_and_event() throws Exception {
    JsonNode pair = queuedPair();
    long id = pair.path("id").asLong();
    String record = pair.path("patient").path("id").asText();
    String former = pair.path("patient").path("nhid").asText();
    String target = pair.path("candidate").path("nhid").asText();
    long lastEvent = as.ok("GET", "/api/registry/events?after=0&count=1000", steward, null).path("last").asLong();

    JsonNode linked = decide(id, "link", null);
    assertThat(linked.path("status").asText()).isEqualTo("linked");
    assertThat(linked.path("patient").path("nhid").asText()).isEqualTo(target);
    Patient p = client().read().resource(Patient.class).withId(record).execute();
    assertThat(HealthIdRules.currentId(p, "TG")).isEqualTo(target);
    assertThat(p.getMeta().getVersionId()).isEqualTo("2");

    JsonNode events = as.ok("GET", "/api/registry/events?after=" + lastEvent, steward, null).path("events");
    assertThat(events).anySatisfy(e -> {
      assertThat(e.path("kind").asText()).isEqualTo("PatientsMerged");
      assertThat(e.path("patientId").asText()).isEqualTo(record);
      assertThat(e.path("fromNhid").asText()).isEqualTo(former);
      assertThat(e.path("toNhid").asText()).isEqualTo(target);
    });
    JsonNode person = as.ok("GET", "/api/registry/persons/" + target, steward, null);
    List<String> records = new ArrayList<>();
    person.path("records").forEach(r -> records.add(r.path("patientId").asText()));
    assertThat(records).contains(record, pair.path("candidate").path("id").asText());
    assertThat(person.path("events")).isNotEmpty();
    // The golden record: the full birth date of the first record (most precise: both are full
    // dates, so the most recent), the phone of the only record that has one, each with its source.
    JsonNode golden = person.path("golden");
    assertThat(golden.path("family").path("value").asText()).isEqualTo(family);
    assertThat(golden.path("family").path("rule").asText()).isEqualTo("most-frequent");
    assertThat(golden.path("birthDate").path("rule").asText()).isEqualTo("most-precise");
    assertThat(golden.path("birthDate").path("value").asText()).isIn("1987-01-09", "1987-08-30");
    assertThat(as.ok("GET", "/api/registry/persons/" + former, steward, null).path("mergedInto").asText()).isEqualTo(target);
  }

  @Test
  void bad_requests_are_refused_with_a_reason() throws Exception {
    long id = queuedPair().path("id").asLong();
    HttpResponse<String> unknown = as.send("POST", "/api/registry/reviews/" + id, steward, "{\"decision\":\"merge-all\"}");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).contains("Unknown decision");
    assertThat(as.send("POST", "/api/registry/reviews/" + id, steward, "{}").statusCode()).isEqualTo(400);
    assertThat(as.send("POST", "/api/registry/reviews/999999999", steward, "{\"decision\":\"defer\"}").statusCode()).isEqualTo(404);
    assertThat(as.send("GET", "/api/registry/reviews?status=maybe", steward, null).statusCode()).isEqualTo(400);
    HttpResponse<String> badId = as.send("GET", "/api/registry/persons/TG12", steward, null);
    assertThat(badId.statusCode()).isEqualTo(400);
    assertThat(as.send("GET", "/api/registry/persons/" + NationalHealthId.issue("TG", 999_997).value(), steward, null).statusCode())
        .isEqualTo(404);
  }
}
