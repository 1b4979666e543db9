package org.lafia.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lafia.LafiaTest;
import org.lafia.fhir.FhirTestSupport;
import org.lafia.security.AsPerson;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.jwt.JwtEncoder;

/** The health-worker registry: its rules on every write, and its CSV export and import. */
@LafiaTest
class WorkerRegistryTest extends FhirTestSupport {
  private static final ObjectMapper JSON = new ObjectMapper();
  @Autowired JwtEncoder encoder;
  private String steward;
  private String s;
  private String facility;

  @BeforeEach
  void facility() {
    steward = new AsPerson(port, encoder).token("registre-w", "registry-steward", List.of(), List.of("tg"));
    s = UUID.randomUUID().toString().substring(0, 6);
    Organization district = new Organization().setName("District " + s);
    district.setId("wd-" + s);
    client().update().resource(district).execute();
    Organization o = new Organization().setName("CMS " + s);
    o.setId("wf-" + s);
    o.addIdentifier().setSystem(FacilityRules.FACILITY_CODE).setValue("WF-" + s);
    o.addType(new CodeableConcept(new Coding(FacilityRules.MCSD_TYPES, "facility", null)));
    o.setPartOf(new Reference("Organization/wd-" + s));
    client().update().resource(o).execute();
    facility = o.getIdPart();
  }

  private HttpResponse<String> csv(String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/registry/workers.csv"))
        .header("Authorization", "Bearer " + steward);
    if (body != null) b.header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  @Test
  void a_licence_number_names_one_worker_and_a_role_is_someone_at_a_facility_in_a_known_cadre() {
    Practitioner a = new Practitioner();
    a.addName().setFamily("Agbeko").addGiven("Komla");
    a.addIdentifier().setSystem(WorkerCsv.LICENCE).setValue("MED-" + s);
    String id = client().create().resource(a).execute().getId().getIdPart();
    Practitioner b = new Practitioner();
    b.addName().setFamily("Agbeko").addGiven("Kodjo");
    b.addIdentifier().setSystem(WorkerCsv.LICENCE).setValue("MED-" + s);
    assertThatThrownBy(() -> client().create().resource(b).execute()).isInstanceOf(UnprocessableEntityException.class)
        .hasMessageContaining("Practitioner.identifier[0].value").hasMessageContaining("Practitioner/" + id);

    PractitionerRole nowhere = new PractitionerRole().setPractitioner(new Reference("Practitioner/" + id));
    assertThatThrownBy(() -> client().create().resource(nowhere).execute()).isInstanceOf(UnprocessableEntityException.class)
        .hasMessageContaining("PractitionerRole.organization");
    PractitionerRole odd = new PractitionerRole().setPractitioner(new Reference("Practitioner/" + id))
        .setOrganization(new Reference("Organization/" + facility));
    odd.addCode(new CodeableConcept(new Coding(WorkerRules.CADRE, "sorcier", null)));
    assertThatThrownBy(() -> client().create().resource(odd).execute()).isInstanceOf(UnprocessableEntityException.class)
        .hasMessageContaining("PractitionerRole.code[0]").hasMessageContaining("sage-femme");
  }

  @Test
  void workers_are_imported_then_updated_and_exported_back() throws Exception {
    String file = "id,licence,family,given,sex,cadre,facility,phone,active\n"
        + ",SFE-" + s + ",Mensah,Akossiwa,female,sage-femme,WF-" + s + ",+228 90 00 00 01,true\n"
        + "asc-" + s + ",,Dossou,Yao,male,asc,wf-" + s + ",,\n";
    HttpResponse<String> first = csv(file);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(JSON.readTree(first.body()).path("created").asInt()).isEqualTo(2);
    HttpResponse<String> again = csv(file.replace("Akossiwa", "Akossiwa Abla"));
    assertThat(JSON.readTree(again.body()).path("updated").asInt()).isEqualTo(2);
    Practitioner midwife = client().read().resource(Practitioner.class).withId("hw-sfe-" + s.toLowerCase()).execute();
    assertThat(midwife.getNameFirstRep().getGivenAsSingleString()).isEqualTo("Akossiwa Abla");
    String out = csv(null).body();
    assertThat(out).startsWith("id,licence,family,given,sex,cadre,facility,phone,active")
        .contains("hw-sfe-" + s.toLowerCase() + ",SFE-" + s + ",Mensah,Akossiwa Abla,female,sage-femme,WF-" + s + ",+228 90 00 00 01,true")
        .contains("asc-" + s + ",,Dossou,Yao,male,asc,WF-" + s + ",,true");
  }

  @Test
  void bad_rows_are_named_and_nothing_is_stored() throws Exception {
    String file = "id,licence,family,given,sex,cadre,facility,phone,active\n"
        + ",INF-" + s + ",Lawson,Edem,male,infirmier,WF-" + s + ",,true\n"
        + ",,Sans,Licence,male,infirmier,WF-" + s + ",,true\n"
        + ",PHA-" + s + ",Kodjo,Essi,femme,guerisseur,NULLE-PART,,peut-etre\n";
    HttpResponse<String> r = csv(file);
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.body()).contains("line 3").contains("line 4: sexe 'femme'").contains("cadre 'guerisseur'").contains("active 'peut-etre'");
    assertThat(csv(null).body()).doesNotContain("INF-" + s);
  }
}
