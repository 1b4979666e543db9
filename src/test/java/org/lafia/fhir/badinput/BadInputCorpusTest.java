package org.lafia.fhir.badinput;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.assertj.core.api.SoftAssertions;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.lafia.LafiaTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A corpus of bad requests sent over real HTTP to the running server. Each must be refused with
 * the expected 4xx, in FHIR (JSON, or XML when XML was asked for), as an OperationOutcome whose
 * issue carries a diagnostic, without storing anything: the row counts of the store and its
 * search indexes are the same after each case and after the whole corpus.
 *
 * <p>Seed data (an existing Patient and Observation, a deleted Patient, two Patients sharing an
 * identifier) is created before the "before" counts are taken. Every run uses new random ids.
 */
@LafiaTest
class BadInputCorpusTest {
  private static final String SYS = "urn:lafia:test:badinput";
  private static final String[] ALL_TABLES = {
    "fhir_resource", "fhir_version", "fhir_sp_string", "fhir_sp_token", "fhir_sp_ref",
    "fhir_sp_date", "fhir_sp_number", "fhir_sp_quantity", "fhir_sp_uri"
  };
  private static final String[] CORE_TABLES = {"fhir_resource", "fhir_version"};
  private static final String JSON = "application/fhir+json";
  private static final String XML = "application/fhir+xml";
  private static final String JSON_PATCH = "application/json-patch+json";
  private static final String NS = "xmlns=\"http://hl7.org/fhir\"";

  @LocalServerPort int port;
  @Autowired DataSource dataSource;
  @Autowired org.springframework.context.ApplicationContext context;

  @Value("${lafia.fhir.max-body-bytes:134217728}")
  long maxBodyBytes;

  private HttpClient http;
  private final List<Case> cases = new ArrayList<>();
  private final List<String> failures = Collections.synchronizedList(new ArrayList<>());

  // Seed data, fresh ids every run.
  private String patient; // existing Patient, version 1
  private String deleted; // Patient created then deleted
  private String observation; // existing Observation (status, code, subject = patient)
  private String dupValue; // identifier value shared by two Patients
  private String patientIdent; // identifier value of `patient` only

  // ---------------------------------------------------------------------------------------------
  // The test
  // ---------------------------------------------------------------------------------------------

  @TestFactory
  Stream<DynamicTest> bad_requests_are_refused_in_fhir_and_store_nothing() throws Exception {
    http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
    seed();
    buildCorpus();
    assertThat(cases).as("corpus size").hasSizeGreaterThanOrEqualTo(220);
    Map<String, Long> before = counts(ALL_TABLES);

    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    for (Case c : cases) {
      String name = String.format("#%03d [%s] %s — %s %s → %s", ++n, c.category, c.name, c.method,
          abbreviate(c.path, 90), c.expected);
      tests.add(dynamicTest(name, () -> run(c)));
    }
    tests.add(dynamicTest("batch (not bad input): 200 with a 4xx per failing entry, nothing stored",
        this::batchOfFailures));
    tests.add(dynamicTest("database unchanged by the whole corpus (" + String.join(", ", ALL_TABLES) + ")",
        () -> {
          Map<String, Long> after = counts(ALL_TABLES);
          if (!failures.isEmpty()) {
            System.out.println("==== BadInputCorpusTest: " + failures.size() + " failing case(s) of "
                + cases.size() + " ====");
            failures.forEach(f -> System.out.println(f + "\n"));
          }
          assertThat(after).as("row counts before/after the corpus").isEqualTo(before);
        }));
    return tests.stream();
  }

  private void run(Case c) throws Exception {
    Map<String, Long> before = counts(CORE_TABLES);
    HttpResponse<byte[]> r = send(c.method, c.path, c.headers, c.body);
    Map<String, Long> after = counts(CORE_TABLES);
    String body = new String(r.body(), UTF_8);
    String ct = r.headers().firstValue("Content-Type").orElse("(none)");
    String desc = "\n  request:  " + c.method + " /fhir" + abbreviate(c.path, 200) + " " + c.headers
        + (c.body == null ? "" : " body[" + c.body.length + " bytes]: " + abbreviate(new String(c.body, 0, Math.min(c.body.length, 300), ISO_8859_1), 200))
        + "\n  expected: " + c.expected + (c.xml ? " (XML)" : "")
        + "\n  actual:   " + r.statusCode() + " " + ct + "\n  body:     " + abbreviate(body, 600);

    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(r.statusCode()).as("status" + desc).isIn(c.expected);
    soft.assertThat(r.statusCode()).as("a 4xx" + desc).isBetween(400, 499);
    soft.assertThat(ct).as("Content-Type" + desc).startsWith(c.xml ? XML : JSON);
    OperationOutcome oo = null;
    try {
      IParser p = c.xml ? FhirContext.forR4Cached().newXmlParser() : FhirContext.forR4Cached().newJsonParser();
      oo = p.parseResource(OperationOutcome.class, body);
    } catch (Exception e) {
      soft.fail("body is not an OperationOutcome (" + e.getMessage() + ")" + desc);
    }
    if (oo != null) {
      soft.assertThat(oo.getIssue()).as("an issue with diagnostics" + desc)
          .anyMatch(i -> i.hasDiagnostics() && !i.getDiagnostics().isBlank());
    }
    for (String s : c.mustNotContain) soft.assertThat(body).as("must not leak '" + s + "'" + desc).doesNotContain(s);
    soft.assertThat(after).as("rows of " + Arrays.toString(CORE_TABLES) + " after the case" + desc).isEqualTo(before);
    if (!soft.errorsCollected().isEmpty()) {
      failures.add("[" + c.category + "] " + c.name + desc
          + (after.equals(before) ? "" : "\n  DB changed: " + before + " -> " + after));
    }
    soft.assertAll();
  }

  /** A batch is not bad input: 200, each failing entry answered with a 4xx, nothing stored. */
  private void batchOfFailures() throws Exception {
    Map<String, Long> before = counts(ALL_TABLES);
    String bundle = "{'resourceType':'Bundle','type':'batch','entry':["
        + entry("POST", "Observation", "{'resourceType':'Observation','code':{'text':'no status'}}") + ","
        + entry("GET", "Patient/" + rid(), null) + ","
        + entry("PUT", "Patient/" + patient, "{'resourceType':'Patient','id':'" + rid() + "'}") + ","
        + entry("POST", "Observation", "{'resourceType':'Observation','status':'final','code':{'text':'x'},"
            + "'subject':{'reference':'Patient/" + rid() + "'}}")
        + "]}";
    HttpResponse<byte[]> r = send("POST", "", Map.of("Content-Type", JSON), j(bundle).getBytes(UTF_8));
    String body = new String(r.body(), UTF_8);
    assertThat(r.statusCode()).as(body).isEqualTo(200);
    Bundle b = FhirContext.forR4Cached().newJsonParser().parseResource(Bundle.class, body);
    assertThat(b.getType()).isEqualTo(Bundle.BundleType.BATCHRESPONSE);
    assertThat(b.getEntry()).hasSize(4);
    assertThat(b.getEntry()).allSatisfy(e -> {
      assertThat(e.getResponse().getStatus()).as(body).startsWith("4");
      assertThat(e.getResponse().getOutcome()).isInstanceOf(OperationOutcome.class);
    });
    assertThat(counts(ALL_TABLES)).isEqualTo(before);
  }

  // ---------------------------------------------------------------------------------------------
  // Seed data
  // ---------------------------------------------------------------------------------------------

  private void seed() throws Exception {
    patient = rid();
    deleted = rid();
    observation = rid();
    dupValue = "dup-" + UUID.randomUUID();
    patientIdent = "p-" + UUID.randomUUID();
    put("Patient", patient, "{'resourceType':'Patient','id':'" + patient + "','identifier':[{'system':'" + SYS
        + "','value':'" + patientIdent + "'}],'active':true,'name':[{'family':'BadInput','given':['Seed']}]}", 201);
    put("Patient", deleted, "{'resourceType':'Patient','id':'" + deleted + "','name':[{'family':'BadInputDeleted'}]}", 201);
    HttpResponse<byte[]> del = send("DELETE", "/Patient/" + deleted, Map.of(), null);
    assertThat(del.statusCode()).as("seed delete").isEqualTo(204);
    for (int i = 0; i < 2; i++) {
      String id = rid();
      put("Patient", id, "{'resourceType':'Patient','id':'" + id + "','identifier':[{'system':'" + SYS
          + "','value':'" + dupValue + "'}],'name':[{'family':'BadInputDup'}]}", 201);
    }
    put("Observation", observation, "{'resourceType':'Observation','id':'" + observation + "','status':'final',"
        + "'code':{'text':'seed'},'subject':{'reference':'Patient/" + patient + "'}}", 201);
  }

  private void put(String type, String id, String json, int expected) throws Exception {
    HttpResponse<byte[]> r = send("PUT", "/" + type + "/" + id, Map.of("Content-Type", JSON), j(json).getBytes(UTF_8));
    assertThat(r.statusCode()).as("seed " + type + "/" + id + ": " + new String(r.body(), UTF_8)).isEqualTo(expected);
  }

  // ---------------------------------------------------------------------------------------------
  // The corpus
  // ---------------------------------------------------------------------------------------------

  private void buildCorpus() {
    malformedJson();
    jsonContentErrors();
    malformedXml();
    deepNesting();
    bodyVersusUrl();
    invalidIdsInUrl();
    unknownTypesAndPaths();
    wrongMethods();
    formatNegotiation();
    patch();
    ifMatchAndConditional();
    missingRequiredElements();
    referencesToNothing();
    search();
    readsAndHistory();
    operations();
    transactions();
    tooLarge();
  }

  private void malformedJson() {
    String cat = "malformed JSON";
    Map<String, byte[]> bodies = new LinkedHashMap<>();
    bodies.put("truncated after '{'", b("{"));
    bodies.put("truncated inside a string", b("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Tr"));
    bodies.put("truncated before closing brace", b("{\"resourceType\":\"Patient\",\"active\":true"));
    bodies.put("trailing comma in object", b("{\"resourceType\":\"Patient\",\"active\":true,}"));
    bodies.put("trailing comma in array", b("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"A\"},]}"));
    bodies.put("single quotes", b("{'resourceType':'Patient','active':true}"));
    bodies.put("unquoted keys", b("{resourceType:\"Patient\",active:true}"));
    bodies.put("array at top level (empty)", b("[]"));
    bodies.put("array at top level (of a resource)", b("[{\"resourceType\":\"Patient\"}]"));
    bodies.put("empty object", b("{}"));
    bodies.put("JSON string at top level", b("\"Patient\""));
    bodies.put("JSON null", b("null"));
    bodies.put("JSON number", b("42"));
    bodies.put("JSON true", b("true"));
    bodies.put("whitespace only", b("   \n\t  "));
    bodies.put("comment inside", b("{\"resourceType\":\"Patient\", /* note */ \"active\":true}"));
    bodies.put("NaN literal", b("{\"resourceType\":\"Patient\",\"multipleBirthInteger\":NaN}"));
    bodies.put("two objects back to back", b("{\"resourceType\":\"Patient\"}{\"resourceType\":\"Patient\"}"));
    bodies.put("garbage after the object", b("{\"resourceType\":\"Patient\",\"active\":true} trailing garbage"));
    Random random = new Random(20240611L);
    byte[] garbage = new byte[512];
    random.nextBytes(garbage);
    garbage[0] = '{';
    bodies.put("binary garbage (512 random bytes)", garbage);
    bodies.put("NUL bytes only", new byte[64]);
    bodies.put("raw NUL byte between members",
        cat(b("{\"resourceType\":\"Patient\","), new byte[] {0}, b("\"active\":true}")));
    bodies.put("invalid UTF-8 in a string (C3 28)",
        cat(b("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"A"), new byte[] {(byte) 0xC3, 0x28},
            b("\"}]}")));
    bodies.put("invalid UTF-8 (overlong C0 AF)",
        cat(b("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\""), new byte[] {(byte) 0xC0, (byte) 0xAF},
            b("\"}]}")));
    bodies.put("invalid UTF-8 (lone FF FE)",
        cat(b("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\""), new byte[] {(byte) 0xFF, (byte) 0xFE},
            b("\"}]}")));
    bodies.put("escaped NUL character in a string", b("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"a\\u0000b\"}]}"));
    bodies.put("control character U+0001 in a string", b("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"a\\u0001b\"}]}"));
    bodies.put("resourceType missing", b("{\"active\":true}"));
    bodies.put("resourceType unknown (Patientt)", b("{\"resourceType\":\"Patientt\",\"active\":true}"));
    bodies.put("resourceType lower case", b("{\"resourceType\":\"patient\",\"active\":true}"));
    bodies.put("resourceType empty", b("{\"resourceType\":\"\",\"active\":true}"));
    bodies.put("resourceType a number", b("{\"resourceType\":5}"));
    bodies.put("resourceType null", b("{\"resourceType\":null}"));
    bodies.put("duplicate property", b("{\"resourceType\":\"Patient\",\"active\":true,\"active\":false}"));
    int i = 0;
    for (Map.Entry<String, byte[]> e : bodies.entrySet()) {
      Case c = add(cat, e.getKey(), "POST", "/Patient").body(e.getValue(), JSON).expect(400);
      if (i++ % 4 == 3) c.wantXml();
    }
    add(cat, "empty body on create", "POST", "/Patient").body(new byte[0], JSON).expect(400);
    add(cat, "empty body on update", "PUT", "/Patient/" + patient).body(new byte[0], JSON).expect(400);
    add(cat, "truncated JSON on update", "PUT", "/Patient/" + patient)
        .body(b("{\"resourceType\":\"Patient\",\"id\":\"" + patient + "\""), JSON).expect(400);
  }

  private void jsonContentErrors() {
    String cat = "bad FHIR JSON content";
    // Unknown elements, one per resource type.
    String[][] unknown = {
      {"Patient", "{'resourceType':'Patient','foo':1}"},
      {"Observation", "{'resourceType':'Observation','status':'final','code':{'text':'x'},'foo':'bar'}"},
      {"Encounter", "{'resourceType':'Encounter','status':'planned','class':{'code':'AMB'},'bogus':true}"},
      {"Condition", "{'resourceType':'Condition','subject':{'reference':'Patient/" + patient + "'},'severityy':{}}"},
      {"Practitioner", "{'resourceType':'Practitioner','nickname':'Doc'}"},
      {"Organization", "{'resourceType':'Organization','name':'Org','ceo':'someone'}"},
      {"Location", "{'resourceType':'Location','name':'L','gps':'1,2'}"},
      {"Medication", "{'resourceType':'Medication','price':3}"},
      {"AllergyIntolerance", "{'resourceType':'AllergyIntolerance','patient':{'reference':'Patient/" + patient + "'},'x':1}"},
      {"Procedure", "{'resourceType':'Procedure','status':'completed','subject':{'reference':'Patient/" + patient + "'},'y':[]}"},
      {"Immunization", "{'resourceType':'Immunization','z':{}}"},
      {"DiagnosticReport", "{'resourceType':'DiagnosticReport','status':'final','code':{'text':'x'},'extra':null}"},
    };
    for (String[] u : unknown) {
      add(cat, "unknown element in " + u[0], "POST", "/" + u[0]).json(j(u[1])).expect(400);
    }
    String p = "{'resourceType':'Patient',";
    String[][] bad = {
      {"unknown nested element (name.familyy)", p + "'name':[{'familyy':'x'}]}"},
      {"element name with wrong case (BirthDate)", p + "'BirthDate':'2000-01-01'}"},
      {"birthDate: 12 (number)", p + "'birthDate':12}"},
      {"birthDate: true", p + "'birthDate':true}"},
      {"birthDate: null", p + "'birthDate':null}"},
      {"birthDate: empty string", p + "'birthDate':''}"},
      {"active: \"yes\"", p + "'active':'yes'}"},
      {"active: \"true\" (string)", p + "'active':'true'}"},
      {"active: 1", p + "'active':1}"},
      {"gender: \"unknown-code\"", p + "'gender':'unknown-code'}"},
      {"gender: \"MALE\" (case)", p + "'gender':'MALE'}"},
      {"gender: 1", p + "'gender':1}"},
      {"gender: array for a single value", p + "'gender':['male']}"},
      {"multipleBirthInteger: \"two\"", p + "'multipleBirthInteger':'two'}"},
      {"multipleBirthInteger: 1.5", p + "'multipleBirthInteger':1.5}"},
      {"multipleBirthInteger: overflow", p + "'multipleBirthInteger':99999999999999999999}"},
      {"name: a string for a complex type", p + "'name':'Smith'}"},
      {"name.family: an array", p + "'name':[{'family':['a','b']}]}"},
      {"name: an object for a list", p + "'name':{'family':'x'}}"},
      {"telecom.system: unknown code", p + "'telecom':[{'system':'pigeon','value':'1'}]}"},
      {"deceasedBoolean: \"no\"", p + "'deceasedBoolean':'no'}"},
      {"meta.lastUpdated: \"yesterday\"", p + "'meta':{'lastUpdated':'yesterday'}}"},
      {"_birthDate: a string", p + "'_birthDate':'x'}"},
      {"contained resource without id", p + "'contained':[{'resourceType':'Patient'}]}"},
      {"narrative div is not XHTML", p + "'text':{'status':'generated','div':'not xhtml'}}"},
      {"extension without url", p + "'extension':[{'valueString':'no url'}]}"},
    };
    int i = 0;
    for (String[] x : bad) {
      int[] expected = x[0].startsWith("contained") || x[0].startsWith("narrative") || x[0].startsWith("extension")
          ? new int[] {400, 422} : new int[] {400};
      Case c = add(cat, x[0], "POST", "/Patient").json(j(x[1])).expect(expected);
      if (i++ % 5 == 4) c.wantXml();
    }
    String o = "{'resourceType':'Observation','status':'final','code':{'text':'x'},";
    String[][] obs = {
      {"Observation.status: \"done\"", "{'resourceType':'Observation','status':'done','code':{'text':'x'}}"},
      {"valueQuantity.value: \"12\" (string)", o + "'valueQuantity':{'value':'12'}}"},
      {"valueQuantity.value: \"abc\"", o + "'valueQuantity':{'value':'abc'}}"},
      {"two choices of value[x]", o + "'valueString':'a','valueBoolean':true}"},
    };
    for (String[] x : obs) {
      add(cat, x[0], "POST", "/Observation").json(j(x[1]))
          .expect(x[0].startsWith("two") ? new int[] {400, 422} : new int[] {400});
    }
    // Valid FHIR decimals with more than 1000 digits before or after the point: refused at once (HAPI's
    // parser would spend seconds on 1e400000, and no database numeric holds it), indexed or not.
    for (String v : new String[] {"1e400000", "-1e131072", "1e1000", "1e-400000", "1.5e-16384", "1e-1001"}) {
      add(cat, "valueQuantity.value " + v + " (too many digits)", "POST", "/Observation")
          .json(j(o + "'valueQuantity':{'value':" + v + "}}")).expect(400);
    }
    add(cat, "component value 1e5000 (too many digits)", "POST", "/Observation")
        .json(j(o + "'component':[{'code':{'text':'c'},'valueQuantity':{'value':1e5000}}]}")).expect(400);
    add(cat, "Patient extension valueDecimal 1e-5000 (not indexed)", "POST", "/Patient")
        .json(j(p + "'extension':[{'url':'http://x.org/d','valueDecimal':1e-5000}]}")).expect(400);
    // Invalid dates.
    String[] badDates = {"2024-13-45", "2024-02-30", "2023-02-29", "yesterday", "2024/01/01", "01-02-2024",
        "2024-1-1", "2024-01-01T10:00:00Z"};
    for (String d : badDates) {
      add(cat, "birthDate \"" + d + "\"", "POST", "/Patient").json(j(p + "'birthDate':'" + d + "'}")).expect(400);
    }
    String[] badDateTimes = {"2024-02-30T25:00", "2024-01-01T25:00:00Z", "2024-01-01T10:61:00Z", "2024-01-01T10:00",
        "2024-01-01T10:00:00+25:00", "now"};
    for (String d : badDateTimes) {
      add(cat, "effectiveDateTime \"" + d + "\"", "POST", "/Observation")
          .json(j(o + "'effectiveDateTime':'" + d + "'}")).expect(400);
    }
    add(cat, "issued (instant) without time", "POST", "/Observation").json(j(o + "'issued':'2024-01-01'}")).expect(400);
    add(cat, "issued (instant) \"not-an-instant\"", "POST", "/Observation").json(j(o + "'issued':'not-an-instant'}")).expect(400);
  }

  private void malformedXml() {
    String cat = "malformed XML";
    String secret = "EXPANDED-ENTITY-" + UUID.randomUUID();
    Object[][] xmls = {
      {"unclosed root", "<Patient " + NS + "><active value=\"true\"/>", 400},
      {"mismatched tags", "<Patient " + NS + "><active value=\"true\"></Patient>", 400},
      {"wrong namespace", "<Patient xmlns=\"http://example.org/not-fhir\"><active value=\"true\"/></Patient>", 400},
      {"no namespace", "<Patient><active value=\"true\"/></Patient>", 400},
      {"unknown element", "<Patient " + NS + "><foo value=\"1\"/></Patient>", 400},
      {"invalid birthDate", "<Patient " + NS + "><birthDate value=\"yesterday\"/></Patient>", 400},
      {"decimal 1e-100000 in an extension", "<Patient " + NS + "><extension url=\"http://x.org/d\">"
          + "<valueDecimal value=\"1e-100000\"/></extension></Patient>", 400},
      {"invalid gender code", "<Patient " + NS + "><gender value=\"unknown-code\"/></Patient>", 400},
      {"text content instead of value attribute", "<Patient " + NS + "><active>true</active></Patient>", 400},
      {"unknown resource type", "<Patientt " + NS + "><active value=\"true\"/></Patientt>", 400},
      {"two root elements", "<Patient " + NS + "/><Patient " + NS + "/>", 400},
      {"XML declaration only", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 400},
      {"not XML at all", "<<<>>>", 400},
      {"bare DOCTYPE", "<?xml version=\"1.0\"?><!DOCTYPE Patient><Patient " + NS + "><active value=\"true\"/></Patient>", 400},
      {"XXE external file entity",
        "<?xml version=\"1.0\"?><!DOCTYPE Patient [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
            + "<Patient " + NS + "><name><family value=\"&xxe;\"/></name></Patient>", 400},
      {"XXE external http entity",
        "<?xml version=\"1.0\"?><!DOCTYPE Patient [<!ENTITY xxe SYSTEM \"http://127.0.0.1:9/xxe\">]>"
            + "<Patient " + NS + "><name><family value=\"&xxe;\"/></name></Patient>", 400},
      {"XXE parameter entity",
        "<?xml version=\"1.0\"?><!DOCTYPE Patient [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]>"
            + "<Patient " + NS + "><active value=\"true\"/></Patient>", 400},
      {"external DTD",
        "<?xml version=\"1.0\"?><!DOCTYPE Patient SYSTEM \"http://127.0.0.1:9/fhir.dtd\">"
            + "<Patient " + NS + "><active value=\"true\"/></Patient>", 400},
      {"internal entity expansion",
        "<?xml version=\"1.0\"?><!DOCTYPE Patient [<!ENTITY e \"" + secret + "\">]>"
            + "<Patient " + NS + "><name><family value=\"&e;\"/></name></Patient>", 400},
      {"entity expansion bomb (laughs, 10^5)",
        "<?xml version=\"1.0\"?><!DOCTYPE Patient [<!ENTITY l0 \"lol\">"
            + "<!ENTITY l1 \"&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;\">"
            + "<!ENTITY l2 \"&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;\">"
            + "<!ENTITY l3 \"&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;\">"
            + "<!ENTITY l4 \"&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;\">"
            + "<!ENTITY l5 \"&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;\">]>"
            + "<Patient " + NS + "><name><family value=\"&l5;\"/></name></Patient>", 400},
      {"Observation body on /Patient", "<Observation " + NS + "><status value=\"final\"/><code><text value=\"x\"/></code></Observation>", 422},
    };
    int i = 0;
    for (Object[] x : xmls) {
      Case c = add(cat, (String) x[0], "POST", "/Patient").body(b((String) x[1]), XML).expect((Integer) x[2])
          .notContaining("root:x:0:0", secret, "lollollollollollol");
      if (i++ % 2 == 0) c.wantXml();
    }
    add(cat, "XML valueQuantity 1e5000 (too many digits)", "POST", "/Observation")
        .body(b("<Observation " + NS + "><status value=\"final\"/><code><text value=\"x\"/></code>"
            + "<valueQuantity><value value=\"1e5000\"/></valueQuantity></Observation>"), XML).expect(400).wantXml();
    add(cat, "invalid UTF-8 in XML", "POST", "/Patient")
        .body(cat(b("<Patient " + NS + "><name><family value=\""), new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF},
            b("\"/></name></Patient>")), XML).expect(400).wantXml();
    add(cat, "binary garbage as XML", "POST", "/Patient")
        .body(cat(b("<"), new byte[] {0, 1, 2, (byte) 0xFE, (byte) 0x80, 0x7F, 0}), XML).expect(400);
    add(cat, "XML update with a different id", "PUT", "/Patient/" + patient)
        .body(b("<Patient " + NS + "><id value=\"" + rid() + "\"/><active value=\"true\"/></Patient>"), XML)
        .expect(400).wantXml();
    add(cat, "XML update without id", "PUT", "/Patient/" + patient)
        .body(b("<Patient " + NS + "><active value=\"false\"/></Patient>"), XML).expect(400).wantXml();
  }

  private void deepNesting() {
    String cat = "deep nesting";
    int levels = 10_000;
    StringBuilder ext = new StringBuilder("{\"resourceType\":\"Patient\",\"extension\":[");
    for (int i = 0; i < levels; i++) ext.append("{\"url\":\"http://example.org/x\",\"extension\":[");
    ext.append("{\"url\":\"http://example.org/x\",\"valueString\":\"deep\"}");
    for (int i = 0; i < levels; i++) ext.append("]}");
    ext.append("]}");
    add(cat, "10,000 nested extensions (JSON)", "POST", "/Patient").json(ext.toString()).expect(400);

    add(cat, "100,000 nested arrays (JSON)", "POST", "/Patient")
        .json("{\"resourceType\":\"Patient\",\"name\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}")
        .expect(400);

    StringBuilder contained = new StringBuilder();
    for (int i = 0; i < levels; i++) contained.append("{\"resourceType\":\"Patient\",\"id\":\"c").append(i).append("\",\"contained\":[");
    contained.append("{\"resourceType\":\"Patient\",\"id\":\"last\"}");
    for (int i = 0; i < levels; i++) contained.append("]}");
    add(cat, "10,000 nested contained resources (JSON)", "POST", "/Patient").json(contained.toString()).expect(400);

    StringBuilder x = new StringBuilder("<Patient " + NS + ">");
    for (int i = 0; i < levels; i++) x.append("<extension url=\"http://example.org/x\">");
    x.append("<valueString value=\"deep\"/>");
    for (int i = 0; i < levels; i++) x.append("</extension>");
    x.append("</Patient>");
    add(cat, "10,000 nested extensions (XML)", "POST", "/Patient").body(b(x.toString()), XML).expect(400).wantXml();

    StringBuilder q = new StringBuilder("{\"resourceType\":\"Questionnaire\",\"status\":\"draft\",\"item\":[");
    for (int i = 0; i < 200; i++) q.append("{\"linkId\":\"l").append(i).append("\",\"type\":\"group\",\"item\":[");
    q.append("{\"linkId\":\"leaf\",\"type\":\"string\"}");
    for (int i = 0; i < 200; i++) q.append("]}");
    q.append("]}");
    add(cat, "200 nested Questionnaire items (over the 100-level limit)", "POST", "/Questionnaire")
        .json(q.toString()).expect(400);
  }

  private void bodyVersusUrl() {
    String cat = "body vs URL";
    String[][] mismatch = {
      {"Patient", "{'resourceType':'Observation','status':'final','code':{'text':'x'}}"},
      {"Observation", "{'resourceType':'Patient','active':true}"},
      {"Encounter", "{'resourceType':'Patient','active':true}"},
      {"Practitioner", "{'resourceType':'Organization','name':'x'}"},
      {"Organization", "{'resourceType':'Practitioner','active':true}"},
      {"Patient", "{'resourceType':'Bundle','type':'collection'}"},
    };
    for (String[] m : mismatch) {
      add(cat, "create: body " + m[1].substring(17, m[1].indexOf("','")) + " posted to /" + m[0], "POST", "/" + m[0])
          .json(j(m[1])).expect(422);
    }
    add(cat, "update: Observation body to /Patient/id", "PUT", "/Patient/" + patient)
        .json(j("{'resourceType':'Observation','id':'" + patient + "','status':'final','code':{'text':'x'}}")).expect(422);
    add(cat, "update: Patient body to /Observation/id", "PUT", "/Observation/" + observation)
        .json(j("{'resourceType':'Patient','id':'" + observation + "'}")).expect(422).wantXml();
    add(cat, "update: id in body differs from URL", "PUT", "/Patient/" + patient)
        .json(j("{'resourceType':'Patient','id':'" + rid() + "','active':true}")).expect(400);
    add(cat, "update: id in body differs from URL (new resource)", "PUT", "/Patient/" + rid())
        .json(j("{'resourceType':'Patient','id':'" + rid() + "','active':true}")).expect(400).wantXml();
    add(cat, "update: no id in body", "PUT", "/Patient/" + patient)
        .json(j("{'resourceType':'Patient','active':false}")).expect(400);
    add(cat, "update: no id in body (new resource)", "PUT", "/Patient/" + rid())
        .json(j("{'resourceType':'Patient','active':false}")).expect(400);
    add(cat, "update: id with invalid characters in body", "PUT", "/Patient/" + patient)
        .json(j("{'resourceType':'Patient','id':'bad_id!','active':true}")).expect(400);
    add(cat, "update: 2 MB id in body", "PUT", "/Patient/" + patient)
        .json(j("{'resourceType':'Patient','id':'" + "x".repeat(2 * 1024 * 1024) + "'}")).expect(400);
    add(cat, "update: 300-char id in body and URL", "PUT", "/Patient/" + "y".repeat(300))
        .json(j("{'resourceType':'Patient','id':'" + "y".repeat(300) + "'}")).expect(400);
  }

  private void invalidIdsInUrl() {
    String cat = "invalid id in URL";
    String[] ids = {"x".repeat(65), "x".repeat(300), "x".repeat(6000), "a_b", "a%20b", "a!b", "a~b", "a@b",
        "a%C3%A9b", "a:b", "a,b", "a'b"};
    for (String id : ids) {
      String label = id.length() > 20 ? id.length() + "-char id" : "id '" + id + "'";
      add(cat, "read, " + label, "GET", "/Patient/" + id).expect(400);
      add(cat, "update, " + label, "PUT", "/Patient/" + id).json(j("{'resourceType':'Patient','active':true}")).expect(400);
      add(cat, "delete, " + label, "DELETE", "/Patient/" + id).expect(400).wantXml();
      add(cat, "patch, " + label, "PATCH", "/Patient/" + id)
          .body(b("[{\"op\":\"replace\",\"path\":\"/active\",\"value\":false}]"), JSON_PATCH).expect(400);
      add(cat, "history, " + label, "GET", "/Patient/" + id + "/_history").expect(400);
    }
  }

  private void unknownTypesAndPaths() {
    String cat = "unknown type or path";
    String[] types = {"Patientt", "patient", "Foo", "PATIENT"};
    for (String t : types) {
      add(cat, "search " + t, "GET", "/" + t + "?name=x").expect(404);
      add(cat, "read " + t, "GET", "/" + t + "/" + rid()).expect(404);
      add(cat, "create " + t, "POST", "/" + t).json(j("{'resourceType':'Patient'}")).expect(404);
      add(cat, "update " + t, "PUT", "/" + t + "/" + rid()).json(j("{'resourceType':'Patient'}")).expect(404).wantXml();
      add(cat, "delete " + t, "DELETE", "/" + t + "/" + rid()).expect(404);
    }
    add(cat, "history of unknown type", "GET", "/Foo/_history").expect(404);
    add(cat, "type operation on unknown type", "POST", "/Foo/$validate").json(j("{'resourceType':'Patient'}")).expect(404);
    add(cat, "numeric first segment", "GET", "/123").expect(404);
    add(cat, "unknown sub-path of an instance", "GET", "/Patient/" + patient + "/foo").expect(404);
    add(cat, "path beyond a version", "GET", "/Patient/" + patient + "/_history/1/extra").expect(404);
    add(cat, "two segments beyond a version", "GET", "/Patient/" + patient + "/_history/1/foo/bar").expect(404);
    add(cat, "path beyond a type operation", "GET", "/Patient/$validate/extra").expect(404);
    add(cat, "path beyond metadata", "GET", "/metadata/extra").expect(404);
    add(cat, "path beyond system history", "GET", "/_history/extra").expect(404);
    add(cat, "path beyond type history", "GET", "/Patient/_history/extra").expect(400, 404);
    add(cat, "path beyond _search", "POST", "/Patient/_search/extra").expect(400, 404);
  }

  private void wrongMethods() {
    String cat = "method not allowed";
    String pj = j("{'resourceType':'Patient','active':true}");
    add(cat, "DELETE metadata", "DELETE", "/metadata").expect(405);
    add(cat, "POST metadata", "POST", "/metadata").json(pj).expect(405);
    add(cat, "PUT metadata", "PUT", "/metadata").json(pj).expect(405).wantXml();
    add(cat, "PATCH metadata", "PATCH", "/metadata").body(b("[]"), JSON_PATCH).expect(405);
    add(cat, "POST instance history", "POST", "/Patient/" + patient + "/_history").json(pj).expect(405);
    add(cat, "DELETE instance history", "DELETE", "/Patient/" + patient + "/_history").expect(405);
    add(cat, "PUT type history", "PUT", "/Patient/_history").json(pj).expect(405);
    add(cat, "POST type history", "POST", "/Patient/_history").json(pj).expect(405);
    add(cat, "POST system history", "POST", "/_history").json(pj).expect(405);
    add(cat, "DELETE system history", "DELETE", "/_history").expect(405);
    add(cat, "POST to an instance", "POST", "/Patient/" + patient).json(pj).expect(405);
    add(cat, "PUT type without criteria", "PUT", "/Patient").json(pj).expect(405).wantXml();
    add(cat, "DELETE type without criteria", "DELETE", "/Patient").expect(405);
    add(cat, "PATCH type without criteria", "PATCH", "/Patient").body(b("[]"), JSON_PATCH).expect(405);
    add(cat, "GET _search", "GET", "/Patient/_search").expect(405);
    add(cat, "DELETE _search", "DELETE", "/Patient/_search").expect(405);
    add(cat, "PUT base", "PUT", "").json(pj).expect(405);
    add(cat, "DELETE base", "DELETE", "").expect(405);
    add(cat, "OPTIONS on a type", "OPTIONS", "/Patient").expect(405);
    add(cat, "GET $validate", "GET", "/Patient/$validate").expect(405);
    add(cat, "GET $meta-add", "GET", "/Patient/" + patient + "/$meta-add").expect(405);
    add(cat, "DELETE $everything", "DELETE", "/Patient/" + patient + "/$everything").expect(405);
  }

  private void formatNegotiation() {
    String cat = "format negotiation";
    String pj = j("{'resourceType':'Patient','active':true}");
    String[] accepts = {"text/plain", "text/html", "image/png", "application/pdf"};
    for (String a : accepts) {
      add(cat, "Accept " + a + " on metadata", "GET", "/metadata").header("Accept", a).expect(406);
      add(cat, "Accept " + a + " on read", "GET", "/Patient/" + patient).header("Accept", a).expect(406);
    }
    add(cat, "Accept text/plain on search", "GET", "/Patient?name=x").header("Accept", "text/plain").expect(406);
    add(cat, "Accept text/plain on create", "POST", "/Patient").json(pj).header("Accept", "text/plain").expect(406);
    add(cat, "Accept text/plain on transaction", "POST", "")
        .json(j("{'resourceType':'Bundle','type':'transaction'}")).header("Accept", "text/plain").expect(406);
    String[] formats = {"html", "text/plain", "turtle", "pdf", ""};
    for (String f : formats) {
      add(cat, "_format=" + f + " on read", "GET", "/Patient/" + patient + "?_format=" + f).expect(406);
    }
    add(cat, "_format=csv on search", "GET", "/Patient?_format=csv").expect(406);
    add(cat, "_format=rdf on create", "POST", "/Patient?_format=rdf").json(pj).expect(406);
    String[] contentTypes = {"text/plain", "application/octet-stream", "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x", "text/csv"};
    for (String ct : contentTypes) {
      add(cat, "Content-Type " + ct + " on create", "POST", "/Patient").body(b(pj), ct).expect(415);
    }
    add(cat, "Content-Type text/plain on update", "PUT", "/Patient/" + patient)
        .body(b(j("{'resourceType':'Patient','id':'" + patient + "'}")), "text/plain").expect(415).wantXml();
    add(cat, "Content-Type text/plain on transaction", "POST", "")
        .body(b(j("{'resourceType':'Bundle','type':'transaction'}")), "text/plain").expect(415);
    add(cat, "Content-Type text/plain on $validate", "POST", "/Patient/$validate").body(b(pj), "text/plain").expect(415);
    add(cat, "no Content-Type and a non-JSON, non-XML body", "POST", "/Patient").body(b("hello"), null).expect(415);
    add(cat, "Content-Type XML with a JSON body", "POST", "/Patient").body(b(pj), XML).expect(400);
    add(cat, "Content-Type JSON with an XML body", "POST", "/Patient")
        .body(b("<Patient " + NS + "><active value=\"true\"/></Patient>"), JSON).expect(400).wantXml();
    add(cat, "POST _search with a FHIR JSON body", "POST", "/Patient/_search").body(b(pj), JSON).expect(415);
  }

  private void patch() {
    String cat = "PATCH";
    String p = "/Patient/" + patient;
    String ok = "[{\"op\":\"replace\",\"path\":\"/active\",\"value\":false}]";
    add(cat, "Content-Type application/fhir+json", "PATCH", p).body(b(ok), JSON).expect(415);
    add(cat, "no Content-Type", "PATCH", p).body(b(ok), null).expect(415);
    add(cat, "Content-Type text/plain", "PATCH", p).body(b(ok), "text/plain").expect(415).wantXml();
    add(cat, "Content-Type application/json (merge patch)", "PATCH", p).body(b("{\"active\":false}"), "application/json").expect(415);
    add(cat, "Content-Type application/xml-patch+xml", "PATCH", p).body(b("<diff/>"), "application/xml-patch+xml").expect(415);
    Object[][] bad = {
      {"invalid JSON", "[{\"op\":", new int[] {400}},
      {"an object, not an array", "{\"op\":\"replace\",\"path\":\"/active\",\"value\":false}", new int[] {400}},
      {"empty body", "", new int[] {400}},
      {"a string", "\"replace\"", new int[] {400}},
      {"unknown op", "[{\"op\":\"frobnicate\",\"path\":\"/active\",\"value\":true}]", new int[] {400, 422}},
      {"op without path", "[{\"op\":\"replace\",\"value\":true}]", new int[] {400, 422}},
      {"remove a missing element", "[{\"op\":\"remove\",\"path\":\"/birthDate\"}]", new int[] {400, 422}},
      {"failing test op", "[{\"op\":\"test\",\"path\":\"/active\",\"value\":false}]", new int[] {400, 422}},
      {"move from a missing element", "[{\"op\":\"move\",\"from\":\"/deceasedBoolean\",\"path\":\"/active\"}]", new int[] {400, 422}},
      {"change the id", "[{\"op\":\"replace\",\"path\":\"/id\",\"value\":\"" + rid() + "\"}]", new int[] {400, 422}},
      {"change resourceType to Observation", "[{\"op\":\"replace\",\"path\":\"/resourceType\",\"value\":\"Observation\"}]", new int[] {400, 422}},
      {"change resourceType to Foo", "[{\"op\":\"replace\",\"path\":\"/resourceType\",\"value\":\"Foo\"}]", new int[] {400, 422}},
      {"result has an invalid gender", "[{\"op\":\"add\",\"path\":\"/gender\",\"value\":\"bogus\"}]", new int[] {400, 422}},
      {"result has an invalid birthDate", "[{\"op\":\"add\",\"path\":\"/birthDate\",\"value\":\"yesterday\"}]", new int[] {400, 422}},
      {"result has an unknown element", "[{\"op\":\"add\",\"path\":\"/foo\",\"value\":1}]", new int[] {400, 422}},
      {"result has active: \"yes\"", "[{\"op\":\"replace\",\"path\":\"/active\",\"value\":\"yes\"}]", new int[] {400, 422}},
      {"result references nothing", "[{\"op\":\"add\",\"path\":\"/managingOrganization\",\"value\":{\"reference\":\"Organization/" + rid() + "\"}}]", new int[] {422}},
    };
    for (Object[] x : bad) {
      add(cat, (String) x[0], "PATCH", p).body(b((String) x[1]), JSON_PATCH).expect((int[]) x[2]);
    }
    add(cat, "result misses a required element (Observation.status)", "PATCH", "/Observation/" + observation)
        .body(b("[{\"op\":\"remove\",\"path\":\"/status\"}]"), JSON_PATCH).expect(422);
    add(cat, "If-Match with a wrong version", "PATCH", p).body(b(ok), JSON_PATCH).header("If-Match", "W/\"999\"").expect(412);
    add(cat, "If-Match garbage", "PATCH", p).body(b(ok), JSON_PATCH).header("If-Match", "garbage").expect(400);
    add(cat, "unknown id", "PATCH", "/Patient/" + rid()).body(b(ok), JSON_PATCH).expect(404);
    add(cat, "deleted resource", "PATCH", "/Patient/" + deleted).body(b(ok), JSON_PATCH).expect(410);
    add(cat, "conditional, unknown parameter", "PATCH", "/Patient?foo=bar").body(b(ok), JSON_PATCH).expect(400);
    add(cat, "conditional, no match", "PATCH", "/Patient?identifier=" + SYS + "|" + rid()).body(b(ok), JSON_PATCH).expect(404);
    add(cat, "conditional, several matches", "PATCH", "/Patient?identifier=" + SYS + "|" + dupValue)
        .body(b(ok), JSON_PATCH).expect(412);
  }

  private void ifMatchAndConditional() {
    String cat = "If-Match / conditional";
    String body = j("{'resourceType':'Patient','id':'" + patient + "','active':false}");
    Object[][] ifMatch = {
      {"garbage", "garbage", 400}, {"W/\"abc\"", "W/\"abc\"", 400}, {"W/\"\"", "W/\"\"", 400},
      {"\"1.5\"", "\"1.5\"", 400}, {"W/\"999\" (wrong version)", "W/\"999\"", 412},
      {"W/\"0\" (wrong version)", "W/\"0\"", 412}, {"\"2\" (next version)", "\"2\"", 412},
    };
    for (Object[] x : ifMatch) {
      add(cat, "update with If-Match " + x[0], "PUT", "/Patient/" + patient).json(body)
          .header("If-Match", (String) x[1]).expect((Integer) x[2]);
    }
    String fresh = rid();
    add(cat, "update of a new resource with If-Match", "PUT", "/Patient/" + fresh)
        .json(j("{'resourceType':'Patient','id':'" + fresh + "'}")).header("If-Match", "W/\"1\"").expect(412);
    add(cat, "delete with If-Match wrong version", "DELETE", "/Patient/" + patient).header("If-Match", "W/\"7\"").expect(412);
    add(cat, "delete with If-Match garbage", "DELETE", "/Patient/" + patient).header("If-Match", "version one").expect(400).wantXml();
    String dup = SYS + "|" + dupValue;
    add(cat, "conditional update matching several", "PUT", "/Patient?identifier=" + dup)
        .json(j("{'resourceType':'Patient','active':true}")).expect(412);
    add(cat, "conditional delete matching several", "DELETE", "/Patient?identifier=" + dup).expect(412);
    add(cat, "conditional create (If-None-Exist) matching several", "POST", "/Patient")
        .json(j("{'resourceType':'Patient','active':true}")).header("If-None-Exist", "identifier=" + dup).expect(412);
    add(cat, "If-None-Exist with an unknown parameter", "POST", "/Patient")
        .json(j("{'resourceType':'Patient','active':true}")).header("If-None-Exist", "foo=bar").expect(400);
    add(cat, "conditional update with an unknown parameter", "PUT", "/Patient?foo=bar")
        .json(j("{'resourceType':'Patient','active':true}")).expect(400);
    add(cat, "conditional delete with an unknown parameter", "DELETE", "/Patient?foo=bar").expect(400).wantXml();
    add(cat, "conditional update: body id differs from the match", "PUT", "/Patient?identifier=" + SYS + "|" + patientIdent)
        .json(j("{'resourceType':'Patient','id':'" + rid() + "','active':true}")).expect(400);
    add(cat, "conditional update: wrong body type", "PUT", "/Patient?identifier=" + SYS + "|" + patientIdent)
        .json(j("{'resourceType':'Observation','status':'final','code':{'text':'x'}}")).expect(422);
    add(cat, "conditional update with a bad date", "PUT", "/Patient?birthdate=yesterday")
        .json(j("{'resourceType':'Patient','active':true}")).expect(400);
  }

  private void missingRequiredElements() {
    String cat = "missing required elements";
    String[] emptyTypes = {"Observation", "Encounter", "Condition", "AllergyIntolerance", "Procedure",
        "MedicationRequest", "Immunization", "DiagnosticReport", "CarePlan", "ServiceRequest", "Appointment",
        "Goal", "Flag", "Coverage", "Consent", "Group", "Subscription", "Questionnaire", "QuestionnaireResponse",
        "Composition", "DocumentReference", "Communication", "Task", "MedicationStatement", "EpisodeOfCare",
        "RelatedPerson", "Slot", "Bundle"};
    int i = 0;
    for (String t : emptyTypes) {
      Case c = add(cat, "empty " + t, "POST", "/" + t).json(j("{'resourceType':'" + t + "'}")).expect(422);
      if (i++ % 6 == 5) c.wantXml();
    }
    String subj = "'subject':{'reference':'Patient/" + patient + "'}";
    String[][] partial = {
      {"Observation", "Observation without status", "{'resourceType':'Observation','code':{'text':'x'}," + subj + "}"},
      {"Observation", "Observation without code", "{'resourceType':'Observation','status':'final'," + subj + "}"},
      {"Observation", "Observation.component without code",
        "{'resourceType':'Observation','status':'final','code':{'text':'x'},'component':[{'valueString':'a'}]}"},
      {"Encounter", "Encounter without class", "{'resourceType':'Encounter','status':'planned'}"},
      {"Procedure", "Procedure without status", "{'resourceType':'Procedure'," + subj + "}"},
      {"MedicationRequest", "MedicationRequest without medication[x]",
        "{'resourceType':'MedicationRequest','status':'active','intent':'order'," + subj + "}"},
      {"Patient", "Patient.link without other", "{'resourceType':'Patient','link':[{'type':'seealso'}]}"},
      {"Patient", "Patient.communication without language", "{'resourceType':'Patient','communication':[{'preferred':true}]}"},
    };
    for (String[] x : partial) add(cat, x[1], "POST", "/" + x[0]).json(j(x[2])).expect(422);
    String id = rid();
    add(cat, "update (create) of an Observation without status", "PUT", "/Observation/" + id)
        .json(j("{'resourceType':'Observation','id':'" + id + "','code':{'text':'x'}}")).expect(422);
    add(cat, "update of an existing Observation removing code", "PUT", "/Observation/" + observation)
        .json(j("{'resourceType':'Observation','id':'" + observation + "','status':'final'}")).expect(422).wantXml();
  }

  private void referencesToNothing() {
    String cat = "reference to nothing";
    String obs = "{'resourceType':'Observation','status':'final','code':{'text':'x'},";
    String[][] refs = {
      {"Observation", "Observation.subject → unknown Patient", obs + "'subject':{'reference':'Patient/" + rid() + "'}}"},
      {"Observation", "Observation.subject → deleted Patient", obs + "'subject':{'reference':'Patient/" + deleted + "'}}"},
      {"Observation", "Observation.subject → versioned unknown Patient", obs + "'subject':{'reference':'Patient/" + rid() + "/_history/1'}}"},
      {"Observation", "Observation.subject → existing id with the wrong type", obs + "'subject':{'reference':'Group/" + patient + "'}}"},
      {"Observation", "Observation.performer → unknown Practitioner", obs + "'performer':[{'reference':'Practitioner/" + rid() + "'}]}"},
      {"Observation", "Observation.hasMember → unknown Observation", obs + "'hasMember':[{'reference':'Observation/" + rid() + "'}]}"},
      {"Encounter", "Encounter.subject → unknown Patient",
        "{'resourceType':'Encounter','status':'planned','class':{'code':'AMB'},'subject':{'reference':'Patient/" + rid() + "'}}"},
      {"Condition", "Condition.subject → unknown Patient", "{'resourceType':'Condition','subject':{'reference':'Patient/" + rid() + "'}}"},
      {"Patient", "Patient.generalPractitioner → unknown Practitioner",
        "{'resourceType':'Patient','generalPractitioner':[{'reference':'Practitioner/" + rid() + "'}]}"},
      {"Patient", "Patient.managingOrganization → unknown Organization",
        "{'resourceType':'Patient','managingOrganization':{'reference':'Organization/" + rid() + "'}}"},
      {"Patient", "Patient.link.other → unknown Patient",
        "{'resourceType':'Patient','link':[{'type':'seealso','other':{'reference':'Patient/" + rid() + "'}}]}"},
      {"Organization", "Organization.partOf → unknown Organization",
        "{'resourceType':'Organization','name':'x','partOf':{'reference':'Organization/" + rid() + "'}}"},
    };
    int i = 0;
    for (String[] x : refs) {
      Case c = add(cat, x[1], "POST", "/" + x[0]).json(j(x[2])).expect(422);
      if (i++ % 4 == 3) c.wantXml();
    }
    add(cat, "update pointing to an unknown Organization", "PUT", "/Patient/" + patient)
        .json(j("{'resourceType':'Patient','id':'" + patient + "','managingOrganization':{'reference':'Organization/" + rid() + "'}}"))
        .expect(422);
  }

  private void search() {
    String cat = "search";
    for (String v : new String[] {"1e400000", "ge1e-400000", "ap1e1001", "lt-1e-1001"}) {
      add(cat, "value-quantity " + v + " (too many digits)", "GET", "/Observation?value-quantity=" + v).expect(400);
    }
    String[] types = {"Patient", "Observation", "Encounter", "Condition", "Practitioner", "Organization", "Location",
        "Medication", "MedicationRequest", "AllergyIntolerance", "Procedure", "DiagnosticReport", "Immunization",
        "CarePlan", "ServiceRequest", "Appointment", "Questionnaire", "QuestionnaireResponse", "Device", "Specimen"};
    int i = 0;
    for (String t : types) {
      Case c = add(cat, "unknown parameter on " + t, "GET", "/" + t + "?foo-" + i + "=bar").expect(400);
      if (i++ % 2 == 1) {
        c.path += "&_format=xml";
        c.xml = true;
      }
    }
    String[] queries = {
      "Patient?birthdate=zz2020",
      "Patient?birthdate=xx2020-01-01",
      "Patient?birthdate=2024-13-45",
      "Patient?birthdate=2024-02-30",
      "Patient?birthdate=yesterday",
      "Patient?birthdate=gt",
      "Patient?birthdate=ge2024-01-01T25:00:00Z",
      "Patient?birthdate:exact=2020",
      "Patient?_lastUpdated=garbage",
      "Patient?_lastUpdated=zz2020",
      "Observation?date=2024-01-01T10:61:00Z",
      "RiskAssessment?probability=abc",
      "RiskAssessment?probability=zz0.5",
      "RiskAssessment?probability=gt",
      "RiskAssessment?probability:exact=0.5",
      "Observation?value-quantity=5|a",
      "Observation?value-quantity=abc",
      "Observation?value-quantity=5|a|b|c",
      "Observation?value-quantity:foo=5",
      "Observation?code:foo=x",
      "Patient?gender:foo=male",
      "Patient?gender:exact=male",
      "Patient?gender=|",
      "Patient?identifier=|",
      "Patient?name:foo=x",
      "Patient?name:text=x",
      "Patient?name:above=x",
      "Patient?name:contains:exact=x",
      "Patient?name=",
      "Patient?_id=",
      "Patient?=x",
      "Patient?name:missing=maybe",
      "Patient?_lastUpdated:missing=perhaps",
      "Patient?_id:exact=x",
      "Patient?name.family=x",
      "Patient?gender.code=x",
      "Observation?subject.foo=x",
      "Observation?subject:Foo.name=x",
      "Observation?subject:Foo=123",
      "Observation?subject:Patient=Group/123",
      "Observation?subject:Patient.organization.partof.partof.partof.partof.name=x",
      "Patient?_has:Observation=x",
      "Patient?_has:Observation:patient=x",
      "Patient?_has:Foo:patient:code=x",
      "Patient?_has:Observation:code:code=x",
      "Patient?_has:Observation:patient:foo=x",
      "Patient?_has:Observation:patient:code=",
      "Patient?_sort=foo",
      "Patient?_sort=-foo",
      "Patient?_sort=name,bogus",
      "Patient?_count=-1",
      "Patient?_count=abc",
      "Patient?_count=1.5",
      "Patient?_count=1&_count=2",
      "Patient?_count=99999999999999999999",
      "Patient?_sort=name&_offset=-5",
      "Patient?_cursor=abc",
      "Patient?_total=maybe",
      "Patient?_total=accurate&_total=none",
      "Patient?_summary=maybe",
      "Patient?_summary=TRUE",
      "Patient?_include=Foo:bar",
      "Patient?_include=Patient:name",
      "Patient?_include=garbage",
      "Patient?_include=Patient:general-practitioner:Practitioner:extra",
      "Patient?_revinclude=Foo:bar",
      "Patient?_revinclude=Observation:code",
      "Patient?_text=x",
      "Patient?_content=x",
      "Patient?_filter=name eq x",
      "Patient?_query=x",
      "Patient?_list=x",
      "Patient?_type=Patient",
      "Patient?_source=x",
      "Location?near=1|2|3|furlongs",
      "Location?near=91|2|3|km",
      "Observation?code-value-quantity=abc",
      "Observation?code-value-quantity:foo=a$b",
    };
    i = 0;
    for (String q : queries) {
      Case c = add(cat, q, "GET", "/" + q).expect(400);
      if (i++ % 5 == 4) c.wantXml();
    }
    add(cat, "unknown parameter, Prefer: handling=strict", "GET", "/Patient?foo=bar")
        .header("Prefer", "handling=strict").expect(400);
    add(cat, "_summary=maybe on a read", "GET", "/Patient/" + patient + "?_summary=maybe").expect(400);
    add(cat, "POST _search with an unknown parameter in the form", "POST", "/Patient/_search")
        .body(b("foo=bar"), "application/x-www-form-urlencoded").expect(400);
    add(cat, "POST _search with a bad date in the form", "POST", "/Patient/_search")
        .body(b("birthdate=2024-13-45"), "application/x-www-form-urlencoded").expect(400).wantXml();
    add(cat, "search across all types with a parameter", "GET", "?foo=bar").expect(400);
  }

  private void readsAndHistory() {
    String cat = "read / vread / history";
    String[] types = {"Patient", "Observation", "Encounter", "Practitioner", "Organization", "Condition",
        "Medication", "Location"};
    int i = 0;
    for (String t : types) {
      Case c = add(cat, "read unknown " + t, "GET", "/" + t + "/" + rid()).expect(404);
      if (i++ % 3 == 2) c.wantXml();
    }
    add(cat, "read deleted", "GET", "/Patient/" + deleted).expect(410);
    add(cat, "read deleted (_format=xml)", "GET", "/Patient/" + deleted + "?_format=xml").expect(410);
    add(cat, "delete unknown", "DELETE", "/Patient/" + rid()).expect(404);
    add(cat, "vread unknown version", "GET", "/Patient/" + patient + "/_history/999").expect(404);
    add(cat, "vread version 0", "GET", "/Patient/" + patient + "/_history/0").expect(404);
    add(cat, "vread version -1", "GET", "/Patient/" + patient + "/_history/-1").expect(404);
    add(cat, "vread non-numeric version", "GET", "/Patient/" + patient + "/_history/abc").expect(404).wantXml();
    add(cat, "vread of an unknown resource", "GET", "/Patient/" + rid() + "/_history/1").expect(404);
    add(cat, "vread of a deletion", "GET", "/Patient/" + deleted + "/_history/2").expect(410);
    add(cat, "history of an unknown resource", "GET", "/Patient/" + rid() + "/_history").expect(404);
    add(cat, "history of an unknown Observation", "GET", "/Observation/" + rid() + "/_history").expect(404).wantXml();
    add(cat, "history _since garbage", "GET", "/Patient/" + patient + "/_history?_since=garbage").expect(400);
    add(cat, "type history _since yesterday", "GET", "/Patient/_history?_since=yesterday").expect(400);
    add(cat, "system history _at garbage", "GET", "/_history?_at=garbage").expect(400);
    add(cat, "history _count=abc", "GET", "/Patient/" + patient + "/_history?_count=abc").expect(400);
    add(cat, "history _cursor garbage", "GET", "/Patient/" + patient + "/_history?_cursor=xyz").expect(400);
    add(cat, "history _since a date without time zone", "GET", "/Patient/_history?_since=2024-13-01").expect(400);
  }

  private void operations() {
    String cat = "operations";
    add(cat, "unknown type operation (GET)", "GET", "/Patient/$foo").expect(404);
    add(cat, "unknown type operation (POST)", "POST", "/Patient/$foo").json(j("{'resourceType':'Parameters'}")).expect(404);
    add(cat, "unknown instance operation", "GET", "/Patient/" + patient + "/$foo").expect(404).wantXml();
    add(cat, "unknown system operation", "POST", "/$foo").json(j("{'resourceType':'Parameters'}")).expect(404);
    add(cat, "system $everything", "GET", "/$everything").expect(404);
    add(cat, "$everything on an unknown Patient", "GET", "/Patient/" + rid() + "/$everything").expect(404);
    add(cat, "$everything on a deleted Patient", "GET", "/Patient/" + deleted + "/$everything").expect(410);
    add(cat, "$everything on an Observation", "GET", "/Observation/" + observation + "/$everything").expect(404);
    add(cat, "$everything _count=abc", "GET", "/Patient/" + patient + "/$everything?_count=abc").expect(400);
    add(cat, "$everything _type=Foo", "GET", "/Patient/" + patient + "/$everything?_type=Foo").expect(400);
    add(cat, "$everything _since garbage", "GET", "/Patient/" + patient + "/$everything?_since=garbage").expect(400);
    add(cat, "$everything _cursor garbage", "GET", "/Patient/" + patient + "/$everything?_cursor=abc").expect(400);
    add(cat, "$meta of an unknown resource", "GET", "/Patient/" + rid() + "/$meta").expect(404);
    add(cat, "$meta of a deleted resource", "GET", "/Patient/" + deleted + "/$meta").expect(410);
    String meta = j("{'resourceType':'Parameters','parameter':[{'name':'meta','valueMeta':{'tag':[{'system':'" + SYS
        + "','code':'t'}]}}]}");
    add(cat, "$meta-add on an unknown resource", "POST", "/Patient/" + rid() + "/$meta-add").json(meta).expect(404);
    add(cat, "$meta-add on a deleted resource", "POST", "/Patient/" + deleted + "/$meta-add").json(meta).expect(410);
    add(cat, "$meta-add with a Patient body", "POST", "/Patient/" + patient + "/$meta-add")
        .json(j("{'resourceType':'Patient'}")).expect(400);
    add(cat, "$meta-add without a meta parameter", "POST", "/Patient/" + patient + "/$meta-add")
        .json(j("{'resourceType':'Parameters','parameter':[{'name':'x','valueString':'y'}]}")).expect(400);
    add(cat, "$meta-delete with malformed JSON", "POST", "/Patient/" + patient + "/$meta-delete")
        .json("{\"resourceType\":\"Parameters\",").expect(400);
    add(cat, "$validate with a body of another type", "POST", "/Patient/$validate")
        .json(j("{'resourceType':'Observation','status':'final','code':{'text':'x'}}")).expect(422);
    add(cat, "$validate with an empty body", "POST", "/Patient/$validate").body(new byte[0], JSON).expect(400);
    add(cat, "$validate with malformed JSON", "POST", "/Patient/$validate").json("{\"resourceType\":").expect(400);
    add(cat, "$validate Parameters without resource", "POST", "/Patient/$validate")
        .json(j("{'resourceType':'Parameters','parameter':[{'name':'mode','valueCode':'create'}]}")).expect(400);
  }

  private void transactions() {
    String cat = "transaction";
    String pat = "{'resourceType':'Patient','name':[{'family':'BadInputTx'}]}";
    String goodObs = "{'resourceType':'Observation','status':'final','code':{'text':'x'}}";
    add(cat, "a Patient posted to the base", "POST", "").json(j(pat)).expect(400);
    add(cat, "empty body to the base", "POST", "").body(new byte[0], JSON).expect(400);
    add(cat, "malformed JSON to the base", "POST", "").json("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[").expect(400);
    for (String type : new String[] {"collection", "document", "searchset", "history", "message"}) {
      add(cat, "Bundle of type " + type, "POST", "")
          .json(j("{'resourceType':'Bundle','type':'" + type + "','entry':[{'fullUrl':'urn:uuid:" + UUID.randomUUID()
              + "','resource':" + pat + "}]}")).expect(400);
    }
    add(cat, "Bundle without type", "POST", "")
        .json(j("{'resourceType':'Bundle','entry':[" + entry("POST", "Patient", pat) + "]}")).expect(400).wantXml();
    add(cat, "Bundle with an invalid type code", "POST", "").json(j("{'resourceType':'Bundle','type':'transactional'}")).expect(400);
    Object[][] single = {
      {"entry without request", "{'resource':" + pat + "}", 400},
      {"entry request without url", "{'resource':" + pat + ",'request':{'method':'POST'}}", 400},
      {"entry request without method", "{'resource':" + pat + ",'request':{'url':'Patient'}}", 400},
      {"entry with an unknown method", "{'resource':" + pat + ",'request':{'method':'FETCH','url':'Patient'}}", 400},
      {"entry url with an unknown type", entry("POST", "Foo", pat), 400},
      {"entry url on another server", entry("POST", "http://example.org/fhir/Patient", pat), 400},
      {"entry url with an invalid id", entry("PUT", "Patient/a_b!", pat), 400},
      {"POST entry without resource", entry("POST", "Patient", null), 400},
      {"PUT entry without id or criteria", entry("PUT", "Patient", pat), 400},
      {"DELETE entry without id or criteria", entry("DELETE", "Patient", null), 400},
      {"POST entry of the wrong type", entry("POST", "Observation", pat), 422},
      {"PUT entry of the wrong type", entry("PUT", "Patient/" + patient, goodObs.replace("{'resourceType'", "{'id':'" + patient + "','resourceType'")), 422},
      {"PUT entry with a different id", entry("PUT", "Patient/" + patient, "{'resourceType':'Patient','id':'" + rid() + "'}"), 400},
      {"PUT entry with an unknown element", entry("PUT", "Patient/" + patient, "{'resourceType':'Patient','id':'" + patient + "','foo':1}"), 400},
      {"entry references an absent urn:uuid",
        entry("POST", "Observation", "{'resourceType':'Observation','status':'final','code':{'text':'x'},'subject':{'reference':'urn:uuid:" + UUID.randomUUID() + "'}}"), 400},
      {"conditional reference matching nothing",
        entry("POST", "Observation", "{'resourceType':'Observation','status':'final','code':{'text':'x'},'subject':{'reference':'Patient?identifier=" + SYS + "|" + rid() + "'}}"), 422},
      {"conditional reference matching several",
        entry("POST", "Observation", "{'resourceType':'Observation','status':'final','code':{'text':'x'},'subject':{'reference':'Patient?identifier=" + SYS + "|" + dupValue + "'}}"), 412},
      {"conditional reference to an unknown type",
        entry("POST", "Observation", "{'resourceType':'Observation','status':'final','code':{'text':'x'},'subject':{'reference':'Foo?identifier=x'}}"), 400},
      {"conditional reference with an unknown parameter",
        entry("POST", "Observation", "{'resourceType':'Observation','status':'final','code':{'text':'x'},'subject':{'reference':'Patient?foo=bar'}}"), 400},
      {"PATCH entry without a Binary", entry("PATCH", "Patient/" + patient, pat), 400},
      {"PATCH entry with an invalid patch",
        entry("PATCH", "Patient/" + patient, "{'resourceType':'Binary','contentType':'application/json-patch+json','data':'"
            + java.util.Base64.getEncoder().encodeToString(b("[{\"op\":\"frobnicate\"}]")) + "'}"), new int[] {400, 422}},
      {"GET entry searching with an unknown parameter", entry("GET", "Patient?nosuchparam=x", null), 400},
      {"GET entry of an unknown id", entry("GET", "Patient/" + rid(), null), 404},
      {"DELETE entry of an unknown id", entry("DELETE", "Patient/" + rid(), null), 404},
      {"entry with ifMatch garbage", ifMatchEntry("PUT", "Patient/" + patient, "{'resourceType':'Patient','id':'" + patient + "'}", "garbage"), 400},
      {"entry with ifMatch of a wrong version", ifMatchEntry("PUT", "Patient/" + patient, "{'resourceType':'Patient','id':'" + patient + "'}", "W/\\\"42\\\""), 412},
      {"conditional create (ifNoneExist) matching several",
        "{'resource':" + pat + ",'request':{'method':'POST','url':'Patient','ifNoneExist':'identifier=" + SYS + "|" + dupValue + "'}}", 412},
      {"conditional update matching several", entry("PUT", "Patient?identifier=" + SYS + "|" + dupValue, pat), 412},
      {"conditional delete with an unknown parameter", entry("DELETE", "Patient?foo=bar", null), 400},
      {"entry missing a required element", entry("POST", "Observation", "{'resourceType':'Observation','code':{'text':'x'}}"), 422},
    };
    int i = 0;
    for (Object[] x : single) {
      // Each bad entry sits after a valid create, which must be rolled back too.
      String bundle = "{'resourceType':'Bundle','type':'transaction','entry':[" + entry("POST", "Patient", pat) + ","
          + x[1] + "]}";
      int[] expected = x[2] instanceof int[] arr ? arr : new int[] {(Integer) x[2]};
      Case c = add(cat, (String) x[0], "POST", "").json(j(bundle)).expect(expected);
      if (i++ % 5 == 4) c.wantXml();
    }
    add(cat, "the same resource written twice", "POST", "")
        .json(j("{'resourceType':'Bundle','type':'transaction','entry':["
            + entry("PUT", "Patient/" + patient, "{'resourceType':'Patient','id':'" + patient + "','active':true}") + ","
            + entry("PUT", "Patient/" + patient, "{'resourceType':'Patient','id':'" + patient + "','active':false}") + "]}"))
        .expect(400);
    // A bad entry at position 40 of 50 valid creates: the whole transaction is refused.
    Object[][] at40 = {
      {"missing required element at entry #40", entry("POST", "Observation", "{'resourceType':'Observation','code':{'text':'x'}}"), new int[] {422}},
      {"reference to nothing at entry #40", entry("POST", "Observation",
          "{'resourceType':'Observation','status':'final','code':{'text':'x'},'subject':{'reference':'Patient/" + rid() + "'}}"), new int[] {422}},
      {"unknown element at entry #40", entry("POST", "Patient", "{'resourceType':'Patient','foo':1}"), new int[] {400}},
      {"unknown type in url at entry #40", entry("POST", "Foo", pat), new int[] {400}},
      {"absent urn:uuid at entry #40", entry("POST", "Observation",
          "{'resourceType':'Observation','status':'final','code':{'text':'x'},'subject':{'reference':'urn:uuid:" + UUID.randomUUID() + "'}}"), new int[] {400}},
      {"read of an unknown id at entry #40", entry("GET", "Patient/" + rid(), null), new int[] {404}},
      {"If-Match conflict at entry #40", ifMatchEntry("PUT", "Patient/" + patient, "{'resourceType':'Patient','id':'" + patient + "','active':false}", "W/\\\"99\\\""), new int[] {412}},
    };
    for (Object[] x : at40) {
      StringBuilder sb = new StringBuilder("{'resourceType':'Bundle','type':'transaction','entry':[");
      for (int k = 0; k < 50; k++) {
        if (k > 0) sb.append(',');
        if (k == 40) {
          sb.append((String) x[1]);
        } else {
          String full = "urn:uuid:" + UUID.randomUUID();
          sb.append("{'fullUrl':'").append(full).append("','resource':{'resourceType':'Patient','name':[{'family':'Tx")
              .append(k).append("'}]},'request':{'method':'POST','url':'Patient'}}");
        }
      }
      sb.append("]}");
      add(cat, (String) x[0], "POST", "").json(j(sb.toString())).expect((int[]) x[2]);
    }
    add(cat, "XML transaction with a bad entry", "POST", "")
        .body(b("<Bundle " + NS + "><type value=\"transaction\"/><entry><resource><Patient><foo value=\"1\"/></Patient>"
            + "</resource><request><method value=\"POST\"/><url value=\"Patient\"/></request></entry></Bundle>"), XML)
        .expect(400).wantXml();
  }

  private void tooLarge() {
    // One body just over the limit (128 MiB by default): the server refuses it from Content-Length.
    byte[] big = new byte[(int) Math.min(Integer.MAX_VALUE - 16, maxBodyBytes + 1)];
    Arrays.fill(big, (byte) ' ');
    big[0] = '{';
    big[big.length - 1] = '}';
    add("body size", "body one byte over lafia.fhir.max-body-bytes (" + maxBodyBytes + ")", "POST", "/Patient")
        .body(big, JSON).expect(413);
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers
  // ---------------------------------------------------------------------------------------------

  private static String entry(String method, String url, String resource) {
    return "{" + (resource == null ? "" : "'fullUrl':'urn:uuid:" + UUID.randomUUID() + "','resource':" + resource + ",")
        + "'request':{'method':'" + method + "','url':'" + url + "'}}";
  }

  private static String ifMatchEntry(String method, String url, String resource, String ifMatch) {
    return "{'resource':" + resource + ",'request':{'method':'" + method + "','url':'" + url + "','ifMatch':'" + ifMatch + "'}}";
  }

  /** JSON written with single quotes for readability: every ' becomes ". */
  private static String j(String s) {
    return s.replace('\'', '"');
  }

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  private static byte[] cat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) n += p.length;
    byte[] out = new byte[n];
    int o = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, o, p.length);
      o += p.length;
    }
    return out;
  }

  private static String rid() {
    return "bi-" + UUID.randomUUID();
  }

  private static String abbreviate(String s, int max) {
    String t = s.replace("\n", "\\n").replace("\r", "\\r");
    StringBuilder b = new StringBuilder();
    for (char c : t.toCharArray()) b.append(c < 0x20 || c == 0xFFFD ? '?' : c);
    return b.length() <= max ? b.toString() : b.substring(0, max) + "…(" + s.length() + " chars)";
  }

  /** Percent-encodes what java.net.URI refuses, keeping existing %XX escapes. */
  private static String uriSafe(String s) {
    StringBuilder b = new StringBuilder();
    for (byte x : s.getBytes(UTF_8)) {
      int c = x & 0xff;
      if (c < 128 && (Character.isLetterOrDigit(c) || "-._~:/?@!$&'()*+,;=%".indexOf(c) >= 0)) b.append((char) c);
      else b.append('%').append(String.format("%02X", c));
    }
    return b.toString();
  }

  private HttpResponse<byte[]> send(String method, String path, Map<String, String> headers, byte[] body)
      throws Exception {
    HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir" + uriSafe(path)))
        .timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (!headers.containsKey("Authorization")) rb.header("Authorization", "Bearer " + org.lafia.TestAuth.fullAccess(context, port));
    headers.forEach(rb::header);
    return http.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private Map<String, Long> counts(String... tables) throws Exception {
    Map<String, Long> out = new LinkedHashMap<>();
    try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
      for (String t : tables) {
        try (ResultSet rs = st.executeQuery("select count(*) from " + t)) {
          rs.next();
          out.put(t, rs.getLong(1));
        }
      }
    }
    return out;
  }

  private Case add(String category, String name, String method, String path) {
    Case c = new Case(category, name, method, path);
    cases.add(c);
    return c;
  }

  /** One bad request and what the server must answer. */
  static final class Case {
    final String category;
    final String name;
    final String method;
    String path;
    final Map<String, String> headers = new LinkedHashMap<>();
    byte[] body;
    Set<Integer> expected = Set.of();
    boolean xml;
    final List<String> mustNotContain = new ArrayList<>();

    Case(String category, String name, String method, String path) {
      this.category = category;
      this.name = name;
      this.method = method;
      this.path = path;
      this.xml = path.contains("_format=xml");
    }

    Case json(String s) {
      return body(s.getBytes(UTF_8), JSON);
    }

    Case body(byte[] b, String contentType) {
      this.body = b;
      if (contentType != null) headers.put("Content-Type", contentType);
      return this;
    }

    Case header(String k, String v) {
      headers.put(k, v);
      return this;
    }

    Case expect(int... statuses) {
      Set<Integer> s = new LinkedHashSet<>();
      for (int x : statuses) s.add(x);
      this.expected = s;
      return this;
    }

    Case wantXml() {
      headers.put("Accept", XML);
      xml = true;
      return this;
    }

    Case notContaining(String... s) {
      mustNotContain.addAll(List.of(s));
      return this;
    }
  }
}
