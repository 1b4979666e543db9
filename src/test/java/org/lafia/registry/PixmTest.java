package org.lafia.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.lafia.LafiaTest;
import org.lafia.fhir.FhirTestSupport;
import org.lafia.security.AsPerson;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.jwt.JwtEncoder;

/** IHE PIXm {@code Patient/$ihe-pix}: one person's identifiers across facilities, through the client registry. */
@LafiaTest
class PixmTest extends FhirTestSupport {
  private static final String CHU = "urn:oid:1.3.6.1.4.1.21367.13.20.1000";
  private static final String CMS = "urn:oid:1.3.6.1.4.1.21367.13.20.2000";
  @Autowired JwtEncoder encoder;

  private static String name() {
    Random r = new Random();
    StringBuilder b = new StringBuilder().append((char) ('A' + r.nextInt(26)));
    for (int i = 0; i < 9; i++) b.append((char) ('a' + r.nextInt(26)));
    return b.toString();
  }

  private String register(String family, String system, String mrn, String organization) {
    Patient p = new Patient().addName(new HumanName().setFamily(family).addGiven("Yaovi")).setGender(AdministrativeGender.MALE)
        .setBirthDateElement(new DateType("1990-10-10"))
        .addTelecom(new ContactPoint().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("+228 93 10 10 10"));
    p.addIdentifier(new Identifier().setSystem(system).setValue(mrn));
    if (organization != null) p.setManagingOrganization(new Reference("Organization/" + organization));
    return client().create().resource(p).execute().getId().getIdPart();
  }

  private HttpResponse<String> pix(String query) throws Exception {
    return send("GET", "/Patient/$ihe-pix?" + query, null, null);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void the_chus_number_gives_the_cms_number_the_national_id_and_both_records() throws Exception {
    String family = name();
    String chu = register(family, CHU, "CHU-" + family, null);
    String cms = register(family, CMS, "CMS-" + family, null); // the same person: linked at registration
    HttpResponse<String> r = pix("sourceIdentifier=" + enc(CHU + "|CHU-" + family));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    Parameters out = CTX.newJsonParser().parseResource(Parameters.class, r.body());
    List<String> ids = out.getParameter().stream().filter(p -> p.getName().equals("targetIdentifier"))
        .map(p -> ((Identifier) p.getValue()).getSystem() + "|" + ((Identifier) p.getValue()).getValue()).toList();
    assertThat(ids).contains(CMS + "|CMS-" + family).anyMatch(v -> v.startsWith(NationalHealthId.SYSTEM + "|TG"))
        .doesNotContain(CHU + "|CHU-" + family);
    List<String> refs = out.getParameter().stream().filter(p -> p.getName().equals("targetId"))
        .map(p -> ((Reference) p.getValue()).getReferenceElement().getIdPart()).toList();
    assertThat(refs).containsExactlyInAnyOrder(chu, cms);

    // Only the domains asked for.
    Parameters cmsOnly = CTX.newJsonParser().parseResource(Parameters.class,
        pix("sourceIdentifier=" + enc(CHU + "|CHU-" + family) + "&targetSystem=" + enc(CMS)).body());
    assertThat(cmsOnly.getParameter().stream().filter(p -> p.getName().equals("targetIdentifier"))
        .map(p -> ((Identifier) p.getValue()).getSystem()).distinct().toList()).containsExactly(CMS);
  }

  @Test
  void unknown_domains_and_identifiers_are_refused_as_pixm_says() throws Exception {
    String family = name();
    register(family, CHU, "CHU-" + family, null);
    HttpResponse<String> domain = pix("sourceIdentifier=" + enc("urn:oid:9.9.9.9|X1"));
    assertThat(domain.statusCode()).isEqualTo(400);
    assertThat(domain.body()).contains("sourceIdentifier Assigning Authority not found");
    HttpResponse<String> none = pix("sourceIdentifier=" + enc(CHU + "|NOBODY-" + family));
    assertThat(none.statusCode()).isEqualTo(404);
    assertThat(none.body()).contains("sourceIdentifier Patient Identifier not found");
    HttpResponse<String> target = pix("sourceIdentifier=" + enc(CHU + "|CHU-" + family) + "&targetSystem=" + enc("urn:oid:8.8.8"));
    assertThat(target.statusCode()).isEqualTo(403);
    assertThat(target.body()).contains("targetSystem not found");
    assertThat(pix("sourceIdentifier=" + enc("nobar")).statusCode()).isEqualTo(400);
    assertThat(pix("").statusCode()).isEqualTo(400);
  }

  @Test
  void a_clinician_gets_only_the_records_they_may_see() throws Exception {
    String family = name();
    String facility = client().create().resource(new org.hl7.fhir.r4.model.Organization().setName("USP " + family)).execute()
        .getId().getIdPart();
    String seen = register(family, CHU, "CHU-" + family, facility);
    String hidden = register(family, CMS, "CMS-" + family, null);
    AsPerson as = new AsPerson(port, encoder);
    String clinician = as.token("clin-" + family, "clinician", List.of(facility), List.of());
    HttpResponse<String> r = as.send("GET", "/fhir/Patient/$ihe-pix?sourceIdentifier=" + enc(CHU + "|CHU-" + family), clinician, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("Patient/" + seen).doesNotContain(hidden).doesNotContain("CMS-" + family);
  }
}
