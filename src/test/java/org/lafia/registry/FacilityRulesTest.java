package org.lafia.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lafia.LafiaTest;
import org.lafia.fhir.FhirTestSupport;

/** The facility registry's rules on every write: no orphan facility, unique codes, coordinates inside the district. */
@LafiaTest
class FacilityRulesTest extends FhirTestSupport {
  private String district;

  @BeforeEach
  void district() {
    district = "district-" + UUID.randomUUID().toString().substring(0, 8);
    Location d = new Location();
    d.setId(district);
    d.setName("Préfecture du Golfe " + district);
    // A square around Lomé: longitudes 1.1 to 1.3, latitudes 6.1 to 6.3 (GeoJSON: longitude first).
    d.addExtension(FacilityRules.BOUNDARY, new Attachment().setContentType("application/geo+json").setData(
        "{\"type\":\"Polygon\",\"coordinates\":[[[1.1,6.1],[1.3,6.1],[1.3,6.3],[1.1,6.3],[1.1,6.1]]]}".getBytes(StandardCharsets.UTF_8)));
    client().update().resource(d).execute();
    Organization o = new Organization().setName("Préfecture " + district);
    o.setId(district);
    client().update().resource(o).execute();
  }

  private static CodeableConcept facilityType() {
    return new CodeableConcept(new Coding(FacilityRules.MCSD_TYPES, "facility", "Facility"));
  }

  private Location facility(String code, double lat, double lon) {
    Location l = new Location().setName("CMS " + code);
    l.addType(facilityType());
    l.addIdentifier().setSystem(FacilityRules.FACILITY_CODE).setValue(code);
    l.setPosition(new Location.LocationPositionComponent().setLatitude(BigDecimal.valueOf(lat)).setLongitude(BigDecimal.valueOf(lon)));
    l.setPartOf(new Reference("Location/" + district));
    return l;
  }

  private static String code() {
    return "TG-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void a_facility_inside_its_district_is_stored() {
    String id = client().create().resource(facility(code(), 6.17, 1.21)).execute().getId().getIdPart();
    assertThat(client().read().resource(Location.class).withId(id).execute().getName()).startsWith("CMS");
  }

  @Test
  void coordinates_outside_the_district_are_refused_with_the_distance_and_a_hint() {
    // Latitude and longitude swapped: the classic mistake.
    assertThatThrownBy(() -> client().create().resource(facility(code(), 1.21, 6.17)).execute())
        .isInstanceOf(UnprocessableEntityException.class).hasMessageContaining("Location.position")
        .hasMessageContaining("hors des limites").hasMessageContaining("swapped?");
    // Just outside (within a kilometre) is accepted: boundaries are simplified.
    client().create().resource(facility(code(), 6.305, 1.2)).execute();
    assertThatThrownBy(() -> client().create().resource(facility(code(), 95, 1.2)).execute())
        .isInstanceOf(UnprocessableEntityException.class).hasMessageContaining("Coordonnées impossibles");
  }

  @Test
  void an_orphan_facility_is_refused() {
    Location l = facility(code(), 6.17, 1.21);
    l.setPartOf(null);
    assertThatThrownBy(() -> client().create().resource(l).execute()).isInstanceOf(UnprocessableEntityException.class)
        .hasMessageContaining("Location.partOf");
    Organization o = new Organization().setName("CMS sans district");
    o.addType(facilityType());
    assertThatThrownBy(() -> client().create().resource(o).execute()).isInstanceOf(UnprocessableEntityException.class)
        .hasMessageContaining("Organization.partOf");
  }

  @Test
  void a_facility_code_names_one_facility_and_its_own_update_keeps_it() {
    String code = code();
    String id = client().create().resource(facility(code, 6.2, 1.2)).execute().getId().getIdPart();
    assertThatThrownBy(() -> client().create().resource(facility(code, 6.21, 1.21)).execute())
        .isInstanceOf(UnprocessableEntityException.class).hasMessageContaining("Location.identifier[0].value")
        .hasMessageContaining(code).hasMessageContaining("Location/" + id);
    Location again = facility(code, 6.22, 1.22);
    again.setId(id);
    again.setName("CMS renommé");
    client().update().resource(again).execute();
    assertThat(client().read().resource(Location.class).withId(id).execute().getName()).isEqualTo("CMS renommé");
  }

  @Test
  void a_transaction_with_one_bad_facility_stores_none() {
    String good = code(), bad = code();
    Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    tx.addEntry().setResource(facility(good, 6.2, 1.2)).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Location");
    tx.addEntry().setResource(facility(bad, 9.5, 1.2)).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Location");
    assertThatThrownBy(() -> client().transaction().withBundle(tx).execute()).isInstanceOf(UnprocessableEntityException.class);
    Bundle found = client().search().forResource(Location.class)
        .where(Location.IDENTIFIER.exactly().systemAndIdentifier(FacilityRules.FACILITY_CODE, good)).returnBundle(Bundle.class).execute();
    assertThat(found.getEntry()).isEmpty();
  }
}
