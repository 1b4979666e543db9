package org.lafia.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.List;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lafia.LafiaTest;
import org.lafia.fhir.FhirTestSupport;
import org.lafia.security.AsPerson;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.jwt.JwtEncoder;

/** {@code Patient/$match}: the registry's candidates for a Patient, scored and graded, as the caller may see them. */
@LafiaTest
class MatchOperationTest extends FhirTestSupport {
  private static final ObjectMapper JSON = new ObjectMapper();
  @Autowired JwtEncoder encoder;

  private String family;
  private String kossi;
  private String afi;
  private String facility;

  @BeforeEach
  void register() {
    family = unique("Amegan").replace("-", "");
    facility = client().create().resource(new org.hl7.fhir.r4.model.Organization().setName(unique("CMS"))).execute().getId().getIdPart();
    kossi = create(new Patient().addName(new HumanName().setFamily(family).addGiven("Kossi")).setGender(AdministrativeGender.MALE)
        .setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1985-03-14"))
        .addTelecom(new ContactPoint().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("+228 90 11 22 33"))
        .setManagingOrganization(new Reference("Organization/" + facility)));
    afi = create(new Patient().addName(new HumanName().setFamily(family).addGiven("Afi")).setGender(AdministrativeGender.FEMALE)
        .setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1991-07-02")));
  }

  private String create(Patient p) {
    return client().create().resource(p).execute().getId().getIdPart();
  }

  private Bundle match(Patient p, Boolean onlyCertain, Integer count) {
    Parameters in = new Parameters();
    in.addParameter().setName("resource").setResource(p);
    if (onlyCertain != null) in.addParameter().setName("onlyCertainMatches").setValue(new BooleanType(onlyCertain));
    if (count != null) in.addParameter().setName("count").setValue(new IntegerType(count));
    return client().operation().onType(Patient.class).named("$match").withParameters(in).returnResourceType(Bundle.class).execute();
  }

  private static String grade(Bundle.BundleEntryComponent e) {
    return e.getSearch().getExtensionByUrl("http://hl7.org/fhir/StructureDefinition/match-grade").getValue().primitiveValue();
  }

  @Test
  void the_same_person_written_differently_is_found_first_graded_and_explained() {
    Patient asked = new Patient().addName(new HumanName().setFamily(family.toUpperCase()).addGiven("Kossi"))
        .setGender(AdministrativeGender.MALE).setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1985-03-14"));
    Bundle b = match(asked, null, null);
    assertThat(b.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
    assertThat(b.getEntry()).isNotEmpty();
    Bundle.BundleEntryComponent first = b.getEntryFirstRep();
    assertThat(first.getResource().getIdElement().getIdPart()).isEqualTo(kossi);
    assertThat(first.getSearch().getMode()).isEqualTo(Bundle.SearchEntryMode.MATCH);
    assertThat(first.getSearch().getScore().doubleValue()).isGreaterThan(0.5);
    assertThat(grade(first)).isIn("certain", "probable");
    assertThat(first.getSearch().getExtensionByUrl("http://lafia.health/fhir/StructureDefinition/match-evidence").getValue()
        .primitiveValue()).contains("given=exact").contains("birth_date=exact");
    // Afi, of the same family but another birth date and sex, is not the same person.
    assertThat(b.getEntry()).noneMatch(e -> e.getResource().getIdElement().getIdPart().equals(afi) && grade(e).equals("certain"));
  }

  @Test
  void names_swapped_and_a_day_month_swap_still_find_the_person() {
    Patient asked = new Patient().addName(new HumanName().setFamily("Kossi").addGiven(family))
        .setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1985-03-14"))
        .addTelecom(new ContactPoint().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("+228 90 11 22 33"));
    Bundle b = match(asked, null, 5);
    assertThat(b.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart()).contains(kossi);
    assertThat(b.getEntry().size()).isLessThanOrEqualTo(5);
  }

  @Test
  void only_certain_matches_and_count_limit_the_answer() {
    Patient asked = new Patient().addName(new HumanName().setFamily(family).addGiven("Kossi")).setGender(AdministrativeGender.MALE)
        .setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1985-03-14"))
        .addTelecom(new ContactPoint().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("+228 90 11 22 33"));
    Bundle b = match(asked, true, 1);
    assertThat(b.getEntry()).hasSizeLessThanOrEqualTo(1);
    assertThat(b.getEntry()).allSatisfy(e -> assertThat(grade(e)).isEqualTo("certain"));
  }

  @Test
  void bad_requests_get_a_clear_error() throws Exception {
    HttpResponse<String> get = send("GET", "/Patient/$match", null, null);
    assertThat(get.statusCode()).isEqualTo(405);
    HttpResponse<String> noResource = send("POST", "/Patient/$match", "application/fhir+json",
        "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"count\",\"valueInteger\":3}]}");
    assertThat(noResource.statusCode()).isEqualTo(400);
    assertThat(noResource.body()).contains("OperationOutcome").contains("'resource'");
    HttpResponse<String> badCount = send("POST", "/Patient/$match", "application/fhir+json",
        "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"resource\",\"resource\":{\"resourceType\":\"Patient\","
            + "\"name\":[{\"family\":\"X\"}]}},{\"name\":\"count\",\"valueInteger\":0}]}");
    assertThat(badCount.statusCode()).isEqualTo(400);
    HttpResponse<String> badId = send("POST", "/Patient/$match", "application/fhir+json",
        "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"resource\",\"resource\":{\"resourceType\":\"Patient\","
            + "\"identifier\":[{\"system\":\"" + NationalHealthId.SYSTEM + "\",\"value\":\"TG 482 915 307 6\"}]}}]}");
    assertThat(badId.statusCode()).isEqualTo(422);
    assertThat(badId.body()).contains("Patient.identifier[0].value").contains("check digit");
    HttpResponse<String> nothing = send("POST", "/Patient/$match", "application/fhir+json",
        "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"resource\",\"resource\":{\"resourceType\":\"Patient\",\"active\":true}}]}");
    assertThat(nothing.statusCode()).isEqualTo(422);
    assertThat(nothing.body()).contains("Nothing to match on");
  }

  @Test
  void a_clinician_never_gets_a_candidate_they_may_not_see() throws Exception {
    AsPerson as = new AsPerson(port, encoder);
    String elsewhere = as.token("dr-" + family, "clinician", List.of(unique("autre-cms")), List.of());
    String here = as.token("dr2-" + family, "clinician", List.of(facility), List.of());
    String body = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"resource\",\"resource\":{\"resourceType\":\"Patient\","
        + "\"name\":[{\"family\":\"" + family + "\",\"given\":[\"Kossi\"]}],\"birthDate\":\"1985-03-14\"}}]}";
    JsonNode other = as.ok("POST", "/fhir/Patient/$match", elsewhere, body);
    assertThat(other.path("entry")).isEmpty();
    assertThat(other.path("total").asInt()).isZero();
    JsonNode mine = as.ok("POST", "/fhir/Patient/$match", here, body);
    assertThat(AsPerson.ids(mine, "Patient")).contains(kossi).doesNotContain(afi); // Afi is in care nowhere
  }
}
