package org.lafia.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.lafia.LafiaTest;

/**
 * Search semantics per parameter type, prefix and modifier, on a small hand-built fixture whose
 * expected results are computed by hand. Every query carries the fixture's own _tag, so data of
 * other tests never matches.
 */
@LafiaTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchConformanceTest extends FhirTestSupport {
  private final String run = unique("run");
  private final Map<String, String> ids = new LinkedHashMap<>();

  private String tag() {
    return "_tag=urn:lafia:fixture%7C" + run;
  }

  private String meta() {
    return "\"meta\":{\"tag\":[{\"system\":\"urn:lafia:fixture\",\"code\":\"" + run + "\"}]}";
  }

  private void create(String key, String json) throws Exception {
    String body = json.replace("\"META\":0", meta());
    for (Map.Entry<String, String> e : ids.entrySet()) body = body.replace("@" + e.getKey() + "@", e.getValue());
    HttpResponse<String> r = send("POST", "/" + json.split("\"")[3], "application/fhir+json", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    ids.put(key, ((Resource) CTX.newJsonParser().parseResource(r.body())).getIdElement().getIdPart());
  }

  @BeforeAll
  void fixture() throws Exception {
    create("P1", "{\"resourceType\":\"Patient\",\"META\":0,\"identifier\":[{\"system\":\"urn:nid\",\"value\":\"A1\"}],"
        + "\"active\":true,\"name\":[{\"family\":\"Amégan\",\"given\":[\"Kossi\"]}],\"telecom\":[{\"system\":\"phone\",\"value\":\"+22890000001\"}],"
        + "\"gender\":\"male\",\"birthDate\":\"1980-03-15\",\"address\":[{\"city\":\"Lomé\"}],\"maritalStatus\":{\"text\":\"Marié\"}}");
    create("P2", "{\"resourceType\":\"Patient\",\"META\":0,\"identifier\":[{\"system\":\"urn:nid\",\"value\":\"A2\"}],"
        + "\"name\":[{\"family\":\"N'Guessan\",\"given\":[\"Afi\"]}],\"gender\":\"female\",\"birthDate\":\"1992-07\",\"address\":[{\"city\":\"Kara\"}]}");
    create("P3", "{\"resourceType\":\"Patient\",\"META\":0,\"identifier\":[{\"system\":\"urn:other\",\"value\":\"A1\"}],\"active\":false,"
        + "\"name\":[{\"family\":\"El Amrani\",\"given\":[\"Mohammed\"]},{\"text\":\"محمد العمراني\"}],\"gender\":\"male\",\"birthDate\":\"1975\",\"address\":[{\"city\":\"Sokodé\"}]}");
    create("P4", "{\"resourceType\":\"Patient\",\"META\":0,\"name\":[{\"family\":\"Amegan\",\"given\":[\"Ama\"]}],\"gender\":\"female\",\"birthDate\":\"2001-12-31\"}");
    create("P5", "{\"resourceType\":\"Patient\",\"META\":0,\"name\":[{\"given\":[\"Yawa\"]}]}");
    create("E1", "{\"resourceType\":\"Encounter\",\"META\":0,\"status\":\"finished\",\"class\":{\"code\":\"AMB\"},\"subject\":{\"reference\":\"Patient/@P1@\"}}");
    String sys = "{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8480-6\",\"display\":\"Systolic blood pressure\"}]}";
    create("O1", "{\"resourceType\":\"Observation\",\"META\":0,\"status\":\"final\",\"code\":" + sys + ",\"subject\":{\"reference\":\"Patient/@P1@\"},"
        + "\"encounter\":{\"reference\":\"Encounter/@E1@\"},\"effectiveDateTime\":\"2024-01-10T08:00:00Z\",\"valueQuantity\":{\"value\":120,\"system\":\"http://unitsofmeasure.org\",\"code\":\"mm[Hg]\"}}");
    create("O2", "{\"resourceType\":\"Observation\",\"META\":0,\"status\":\"final\",\"code\":" + sys + ",\"subject\":{\"reference\":\"Patient/@P1@\"},"
        + "\"effectiveDateTime\":\"2024-02-10T08:00:00+01:00\",\"valueQuantity\":{\"value\":145,\"system\":\"http://unitsofmeasure.org\",\"code\":\"mm[Hg]\"}}");
    create("O3", "{\"resourceType\":\"Observation\",\"META\":0,\"status\":\"final\",\"code\":" + sys + ",\"subject\":{\"reference\":\"Patient/@P2@\"},"
        + "\"effectiveDateTime\":\"2023-12-31\",\"valueQuantity\":{\"value\":100,\"system\":\"http://unitsofmeasure.org\",\"code\":\"mm[Hg]\"}}");
    create("O4", "{\"resourceType\":\"Observation\",\"META\":0,\"status\":\"amended\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"2339-0\"}],\"text\":\"Glucose\"},"
        + "\"subject\":{\"reference\":\"Patient/@P2@\"},\"effectiveDateTime\":\"2024-01-15\",\"valueQuantity\":{\"value\":5.4,\"system\":\"http://unitsofmeasure.org\",\"code\":\"mmol/L\"}}");
    create("O5", "{\"resourceType\":\"Observation\",\"META\":0,\"status\":\"final\",\"code\":" + sys + ",\"subject\":{\"reference\":\"Patient/@P3@\"},"
        + "\"effectivePeriod\":{\"start\":\"2024-01-01\",\"end\":\"2024-01-31\"},\"valueQuantity\":{\"value\":180,\"system\":\"http://unitsofmeasure.org\",\"code\":\"mm[Hg]\"}}");
    create("R1", "{\"resourceType\":\"RiskAssessment\",\"META\":0,\"status\":\"final\",\"subject\":{\"reference\":\"Patient/@P1@\"},\"prediction\":[{\"probabilityDecimal\":0.25}]}");
    create("R2", "{\"resourceType\":\"RiskAssessment\",\"META\":0,\"status\":\"final\",\"subject\":{\"reference\":\"Patient/@P2@\"},\"prediction\":[{\"probabilityDecimal\":0.8}]}");
    create("R3", "{\"resourceType\":\"RiskAssessment\",\"META\":0,\"status\":\"final\",\"subject\":{\"reference\":\"Patient/@P3@\"},\"prediction\":[{\"probabilityDecimal\":0.1}]}");
  }

  private Bundle search(String type, String query) throws Exception {
    HttpResponse<String> r = send("GET", "/" + type + "?" + tag() + (query.isEmpty() ? "" : "&" + query), null, null);
    assertThat(r.statusCode()).as(type + "?" + query + " → " + r.body()).isEqualTo(200);
    return (Bundle) CTX.newJsonParser().parseResource(r.body());
  }

  /** The fixture keys of the matches, in order. */
  private List<String> keys(Bundle b) {
    Map<String, String> byId = new LinkedHashMap<>();
    ids.forEach((k, v) -> byId.put(v, k));
    List<String> out = new ArrayList<>();
    for (Bundle.BundleEntryComponent e : b.getEntry()) {
      if (e.getSearch().getMode() == Bundle.SearchEntryMode.MATCH) out.add(byId.getOrDefault(e.getResource().getIdElement().getIdPart(), "?"));
    }
    return out;
  }

  private void expect(String type, String query, String... expected) throws Exception {
    assertThat(keys(search(type, enc(query)))).as(type + "?" + query).containsExactlyInAnyOrder(expected);
  }

  private static String enc(String query) {
    StringBuilder sb = new StringBuilder();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      if (sb.length() > 0) sb.append('&');
      sb.append(pair, 0, eq + 1).append(URLEncoder.encode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return sb.toString();
  }

  @Test
  void string_search_is_a_case_and_accent_insensitive_prefix_match() throws Exception {
    expect("Patient", "family=amega", "P1", "P4");
    expect("Patient", "family=AMÉ", "P1", "P4");
    expect("Patient", "family=n'gue", "P2");
    expect("Patient", "family=el", "P3");
    expect("Patient", "given=moham", "P3");
    expect("Patient", "name=kossi", "P1");
    expect("Patient", "name=محمد", "P3");
    expect("Patient", "address-city=lome", "P1");
    expect("Patient", "family=zzz");
  }

  @Test
  void string_modifiers_exact_contains_and_missing() throws Exception {
    expect("Patient", "family:exact=Amégan", "P1");
    expect("Patient", "family:exact=amégan");
    expect("Patient", "family:contains=egan", "P1", "P4");
    expect("Patient", "family:contains=amr", "P3");
    expect("Patient", "family:missing=true", "P5");
    expect("Patient", "family:missing=false", "P1", "P2", "P3", "P4");
  }

  @Test
  void token_search_with_system_code_and_modifiers() throws Exception {
    expect("Patient", "identifier=urn:nid|A1", "P1");
    expect("Patient", "identifier=A1", "P1", "P3");
    expect("Patient", "identifier=|A1");
    expect("Patient", "identifier=urn:nid|", "P1", "P2");
    expect("Patient", "gender=male", "P1", "P3");
    expect("Patient", "gender:not=male", "P2", "P4", "P5");
    expect("Patient", "gender:missing=true", "P5");
    expect("Patient", "active=true", "P1");
    expect("Patient", "active=false", "P3");
    expect("Patient", "phone=+22890000001", "P1");
    expect("Observation", "code:text=systolic", "O1", "O2", "O3", "O5");
    expect("Observation", "code:text=gluc", "O4");
    expect("Observation", "code=http://loinc.org|2339-0", "O4");
    expect("Observation", "status=amended", "O4");
  }

  @Test
  void several_values_are_or_and_repeated_parameters_are_and() throws Exception {
    expect("Patient", "family=amrani,mensah,n'guessan", "P2");
    expect("Patient", "family=el,amega", "P1", "P3", "P4");
    expect("Patient", "birthdate=ge1970&birthdate=lt1981", "P1", "P3");
    expect("Patient", "gender=male&active=true", "P1");
    expect("Patient", "_id=" + ids.get("P1") + "," + ids.get("P2"), "P1", "P2");
  }

  @Test
  void date_search_honours_precision_and_every_prefix() throws Exception {
    expect("Patient", "birthdate=1980", "P1");
    expect("Patient", "birthdate=1980-03", "P1");
    expect("Patient", "birthdate=eq1980-03-15", "P1");
    expect("Patient", "birthdate=1992-07", "P2");
    expect("Patient", "birthdate=1992-07-10");
    expect("Patient", "birthdate=ge1992", "P2", "P4");
    expect("Patient", "birthdate=gt2001-12-30", "P4");
    expect("Patient", "birthdate=lt1980", "P3");
    expect("Patient", "birthdate=le1980-03-15", "P1", "P3");
    expect("Patient", "birthdate=sa2001");
    expect("Patient", "birthdate=sa2000", "P4");
    expect("Patient", "birthdate=eb1976", "P3");
    expect("Patient", "birthdate=ne1980", "P2", "P3", "P4");
    assertThat(keys(search("Patient", "birthdate=ap1980-03-16"))).contains("P1").doesNotContain("P4");
    expect("Observation", "date=2024-01", "O1", "O4", "O5");
    expect("Observation", "date=2024-01-10", "O1");
    expect("Observation", "date=ge2024-02-01", "O2");
    expect("Observation", "date=2024-02-10T07:00:00Z", "O2");
    expect("Observation", "date=lt2024-01-01", "O3");
    expect("Observation", "date=2024-02-10T08:00:00+01:00", "O2");
  }

  @Test
  void number_search_uses_the_implicit_precision_of_the_value() throws Exception {
    expect("RiskAssessment", "probability=0.25", "R1");
    expect("RiskAssessment", "probability=0.3", "R1"); // 0.3 means [0.25, 0.35)
    expect("RiskAssessment", "probability=0.40");
    expect("RiskAssessment", "probability=gt0.2", "R1", "R2");
    expect("RiskAssessment", "probability=le0.25", "R1", "R3");
    expect("RiskAssessment", "probability=ne0.25", "R2", "R3");
  }

  @Test
  void quantity_search_with_prefixes_system_and_unit() throws Exception {
    expect("Observation", "value-quantity=120", "O1");
    expect("Observation", "value-quantity=gt130", "O2", "O5");
    expect("Observation", "value-quantity=5.4|http://unitsofmeasure.org|mmol/L", "O4");
    expect("Observation", "value-quantity=5.4||mmol/L", "O4");
    expect("Observation", "value-quantity=5.4||mg");
    expect("Observation", "value-quantity=le100|http://unitsofmeasure.org|mm[Hg]", "O3");
  }

  @Test
  void composite_search_combines_code_and_value() throws Exception {
    expect("Observation", "code-value-quantity=http://loinc.org|8480-6$gt130", "O2", "O5");
    expect("Observation", "code-value-quantity=http://loinc.org|2339-0$gt130");
  }

  @Test
  void composite_components_match_within_one_element() throws Exception {
    // A blood pressure of 120/150 (systolic/diastolic), and one of 150/80. "Systolic over 140"
    // must find only the second: the first has a component over 140, but it is the diastolic.
    String tag = unique("bp");
    String first = createBloodPressure(tag, 120, 150);
    String second = createBloodPressure(tag, 150, 80);
    String base = "/Observation?_tag=urn:lafia:bp%7C" + tag + "&component-code-value-quantity=";
    assertThat(idsOf(base + "http://loinc.org%7C8480-6$gt140")).containsExactly(second);
    assertThat(idsOf(base + "http://loinc.org%7C8462-4$gt140")).containsExactly(first);
    assertThat(idsOf(base + "http://loinc.org%7C8480-6$lt130")).containsExactly(first);
    assertThat(idsOf(base + "http://loinc.org%7C8462-4$gt100,http://loinc.org%7C8480-6$gt140"))
        .containsExactlyInAnyOrder(first, second);
    assertThat(idsOf(base + "http://loinc.org%7C8462-4$lt70")).isEmpty();
    // combo-code-value-quantity: the Observation's own code with the components' values never pair.
    assertThat(idsOf("/Observation?_tag=urn:lafia:bp%7C" + tag
        + "&combo-code-value-quantity=http://loinc.org%7C85354-9$gt100")).isEmpty();
    assertThat(idsOf("/Observation?_tag=urn:lafia:bp%7C" + tag
        + "&combo-code-value-quantity=http://loinc.org%7C8480-6$ge150")).containsExactly(second);
  }

  @Test
  void reference_identifier_finds_logical_references_by_national_health_id() throws Exception {
    String nhid = unique("TG-");
    String tag = unique("logical");
    String other = unique("TG-");
    String logical = createWithSubject(tag, "{\"identifier\":{\"system\":\"urn:oid:2.16.768.1.1\",\"value\":\"" + nhid + "\"}}");
    String both = createWithSubject(tag, "{\"reference\":\"Patient/" + ids.get("P1")
        + "\",\"identifier\":{\"system\":\"urn:oid:2.16.768.1.1\",\"value\":\"" + nhid + "\"}}");
    createWithSubject(tag, "{\"identifier\":{\"system\":\"urn:oid:2.16.768.1.1\",\"value\":\"" + other + "\"}}");
    String q = "/Observation?_tag=urn:lafia:logical%7C" + tag + "&subject:identifier=";
    assertThat(idsOf(q + "urn:oid:2.16.768.1.1%7C" + nhid)).containsExactlyInAnyOrder(logical, both);
    assertThat(idsOf(q + nhid)).containsExactlyInAnyOrder(logical, both);
    assertThat(idsOf(q + "urn:other%7C" + nhid)).isEmpty();
    // patient = subject that resolves to a Patient: the typeless logical reference is not one.
    assertThat(idsOf("/Observation?_tag=urn:lafia:logical%7C" + tag + "&patient:identifier=" + nhid)).containsExactly(both);
    // As the driving parameter too (first and only condition on an index).
    assertThat(idsOf("/Observation?subject:identifier=urn:oid:2.16.768.1.1%7C" + nhid)).containsExactlyInAnyOrder(logical, both);
    assertThat(idsOf("/Observation?_tag=urn:lafia:logical%7C" + tag + "&subject=Patient/" + ids.get("P1"))).containsExactly(both);
    HttpResponse<String> bad = send("GET", "/Observation?subject:above=x", null, null);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains(":identifier");
  }

  @Test
  void token_of_type_matches_identifier_type_and_value_together() throws Exception {
    String mrn = unique("MRN-");
    String nid = unique("NI-");
    String v2 = "http://terminology.hl7.org/CodeSystem/v2-0203";
    HttpResponse<String> r = send("POST", "/Patient", "application/fhir+json",
        "{\"resourceType\":\"Patient\",\"identifier\":["
            + "{\"type\":{\"coding\":[{\"system\":\"" + v2 + "\",\"code\":\"MR\"}]},\"system\":\"urn:lafia:chu-lome\",\"value\":\"" + mrn + "\"},"
            + "{\"type\":{\"coding\":[{\"system\":\"" + v2 + "\",\"code\":\"NI\"}]},\"system\":\"urn:oid:2.16.768.1.1\",\"value\":\"" + nid + "\"}]}");
    assertThat(r.statusCode()).isEqualTo(201);
    String id = ((Resource) CTX.newJsonParser().parseResource(r.body())).getIdElement().getIdPart();
    assertThat(idsOf("/Patient?identifier:of-type=" + v2 + "%7CMR%7C" + mrn)).containsExactly(id);
    assertThat(idsOf("/Patient?identifier:of-type=" + v2 + "%7CNI%7C" + nid)).containsExactly(id);
    assertThat(idsOf("/Patient?identifier:of-type=" + v2 + "%7CNI%7C" + mrn)).as("type and value of one identifier").isEmpty();
    assertThat(idsOf("/Patient?identifier=" + mrn)).as("plain identifier search unchanged").containsExactly(id);
    assertThat(idsOf("/Patient?identifier=MR")).as("the type code is not an identifier value").doesNotContain(id);
    HttpResponse<String> bad = send("GET", "/Patient?identifier:of-type=MR%7C" + mrn, null, null);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("of-type");
  }

  @Test
  void near_finds_locations_within_a_distance() throws Exception {
    String tag = unique("geo");
    String lome = createLocation(tag, "CHU Sylvanus Olympio, Lomé", 6.1319, 1.2228);
    String kpalime = createLocation(tag, "CHP Kpalimé", 6.9000, 0.6333);   // ~107 km from Lomé
    String kara = createLocation(tag, "CHU Kara", 9.5511, 1.1861);         // ~380 km from Lomé
    String q = "/Location?_tag=urn:lafia:geo%7C" + tag + "&near=";
    assertThat(idsOf(q + "6.1319%7C1.2228%7C20%7Ckm")).containsExactly(lome);
    assertThat(idsOf(q + "6.1319%7C1.2228%7C150%7Ckm")).containsExactlyInAnyOrder(lome, kpalime);
    assertThat(idsOf(q + "6.1319%7C1.2228%7C150")).as("km by default").containsExactlyInAnyOrder(lome, kpalime);
    assertThat(idsOf(q + "6.1319%7C1.2228%7C100000%7Cm")).as("100 km in metres").containsExactly(lome);
    assertThat(idsOf(q + "6.1319%7C1.2228%7C500%7Ckm")).containsExactlyInAnyOrder(lome, kpalime, kara);
    assertThat(idsOf(q + "9.55%7C1.19%7C5%7Ckm,6.90%7C0.63%7C5%7Ckm")).containsExactlyInAnyOrder(kara, kpalime);
    for (String bad : List.of("6.13", "north%7C1.22%7C10", "96%7C1.22%7C10", "6.13%7C1.22%7C10%7Cparsecs")) {
      HttpResponse<String> r = send("GET", "/Location?near=" + bad, null, null);
      assertThat(r.statusCode()).as(bad).isEqualTo(400);
      assertThat(r.body()).contains("near");
    }
    String metadata = send("GET", "/metadata", null, null).body();
    assertThat(metadata).contains("\"name\":\"near\"");
  }

  private String createLocation(String tag, String name, double lat, double lon) throws Exception {
    HttpResponse<String> r = send("POST", "/Location", "application/fhir+json",
        "{\"resourceType\":\"Location\",\"meta\":{\"tag\":[{\"system\":\"urn:lafia:geo\",\"code\":\"" + tag
            + "\"}]},\"name\":\"" + name + "\",\"position\":{\"latitude\":" + lat + ",\"longitude\":" + lon + "}}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return ((Resource) CTX.newJsonParser().parseResource(r.body())).getIdElement().getIdPart();
  }

  private String createWithSubject(String tag, String subject) throws Exception {
    HttpResponse<String> r = send("POST", "/Observation", "application/fhir+json",
        "{\"resourceType\":\"Observation\",\"meta\":{\"tag\":[{\"system\":\"urn:lafia:logical\",\"code\":\"" + tag
            + "\"}]},\"status\":\"final\",\"code\":{\"text\":\"poids\"},\"subject\":" + subject + "}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return ((Resource) CTX.newJsonParser().parseResource(r.body())).getIdElement().getIdPart();
  }

  private String createBloodPressure(String tag, int systolic, int diastolic) throws Exception {
    String component = "{\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"%s\"}]},"
        + "\"valueQuantity\":{\"value\":%d,\"unit\":\"mm[Hg]\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"mm[Hg]\"}}";
    HttpResponse<String> r = send("POST", "/Observation", "application/fhir+json",
        "{\"resourceType\":\"Observation\",\"meta\":{\"tag\":[{\"system\":\"urn:lafia:bp\",\"code\":\"" + tag
            + "\"}]},\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"85354-9\"}]},"
            + "\"component\":[" + String.format(component, "8480-6", systolic) + "," + String.format(component, "8462-4", diastolic) + "]}");
    assertThat(r.statusCode()).isEqualTo(201);
    return ((Resource) CTX.newJsonParser().parseResource(r.body())).getIdElement().getIdPart();
  }

  private List<String> idsOf(String pathAndQuery) throws Exception {
    HttpResponse<String> r = send("GET", pathAndQuery, null, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    Bundle b = (Bundle) CTX.newJsonParser().parseResource(r.body());
    List<String> out = new ArrayList<>();
    b.getEntry().forEach(e -> out.add(e.getResource().getIdElement().getIdPart()));
    return out;
  }

  @Test
  void reference_search_by_id_type_and_absolute_url() throws Exception {
    String p1 = ids.get("P1");
    expect("Observation", "subject=Patient/" + p1, "O1", "O2");
    expect("Observation", "subject=" + p1, "O1", "O2");
    expect("Observation", "subject:Patient=" + p1, "O1", "O2");
    expect("Observation", "patient=" + p1, "O1", "O2");
    expect("Observation", "subject=" + base() + "/Patient/" + p1, "O1", "O2");
    expect("Observation", "encounter=Encounter/" + ids.get("E1"), "O1");
    expect("Observation", "encounter:missing=true", "O2", "O3", "O4", "O5");
    // A reference to another server has no local target: it is found by its whole URL.
    String url = "http://dpi.example.tg/fhir/Patient/" + run;
    HttpResponse<String> remote = send("POST", "/Observation", "application/fhir+json",
        "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"remote\"},"
            + "\"subject\":{\"reference\":\"" + url + "\"}}");
    assertThat(remote.statusCode()).isEqualTo(201);
    HttpResponse<String> found = send("GET", "/Observation?subject=" + url, null, null);
    assertThat(found.statusCode()).isEqualTo(200);
    assertThat(CTX.newJsonParser().parseResource(Bundle.class, found.body()).getEntry()).hasSize(1);
  }

  /** POSTs a resource outside the tagged fixture; returns its id. */
  private String post(String json) throws Exception {
    HttpResponse<String> r = send("POST", "/" + json.split("\"")[3], "application/fhir+json", json);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return ((Resource) CTX.newJsonParser().parseResource(r.body())).getIdElement().getIdPart();
  }

  private List<String> found(String pathAndQuery) throws Exception {
    HttpResponse<String> r = send("GET", "/" + pathAndQuery, null, null);
    assertThat(r.statusCode()).as(pathAndQuery + " → " + r.body()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    ((Bundle) CTX.newJsonParser().parseResource(r.body())).getEntry()
        .forEach(e -> out.add(e.getResource().fhirType() + "/" + e.getResource().getIdElement().getIdPart()));
    return out;
  }

  @Test
  void parameters_that_repeat_others_are_answered_from_their_rows_with_the_same_meaning() throws Exception {
    // Observation.patient reads subject's rows (only those pointing at a Patient); combo-code reads
    // code's and component-code's. Nothing of this may show in the answers.
    String x = unique("x");
    String group = post("{\"resourceType\":\"Group\",\"type\":\"person\",\"actual\":true}");
    String onGroup = post("{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"urn:lafia:test\",\"code\":\"" + x + "\"}]},"
        + "\"subject\":{\"reference\":\"Group/" + group + "\"},\"component\":[{\"code\":{\"coding\":[{\"system\":\"urn:lafia:test\",\"code\":\"" + x + "-part\"}]},"
        + "\"valueQuantity\":{\"value\":7}}]}");
    String person = post("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Adjo\"}]}");
    String onPatient = post("{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"urn:lafia:test\",\"code\":\"" + x + "\"}]},"
        + "\"subject\":{\"reference\":\"Patient/" + person + "\"}}");
    String g = "Observation/" + onGroup, p = "Observation/" + onPatient;
    String byCode = "Observation?code=urn:lafia:test%7C" + x;

    assertThat(found(byCode + "&patient:missing=true")).containsExactly(g);
    assertThat(found(byCode + "&patient:missing=false")).containsExactly(p);
    assertThat(found(byCode + "&subject:missing=false")).containsExactlyInAnyOrder(g, p);
    assertThat(found(byCode + "&patient=Group/" + group)).isEmpty();
    assertThat(found(byCode + "&subject=Group/" + group)).containsExactly(g);
    assertThat(found(byCode + "&patient=" + person)).containsExactly(p);
    assertThat(found(byCode + "&_sort=patient")).containsExactly(p, g); // no patient: last
    assertThat(found("Group?_id=" + group + "&_has:Observation:patient:code=urn:lafia:test%7C" + x)).isEmpty();
    assertThat(found("Group?_id=" + group + "&_has:Observation:subject:code=urn:lafia:test%7C" + x))
        .containsExactly("Group/" + group);
    assertThat(found("Observation?_id=" + onGroup + "&_include=Observation:patient")).containsExactly(g);
    assertThat(found("Observation?_id=" + onGroup + "&_include=Observation:subject"))
        .containsExactlyInAnyOrder(g, "Group/" + group);
    assertThat(found("Group?_id=" + group + "&_revinclude=Observation:patient")).containsExactly("Group/" + group);
    assertThat(found("Group?_id=" + group + "&_revinclude=Observation:subject"))
        .containsExactlyInAnyOrder("Group/" + group, g);
    assertThat(found("Observation?combo-code=urn:lafia:test%7C" + x + "-part")).containsExactly(g);
    assertThat(found("Observation?combo-code=urn:lafia:test%7C" + x)).containsExactlyInAnyOrder(g, p);
    assertThat(found("Observation?combo-code-value-quantity=urn:lafia:test%7C" + x + "-part$7")).containsExactly(g);
    assertThat(found("Observation?combo-code-value-quantity=urn:lafia:test%7C" + x + "$7")).isEmpty();
  }

  @Test
  void chained_and_reverse_chained_parameters() throws Exception {
    expect("Observation", "subject:Patient.name=kossi", "O1", "O2");
    expect("Observation", "patient.birthdate=1975", "O5");
    expect("Observation", "patient.gender=female&code=2339-0", "O4");
    expect("Patient", "_has:Observation:patient:code=2339-0", "P2");
    expect("Patient", "_has:Observation:subject:value-quantity=gt170", "P3");
    expect("Patient", "_has:Observation:patient:_has:RiskAssessment:subject:probability=0.8");
  }

  @Test
  void id_last_updated_tag_and_profile() throws Exception {
    expect("Patient", "_id=" + ids.get("P4"), "P4");
    expect("Patient", "_lastUpdated=gt2020-01-01", "P1", "P2", "P3", "P4", "P5");
    expect("Patient", "_lastUpdated=lt2020-01-01");
    HttpResponse<String> profiled = send("POST", "/Patient", "application/fhir+json",
        "{\"resourceType\":\"Patient\",\"meta\":{\"profile\":[\"http://lafia.org/fhir/StructureDefinition/" + run + "\"]}}");
    String id = ((Resource) CTX.newJsonParser().parseResource(profiled.body())).getIdElement().getIdPart();
    HttpResponse<String> r = send("GET", "/Patient?_profile=http://lafia.org/fhir/StructureDefinition/" + run, null, null);
    Bundle b = (Bundle) CTX.newJsonParser().parseResource(r.body());
    assertThat(b.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart()).containsExactly(id);
  }

  @Test
  void sort_by_one_or_several_keys_ascending_and_descending() throws Exception {
    assertThat(keys(search("Patient", "_sort=birthdate"))).containsExactly("P3", "P1", "P2", "P4", "P5");
    assertThat(keys(search("Patient", "_sort=-birthdate"))).containsExactly("P4", "P2", "P1", "P3", "P5");
    assertThat(keys(search("Patient", "_sort=gender,-birthdate"))).containsExactly("P4", "P2", "P1", "P3", "P5");
    assertThat(keys(search("Patient", "_sort=family"))).containsExactly("P1", "P4", "P3", "P2", "P5");
  }

  @Test
  void paging_walks_every_match_once_even_while_data_changes() throws Exception {
    String pagingTag = unique("paging");
    Set<String> created = new HashSet<>();
    for (int i = 0; i < 5; i++) created.add(createTagged(pagingTag, "Page" + i));
    HttpResponse<String> first = send("GET", "/Patient?_tag=urn:lafia:paging%7C" + pagingTag + "&_count=2&_total=accurate", null, null);
    Bundle page = (Bundle) CTX.newJsonParser().parseResource(first.body());
    assertThat(page.getEntry()).hasSize(2);
    assertThat(page.getTotal()).isEqualTo(5);
    Set<String> seen = new HashSet<>();
    page.getEntry().forEach(e -> seen.add(e.getResource().getIdElement().getIdPart()));
    // A new patient arrives between pages: the pages already promised still come out right.
    String late = createTagged(pagingTag, "Late");
    int pages = 1;
    while (page.getLink("next") != null && pages < 10) {
      String next = page.getLink("next").getUrl();
      HttpResponse<String> r = send("GET", next.substring(base().length()), null, null);
      assertThat(r.statusCode()).isEqualTo(200);
      page = (Bundle) CTX.newJsonParser().parseResource(r.body());
      for (var e : page.getEntry()) {
        assertThat(seen.add(e.getResource().getIdElement().getIdPart())).as("no duplicates across pages").isTrue();
      }
      pages++;
    }
    assertThat(seen).containsAll(created);
    assertThat(seen).hasSizeBetween(5, 6).allMatch(id -> created.contains(id) || id.equals(late));
    Bundle sortedPage = search("Patient", "_sort=birthdate&_count=2");
    assertThat(keys(sortedPage)).containsExactly("P3", "P1");
    HttpResponse<String> r = send("GET", sortedPage.getLink("next").getUrl().substring(base().length()), null, null);
    assertThat(keys((Bundle) CTX.newJsonParser().parseResource(r.body()))).containsExactly("P2", "P4");
  }

  @Test
  void sorted_paging_neither_repeats_nor_skips_while_data_changes() throws Exception {
    String tag = unique("sorted");
    Map<String, String> families = new java.util.LinkedHashMap<>();
    for (String f : List.of("Dossou", "Agbeko", "Kpodar", "Mensah", "Bawa")) families.put(createTagged(tag, f), f);
    String noFamily = createTagged(tag, null);
    String query = "/Patient?_tag=urn:lafia:paging%7C" + tag + "&_sort=family&_count=2";
    Bundle page = (Bundle) CTX.newJsonParser().parseResource(send("GET", query, null, null).body());
    List<String> order = new ArrayList<>();
    page.getEntry().forEach(e -> order.add(e.getResource().getIdElement().getIdPart()));
    assertThat(order).extracting(families::get).containsExactly("Agbeko", "Bawa");
    // Between pages: one patient sorts before the page already sent (an offset would now repeat
    // "Bawa") and one sorts after it.
    String early = createTagged(tag, "Abalo");
    String late = createTagged(tag, "Ziem");
    families.put(late, "Ziem");
    int pages = 1;
    while (page.getLink("next") != null && pages < 10) {
      HttpResponse<String> r = send("GET", page.getLink("next").getUrl().substring(base().length()), null, null);
      assertThat(r.statusCode()).isEqualTo(200);
      page = (Bundle) CTX.newJsonParser().parseResource(r.body());
      page.getEntry().forEach(e -> order.add(e.getResource().getIdElement().getIdPart()));
      pages++;
    }
    assertThat(order).doesNotHaveDuplicates().doesNotContain(early);
    assertThat(order).containsExactly(Stream.concat(
        Stream.of("Agbeko", "Bawa", "Dossou", "Kpodar", "Mensah", "Ziem").map(f -> families.entrySet().stream()
            .filter(e -> f.equals(e.getValue())).findFirst().orElseThrow().getKey()),
        Stream.of(noFamily)).toArray(String[]::new));

    // Descending, two keys: missing values still come last and the walk is complete.
    List<String> desc = new ArrayList<>();
    Bundle d = (Bundle) CTX.newJsonParser().parseResource(
        send("GET", "/Patient?_tag=urn:lafia:paging%7C" + tag + "&_sort=-family,_id&_count=3", null, null).body());
    d.getEntry().forEach(e -> desc.add(e.getResource().getIdElement().getIdPart()));
    while (d.getLink("next") != null) {
      d = (Bundle) CTX.newJsonParser().parseResource(send("GET", d.getLink("next").getUrl().substring(base().length()), null, null).body());
      d.getEntry().forEach(e -> desc.add(e.getResource().getIdElement().getIdPart()));
    }
    assertThat(desc).hasSize(8).doesNotHaveDuplicates().startsWith(late).endsWith(noFamily);

    HttpResponse<String> damaged = send("GET", query + "&_cursor=k.sQmF3YQ.notapid", null, null);
    assertThat(damaged.statusCode()).isEqualTo(400);
    assertThat(damaged.body()).contains("OperationOutcome").contains("_cursor");
  }

  private String createTagged(String tag, String family) throws Exception {
    HttpResponse<String> r = send("POST", "/Patient", "application/fhir+json",
        "{\"resourceType\":\"Patient\",\"meta\":{\"tag\":[{\"system\":\"urn:lafia:paging\",\"code\":\"" + tag
            + "\"}]}" + (family == null ? "" : ",\"name\":[{\"family\":\"" + family + "\"}]") + "}");
    assertThat(r.statusCode()).isEqualTo(201);
    return ((Resource) CTX.newJsonParser().parseResource(r.body())).getIdElement().getIdPart();
  }

  @Test
  void total_and_summary_count() throws Exception {
    Bundle none = search("Observation", "_total=none&_count=1");
    assertThat(none.hasTotal()).isFalse();
    Bundle byDefault = search("Observation", "_count=1");
    assertThat(byDefault.hasTotal()).as("a count is paid for only when asked").isFalse();
    Bundle lastPage = search("Observation", "_count=10");
    assertThat(lastPage.getTotal()).as("free on the last page").isEqualTo(5);
    Bundle accurate = search("Observation", "_total=accurate&_count=1");
    assertThat(accurate.getTotal()).isEqualTo(5);
    Bundle count = search("Observation", "_summary=count&code=8480-6");
    assertThat(count.getTotal()).isEqualTo(4);
    assertThat(count.getEntry()).isEmpty();
  }

  @Test
  void elements_and_summary_trim_the_resources() throws Exception {
    HttpResponse<String> r = send("GET", "/Patient?" + tag() + "&_id=" + ids.get("P1") + "&_elements=gender", null, null);
    assertThat(r.body()).contains("\"gender\":\"male\"").doesNotContain("Amégan");
    HttpResponse<String> s = send("GET", "/Patient?" + tag() + "&_id=" + ids.get("P1") + "&_summary=true", null, null);
    assertThat(s.body()).contains("Amégan").contains("\"birthDate\"").doesNotContain("Marié");
  }

  @Test
  void include_revinclude_and_iterate() throws Exception {
    Bundle inc = search("Observation", "code=2339-0&_include=Observation:subject");
    assertThat(keys(inc)).containsExactly("O4");
    assertThat(inc.getEntry()).anyMatch(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.INCLUDE
        && e.getResource().getIdElement().getIdPart().equals(ids.get("P2")));
    Bundle rev = search("Patient", "_id=" + ids.get("P1") + "&_revinclude=Observation:subject");
    assertThat(rev.getEntry()).filteredOn(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.INCLUDE)
        .extracting(e -> e.getResource().getIdElement().getIdPart())
        .containsExactlyInAnyOrder(ids.get("O1"), ids.get("O2"));
    Bundle iter = search("Observation", "_id=" + ids.get("O1") + "&_include=Observation:encounter&_include:iterate=Encounter:subject");
    assertThat(iter.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
        .contains(ids.get("O1"), ids.get("E1"), ids.get("P1"));
  }

  @Test
  void unknown_parameters_are_refused_unless_lenient_handling_is_preferred() throws Exception {
    HttpResponse<String> strict = send("GET", "/Patient?" + tag() + "&shoe-size=42", null, null);
    assertThat(strict.statusCode()).isEqualTo(400);
    assertThat(strict.body()).contains("shoe-size").contains("OperationOutcome");
    HttpResponse<String> lenient = send("GET", "/Patient?" + tag() + "&shoe-size=42", null, null, "Prefer", "handling=lenient");
    assertThat(lenient.statusCode()).isEqualTo(200);
    assertThat(((Bundle) CTX.newJsonParser().parseResource(lenient.body())).getTotal()).isGreaterThanOrEqualTo(5);
  }

  @Test
  void post_search_takes_form_parameters() throws Exception {
    HttpResponse<String> r = send("POST", "/Patient/_search", "application/x-www-form-urlencoded",
        tag() + "&family=amega");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(keys((Bundle) CTX.newJsonParser().parseResource(r.body()))).containsExactlyInAnyOrder("P1", "P4");
  }

  @Test
  void hapi_generic_client_searches_like_any_fhir_client() {
    Bundle b = client().search().forResource(org.hl7.fhir.r4.model.Patient.class)
        .where(org.hl7.fhir.r4.model.Patient.FAMILY.matches().value("amega"))
        .and(new ca.uhn.fhir.rest.gclient.TokenClientParam("_tag").exactly().systemAndCode("urn:lafia:fixture", run))
        .sort().ascending(org.hl7.fhir.r4.model.Patient.BIRTHDATE)
        .returnBundle(Bundle.class).execute();
    assertThat(keys(b)).containsExactly("P1", "P4");
  }
}
