package org.lafia.console;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.lafia.security.Accounts;

/**
 * What the console's tests look at, made fresh for each test (random ids): a district with its
 * outline, a CMS in it with coordinates, a patient registered there with one consultation on
 * 14 March 2025, and a person of {@code role} attached to the CMS (or to the district, for the
 * roles that cover a territory).
 */
record ConsoleData(String district, String facility, String patientId, String patientFamily, String login) {
  static final String PASSWORD = "Console-Test-2026";

  static ConsoleData create(IGenericClient client, Accounts accounts, String role) {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String district = "district-" + suffix, facility = "cms-" + suffix, patient = "pat-" + suffix;
    String family = "Amégan-" + suffix, login = role + "-" + suffix;
    Location d = new Location();
    d.setId(district);
    d.setName("Préfecture " + district);
    d.addType(new CodeableConcept(new Coding(ConsoleController.LEVEL, "district", null)));
    d.addExtension(ConsoleController.BOUNDARY, new Attachment().setContentType("application/geo+json")
        .setData("{\"type\":\"Polygon\",\"coordinates\":[[[1.0,6.0],[1.5,6.0],[1.5,6.5],[1.0,6.0]]]}".getBytes(StandardCharsets.UTF_8)));
    client.update().resource(d).execute();
    Organization prefecture = new Organization();
    prefecture.setId(district);
    prefecture.setName("Préfecture " + district);
    prefecture.addType(new CodeableConcept(new Coding(ConsoleController.LEVEL, "district", null)));
    client.update().resource(prefecture).execute();
    Organization o = new Organization();
    o.setId(facility);
    o.setName("CMS " + facility);
    o.addType(new CodeableConcept(new Coding(ConsoleController.MCSD_TYPES, "facility", null)));
    o.addType(new CodeableConcept(new Coding(ConsoleController.FACILITY_TYPE, "CMS", null)));
    o.setPartOf(new Reference("Organization/" + district));
    client.update().resource(o).execute();
    org.hl7.fhir.r4.model.Practitioner midwife = new org.hl7.fhir.r4.model.Practitioner();
    midwife.setId("hw-" + suffix);
    midwife.addName().setFamily("Agbémadon-" + suffix).addGiven("Enyonam");
    client.update().resource(midwife).execute();
    org.hl7.fhir.r4.model.PractitionerRole role2 = new org.hl7.fhir.r4.model.PractitionerRole();
    role2.setId("hw-" + suffix);
    role2.setPractitioner(new Reference("Practitioner/hw-" + suffix));
    role2.setOrganization(new Reference("Organization/" + facility));
    role2.addCode(new CodeableConcept(new Coding(RegistryController.CADRE, "sage-femme", null)));
    role2.addTelecom().setSystem(org.hl7.fhir.r4.model.ContactPoint.ContactPointSystem.PHONE).setValue("+228 97 00 11 22");
    client.update().resource(role2).execute();
    Location l = new Location();
    l.setId(facility);
    l.setName("CMS " + facility);
    l.addType(new CodeableConcept(new Coding(ConsoleController.MCSD_TYPES, "facility", null)));
    l.addType(new CodeableConcept(new Coding(ConsoleController.FACILITY_TYPE, "CMS", null)));
    l.setPosition(new Location.LocationPositionComponent().setLongitude(1.2).setLatitude(6.2));
    l.setPartOf(new Reference("Location/" + district));
    l.setManagingOrganization(new Reference("Organization/" + facility));
    client.update().resource(l).execute();
    Patient p = new Patient();
    p.setId(patient);
    p.addName().setFamily(family).addGiven("Kossi");
    p.addIdentifier().setSystem("http://lafia.health/fhir/sid/facility-record-number/" + facility).setValue("DOS-" + suffix);
    p.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1987-06-12"));
    p.addTelecom().setSystem(org.hl7.fhir.r4.model.ContactPoint.ContactPointSystem.PHONE).setValue("+228 90 11 22 33");
    p.setManagingOrganization(new Reference("Organization/" + facility));
    client.update().resource(p).execute();
    Encounter e = new Encounter();
    e.setStatus(Encounter.EncounterStatus.FINISHED);
    e.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", null));
    e.setSubject(new Reference("Patient/" + patient));
    e.setServiceProvider(new Reference("Organization/" + facility));
    e.getPeriod().setStartElement(new DateTimeType("2025-03-14T09:30:00Z"));
    String encounter = client.create().resource(e).execute().getId().toUnqualifiedVersionless().getValue();
    for (String[] t : new String[][] {{"2025-03-14", "39.2"}, {"2025-03-21", "37.0"}}) {
      org.hl7.fhir.r4.model.Observation o2 = new org.hl7.fhir.r4.model.Observation();
      o2.setStatus(org.hl7.fhir.r4.model.Observation.ObservationStatus.FINAL);
      o2.setCode(new CodeableConcept(new Coding("http://loinc.org", "8310-5", null)).setText("Température corporelle"));
      o2.setSubject(new Reference("Patient/" + patient));
      o2.setEffective(new DateTimeType(t[0]));
      o2.setValue(new org.hl7.fhir.r4.model.Quantity().setValue(new java.math.BigDecimal(t[1])).setUnit("°C"));
      client.create().resource(o2).execute();
    }
    org.hl7.fhir.r4.model.Condition c = new org.hl7.fhir.r4.model.Condition();
    c.setCode(new CodeableConcept(new Coding("http://hl7.org/fhir/sid/icd-10", "B54", null)).setText("Paludisme"));
    c.setClinicalStatus(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/condition-clinical", "resolved", null)));
    c.setSubject(new Reference("Patient/" + patient));
    c.setEncounter(new Reference(encounter));
    c.setOnset(new DateTimeType("2025-03-14"));
    client.create().resource(c).execute();
    boolean territorial = role.startsWith("surveillance");
    accounts.save(login, territorial ? "Essi Kodjo" : "Dr Essi Kodjo", PASSWORD, List.of(role),
        territorial ? List.of() : List.of(facility), territorial ? List.of(facility) : List.of());
    return new ConsoleData(district, facility, patient, family, login);
  }
}
