package org.lafia.demo;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Synthetic patients of the demo country and their records, as a rural or urban facility of Togo
 * sees them: a young population (four in ten under 15), registered at a facility of their
 * prefecture (more people where the census counts more), with consultations over the last three
 * years — malaria (a positive rapid test, fever, artemether-lumefantrine), respiratory infections
 * (amoxicillin), children's diarrhoea (ORS and zinc), hypertension and diabetes among adults
 * (blood pressure, glucose, amlodipine, metformin), antenatal follow-up of pregnant women (iron
 * and folic acid) — and the Expanded Programme on Immunization's vaccines for the young.
 *
 * <p>Realistic for the client registry too: some adults know only their birth year, some were
 * registered on 1 January, children often carry a parent's phone. Deterministic like the
 * workers: patient {@code i} draws from a generator seeded from the seed and {@code i}, so the
 * first thousand patients are the same whether a thousand or a million are made.
 */
public final class DemoPatients {
  public static final String ICD10 = "http://hl7.org/fhir/sid/icd-10";
  public static final String LOINC = "http://loinc.org";
  public static final String ATC = "http://www.whocc.no/atc";
  public static final String CVX = "http://hl7.org/fhir/sid/cvx";
  public static final String MRN = "http://lafia.health/fhir/sid/facility-record-number";
  public static final long DEFAULT_SEED = 20261125L;
  static final LocalDate REFERENCE_DAY = LocalDate.of(2026, 1, 1);
  private static final LocalDate FIRST_VISIT = LocalDate.of(2023, 1, 1);

  /** Age bands (upper bound exclusive) and their shares: Togo's young pyramid (RGPH-5: about 40 % under 15). */
  static final int[][] AGE_BANDS = {{0, 5, 15}, {5, 15, 25}, {15, 25, 20}, {25, 35, 14}, {35, 45, 10}, {45, 55, 7},
      {55, 65, 5}, {65, 90, 4}};
  private static final Map<String, Double> LEVEL_WEIGHT = Map.of("USP", 3.0, "CMS", 3.0, "CHP", 2.0, "CHR", 1.5, "CHU", 1.5);

  private final DemoGeography geography;
  private final DemoNames names;
  private final long seed;
  private final List<DemoGeography.Facility> facilities;
  private final double[] cumulative;
  private final Map<String, List<DemoWorkers.Worker>> clinicians = new HashMap<>();

  public DemoPatients(DemoGeography geography, DemoNames names, DemoWorkers workers, long seed) {
    this.geography = geography;
    this.names = names;
    this.seed = seed;
    this.facilities = geography.facilityList();
    // A facility's share of patients: its prefecture's population, split among the prefecture's
    // facilities by level (people go to the health post and the CMS more often than to a hospital).
    Map<String, Double> levelSum = new HashMap<>();
    for (DemoGeography.Facility f : facilities) levelSum.merge(f.district(), LEVEL_WEIGHT.get(f.type()), Double::sum);
    Map<String, Integer> population = geography.districtPopulations();
    cumulative = new double[facilities.size()];
    double total = 0;
    for (int i = 0; i < facilities.size(); i++) {
      DemoGeography.Facility f = facilities.get(i);
      total += population.get(f.district()) * LEVEL_WEIGHT.get(f.type()) / levelSum.get(f.district());
      cumulative[i] = total;
    }
    for (int i = 0; i < cumulative.length; i++) cumulative[i] /= total;
    for (DemoWorkers.Worker w : workers.workers()) {
      if (w.cadre().code().equals("medecin") || w.cadre().code().equals("infirmier") || w.cadre().code().equals("sage-femme")) {
        clinicians.computeIfAbsent(w.facility().code(), k -> new ArrayList<>()).add(w);
      }
    }
  }

  public static String patientId(int n) {
    return String.format("tg-pat-%06d", n);
  }

  /** One patient's record: the Patient first, then what happened to them, in order. */
  public record Record(Patient patient, DemoGeography.Facility facility, List<Resource> resources) {}

  /** Patients {@code from} (1-based) to {@code to} inclusive. */
  public List<Record> records(int from, int to) {
    List<Record> out = new ArrayList<>(Math.max(0, to - from + 1));
    for (int i = from; i <= to; i++) out.add(record(i));
    return out;
  }

  /** Patients {@code from} to {@code to} as one transaction of PUTs (each record complete in it). */
  public Bundle bundle(int from, int to) {
    Bundle b = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    for (Record r : records(from, to)) {
      put(b, r.patient());
      r.resources().forEach(x -> put(b, x));
    }
    return b;
  }

  Record record(int n) {
    SplittableRandom rnd = new SplittableRandom(seed * 0xD1B54A32D192ED03L + n);
    DemoGeography.Facility home = facility(rnd.nextDouble());
    boolean female = rnd.nextDouble() < 0.505;
    int age = age(rnd);
    LocalDate birth = REFERENCE_DAY.minusYears(age).minusDays(rnd.nextInt(365));
    DemoNames.Name name = names.name(home.region(), female, rnd);
    String id = patientId(n);

    Patient p = new Patient();
    p.setId(id);
    p.addIdentifier().setSystem(MRN + "/" + home.code()).setValue(String.format("%s/%05d", home.code(), n % 100_000));
    p.setActive(true);
    HumanName hn = p.addName().setUse(HumanName.NameUse.OFFICIAL).setFamily(name.family());
    name.given().forEach(hn::addGiven);
    p.setGender(female ? AdministrativeGender.FEMALE : AdministrativeGender.MALE);
    // What registers see: an adult who knows only the year, or a date written as 1 January.
    double dateKind = rnd.nextDouble();
    if (age >= 18 && dateKind < 0.10) p.setBirthDateElement(new DateType(Integer.toString(birth.getYear())));
    else if (age >= 5 && dateKind < 0.15) p.setBirthDateElement(new DateType(birth.getYear() + "-01-01"));
    else p.setBirthDateElement(new DateType(birth.toString()));
    if (rnd.nextDouble() < (age >= 15 ? 0.75 : 0.5)) { // a child's number is a parent's
      p.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setUse(ContactPoint.ContactPointUse.MOBILE)
          .setValue(String.format("+228 %d %02d %02d %02d", new int[] {90, 91, 92, 93, 70, 96, 97, 98, 99, 79}[rnd.nextInt(10)],
              rnd.nextInt(100), rnd.nextInt(100), rnd.nextInt(100)));
    }
    p.addAddress().setUse(Address.AddressUse.HOME).setDistrict(geography.districtName(home.district()))
        .setState(geography.regionName(home.region())).setCountry("TG");
    p.setManagingOrganization(new Reference("Organization/" + home.id()).setDisplay(home.name()));

    List<Resource> out = new ArrayList<>();
    Counters k = new Counters(id);
    boolean hypertensive = age >= 35 && rnd.nextDouble() < 0.25;
    boolean diabetic = age >= 35 && rnd.nextDouble() < 0.06;
    boolean pregnant = female && age >= 15 && age < 45 && rnd.nextDouble() < 0.15;
    if (hypertensive) out.add(condition(k, id, null, "I10", "Hypertension artérielle essentielle", LocalDate.of(2023, 1, 1).plusDays(rnd.nextInt(700)), true));
    if (diabetic) out.add(condition(k, id, null, "E11", "Diabète de type 2", LocalDate.of(2023, 1, 1).plusDays(rnd.nextInt(700)), true));

    int visits = 1 + rnd.nextInt(age < 5 ? 5 : 4) + (hypertensive || diabetic ? 2 : 0);
    List<LocalDate> days = new ArrayList<>();
    for (int v = 0; v < visits; v++) {
      LocalDate d = FIRST_VISIT.plusDays(rnd.nextInt((int) (REFERENCE_DAY.toEpochDay() - FIRST_VISIT.toEpochDay())));
      if (!d.isBefore(birth)) days.add(d);
    }
    days.sort(null);
    if (pregnant) {
      LocalDate start = REFERENCE_DAY.minusDays(60 + rnd.nextInt(150));
      out.add(condition(k, id, null, "Z34", "Surveillance d'une grossesse normale (CPN)", start, true));
      for (int c = 0; c < 3; c++) {
        LocalDate d = start.plusDays(30L + 35L * c);
        if (d.isBefore(REFERENCE_DAY)) days.add(d);
      }
      days.sort(null);
    }
    for (LocalDate day : days) {
      DemoWorkers.Worker who = clinician(home, rnd);
      Encounter e = encounter(k, id, home, who, day, rnd);
      out.add(e);
      String enc = "Encounter/" + e.getIdElement().getIdPart();
      int ageThen = (int) java.time.temporal.ChronoUnit.YEARS.between(birth, day);
      boolean antenatal = pregnant && !day.isBefore(REFERENCE_DAY.minusDays(210));
      double fever = 36.4 + rnd.nextDouble() * 0.8;
      double x = rnd.nextDouble();
      if (antenatal) {
        e.addReasonCode(new CodeableConcept(new Coding(ICD10, "Z34", "Consultation prénatale (CPN)")));
        out.add(quantity(k, id, enc, day, "29463-7", "Poids", 55 + rnd.nextDouble() * 25, "kg", "kg"));
        bloodPressure(out, k, id, enc, day, 105 + rnd.nextInt(30), 65 + rnd.nextInt(20));
        out.add(medication(k, id, enc, who, day, "B03AD", "Fer + acide folique (comprimés)", "1 comprimé par jour"));
      } else if (x < 0.35) {
        out.add(condition(k, id, enc, "B54", "Paludisme", day, false));
        fever = 38.3 + rnd.nextDouble() * 1.7;
        out.add(coded(k, id, enc, day, "70569-9", "TDR paludisme (Plasmodium, antigène)", "10828004", "Positif"));
        out.add(medication(k, id, enc, who, day, "P01BF01", "Artéméther-luméfantrine", "2 fois par jour pendant 3 jours"));
      } else if (x < 0.55) {
        boolean pneumonia = ageThen < 5 && rnd.nextDouble() < 0.3;
        out.add(condition(k, id, enc, pneumonia ? "J18.9" : "J06.9",
            pneumonia ? "Pneumonie" : "Infection aiguë des voies respiratoires supérieures", day, false));
        fever = 37.8 + rnd.nextDouble() * 1.5;
        out.add(medication(k, id, enc, who, day, "J01CA04", "Amoxicilline", "3 fois par jour pendant 5 jours"));
      } else if (x < 0.70 && ageThen < 5) {
        out.add(condition(k, id, enc, "A09", "Diarrhée et gastro-entérite", day, false));
        out.add(medication(k, id, enc, who, day, "A07CA", "Sels de réhydratation orale (SRO)", "après chaque selle"));
        out.add(medication(k, id, enc, who, day, "A12CB01", "Zinc (sulfate)", "1 comprimé par jour pendant 10 jours"));
      }
      out.add(quantity(k, id, enc, day, "8310-5", "Température corporelle", fever, "°C", "Cel"));
      if (ageThen < 15 && !antenatal) {
        out.add(quantity(k, id, enc, day, "29463-7", "Poids", weight(ageThen, rnd), "kg", "kg"));
      }
      if (hypertensive && !antenatal) {
        bloodPressure(out, k, id, enc, day, 140 + rnd.nextInt(45), 88 + rnd.nextInt(22));
        out.add(medication(k, id, enc, who, day, "C08CA01", "Amlodipine 5 mg", "1 comprimé par jour"));
      } else if (ageThen >= 35 && !antenatal && rnd.nextDouble() < 0.5) {
        bloodPressure(out, k, id, enc, day, 110 + rnd.nextInt(28), 68 + rnd.nextInt(18));
      }
      if (diabetic && !antenatal) {
        out.add(quantity(k, id, enc, day, "2345-7", "Glycémie", 1.4 + rnd.nextDouble() * 1.6, "g/L", "g/L"));
        out.add(medication(k, id, enc, who, day, "A10BA02", "Metformine 500 mg", "2 fois par jour"));
      }
    }
    immunizations(out, k, id, home, birth, rnd);
    return new Record(p, home, out);
  }

  /** The EPI schedule (doses at ages in days) for those born in the last five years, about 85 % of doses given. */
  private void immunizations(List<Resource> out, Counters k, String patient, DemoGeography.Facility home, LocalDate birth,
      SplittableRandom rnd) {
    if (birth.isBefore(REFERENCE_DAY.minusYears(5))) return;
    Object[][] schedule = {{"19", "BCG", 0}, {"02", "VPO (polio oral) 0", 0}, {"102", "Pentavalent 1 (DTC-HepB-Hib)", 42},
        {"102", "Pentavalent 2 (DTC-HepB-Hib)", 70}, {"102", "Pentavalent 3 (DTC-HepB-Hib)", 98}, {"04", "Rougeole-rubéole (RR1)", 270},
        {"37", "Fièvre jaune", 270}};
    for (Object[] dose : schedule) {
      LocalDate day = birth.plusDays((Integer) dose[2] + rnd.nextInt(14));
      if (!day.isBefore(REFERENCE_DAY) || rnd.nextDouble() > 0.85) continue;
      Immunization im = new Immunization();
      im.setId(k.next("i"));
      im.setStatus(Immunization.ImmunizationStatus.COMPLETED);
      im.setVaccineCode(new CodeableConcept(new Coding(CVX, (String) dose[0], (String) dose[1])).setText((String) dose[1]));
      im.setPatient(new Reference("Patient/" + patient));
      im.setOccurrence(new DateTimeType(day.toString()));
      im.setPrimarySource(true);
      im.setLocation(new Reference("Location/" + home.id()));
      out.add(im);
    }
  }

  private DemoGeography.Facility facility(double u) {
    int i = java.util.Arrays.binarySearch(cumulative, u);
    return facilities.get(Math.min(i < 0 ? -i - 1 : i, facilities.size() - 1));
  }

  private static int age(SplittableRandom rnd) {
    int x = rnd.nextInt(100);
    for (int[] band : AGE_BANDS) {
      if (x < band[2]) return band[0] + rnd.nextInt(band[1] - band[0]);
      x -= band[2];
    }
    return 30;
  }

  private static double weight(int age, SplittableRandom rnd) {
    double typical = age == 0 ? 6 : age < 5 ? 9 + 2.2 * age : 8 + 3 * age;
    return typical * (0.85 + 0.3 * rnd.nextDouble());
  }

  private DemoWorkers.Worker clinician(DemoGeography.Facility f, SplittableRandom rnd) {
    List<DemoWorkers.Worker> staff = clinicians.get(f.code());
    return staff.get(rnd.nextInt(staff.size()));
  }

  /** Resource ids of one patient: tg-pat-000001-e1, -c1, -o1, -m1, -i1... */
  private static final class Counters {
    private final String patient;
    private final Map<String, Integer> n = new HashMap<>();

    Counters(String patient) {
      this.patient = patient;
    }

    String next(String kind) {
      return patient + "-" + kind + n.merge(kind, 1, Integer::sum);
    }
  }

  private Encounter encounter(Counters k, String patient, DemoGeography.Facility f, DemoWorkers.Worker who, LocalDate day,
      SplittableRandom rnd) {
    Encounter e = new Encounter();
    e.setId(k.next("e"));
    e.setStatus(Encounter.EncounterStatus.FINISHED);
    e.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"));
    e.addType(new CodeableConcept(new Coding("http://lafia.health/fhir/CodeSystem/encounter-type", "consultation", "Consultation"))
        .setText("Consultation"));
    e.setSubject(new Reference("Patient/" + patient));
    e.addParticipant().setIndividual(new Reference("Practitioner/" + who.id()));
    LocalDateTime start = day.atTime(7 + rnd.nextInt(10), rnd.nextInt(60));
    e.setPeriod(new Period().setStart(Date.from(start.toInstant(ZoneOffset.UTC)))
        .setEnd(Date.from(start.plusMinutes(10 + rnd.nextInt(30)).toInstant(ZoneOffset.UTC))));
    e.setServiceProvider(new Reference("Organization/" + f.id()));
    e.addLocation().setLocation(new Reference("Location/" + f.id()));
    return e;
  }

  private static Condition condition(Counters k, String patient, String encounter, String icd, String text, LocalDate onset,
      boolean chronic) {
    Condition c = new Condition();
    c.setId(k.next("c"));
    c.setClinicalStatus(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/condition-clinical",
        chronic ? "active" : "resolved", chronic ? "Active" : "Resolved")));
    c.setVerificationStatus(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/condition-ver-status",
        "confirmed", "Confirmed")));
    c.addCategory(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/condition-category",
        encounter == null ? "problem-list-item" : "encounter-diagnosis", null)));
    c.setCode(new CodeableConcept(new Coding(ICD10, icd, text)).setText(text));
    c.setSubject(new Reference("Patient/" + patient));
    if (encounter != null) c.setEncounter(new Reference(encounter));
    c.setOnset(new DateTimeType(onset.toString()));
    if (!chronic) c.setAbatement(new DateTimeType(onset.plusDays(7).toString()));
    c.setRecordedDateElement(new DateTimeType(onset.toString()));
    return c;
  }

  private static Observation base(Counters k, String patient, String encounter, LocalDate day, String loinc, String text,
      String category) {
    Observation o = new Observation();
    o.setId(k.next("o"));
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.addCategory(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/observation-category", category, null)));
    o.setCode(new CodeableConcept(new Coding(LOINC, loinc, text)).setText(text));
    o.setSubject(new Reference("Patient/" + patient));
    o.setEncounter(new Reference(encounter));
    o.setEffective(new DateTimeType(day.toString()));
    return o;
  }

  private static Observation quantity(Counters k, String patient, String encounter, LocalDate day, String loinc, String text,
      double value, String unit, String ucum) {
    Observation o = base(k, patient, encounter, day, loinc, text, "vital-signs");
    if (loinc.equals("2345-7")) o.getCategoryFirstRep().getCodingFirstRep().setCode("laboratory");
    o.setValue(new Quantity().setValue(BigDecimal.valueOf(value).setScale(1, RoundingMode.HALF_UP)).setUnit(unit)
        .setSystem("http://unitsofmeasure.org").setCode(ucum));
    return o;
  }

  private static Observation coded(Counters k, String patient, String encounter, LocalDate day, String loinc, String text,
      String snomed, String display) {
    Observation o = base(k, patient, encounter, day, loinc, text, "laboratory");
    o.setValue(new CodeableConcept(new Coding("http://snomed.info/sct", snomed, display)).setText(display));
    return o;
  }

  private static void bloodPressure(List<Resource> out, Counters k, String patient, String encounter, LocalDate day, int sys, int dia) {
    Observation o = base(k, patient, encounter, day, "85354-9", "Tension artérielle", "vital-signs");
    o.addComponent().setCode(new CodeableConcept(new Coding(LOINC, "8480-6", "Pression systolique")))
        .setValue(new Quantity().setValue(sys).setUnit("mmHg").setSystem("http://unitsofmeasure.org").setCode("mm[Hg]"));
    o.addComponent().setCode(new CodeableConcept(new Coding(LOINC, "8462-4", "Pression diastolique")))
        .setValue(new Quantity().setValue(dia).setUnit("mmHg").setSystem("http://unitsofmeasure.org").setCode("mm[Hg]"));
    out.add(o);
  }

  private static MedicationRequest medication(Counters k, String patient, String encounter, DemoWorkers.Worker who, LocalDate day,
      String atc, String text, String dosage) {
    MedicationRequest m = new MedicationRequest();
    m.setId(k.next("m"));
    m.setStatus(MedicationRequest.MedicationRequestStatus.COMPLETED);
    m.setIntent(MedicationRequest.MedicationRequestIntent.ORDER);
    m.setMedication(new CodeableConcept(new Coding(ATC, atc, text)).setText(text));
    m.setSubject(new Reference("Patient/" + patient));
    m.setEncounter(new Reference(encounter));
    m.setAuthoredOnElement(new DateTimeType(day.toString()));
    m.setRequester(new Reference("Practitioner/" + who.id()));
    m.addDosageInstruction().setText(dosage);
    return m;
  }

  private static void put(Bundle b, Resource r) {
    String ref = r.fhirType() + "/" + r.getIdElement().getIdPart();
    b.addEntry().setResource(r).getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(ref);
  }
}
