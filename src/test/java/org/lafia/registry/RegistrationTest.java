package org.lafia.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lafia.LafiaTest;
import org.lafia.fhir.FhirTestSupport;
import org.lafia.security.AsPerson;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.jwt.JwtEncoder;

/**
 * Matching at registration: a new Patient record joins the person it certainly is, starts a new
 * person with its probable matches queued for review, or is a new person; stewards merge and
 * unmerge by moving a record's national health ID, and the registry records why and publishes it.
 */
@LafiaTest
class RegistrationTest extends FhirTestSupport {
  @Autowired JwtEncoder encoder;
  @Autowired DataSource dataSource;

  private JdbcTemplate jdbc;
  private String family;

  @BeforeEach
  void setUp() {
    jdbc = new JdbcTemplate(dataSource);
    family = randomName();
  }

  /** A family name no other test shares, nor resembles (the registry would rightly see a resemblance). */
  private static String randomName() {
    java.util.Random r = new java.util.Random();
    StringBuilder b = new StringBuilder().append((char) ('A' + r.nextInt(26)));
    for (int i = 0; i < 9; i++) b.append((char) ('a' + r.nextInt(26)));
    return b.toString();
  }

  private Patient person(String given, String family, String sex, String birthDate, String phone) {
    Patient p = new Patient().addName(new HumanName().setFamily(family).addGiven(given));
    if (sex != null) p.setGender(AdministrativeGender.fromCode(sex));
    if (birthDate != null) p.setBirthDateElement(new DateType(birthDate));
    if (phone != null) p.addTelecom(new ContactPoint().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(phone));
    return p;
  }

  private String create(Patient p) {
    return client().create().resource(p).execute().getId().getIdPart();
  }

  private Patient read(String id) {
    return client().read().resource(Patient.class).withId(id).execute();
  }

  private String healthId(String id) {
    return HealthIdRules.currentId(read(id), "TG");
  }

  private Map<String, Object> link(String id) {
    return jdbc.queryForMap("select nhid, band, score, matched_patient, evidence, decided_by from registry_link where patient_id = ?", id);
  }

  @Test
  void the_same_person_registered_again_elsewhere_joins_them_with_the_evidence_recorded() {
    String first = create(person("Mohamed", family, "male", "1985-03-14", "+228 90 11 22 33"));
    String again = create(person("Mohammed", family.toUpperCase(), "male", "1985-03-14", "90112233"));
    assertThat(healthId(again)).isEqualTo(healthId(first));
    Map<String, Object> l = link(again);
    assertThat(l.get("band")).isEqualTo("auto-link");
    assertThat(l.get("matched_patient")).isEqualTo(first);
    assertThat((Double) l.get("score")).isGreaterThanOrEqualTo(0.95);
    assertThat((String) l.get("evidence")).contains("birth_date=exact").contains("phone=exact");
    assertThat(link(first).get("band")).isEqualTo("new");
    // FHIR's own word for it: the new record links to the record it matched (seealso), and keeps the link when a facility updates it.
    Patient again2 = read(again);
    assertThat(again2.getLink()).anyMatch(k -> k.getType() == Patient.LinkType.SEEALSO && k.getOther().getReference().equals("Patient/" + first));
    again2.getLink().clear();
    again2.getNameFirstRep().setFamily(family);
    client().update().resource(again2).execute();
    assertThat(read(again).getLink()).anyMatch(k -> k.getOther().getReference().equals("Patient/" + first));
    // One person, two source records: both found by the person's ID.
    Bundle both = client().search().forResource(Patient.class)
        .where(Patient.IDENTIFIER.exactly().systemAndIdentifier(NationalHealthId.SYSTEM, healthId(first))).returnBundle(Bundle.class).execute();
    assertThat(both.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart()).containsExactlyInAnyOrder(first, again);
  }

  @Test
  void twins_are_never_linked_at_registration() {
    String kossi = create(person("Kossi", family, "male", "2019-06-02", "+228 91 00 00 07"));
    String kodjo = create(person("Kodjo", family, "male", "2019-06-02", "+228 91 00 00 07"));
    assertThat(healthId(kodjo)).isNotEqualTo(healthId(kossi));
    assertThat(link(kodjo).get("band")).isIn("new", "review");
  }

  @Test
  void a_father_and_his_son_named_alike_sharing_a_phone_are_never_linked() {
    String father = create(person("Kodjo", family, "male", "1961-04-20", "+228 90 44 55 66"));
    String son = create(person("Kodjo", family, "male", "1994-09-12", "+228 90 44 55 66"));
    assertThat(healthId(son)).isNotEqualTo(healthId(father));
    assertThat(link(son).get("band")).isIn("new", "review");
  }

  @Test
  void another_member_of_a_household_sharing_the_phone_is_not_even_queued() {
    create(person("Ama", family, "female", "1988-12-01", "+228 90 77 88 99"));
    String other = create(person("Yao", randomName(), "male", "1988-12-01", "+228 90 77 88 99"));
    assertThat(link(other).get("band")).isEqualTo("new");
    assertThat(jdbc.queryForObject("select count(*) from registry_review where patient_id = ?", Integer.class, other)).isZero();
  }

  @Test
  void names_alone_never_link_however_rare() {
    String a = create(person("Yawo", family, null, null, null));
    String b = create(person("Yawo", family, null, null, null));
    assertThat(healthId(b)).isNotEqualTo(healthId(a));
    assertThat(link(b).get("band")).isIn("new", "review");
  }

  @Test
  void a_probable_match_is_a_new_person_queued_for_the_stewards_with_its_evidence() {
    String first = create(person("Afi", family, "female", "1990-02-11", "+228 92 33 44 55"));
    String second = create(person("Afi", family, "female", "1990-07-25", null)); // the same year only, no phone: namesakes of one age are many
    Map<String, Object> l = link(second);
    assertThat(healthId(second)).isNotEqualTo(healthId(first));
    assertThat(l.get("band")).isEqualTo("review");
    List<Map<String, Object>> queue = jdbc.queryForList("select candidate_id, candidate_nhid, score, evidence, status from registry_review"
        + " where patient_id = ?", second);
    assertThat(queue).hasSize(1);
    assertThat(queue.get(0).get("candidate_id")).isEqualTo(first);
    assertThat(queue.get(0).get("candidate_nhid")).isEqualTo(healthId(first));
    assertThat(queue.get(0).get("status")).isEqualTo("open");
    assertThat((Double) queue.get(0).get("score")).isGreaterThanOrEqualTo(0.5);
    assertThat((String) queue.get(0).get("evidence")).contains("given=exact");
  }

  @Test
  void a_record_corrected_to_match_another_person_is_queued_never_moved() {
    String first = create(person("Mawuli", family, "male", "1979-12-01", "+228 93 44 55 66"));
    String other = create(person("Kokou", randomName(), "male", "1993-02-02", null));
    String before = healthId(other);
    // The facility corrects the record: it was Mawuli all along, and now it looks very much like the first.
    Patient corrected = read(other);
    corrected.getName().clear();
    corrected.addName(new HumanName().setFamily(family).addGiven("Mawuli"));
    corrected.setBirthDateElement(new DateType("1979-12-01"));
    corrected.addTelecom(new ContactPoint().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("+228 93 44 55 66"));
    client().update().resource(corrected).execute();
    assertThat(healthId(other)).isEqualTo(before);
    List<Map<String, Object>> queue = jdbc.queryForList("select candidate_id, status from registry_review where patient_id = ?", other);
    assertThat(queue).singleElement().satisfies(q -> {
      assertThat(q.get("candidate_id")).isEqualTo(first);
      assertThat(q.get("status")).isEqualTo("open");
    });
  }

  @Test
  void a_stranger_is_a_new_person() {
    create(person("Essi", family, "female", "1970-01-05", "+228 93 12 12 12"));
    String other = create(person("Komlan", randomName(), "male", "2001-09-30", "+228 99 87 65 43"));
    assertThat(link(other).get("band")).isEqualTo("new");
    assertThat(jdbc.queryForObject("select count(*) from registry_review where patient_id = ?", Integer.class, other)).isZero();
  }

  @Test
  void a_steward_merges_by_moving_the_id_and_can_undo_it_a_clinician_cannot() throws Exception {
    String facility = client().create().resource(new org.hl7.fhir.r4.model.Organization().setName(unique("USP"))).execute()
        .getId().getIdPart();
    String first = create(person("Abla", family, "female", "1992-03-08", "+228 92 31 41 51"));
    String second = create(person("Abla", family, "female", "1992-10-19", null)
        .setManagingOrganization(new org.hl7.fhir.r4.model.Reference("Organization/" + facility)));
    String target = healthId(first);
    String own = healthId(second);
    AsPerson as = new AsPerson(port, encoder);

    Patient moved = read(second);
    moved.getIdentifier().removeIf(i -> NationalHealthId.SYSTEM.equals(i.getSystem()));
    moved.addIdentifier(new Identifier().setSystem(NationalHealthId.SYSTEM).setValue(target));
    String body = CTX.newJsonParser().encodeResourceToString(moved);

    String clinician = as.token("clin-" + family, "clinician", List.of(facility), List.of());
    HttpResponse<String> refused = as.send("PUT", "/fhir/Patient/" + second, clinician, body);
    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(refused.body()).contains("registry steward");
    assertThat(healthId(second)).isEqualTo(own);

    String steward = as.token("steward-" + family, "registry-steward", List.of(), List.of("tg"));
    HttpResponse<String> merged = as.send("PUT", "/fhir/Patient/" + second, steward, body);
    assertThat(merged.statusCode()).as(merged.body()).isEqualTo(200);
    Patient after = read(second);
    assertThat(HealthIdRules.currentId(after, "TG")).isEqualTo(target);
    assertThat(after.getIdentifier()).anyMatch(i -> own.equals(i.getValue()) && i.getUse() == Identifier.IdentifierUse.OLD);
    assertThat(link(second).get("band")).isEqualTo("steward");
    assertThat(after.getLink()).singleElement().satisfies(l -> {
      assertThat(l.getType()).isEqualTo(Patient.LinkType.SEEALSO);
      assertThat(l.getOther().getReference()).isEqualTo("Patient/" + first);
    });
    assertThat(jdbc.queryForObject("select merged_into from registry_person where nhid = ?", String.class, own)).isEqualTo(target);
    assertThat(jdbc.queryForObject("select status from registry_review where patient_id = ?", String.class, second)).isEqualTo("linked");
    Map<String, Object> event = jdbc.queryForMap("select kind, from_nhid, to_nhid, by_agent from registry_event where patient_id = ?"
        + " order by seq desc limit 1", second);
    assertThat(event).containsEntry("kind", "PatientsMerged").containsEntry("from_nhid", own).containsEntry("to_nhid", target)
        .containsEntry("by_agent", "steward-" + family);
    // The card in the patient's pocket still finds the record; a new registration with it is refused.
    Bundle byOld = client().search().forResource(Patient.class)
        .where(Patient.IDENTIFIER.exactly().systemAndIdentifier(NationalHealthId.SYSTEM, own)).returnBundle(Bundle.class).execute();
    assertThat(byOld.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart()).containsExactly(second);
    HttpResponse<String> retired = send("POST", "/Patient", "application/fhir+json", CTX.newJsonParser().encodeResourceToString(
        person("Abla", family, "female", null, null).addIdentifier(new Identifier().setSystem(NationalHealthId.SYSTEM).setValue(own))));
    assertThat(retired.statusCode()).isEqualTo(422);
    assertThat(retired.body()).contains("merged into another person");

    // Undone: the record takes its former ID back.
    Patient back = read(second);
    back.getIdentifier().removeIf(i -> NationalHealthId.SYSTEM.equals(i.getSystem()) && i.getUse() != Identifier.IdentifierUse.OLD);
    back.getIdentifier().removeIf(i -> own.equals(i.getValue()));
    back.addIdentifier(new Identifier().setSystem(NationalHealthId.SYSTEM).setValue(own));
    HttpResponse<String> unmerged = as.send("PUT", "/fhir/Patient/" + second, steward, CTX.newJsonParser().encodeResourceToString(back));
    assertThat(unmerged.statusCode()).as(unmerged.body()).isEqualTo(200);
    Patient restored = read(second);
    assertThat(HealthIdRules.currentId(restored, "TG")).isEqualTo(own);
    assertThat(restored.getLink()).isEmpty(); // alone again
    assertThat(restored.getIdentifier()).anyMatch(i -> target.equals(i.getValue()) && i.getUse() == Identifier.IdentifierUse.OLD);
    assertThat(jdbc.queryForObject("select merged_into from registry_person where nhid = ?", String.class, own)).isNull();
    assertThat(jdbc.queryForObject("select kind from registry_event where patient_id = ? order by seq desc limit 1", String.class, second))
        .isEqualTo("PatientsUnmerged");
    assertThat(read(second).getMeta().getVersionId()).isEqualTo("3"); // both moves are in the record's history
  }

  @Test
  void a_move_to_an_id_nobody_has_is_refused() throws Exception {
    String id = create(person("Dzifa", family, "female", "1995-05-05", null));
    AsPerson as = new AsPerson(port, encoder);
    String steward = as.token("steward2-" + family, "registry-steward", List.of(), List.of("tg"));
    Patient p = read(id);
    p.getIdentifier().removeIf(i -> NationalHealthId.SYSTEM.equals(i.getSystem()));
    p.addIdentifier(new Identifier().setSystem(NationalHealthId.SYSTEM).setValue(NationalHealthId.issue("TG", 999_998).value()));
    HttpResponse<String> r = as.send("PUT", "/fhir/Patient/" + id, steward, CTX.newJsonParser().encodeResourceToString(p));
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.body()).contains("No person in the registry");
  }
}
