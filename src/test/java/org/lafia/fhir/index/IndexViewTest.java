package org.lafia.fhir.index;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.JsonParser;
import ca.uhn.fhir.parser.json.jackson.JacksonStructure;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.junit.jupiter.api.Test;

/**
 * A create is indexed from HAPI's model of only the elements its parameters reach
 * ({@link IndexExtractor#indexView}): the values must be exactly those of the whole resource.
 */
class IndexViewTest {
  private static final FhirContext CTX = FhirContext.forR4Cached();
  private static final IndexExtractor EXTRACTOR = new IndexExtractor(CTX, new SearchParamRegistry(CTX));
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

  private static IBaseResource model(ObjectNode json) {
    JacksonStructure structure = new JacksonStructure();
    structure.setNativeObject(json);
    return ((JsonParser) CTX.newJsonParser()).parseResource(structure);
  }

  /** Asserts the same rows from the view as from the whole resource; returns how many rows. */
  private static int assertSameRows(ObjectNode resource) {
    IndexRows whole = EXTRACTOR.extract(model(resource));
    String what = resource.path("resourceType").asText() + "/" + resource.path("id").asText();
    assertSame(what + " (view)", EXTRACTOR.extract(model(EXTRACTOR.indexView(resource))), whole);
    return whole.size();
  }

  private static void assertSame(String what, IndexRows view, IndexRows whole) {
    assertThat(view.strings).as(what).isEqualTo(whole.strings);
    assertThat(view.tokens).as(what).isEqualTo(whole.tokens);
    assertThat(view.refs).as(what).isEqualTo(whole.refs);
    assertThat(view.dates).as(what).isEqualTo(whole.dates);
    assertThat(view.numbers).as(what).isEqualTo(whole.numbers);
    assertThat(view.quantities).as(what).isEqualTo(whole.quantities);
    assertThat(view.uris).as(what).isEqualTo(whole.uris);
  }

  private static List<ObjectNode> entries(JsonNode bundle) {
    List<ObjectNode> out = new ArrayList<>();
    for (JsonNode e : bundle.path("entry")) {
      if (e.get("resource") instanceof ObjectNode r) out.add(r);
    }
    return out;
  }

  private static JsonNode gz(String name) throws IOException {
    try (InputStream in = new GZIPInputStream(IndexViewTest.class.getResourceAsStream("/synthea/" + name))) {
      return JSON.readTree(in);
    }
  }

  @Test
  void synthea_resources_index_the_same_from_their_view() throws IOException {
    int resources = 0, rows = 0;
    java.util.Set<String> types = new java.util.TreeSet<>();
    for (String f : new String[] {"hospitalInformation.json.gz", "practitionerInformation.json.gz", "patient.json.gz"}) {
      for (ObjectNode r : entries(gz(f))) {
        rows += assertSameRows(r);
        resources++;
        types.add(r.path("resourceType").asText());
      }
    }
    assertThat(resources).isGreaterThan(500);
    assertThat(rows).isGreaterThan(resources);
    assertThat(types).contains("Patient", "Observation", "Claim", "ExplanationOfBenefit", "DiagnosticReport",
        "DocumentReference", "Provenance", "Encounter", "Practitioner", "Organization", "Location");
  }

  /** Set LAFIA_INDEX_VIEW_DATA to a directory of Synthea bundles to check a whole data set too. */
  @Test
  void a_whole_synthea_data_set_when_one_is_named() throws IOException {
    String dir = System.getenv("LAFIA_INDEX_VIEW_DATA");
    int resources = 0;
    if (dir != null) {
      try (var files = Files.list(Path.of(dir))) {
        for (Path p : files.filter(x -> x.toString().endsWith(".json")).sorted().toList()) {
          for (ObjectNode r : entries(JSON.readTree(p.toFile()))) {
            assertSameRows(r);
            resources++;
          }
        }
      }
      assertThat(resources).isPositive();
    }
    // Always: hand-written shapes that Synthea lacks — choice types, repeating components,
    // contained targets, primitive extensions, parameters evaluated by HAPI's FHIRPath.
    String[] samples = {
      """
      {"resourceType":"Observation","id":"o1","status":"final","text":{"status":"generated","div":"<div xmlns=\\"http://www.w3.org/1999/xhtml\\">x</div>"},
       "code":{"coding":[{"system":"http://loinc.org","code":"85354-9"}],"text":"Tension"},
       "subject":{"reference":"#p1"},"contained":[{"resourceType":"Patient","id":"p1","name":[{"family":"Amégan"}]}],
       "effectivePeriod":{"start":"2024-03","end":"2024-04-02T10:00:00+01:00"},
       "component":[{"code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},"valueQuantity":{"value":120.50,"unit":"mm[Hg]","system":"http://unitsofmeasure.org","code":"mm[Hg]"}},
                    {"code":{"coding":[{"system":"http://loinc.org","code":"8462-4"}]},"valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"1"}]}}],
       "valueRange":{"low":{"value":1},"high":{"value":2.5}},
       "interpretation":[{"coding":[{"code":"H"}]}],"note":[{"text":"non indexé"}]}""",
      """
      {"resourceType":"Patient","id":"p2","active":true,"_birthDate":{"extension":[{"url":"http://x","valueString":"y"}]},"birthDate":"1950",
       "deceasedBoolean":false,"name":[{"family":"N'Guessan","given":["Kossi","Jean-Paul"],"_given":[null,{"extension":[{"url":"http://x","valueString":"z"}]}]}],
       "telecom":[{"system":"phone","value":"+228 90 00 00 00","use":"mobile"},{"system":"email","value":"a@b.tg"}],
       "address":[{"line":["Rue 12"],"city":"Lomé","country":"TG"}],"gender":"female",
       "identifier":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR"}],"text":"dossier"},"system":"urn:tg","value":"42"}],
       "generalPractitioner":[{"reference":"Practitioner/pr1"},{"identifier":{"system":"urn:tg:rpps","value":"7"}}],
       "communication":[{"language":{"coding":[{"system":"urn:ietf:bcp:47","code":"fr"}]}}],
       "photo":[{"contentType":"image/png","data":"aGVsbG8="}]}""",
      """
      {"resourceType":"Condition","id":"c1","subject":{"reference":"Patient/p2"},"code":{"text":"paludisme"},
       "onsetAge":{"value":3,"unit":"a","system":"http://unitsofmeasure.org","code":"a"},"abatementString":"guéri",
       "recordedDate":"2024-01-01T00:00:00Z","evidence":[{"detail":[{"reference":"Observation/o1"}]}]}""",
      """
      {"resourceType":"Group","id":"g1","type":"person","actual":true,
       "characteristic":[{"code":{"text":"âge"},"valueQuantity":{"value":5},"exclude":false},
                         {"code":{"coding":[{"code":"sexe"}]},"valueCodeableConcept":{"coding":[{"code":"F"}]},"exclude":true}],
       "member":[{"entity":{"reference":"Patient/p2"}}]}""",
      """
      {"resourceType":"MedicationRequest","id":"m1","status":"active","intent":"order","subject":{"reference":"Patient/p2"},
       "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"313782"}]},
       "dosageInstruction":[{"timing":{"event":["2024-05-01"],"repeat":{"boundsPeriod":{"start":"2024-05-01"}}}}]}""",
      """
      {"resourceType":"Location","id":"l1","name":"CHU Sylvanus Olympio","position":{"latitude":6.1319,"longitude":1.2228},
       "address":{"city":"Lomé"},"partOf":{"reference":"Location/l0"}}""",
      """
      {"resourceType":"Bundle","id":"b1","type":"document","timestamp":"2024-01-01T00:00:00Z",
       "identifier":{"system":"urn:x","value":"d1"},
       "entry":[{"fullUrl":"urn:uuid:1","resource":{"resourceType":"Composition","id":"cp","status":"final","type":{"text":"t"},"date":"2024","author":[{"display":"a"}],"title":"x"}}]}""",
    };
    for (String s : samples) {
      assertThat(assertSameRows((ObjectNode) JSON.readTree(s))).isPositive();
    }
  }

  @Test
  void the_view_leaves_out_what_no_parameter_reads() throws IOException {
    ObjectNode obs = (ObjectNode) JSON.readTree("""
        {"resourceType":"Observation","id":"o","meta":{"tag":[{"code":"t"}]},"text":{"status":"generated"},
         "status":"final","code":{"text":"x"},"valueQuantity":{"value":1},"note":[{"text":"n"}],
         "component":[{"code":{"text":"c"},"valueString":"v","interpretation":[{"text":"i"}]}]}""");
    ObjectNode view = EXTRACTOR.indexView(obs);
    assertThat(view.has("text")).isFalse();
    assertThat(view.has("note")).isFalse();
    assertThat(view.has("meta")).isTrue();
    assertThat(view.has("valueQuantity")).isTrue();
    assertThat(view.path("component").get(0).has("interpretation")).isFalse();
    assertThat(view.path("component").get(0).has("valueString")).isTrue();
    // The view shares the client's tree and leaves it as it was.
    assertThat(obs.has("note")).isTrue();

    ObjectNode report = (ObjectNode) JSON.readTree("""
        {"resourceType":"DiagnosticReport","status":"final","code":{"text":"x"},
         "presentedForm":[{"contentType":"text/plain","data":"aGVsbG8="}]}""");
    assertThat(EXTRACTOR.indexView(report).has("presentedForm")).isFalse();
  }
}
