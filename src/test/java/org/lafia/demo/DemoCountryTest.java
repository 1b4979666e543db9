package org.lafia.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.lafia.LafiaTest;
import org.lafia.fhir.FhirTestSupport;
import org.springframework.beans.factory.annotation.Autowired;

@LafiaTest
class DemoCountryTest extends FhirTestSupport {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Autowired DemoLoader loader;

  @Test
  void the_geography_is_togo_with_its_regions_prefectures_and_public_facilities_and_always_the_same_bundle() {
    DemoGeography tg = DemoGeography.of("TG");
    assertThat(tg.regions()).isEqualTo(5);
    assertThat(tg.districts()).isEqualTo(39); // the 2019 decree's prefectures
    assertThat(tg.facilities()).isEqualTo(176); // the WHO/KEMRI list's geocoded public facilities
    String once = CTX.newJsonParser().encodeResourceToString(tg.bundle());
    String again = CTX.newJsonParser().encodeResourceToString(DemoGeography.of("tg").bundle());
    assertThat(again).isEqualTo(once);
    Bundle b = tg.bundle();
    assertThat(b.getEntry()).hasSize(2 * (1 + 5 + 39 + 176));
    assertThat(b.getEntry()).allMatch(e -> e.getRequest().getMethod() == Bundle.HTTPVerb.PUT);
  }

  @Test
  void census_populations_add_up_to_the_national_total_region_by_region() {
    Map<String, Integer> population = new HashMap<>();
    Map<String, String> parent = new HashMap<>();
    for (Bundle.BundleEntryComponent e : DemoGeography.of("TG").bundle().getEntry()) {
      if (e.getResource() instanceof Location l && l.hasExtension(DemoGeography.POPULATION)) {
        population.put(l.getIdPart(), ((IntegerType) l.getExtensionByUrl(DemoGeography.POPULATION).getValue()).getValue());
        if (l.hasPartOf()) parent.put(l.getIdPart(), l.getPartOf().getReferenceElement().getIdPart());
      }
    }
    assertThat(population.get("tg")).isEqualTo(8_095_498); // INSEED, RGPH-5 (2022)
    assertThat(population.get("tg-TG03")).isEqualTo(3_534_991); // Maritime, Grand Lomé included
    for (String region : List.of("tg-TG01", "tg-TG02", "tg-TG03", "tg-TG04", "tg-TG05")) {
      int districts = parent.entrySet().stream().filter(x -> x.getValue().equals(region)).mapToInt(x -> population.get(x.getKey())).sum();
      assertThat(districts).as(region).isEqualTo(population.get(region));
    }
  }

  @Test
  void every_facility_lies_inside_the_outline_of_its_prefecture() throws Exception {
    Map<String, JsonNode> outline = new HashMap<>();
    List<Location> facilities = new java.util.ArrayList<>();
    for (Bundle.BundleEntryComponent e : DemoGeography.of("TG").bundle().getEntry()) {
      if (!(e.getResource() instanceof Location l)) continue;
      if (l.hasExtension(DemoGeography.BOUNDARY)) {
        Attachment a = (Attachment) l.getExtensionByUrl(DemoGeography.BOUNDARY).getValue();
        assertThat(a.getContentType()).isEqualTo("application/geo+json");
        JsonNode geometry = JSON.readTree(a.getData());
        assertThat(geometry.get("type").asText()).isIn("Polygon", "MultiPolygon");
        outline.put(l.getIdPart(), geometry);
      } else {
        facilities.add(l);
      }
    }
    assertThat(outline).hasSize(1 + 5 + 39);
    assertThat(facilities).hasSize(176);
    for (Location f : facilities) {
      JsonNode district = outline.get(f.getPartOf().getReferenceElement().getIdPart());
      assertThat(inside(f.getPosition().getLongitude().doubleValue(), f.getPosition().getLatitude().doubleValue(), district))
          .as(f.getName() + " in " + f.getPartOf().getReference()).isTrue();
      // and not inside another prefecture's (the country's outline and the regions' aside)
      long others = outline.entrySet().stream().filter(o -> o.getKey().length() == "tg-TG0101".length())
          .filter(o -> inside(f.getPosition().getLongitude().doubleValue(), f.getPosition().getLatitude().doubleValue(), o.getValue()))
          .count();
      assertThat(others).as(f.getName()).isEqualTo(1);
    }
  }

  @Test
  void loaded_through_the_fhir_api_it_is_searchable_as_a_hierarchy_and_a_second_load_changes_nothing() throws Exception {
    loader.loadInto(base(), 60);
    // Golfe (Lomé) and its facilities, by the mCSD hierarchy
    Bundle golfe = client().search().byUrl("Location?partof=Location/tg-TG0303&_count=100").returnBundle(Bundle.class).execute();
    assertThat(golfe.getEntry()).isNotEmpty();
    assertThat(golfe.getEntry()).allMatch(e -> ((Location) e.getResource()).getPosition().hasLatitude());
    Bundle prefectures = client().search().byUrl("Organization?partof=Organization/tg-TG05&_count=100").returnBundle(Bundle.class).execute();
    assertThat(prefectures.getEntry()).extracting(e -> ((Organization) e.getResource()).getName())
        .containsExactlyInAnyOrder("Cinkassé", "Kpendjal", "Kpendjal-Ouest", "Oti", "Oti-Sud", "Tandjoaré", "Tône");
    Bundle chu = client().search().byUrl("Organization?type=" + DemoGeography.FACILITY_TYPE + "|CHU").returnBundle(Bundle.class).execute();
    assertThat(chu.getEntry()).hasSize(3);
    Bundle jurisdictions = client().search().byUrl("Location?type=" + DemoGeography.MCSD_TYPES + "|jurisdiction&_summary=count")
        .returnBundle(Bundle.class).execute();
    assertThat(jurisdictions.getTotal()).isEqualTo(45);

    // the staff of Lomé's CHU Campus, as generated
    List<DemoWorkers.Worker> campus = workers().workers().stream().filter(w -> w.facility().code().equals("TG0303-005")).toList();
    Bundle staff = client().search().byUrl("PractitionerRole?organization=Organization/tg-fac-TG0303-005&_count=500")
        .returnBundle(Bundle.class).execute();
    assertThat(staff.getEntry()).hasSize(campus.size());
    Bundle midwives = client().search().byUrl("PractitionerRole?organization=Organization/tg-fac-TG0303-005&role="
        + DemoWorkers.CADRE + "|sage-femme&_summary=count").returnBundle(Bundle.class).execute();
    assertThat(midwives.getTotal()).isEqualTo((int) campus.stream().filter(w -> w.cadre().code().equals("sage-femme")).count());

    // the first patient's record, searchable by the usual clinical queries
    DemoPatients.Record first = patients().record(1);
    Bundle temperatures = client().search().byUrl("Observation?patient=" + first.patient().getIdPart()
        + "&code=http://loinc.org|8310-5&_count=100").returnBundle(Bundle.class).execute();
    assertThat(temperatures.getEntry()).hasSize((int) first.resources().stream()
        .filter(r -> r instanceof org.hl7.fhir.r4.model.Observation o && o.getCode().getCodingFirstRep().getCode().equals("8310-5")).count());
    Bundle registered = client().search().byUrl("Patient?organization=Organization/" + first.facility().id() + "&_summary=count")
        .returnBundle(Bundle.class).execute();
    assertThat(registered.getTotal()).isGreaterThanOrEqualTo(1);

    loader.loadInto(base(), 60); // the same load: recognised by its fingerprint, nothing posted
    HttpResponse<String> country = send("GET", "/Organization/tg", null, null);
    assertThat(CTX.newJsonParser().parseResource(Organization.class, country.body()).getMeta()
        .getTag(DemoLoader.LOAD_TAG, DemoLoader.fingerprint(60))).isNotNull();
    loader.loadInto(base(), 61); // one patient more: everything posted again, unchanged resources keep their version
    assertThat(send("GET", "/Patient/" + DemoPatients.patientId(61), null, null).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/Patient/" + DemoPatients.patientId(62), null, null).statusCode()).isEqualTo(404);
    // (Organization/tg itself carries the fingerprint of the last complete load: it changes with each new load)
    for (String ref : List.of("Location/tg", "Organization/tg-TG03", "Location/tg-TG0303", "Location/" + DemoGeography.facilityId("TG0303-001"),
        "Practitioner/" + campus.get(0).id(), "PractitionerRole/" + campus.get(campus.size() - 1).id(),
        "Patient/" + DemoPatients.patientId(1), "Encounter/" + DemoPatients.patientId(1) + "-e1")) {
      HttpResponse<String> r = send("GET", "/" + ref, null, null);
      assertThat(r.statusCode()).isEqualTo(200);
      Resource res = (Resource) CTX.newJsonParser().parseResource(r.body());
      assertThat(res.getMeta().getVersionId()).as(ref).isEqualTo("1");
    }
  }

  private static DemoWorkers workers() {
    return new DemoWorkers(DemoGeography.of("TG"), DemoNames.togo(), DemoWorkers.DEFAULT_SEED);
  }

  @Test
  void health_workers_are_the_same_for_the_same_seed_and_staff_every_facility_by_its_level() {
    String once = CTX.newJsonParser().encodeResourceToString(workers().bundle());
    assertThat(CTX.newJsonParser().encodeResourceToString(workers().bundle())).isEqualTo(once);
    assertThat(new DemoWorkers(DemoGeography.of("TG"), DemoNames.togo(), 7).workers())
        .extracting(w -> w.name().family()).isNotEqualTo(workers().workers().stream().map(w -> w.name().family()).toList());

    List<DemoWorkers.Worker> all = workers().workers();
    Map<String, List<DemoWorkers.Worker>> byFacility = new HashMap<>();
    all.forEach(w -> byFacility.computeIfAbsent(w.facility().code(), k -> new java.util.ArrayList<>()).add(w));
    assertThat(byFacility).hasSize(176); // nobody's facility is empty
    for (DemoGeography.Facility f : DemoGeography.of("TG").facilityList()) {
      List<DemoWorkers.Worker> staff = byFacility.get(f.code());
      double[] usual = DemoWorkers.STAFF.get(f.type());
      for (int c = 0; c < DemoWorkers.CADRES.size(); c++) {
        String cadre = DemoWorkers.CADRES.get(c).code();
        long n = staff.stream().filter(w -> w.cadre().code().equals(cadre)).count();
        long low = Math.round(usual[c] * 0.7), high = Math.round(usual[c] * 1.3);
        if (cadre.equals("infirmier")) low = Math.max(1, low);
        assertThat(n).as(f.code() + " " + f.type() + " " + cadre).isBetween(low, high);
      }
    }
    assertThat(all).filteredOn(w -> w.cadre().code().equals("asc")).allMatch(w -> Set.of("CMS", "USP").contains(w.facility().type()));
    assertThat(all).filteredOn(w -> w.cadre().code().equals("medecin") && w.facility().type().equals("CHU"))
        .extracting(w -> w.specialty()[0]).contains("pediatrie", "gynecologie-obstetrique");
    assertThat(all).filteredOn(w -> w.cadre().prefix() != null).allMatch(w -> w.licence().startsWith("TG-" + w.cadre().prefix() + "-"));
    assertThat(all).allMatch(w -> w.phone().matches("\\+228 (9[0-3]|9[6-9]|70|79) \\d{2} \\d{2} \\d{2}"));
    assertThat(all).extracting(DemoWorkers.Worker::id).doesNotHaveDuplicates();
  }

  @Test
  void workers_names_are_of_their_sex_and_of_their_region() {
    DemoNames names = DemoNames.togo();
    List<DemoWorkers.Worker> all = workers().workers();
    for (DemoWorkers.Worker w : all) {
      assertThat(names.givenNames(w.female())).as(w.id()).containsAll(w.name().given());
      assertThat(w.name().family()).isNotBlank();
    }
    // Midwives are nearly all women; the Savanes' workers mostly Moba or Hausa, Maritime's mostly Ewe or Mina.
    List<DemoWorkers.Worker> midwives = all.stream().filter(w -> w.cadre().code().equals("sage-femme")).toList();
    assertThat(midwives.stream().filter(DemoWorkers.Worker::female).count()).isGreaterThan(midwives.size() * 85L / 100);
    assertThat(share(all, "TG05", Set.of("moba", "hausa"))).isGreaterThan(0.65);
    assertThat(share(all, "TG03", Set.of("ewe"))).isGreaterThan(0.7);
    assertThat(share(all, "TG02", Set.of("kabiye"))).isGreaterThan(0.6);
  }

  private static DemoPatients patients() {
    return new DemoPatients(DemoGeography.of("TG"), DemoNames.togo(), workers(), DemoPatients.DEFAULT_SEED);
  }

  @Test
  void patients_are_the_same_for_the_same_seed_whatever_the_size_of_the_set() {
    DemoPatients p = patients();
    String once = CTX.newJsonParser().encodeResourceToString(p.bundle(1, 40));
    assertThat(CTX.newJsonParser().encodeResourceToString(patients().bundle(1, 40))).isEqualTo(once);
    // patient 17 is patient 17, in a set of 20 or alone
    assertThat(CTX.newJsonParser().encodeResourceToString(p.bundle(17, 17)))
        .isEqualTo(CTX.newJsonParser().encodeResourceToString(patients().bundle(17, 17)));
    assertThat(p.records(1, 20).get(16).patient().getNameFirstRep().getNameAsSingleString())
        .isEqualTo(p.records(17, 17).get(0).patient().getNameFirstRep().getNameAsSingleString());
  }

  @Test
  void patients_follow_a_young_population_and_the_census_and_their_records_the_diseases_of_the_country() {
    List<DemoPatients.Record> all = patients().records(1, 3000);
    java.time.LocalDate ref = DemoPatients.REFERENCE_DAY;
    java.util.function.ToIntFunction<DemoPatients.Record> age = r -> {
      String b = r.patient().getBirthDateElement().getValueAsString();
      return ref.getYear() - Integer.parseInt(b.substring(0, 4));
    };
    long under15 = all.stream().filter(r -> age.applyAsInt(r) < 15).count();
    assertThat(under15 / 3000.0).isBetween(0.33, 0.47);
    long women = all.stream().filter(r -> r.patient().getGender() == org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.FEMALE).count();
    assertThat(women / 3000.0).isBetween(0.46, 0.55);
    // what a client registry meets: birth years alone, 1 January, children with a parent's phone
    assertThat(all).filteredOn(r -> r.patient().getBirthDateElement().getValueAsString().length() == 4).hasSizeGreaterThan(30);
    assertThat(all).filteredOn(r -> r.patient().getBirthDateElement().getValueAsString().endsWith("-01-01")).hasSizeGreaterThan(30);
    // more patients where more people live: Golfe (1.3 million) against Danyi (40,000)
    Map<String, Long> byDistrict = new HashMap<>();
    all.forEach(r -> byDistrict.merge(r.facility().district(), 1L, Long::sum));
    assertThat(byDistrict.get("TG0303")).isGreaterThan(10 * byDistrict.getOrDefault("TG0404", 0L));
    assertThat(byDistrict.get("TG0303") / 3000.0).isBetween(0.10, 0.22); // 16 % of the census

    List<Resource> records = all.stream().flatMap(r -> r.resources().stream()).toList();
    long encounters = records.stream().filter(r -> r instanceof org.hl7.fhir.r4.model.Encounter).count();
    Map<String, Long> diagnoses = new HashMap<>();
    records.stream().filter(r -> r instanceof org.hl7.fhir.r4.model.Condition)
        .forEach(r -> diagnoses.merge(((org.hl7.fhir.r4.model.Condition) r).getCode().getCodingFirstRep().getCode(), 1L, Long::sum));
    assertThat(diagnoses.get("B54") / (double) encounters).isBetween(0.2, 0.4); // malaria, the first cause of consultation
    assertThat(diagnoses).containsKeys("J06.9", "J18.9", "A09", "I10", "E11", "Z34");
    for (DemoPatients.Record r : all) {
      int a = age.applyAsInt(r);
      for (Resource x : r.resources()) {
        if (x instanceof org.hl7.fhir.r4.model.Condition c) {
          String code = c.getCode().getCodingFirstRep().getCode();
          if (code.equals("I10") || code.equals("E11")) assertThat(a).as(r.patient().getIdPart()).isGreaterThanOrEqualTo(35);
          if (code.equals("Z34")) {
            assertThat(r.patient().getGender()).isEqualTo(org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.FEMALE);
            assertThat(a).isBetween(15, 45);
          }
          if (code.equals("A09")) assertThat(a).isLessThanOrEqualTo(8); // a child's diarrhoea, up to three years ago
        }
        if (x instanceof org.hl7.fhir.r4.model.Immunization im) {
          assertThat(a).isLessThanOrEqualTo(6);
          assertThat(im.getOccurrenceDateTimeType().getValueAsString().compareTo(r.patient().getBirthDateElement().getValueAsString())).isGreaterThanOrEqualTo(0);
        }
        if (x instanceof org.hl7.fhir.r4.model.Encounter e) {
          // seen at their own facility, by someone who works there
          assertThat(e.getServiceProvider().getReference()).isEqualTo("Organization/" + r.facility().id());
          assertThat(e.getParticipantFirstRep().getIndividual().getReference()).startsWith("Practitioner/tg-hw-" + r.facility().code() + "-");
        }
      }
    }
  }

  private static double share(List<DemoWorkers.Worker> all, String region, Set<String> origins) {
    List<DemoWorkers.Worker> here = all.stream().filter(w -> w.facility().region().equals(region)).toList();
    return here.stream().filter(w -> origins.contains(w.name().origin())).count() / (double) here.size();
  }

  /** Ray casting over the rings of a GeoJSON Polygon or MultiPolygon (holes excluded). */
  private static boolean inside(double x, double y, JsonNode geometry) {
    JsonNode polygons = geometry.get("type").asText().equals("Polygon")
        ? JSON.createArrayNode().add(geometry.get("coordinates")) : geometry.get("coordinates");
    for (JsonNode polygon : polygons) {
      if (!inRing(x, y, polygon.get(0))) continue;
      boolean hole = false;
      for (int i = 1; i < polygon.size(); i++) hole |= inRing(x, y, polygon.get(i));
      if (!hole) return true;
    }
    return false;
  }

  private static boolean inRing(double x, double y, JsonNode ring) {
    boolean in = false;
    for (int i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
      double xi = ring.get(i).get(0).asDouble(), yi = ring.get(i).get(1).asDouble();
      double xj = ring.get(j).get(0).asDouble(), yj = ring.get(j).get(1).asDouble();
      if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) in = !in;
    }
    return in;
  }
}
