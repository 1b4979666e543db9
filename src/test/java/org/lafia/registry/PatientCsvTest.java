package org.lafia.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lafia.LafiaTest;
import org.lafia.fhir.FhirTestSupport;
import org.lafia.security.AsPerson;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.jwt.JwtEncoder;

/** A facility's legacy patient list imported into the client registry: every row matched at registration. */
@LafiaTest
class PatientCsvTest extends FhirTestSupport {
  private static final ObjectMapper JSON = new ObjectMapper();
  @Autowired JwtEncoder encoder;
  private String steward;
  private String family;
  private String system;

  @BeforeEach
  void setUp() {
    steward = new AsPerson(port, encoder).token("registre-p", "registry-steward", List.of(), List.of("tg"));
    Random r = new Random();
    StringBuilder b = new StringBuilder().append((char) ('A' + r.nextInt(26)));
    for (int i = 0; i < 9; i++) b.append((char) ('a' + r.nextInt(26)));
    family = b.toString();
    system = "urn:lafia:test:dossier-" + family.toLowerCase();
  }

  private HttpResponse<String> post(String query, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/registry/patients.csv" + query))
        .header("Authorization", "Bearer " + steward).header("Content-Type", "text/csv")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  @Test
  void a_list_is_registered_one_person_once_and_importing_it_again_registers_nobody_twice() throws Exception {
    String pair = Integer.toString(10 + new Random().nextInt(89));
    String file = "id,given,family,sex,birth_date,phone,national_id,address,city,district\n"
        + "D-1,Mohamed," + family + ",M,14/03/1985,+228 97 " + pair + " 44 55,,,Lomé,Golfe\n"
        + "D-2,Mohammed," + family.toUpperCase() + ",H,1985-03-14,97" + pair + "4455,,,Lomé,Golfe\n"
        + "D-3,Afi," + family + ",F,2001,,,,Kara,Kozah\n";
    String q = "?system=" + URLEncoder.encode(system, StandardCharsets.UTF_8);
    HttpResponse<String> r = post(q, file);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode out = JSON.readTree(r.body());
    JsonNode rows = out.path("rows");
    assertThat(rows).hasSize(3);
    assertThat(rows.get(0).path("band").asText()).isIn("new", "review"); // a new person (perhaps queued against another test's Mohamed)
    assertThat(rows.get(1).path("band").asText()).isEqualTo("auto-link");
    assertThat(rows.get(1).path("nhid").asText()).isEqualTo(rows.get(0).path("nhid").asText());
    assertThat(rows.get(2).path("nhid").asText()).isNotEqualTo(rows.get(0).path("nhid").asText());
    Patient stored = client().read().resource(Patient.class).withId(rows.get(1).path("patient").asText()).execute();
    assertThat(stored.getIdentifier()).anyMatch(i -> system.equals(i.getSystem()) && "D-2".equals(i.getValue()));
    assertThat(stored.getBirthDateElement().getValueAsString()).isEqualTo("1985-03-14");

    JsonNode again = JSON.readTree(post(q, file).body());
    for (int i = 0; i < 3; i++) {
      assertThat(again.path("rows").get(i).path("patient").asText()).isEqualTo(rows.get(i).path("patient").asText());
      assertThat(again.path("rows").get(i).path("nhid").asText()).isEqualTo(rows.get(i).path("nhid").asText());
    }
    Bundle all = client().search().forResource(Patient.class).where(Patient.IDENTIFIER.hasSystemWithAnyCode(system))
        .returnBundle(Bundle.class).execute();
    assertThat(all.getEntry()).hasSize(3);
  }

  @Test
  void bad_rows_are_named_and_nothing_is_registered() throws Exception {
    String file = "id,given,family,sex,birth_date,phone,national_id,address,city,district\n"
        + "D-1,Kossi," + family + ",M,1990-05-05,,,,,\n"
        + "D-2,Ama," + family + ",F,31/02/1990,,,,,\n"
        + "D-3,,,M,1990,,,,,\n"
        + "D-4,Yao," + family + ",X,1990,,TG12,,,\n";
    HttpResponse<String> r = post("?system=" + URLEncoder.encode(system, StandardCharsets.UTF_8), file);
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.body()).contains("line 3: date de naissance impossible '31/02/1990'").contains("line 4: ni nom ni prénom")
        .contains("line 5: sexe 'x'");
    Bundle none = client().search().forResource(Patient.class).where(Patient.IDENTIFIER.hasSystemWithAnyCode(system))
        .returnBundle(Bundle.class).execute();
    assertThat(none.getEntry()).isEmpty();
    assertThat(post("", file).statusCode()).isEqualTo(400);
  }
}
