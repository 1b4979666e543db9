package org.lafia.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lafia.LafiaTest;
import org.lafia.fhir.FhirTestSupport;
import org.lafia.security.Accounts;
import org.springframework.beans.factory.annotation.Autowired;

@LafiaTest
class ConsoleTest extends FhirTestSupport {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");

  @Autowired Accounts accounts;

  private String facility;
  private String district;
  private String patientId;
  private String patientFamily;
  private String login;

  /** A district, a CMS in it, a patient registered there with one consultation, and a clinician of that CMS. */
  @BeforeEach
  void aFacilityWithAPatientAndItsClinician() {
    ConsoleData d = ConsoleData.create(client(), accounts, "clinician");
    district = d.district();
    facility = d.facility();
    patientId = d.patientId();
    patientFamily = d.patientFamily();
    login = d.login();
  }

  @Test
  void the_home_page_needs_a_session_and_shows_what_the_clinicians_facility_holds_in_french_then_in_english() throws Exception {
    Browser b = new Browser();
    HttpResponse<String> anonymous = b.get("/");
    assertThat(anonymous.statusCode()).isEqualTo(302);
    assertThat(anonymous.headers().firstValue("Location").orElse("")).endsWith("/login");

    b.signIn(login, ConsoleData.PASSWORD);
    HttpResponse<String> home = b.get("/");
    assertThat(home.statusCode()).isEqualTo(200);
    assertThat(home.body()).contains("<html lang=\"fr\"", "Tableau de bord", "Dr Essi Kodjo", "clinicien", "patients visibles pour vous");
    // one patient is in care at this clinician's CMS: the count and the latest consultation say so
    assertThat(count(home.body(), "patients")).isEqualTo("1");
    assertThat(home.body()).contains("Kossi " + patientFamily, "CMS " + facility, "14/03/2025");

    HttpResponse<String> english = b.get("/?lang=en");
    assertThat(english.body()).contains("<html lang=\"en\"", "Dashboard", "patients open to you", "2025-03-14", "Sign out");
    assertThat(b.get("/").body()).as("the choice is kept").contains("Dashboard");
  }

  @Test
  void the_map_gets_district_outlines_and_facility_points_as_geojson() throws Exception {
    Browser b = new Browser();
    b.signIn(login, ConsoleData.PASSWORD);
    JsonNode districts = JSON.readTree(b.get("/console/map/districts.json").body());
    assertThat(districts.get("type").asText()).isEqualTo("FeatureCollection");
    JsonNode mine = find(districts, district);
    assertThat(mine.get("geometry").get("type").asText()).isEqualTo("Polygon");
    JsonNode facilities = JSON.readTree(b.get("/console/map/facilities.json").body());
    JsonNode cms = find(facilities, facility);
    assertThat(cms.get("properties").get("type").asText()).isEqualTo("CMS");
    assertThat(cms.get("geometry").get("coordinates").get(0).asDouble()).isEqualTo(1.2);
    assertThat(new Browser().get("/console/map/facilities.json").statusCode()).as("not without a session").isEqualTo(302);
  }

  @Test
  void the_first_page_with_its_styles_and_scripts_weighs_under_200_kb_compressed() throws Exception {
    Browser b = new Browser();
    b.signIn(login, ConsoleData.PASSWORD);
    HttpResponse<byte[]> page = b.gzip("/");
    long total = page.body().length;
    String html = gunzip(page.body());
    Matcher assets = Pattern.compile("(?:href|src)=\"(/(?:css|js|webjars)/[^\"]+)\"").matcher(html);
    int n = 0;
    while (assets.find()) {
      HttpResponse<byte[]> a = b.gzip(assets.group(1));
      assertThat(a.statusCode()).as(assets.group(1)).isEqualTo(200);
      total += a.body().length;
      n++;
    }
    assertThat(n).as("the page's styles and scripts").isGreaterThanOrEqualTo(4);
    assertThat(total).isLessThan(200 * 1024);
  }

  @Test
  void a_clinician_finds_their_patient_by_name_identifier_phone_or_birth_year_and_reads_the_record() throws Exception {
    Browser b = new Browser();
    b.signIn(login, ConsoleData.PASSWORD);
    String family = URLEncoder.encode(patientFamily, StandardCharsets.UTF_8);
    for (String query : List.of("name=kossi+" + family, "identifier=DOS-" + facility.substring(4), "phone=%2B228+90+11+22+33&name=" + family,
        "birthYear=1987&name=" + family)) {
      HttpResponse<String> r = b.get("/patients?" + query);
      assertThat(r.statusCode()).as(query).isEqualTo(200);
      assertThat(r.body()).as(query).contains("1 patient", "Kossi " + patientFamily, "12/06/1987", "CMS " + facility);
    }
    assertThat(b.get("/patients?birthYear=87").body()).contains("quatre chiffres");

    HttpResponse<String> record = b.get("/patients/" + patientId);
    assertThat(record.statusCode()).isEqualTo(200);
    assertThat(record.body()).contains("Kossi " + patientFamily, "+228 90 11 22 33", "14/03/2025", "Paludisme", "résolu",
        "Température corporelle", "37,0 °C", "(2 mesures)", "<path d=\"M");
    assertThat(b.get("/patients/" + patientId + "?lang=en").body()).contains("Problems and diagnoses", "37.0 °C", "resolved",
        "1987-06-12", "dir=\"ltr\"", "Skip to content");
  }

  @Test
  void a_clinician_of_another_facility_is_refused_the_record_and_does_not_find_the_patient() throws Exception {
    ConsoleData other = ConsoleData.create(client(), accounts, "clinician");
    Browser b = new Browser();
    b.signIn(other.login(), ConsoleData.PASSWORD);
    HttpResponse<String> refused = b.get("/patients/" + patientId);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("Accès refusé", "bris de glace").doesNotContain(patientFamily);
    assertThat(b.get("/patients?name=" + URLEncoder.encode(patientFamily, StandardCharsets.UTF_8)).body())
        .contains("Aucun patient").doesNotContain("/patients/" + patientId);
    assertThat(b.get("/patients/no-such-patient").statusCode()).isEqualTo(404);
  }

  @Test
  void the_facility_registry_filters_by_name_prefecture_and_type_and_shows_a_facilitys_staff() throws Exception {
    Browser b = new Browser();
    b.signIn(login, ConsoleData.PASSWORD);
    String suffix = facility.substring(4);
    HttpResponse<String> byName = b.get("/facilities?q=" + suffix);
    assertThat(byName.body()).contains("1 établissement", "CMS " + facility, "Centre médico-social", "Préfecture " + district);
    assertThat(b.get("/facilities?district=" + district).body()).contains("1 établissement", "CMS " + facility);
    assertThat(b.get("/facilities?district=" + district + "&type=CHU").body()).contains("Aucun établissement");
    HttpResponse<String> page = b.get("/facilities/" + facility);
    assertThat(page.body()).contains("CMS " + facility, "Enyonam Agbémadon-" + suffix, "Sage-femme", "+228 97 00 11 22",
        "6,2000, 1,2000");
    assertThat(b.get("/facilities/no-such-facility").statusCode()).isEqualTo(404);
    HttpResponse<String> workers = b.get("/workers?q=agbemadon-" + suffix + "&cadre=sage-femme");
    assertThat(workers.body()).contains("1 personnel", "Enyonam Agbémadon-" + suffix, "CMS " + facility);
    assertThat(b.get("/workers?q=agbemadon-" + suffix + "&cadre=medecin").body()).contains("Aucun personnel");
    assertThat(b.get("/facilities/" + facility + "?lang=en").body()).contains("Health workers", "Midwife", "6.2000, 1.2000");
  }

  @Test
  void an_auditor_sees_who_opened_a_record_and_whether_the_chain_holds_and_a_clinician_may_not_look() throws Exception {
    Browser clinician = new Browser();
    clinician.signIn(login, ConsoleData.PASSWORD);
    assertThat(clinician.get("/patients/" + patientId).statusCode()).isEqualTo(200);
    HttpResponse<String> refused = clinician.get("/audit");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("réservé aux auditeurs");
    assertThat(clinician.get("/").body()).doesNotContain("href=\"/audit\"");

    String auditor = "auditeur-" + facility.substring(4);
    accounts.save(auditor, "Edem Lawson", ConsoleData.PASSWORD, List.of("auditor"), List.of(), List.of("tg"));
    Browser b = new Browser();
    b.signIn(auditor, ConsoleData.PASSWORD);
    assertThat(b.get("/").body()).contains("href=\"/audit\"");
    HttpResponse<String> log = b.get("/audit?patient=" + patientId);
    assertThat(log.statusCode()).isEqualTo(200);
    assertThat(log.body()).contains("id=\"chain\"", login, patientId, "réussi");
    assertThat(b.get("/audit").body().getBytes(StandardCharsets.UTF_8).length).as("the page budget").isLessThan(1024 * 1024);
    assertThat(b.get("/audit?day=hier").body()).contains("AAAA-MM-JJ");
  }

  @Test
  void no_screen_weighs_more_than_1_mb() throws Exception {
    Browser b = new Browser();
    b.signIn(login, ConsoleData.PASSWORD);
    for (String path : List.of("/", "/patients", "/patients?name=" + URLEncoder.encode(patientFamily, StandardCharsets.UTF_8),
        "/patients/" + patientId, "/facilities", "/facilities/" + facility, "/workers?cadre=infirmier", "/login")) {
      HttpResponse<String> r = b.get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(r.body().getBytes(StandardCharsets.UTF_8).length).as(path + " (uncompressed)").isLessThan(1024 * 1024);
    }
  }

  @Autowired ConsoleFhir fhir;

  @Test
  void the_console_follows_a_search_page_after_page_up_to_its_limit() throws Exception {
    // A country's registry fills many pages: the map and the lists read them all (to a bound).
    for (int i = 0; i < 3; i++) ConsoleData.create(client(), accounts, "clinician");
    org.springframework.mock.web.MockHttpServletRequest request = new org.springframework.mock.web.MockHttpServletRequest();
    request.setLocalAddr("127.0.0.1");
    request.setLocalPort(port);
    String query = "Location?type=" + URLEncoder.encode(ConsoleController.MCSD_TYPES + "|facility", StandardCharsets.UTF_8);
    int total = fhir.search(request, login, query + "&_summary=count").bundle().getTotal();
    assertThat(total).isGreaterThanOrEqualTo(4);
    assertThat(fhir.searchAll(request, login, query + "&_count=2", 10_000).bundle().getEntry()).hasSize(total);
    assertThat(fhir.searchAll(request, login, query + "&_count=2", 3).bundle().getEntry()).hasSize(4); // two pages of two
  }

  private static JsonNode find(JsonNode collection, String id) {
    for (JsonNode f : collection.get("features")) if (f.get("properties").get("id").asText().equals(id)) return f;
    throw new AssertionError(id + " not in " + collection.get("features").size() + " features");
  }

  private static String count(String html, String key) {
    Matcher m = Pattern.compile("id=\"count-" + key + "\">\\s*<span class=\"n\">([^<]*)</span>").matcher(html);
    return m.find() ? m.group(1) : null;
  }

  private static String gunzip(byte[] body) throws Exception {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** A browser: cookies kept, redirects not followed. */
  private final class Browser {
    final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();

    HttpResponse<String> get(String path) throws Exception {
      // what a browser sends: pages asked for as HTML, the map's data by fetch() (*/*)
      String accept = path.endsWith(".json") ? "*/*" : "text/html";
      return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).header("Accept", accept).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> gzip(String path) throws Exception {
      return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).header("Accept-Encoding", "gzip").GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
    }

    void signIn(String user, String password) throws Exception {
      Matcher m = CSRF.matcher(get("/login").body());
      assertThat(m.find()).isTrue();
      String form = "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8)
          + "&_csrf=" + URLEncoder.encode(m.group(1), StandardCharsets.UTF_8);
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/login"))
          .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.headers().firstValue("Location").orElse("")).doesNotContain("error");
    }
  }
}
