package org.lafia.demo;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Synthetic health workers for every facility of the demo country: a {@link Practitioner} and a
 * {@link PractitionerRole} (same id) per person, in the cadres Togo's facilities are staffed
 * with — médecin, infirmier, sage-femme, pharmacien, technicien de laboratoire, agent de santé
 * communautaire — in numbers that follow the facility's level (a CHU has dozens of doctors, a
 * USP a nurse, a midwife and community health workers), with names of the facility's region,
 * licence numbers for the regulated professions, phones and a specialty for hospital doctors.
 *
 * <p>Deterministic: each facility draws from its own generator, seeded from the seed and its
 * code, so the same seed always gives the same people and one facility more or less changes
 * nobody else's staff. Birth dates count back from a fixed day, not from today.
 */
public final class DemoWorkers {
  public static final String CADRE = "http://lafia.health/fhir/CodeSystem/cadre";
  public static final String SPECIALTY = "http://lafia.health/fhir/CodeSystem/specialty";
  public static final String LICENCE = "http://lafia.health/fhir/sid/tg-professional-licence";
  public static final long DEFAULT_SEED = 20261125L;
  private static final LocalDate REFERENCE_DAY = LocalDate.of(2026, 1, 1);

  /** A cadre: its code, French display, share of women, and the body that licenses it (null: none). */
  public record Cadre(String code, String display, double women, String licensing, String prefix) {}

  public static final List<Cadre> CADRES = List.of(
      new Cadre("medecin", "Médecin", 0.30, "Ordre national des médecins du Togo", "MED"),
      new Cadre("infirmier", "Infirmier / infirmière", 0.55, "Ministère de la Santé", "INF"),
      new Cadre("sage-femme", "Sage-femme", 0.95, "Ministère de la Santé", "SFE"),
      new Cadre("pharmacien", "Pharmacien", 0.40, "Ordre national des pharmaciens du Togo", "PHA"),
      new Cadre("technicien-laboratoire", "Technicien de laboratoire", 0.35, "Ministère de la Santé", "LAB"),
      new Cadre("asc", "Agent de santé communautaire", 0.40, null, null));

  /** Usual staff per facility type and cadre (in CADRES' order); each facility varies from 70 to 130 % of it. */
  static final Map<String, double[]> STAFF = Map.of(
      "CHU", new double[] {25, 45, 12, 3, 8, 0},
      "CHR", new double[] {10, 24, 8, 2, 4, 0},
      "CHP", new double[] {4, 12, 5, 1, 2, 0},
      "CMS", new double[] {1, 5, 2, 0.5, 1, 2},
      "USP", new double[] {0, 2, 1, 0, 0, 3});

  private static final String[][] SPECIALTIES = {
      {"medecine-generale", "Médecine générale"}, {"pediatrie", "Pédiatrie"},
      {"gynecologie-obstetrique", "Gynécologie-obstétrique"}, {"medecine-interne", "Médecine interne"},
      {"chirurgie-generale", "Chirurgie générale"}, {"cardiologie", "Cardiologie"},
      {"maladies-infectieuses", "Maladies infectieuses et tropicales"}, {"radiologie", "Radiologie"},
      {"dermatologie", "Dermatologie"}, {"neurologie", "Neurologie"}};

  /** One health worker as generated. */
  public record Worker(String id, DemoGeography.Facility facility, Cadre cadre, DemoNames.Name name, boolean female,
      LocalDate birthDate, String phone, String licence, String[] specialty) {}

  private final DemoGeography geography;
  private final DemoNames names;
  private final long seed;

  public DemoWorkers(DemoGeography geography, DemoNames names, long seed) {
    this.geography = geography;
    this.names = names;
    this.seed = seed;
  }

  public static String workerId(String facilityCode, int n) {
    return "tg-hw-" + facilityCode + "-" + String.format("%02d", n);
  }

  /** Every worker of every facility, facility by facility. */
  public List<Worker> workers() {
    List<Worker> out = new ArrayList<>();
    for (DemoGeography.Facility f : geography.facilityList()) {
      SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + f.code().hashCode());
      double[] usual = STAFF.get(f.type());
      int n = 0;
      for (int c = 0; c < CADRES.size(); c++) {
        Cadre cadre = CADRES.get(c);
        int count = (int) Math.round(usual[c] * (0.7 + 0.6 * rnd.nextDouble()));
        // A facility is never without someone to see patients: a nurse at least.
        if (cadre.code().equals("infirmier")) count = Math.max(1, count);
        for (int i = 0; i < count; i++) out.add(worker(f, cadre, ++n, rnd));
      }
    }
    return out;
  }

  private Worker worker(DemoGeography.Facility f, Cadre cadre, int n, SplittableRandom rnd) {
    boolean female = rnd.nextDouble() < cadre.women();
    DemoNames.Name name = names.name(f.region(), female, rnd);
    int age = cadre.code().equals("asc") ? 20 + rnd.nextInt(35) : 25 + rnd.nextInt(36);
    LocalDate birth = REFERENCE_DAY.minusYears(age).minusDays(rnd.nextInt(365));
    // Togolese mobile numbers: +228 then 90–93 or 70 (Togocel), 96–99 or 79 (Moov Africa).
    int[] prefixes = {90, 91, 92, 93, 70, 96, 97, 98, 99, 79};
    String phone = String.format("+228 %d %02d %02d %02d", prefixes[rnd.nextInt(prefixes.length)], rnd.nextInt(100),
        rnd.nextInt(100), rnd.nextInt(100));
    // The year of licensing drawn; the number made unique (a licence number names one worker: WorkerRules).
    int licensed = birth.getYear() + 25 + rnd.nextInt(8);
    rnd.nextInt(100_000); // the draw that used to be the number: kept, so that every other draw stays as it was
    String licence = cadre.prefix() == null ? null
        : String.format("TG-%s-%d-%s-%02d", cadre.prefix(), licensed, f.code().replace("-", ""), n);
    String[] specialty = null;
    if (cadre.code().equals("medecin")) {
      boolean hospital = f.type().equals("CHU") || f.type().equals("CHR") || f.type().equals("CHP");
      specialty = hospital ? SPECIALTIES[rnd.nextInt(SPECIALTIES.length)] : SPECIALTIES[0];
    }
    return new Worker(workerId(f.code(), n), f, cadre, name, female, birth, phone, licence, specialty);
  }

  /** The workers as one transaction of PUTs (fixed ids), after the geography they work in. */
  public Bundle bundle() {
    Bundle b = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    for (Worker w : workers()) {
      Practitioner p = new Practitioner();
      p.setId(w.id());
      if (w.licence() != null) p.addIdentifier().setSystem(LICENCE).setValue(w.licence());
      p.setActive(true);
      HumanName hn = p.addName().setUse(HumanName.NameUse.OFFICIAL).setFamily(w.name().family());
      w.name().given().forEach(hn::addGiven);
      p.setGender(w.female() ? AdministrativeGender.FEMALE : AdministrativeGender.MALE);
      p.setBirthDateElement(new DateType(w.birthDate().toString()));
      p.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setUse(ContactPoint.ContactPointUse.WORK).setValue(w.phone());
      Practitioner.PractitionerQualificationComponent q = p.addQualification().setCode(cadre(w.cadre()));
      if (w.licence() != null) {
        q.addIdentifier().setSystem(LICENCE).setValue(w.licence());
        q.setIssuer(new Reference().setDisplay(w.cadre().licensing()));
      }

      PractitionerRole r = new PractitionerRole();
      r.setId(w.id());
      r.setActive(true);
      r.setPractitioner(new Reference("Practitioner/" + w.id()).setDisplay(String.join(" ", w.name().given()) + " " + w.name().family()));
      r.setOrganization(new Reference("Organization/" + w.facility().id()).setDisplay(w.facility().name()));
      r.addLocation(new Reference("Location/" + w.facility().id()));
      r.addCode(cadre(w.cadre()));
      if (w.specialty() != null) r.addSpecialty(new CodeableConcept(new Coding(SPECIALTY, w.specialty()[0], w.specialty()[1])));
      r.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setUse(ContactPoint.ContactPointUse.WORK).setValue(w.phone());
      put(b, p);
      put(b, r);
    }
    return b;
  }

  /** How many workers of each cadre, for the loader's log line. */
  public Map<String, Integer> countByCadre() {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (Cadre c : CADRES) out.put(c.code(), 0);
    for (Worker w : workers()) out.merge(w.cadre().code(), 1, Integer::sum);
    return out;
  }

  private static CodeableConcept cadre(Cadre c) {
    return new CodeableConcept(new Coding(CADRE, c.code(), c.display()));
  }

  private static void put(Bundle b, Resource r) {
    String ref = r.fhirType() + "/" + r.getIdElement().getIdPart();
    b.addEntry().setResource(r).getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(ref);
  }
}
