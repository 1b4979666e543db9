package org.lafia.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lafia.LafiaTest;
import org.lafia.fhir.FhirTestSupport;
import org.lafia.security.AsPerson;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.jwt.JwtEncoder;

/** The facility registry as CSV: export, import (created, then updated in place), bad rows named and nothing stored. */
@LafiaTest
class FacilityCsvTest extends FhirTestSupport {
  private static final ObjectMapper JSON = new ObjectMapper();
  @Autowired JwtEncoder encoder;
  private String steward;
  private String pcode;
  private String prefix;

  @BeforeEach
  void district() {
    AsPerson as = new AsPerson(port, encoder);
    steward = as.token("registre-" + UUID.randomUUID().toString().substring(0, 6), "registry-steward", List.of(), List.of("tg"));
    String s = UUID.randomUUID().toString().substring(0, 6);
    pcode = "TGX" + s;
    prefix = "F" + s;
    Location d = new Location().setName("Préfecture test " + s);
    d.setId("d-" + s);
    d.addIdentifier().setSystem("https://data.humdata.org/dataset/cod-ab-tgo").setValue(pcode);
    d.addExtension(FacilityRules.BOUNDARY, new Attachment().setContentType("application/geo+json").setData(
        "{\"type\":\"Polygon\",\"coordinates\":[[[1.1,6.1],[1.3,6.1],[1.3,6.3],[1.1,6.3],[1.1,6.1]]]}".getBytes(StandardCharsets.UTF_8)));
    client().update().resource(d).execute();
    Organization o = new Organization().setName("Préfecture test " + s);
    o.setId("d-" + s);
    client().update().resource(o).execute();
  }

  private HttpResponse<String> csv(String method, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/registry/facilities.csv"))
        .header("Authorization", "Bearer " + steward);
    if (body != null) b.header("Content-Type", "text/csv").method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    else b.GET();
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  @Test
  void a_file_is_imported_then_updated_in_place_and_exported_back() throws Exception {
    String file = "code,name,type,status,district,latitude,longitude\n"
        + prefix + "-001,CMS de Bè,CMS,active," + pcode + ",6.14,1.23\n"
        + prefix + "-002,\"USP Adakpamé, quartier\",USP,," + pcode + ",\"6,18\",\"1,25\"\n";
    HttpResponse<String> first = csv("POST", file);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(JSON.readTree(first.body()).path("created").asInt()).isEqualTo(2);
    HttpResponse<String> again = csv("POST", file.replace("CMS de Bè", "CMS de Bè-Kpota"));
    JsonNode a = JSON.readTree(again.body());
    assertThat(a.path("created").asInt()).isZero();
    assertThat(a.path("updated").asInt()).isEqualTo(2);
    Location l = client().read().resource(Location.class).withId("fac-" + prefix.toLowerCase() + "-001").execute();
    assertThat(l.getName()).isEqualTo("CMS de Bè-Kpota");
    assertThat(l.getPartOf().getReferenceElement().getIdPart()).startsWith("d-");
    assertThat(client().read().resource(Organization.class).withId(l.getIdPart()).execute().getPartOf().getReference()).startsWith("Organization/d-");

    HttpResponse<String> out = csv("GET", null);
    assertThat(out.statusCode()).isEqualTo(200);
    assertThat(out.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
    assertThat(out.body()).startsWith("code,name,type,status,district,latitude,longitude,id")
        .contains(prefix + "-001,CMS de Bè-Kpota,CMS,active," + pcode + ",6.14,1.23")
        .contains(prefix + "-002,\"USP Adakpamé, quartier\",USP,active," + pcode + ",6.18,1.25");
  }

  @Test
  void bad_rows_are_named_by_line_and_nothing_is_stored() throws Exception {
    String file = "code,name,type,status,district,latitude,longitude\n"
        + prefix + "-010,CMS bon,CMS,active," + pcode + ",6.2,1.2\n"
        + prefix + "-011,,CMS,active," + pcode + ",6.2,1.2\n"
        + prefix + "-012,CMS sans lieu,CMS,active,NULLEPART,6.2,1.2\n"
        + prefix + "-013,CMS,CMS,ouvert," + pcode + ",six,1.2\n";
    HttpResponse<String> r = csv("POST", file);
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.body()).contains("line 3: nom vide").contains("line 5: statut 'ouvert'").contains("line 5: latitude");
    assertThat(csv("GET", null).body()).doesNotContain(prefix + "-010");
    // The jurisdiction is checked once the rows are readable.
    HttpResponse<String> where = csv("POST", "code,name,type,status,district,latitude,longitude\n" + prefix + "-012,CMS,CMS,active,NULLEPART,6.2,1.2\n");
    assertThat(where.statusCode()).isEqualTo(422);
    assertThat(where.body()).contains("line 2").contains("NULLEPART");
  }

  @Test
  void a_facility_outside_its_district_fails_the_whole_file_naming_its_line() throws Exception {
    String file = "code,name,type,status,district,latitude,longitude\n"
        + prefix + "-020,CMS bon,CMS,active," + pcode + ",6.2,1.2\n"
        + prefix + "-021,CMS inversé,CMS,active," + pcode + ",1.2,6.2\n";
    HttpResponse<String> r = csv("POST", file);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
    assertThat(r.body()).contains("hors des limites");
    assertThat(csv("GET", null).body()).doesNotContain(prefix + "-020");
  }

  @Test
  void missing_columns_and_other_roles_are_refused() throws Exception {
    HttpResponse<String> cols = csv("POST", "code,name\nX,Y\n");
    assertThat(cols.statusCode()).isEqualTo(400);
    assertThat(cols.body()).contains("district");
    String clinician = new AsPerson(port, encoder).token("clin-" + prefix, "clinician", List.of(), List.of());
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/registry/facilities.csv"))
        .header("Authorization", "Bearer " + clinician).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(403);
  }
}
