package org.lafia.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.lafia.LafiaTest;
import org.lafia.fhir.FhirTestSupport;

/** The national health ID on Patients written through the FHIR API, by every path. */
@LafiaTest
class HealthIdTest extends FhirTestSupport {

  private static Patient person(String family) {
    return new Patient().addName(new HumanName().setFamily(family).addGiven("Kossi"));
  }

  private static String healthId(Patient p) {
    return p.getIdentifier().stream().filter(i -> NationalHealthId.SYSTEM.equals(i.getSystem())).map(Identifier::getValue)
        .findFirst().orElse(null);
  }

  private Patient read(String id) {
    return client().read().resource(Patient.class).withId(id).execute();
  }

  private long count(String family) {
    Bundle b = client().search().forResource(Patient.class).where(Patient.FAMILY.matchesExactly().value(family))
        .returnBundle(Bundle.class).execute();
    return b.getEntry().size();
  }

  @Test
  void a_new_person_gets_a_valid_national_health_id_and_two_persons_never_the_same() {
    String a = client().create().resource(person(unique("Amegan"))).execute().getId().getIdPart();
    String b = client().create().resource(person(unique("Amegan"))).execute().getId().getIdPart();
    String ida = healthId(read(a)), idb = healthId(read(b));
    assertThat(ida).startsWith("TG").hasSize(12);
    assertThat(NationalHealthId.isValid(ida)).isTrue();
    assertThat(idb).isNotEqualTo(ida);
  }

  @Test
  void an_id_with_a_wrong_check_digit_is_refused_naming_the_field_and_nothing_is_stored() {
    String family = unique("Faute");
    Patient p = person(family).addIdentifier(new Identifier().setSystem(NationalHealthId.SYSTEM).setValue("TG 482 915 307 6"));
    assertThatThrownBy(() -> client().create().resource(p).execute()).isInstanceOf(UnprocessableEntityException.class)
        .hasMessageContaining("Patient.identifier[0].value").hasMessageContaining("check digit").hasMessageContaining("clé de contrôle");
    assertThat(count(family)).isZero();
  }

  @Test
  void an_id_written_with_spaces_is_stored_in_its_canonical_form() {
    Patient p = person(unique("Espaces")).addIdentifier(new Identifier().setSystem(NationalHealthId.SYSTEM).setValue("tg 482-915-307 2"));
    String id = client().create().resource(p).execute().getId().getIdPart();
    assertThat(healthId(read(id))).isEqualTo("TG4829153072");
  }

  @Test
  void an_update_that_leaves_the_id_out_keeps_it_and_one_that_changes_it_is_refused() {
    String family = unique("Garde");
    String id = client().create().resource(person(family)).execute().getId().getIdPart();
    String issued = healthId(read(id));
    Patient again = person(family);
    again.setId(id);
    var outcome = client().update().resource(again).execute();
    Patient stored = read(id);
    assertThat(healthId(stored)).isEqualTo(issued);
    assertThat(stored.getMeta().getVersionId()).isEqualTo("1"); // the same content: no new version
    assertThat(outcome.getId().getVersionIdPart()).isEqualTo("1");

    Patient changed = person(family);
    changed.setId(id);
    changed.addIdentifier(new Identifier().setSystem(NationalHealthId.SYSTEM).setValue(NationalHealthId.issue("TG", 999_999).value()));
    assertThatThrownBy(() -> client().update().resource(changed).execute()).isInstanceOf(UnprocessableEntityException.class)
        .hasMessageContaining("cannot become");
    assertThat(healthId(read(id))).isEqualTo(issued);
  }

  @Test
  void a_valid_id_of_another_country_is_kept_beside_this_countrys() {
    String cm = NationalHealthId.issue("CM", 31).value();
    Patient p = person(unique("Frontiere")).addIdentifier(new Identifier().setSystem(NationalHealthId.SYSTEM).setValue(cm));
    Patient stored = read(client().create().resource(p).execute().getId().getIdPart());
    List<String> ids = stored.getIdentifier().stream().filter(i -> NationalHealthId.SYSTEM.equals(i.getSystem()))
        .map(Identifier::getValue).toList();
    assertThat(ids).contains(cm).anyMatch(v -> v.startsWith("TG"));
  }

  @Test
  void a_transaction_with_one_invalid_id_stores_nothing() {
    String family = unique("Lot");
    Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    tx.addEntry().setResource(person(family)).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
    tx.addEntry().setResource(person(family).addIdentifier(new Identifier().setSystem(NationalHealthId.SYSTEM).setValue("TG12")))
        .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
    assertThatThrownBy(() -> client().transaction().withBundle(tx).execute()).isInstanceOf(UnprocessableEntityException.class)
        .hasMessageContaining("ten digits");
    assertThat(count(family)).isZero();
  }
}
