package org.lafia.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Togo's regions, prefectures (the health districts) and public health facilities, in the shape
 * of IHE mCSD: each jurisdiction and each facility is an {@link Organization} and a
 * {@link Location} of the same id, the hierarchy is {@code partOf} on both, jurisdictions carry
 * their outline as the core {@code location-boundary-geojson} extension and their census
 * population, facilities their coordinates and type. Built from {@code demo/tg/geography.json}
 * (made by {@code tools/demo-data/togo.py} from OCHA COD-AB, INSEED RGPH-5 and the WHO/KEMRI
 * facility list; sources and licences in {@code demo/tg/SOURCES.md}), always to the same bundle.
 */
public final class DemoGeography {
  /** IHE mCSD's types that tell jurisdictions from facilities. */
  public static final String MCSD_TYPES = "https://profiles.ihe.net/ITI/mCSD/CodeSystem/IHE.mCSD.Organization.Location.Types";
  /** OCHA P-codes (COD-AB): TG03 Maritime, TG0303 Golfe. */
  public static final String PCODE = "https://data.humdata.org/dataset/cod-ab-tgo";
  public static final String LEVEL = "http://lafia.health/fhir/CodeSystem/jurisdiction-level";
  public static final String FACILITY_TYPE = "http://lafia.health/fhir/CodeSystem/facility-type";
  public static final String FACILITY_CODE = "http://lafia.health/fhir/sid/facility-code";
  public static final String BOUNDARY = "http://hl7.org/fhir/StructureDefinition/location-boundary-geojson";
  public static final String POPULATION = "http://lafia.health/fhir/StructureDefinition/population";
  private static final Map<String, String> FACILITY_TYPES = Map.of(
      "CHU", "Centre hospitalier universitaire",
      "CHR", "Centre hospitalier régional",
      "CHP", "Centre hospitalier préfectoral",
      "CMS", "Centre médico-social",
      "USP", "Unité de soins périphérique");

  private final JsonNode data;

  private DemoGeography(JsonNode data) {
    this.data = data;
  }

  /** The geography of a country; only Togo ({@code TG}) exists so far. */
  public static DemoGeography of(String country) {
    if (!"TG".equalsIgnoreCase(country)) {
      throw new IllegalArgumentException("No demo country '" + country + "': only TG (Togo) exists. / Pays de démonstration inconnu : seul TG (Togo) existe.");
    }
    try (InputStream in = DemoGeography.class.getResourceAsStream("/demo/tg/geography.json")) {
      if (in == null) throw new IllegalStateException("demo/tg/geography.json is missing from the build");
      return new DemoGeography(new ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Ids of the resources, for callers that check what was loaded. */
  public static String jurisdictionId(String code) {
    return code.equals("TG") ? "tg" : "tg-" + code;
  }

  public static String facilityId(String code) {
    return "tg-fac-" + code;
  }

  /** A public health facility of the list: its code (district P-code and number), name, type (CHU… USP) and where it is. */
  public record Facility(String code, String name, String type, String district, String region) {
    public String id() {
      return facilityId(code);
    }
  }

  /** The facilities, in the file's order (by district, then name). */
  public java.util.List<Facility> facilityList() {
    java.util.Map<String, String> regionOf = new java.util.HashMap<>();
    for (JsonNode d : data.get("districts")) regionOf.put(d.get("pcode").asText(), d.get("region").asText());
    java.util.List<Facility> out = new java.util.ArrayList<>();
    for (JsonNode f : data.get("facilities")) {
      String district = f.get("district").asText();
      out.add(new Facility(f.get("code").asText(), f.get("name").asText(), f.get("type").asText(), district, regionOf.get(district)));
    }
    return out;
  }

  /** Census population of each prefecture, by P-code. */
  public Map<String, Integer> districtPopulations() {
    Map<String, Integer> out = new java.util.LinkedHashMap<>();
    for (JsonNode d : data.get("districts")) out.put(d.get("pcode").asText(), d.get("population").asInt());
    return out;
  }

  public String districtName(String pcode) {
    return nameOf("districts", pcode);
  }

  public String regionName(String pcode) {
    return nameOf("regions", pcode);
  }

  private String nameOf(String list, String pcode) {
    for (JsonNode x : data.get(list)) if (x.get("pcode").asText().equals(pcode)) return x.get("name").asText();
    throw new IllegalArgumentException("No " + list + " " + pcode);
  }

  public int regions() {
    return data.get("regions").size();
  }

  public int districts() {
    return data.get("districts").size();
  }

  public int facilities() {
    return data.get("facilities").size();
  }

  /**
   * The whole geography as one transaction of PUTs with fixed ids: loading it twice changes
   * nothing (unchanged content makes no new version), two nodes loading it at once agree.
   */
  public Bundle bundle() {
    Bundle b = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    JsonNode country = data.get("country");
    jurisdiction(b, "TG", country.get("name").asText(), "country", null, country);
    for (JsonNode r : data.get("regions")) {
      jurisdiction(b, r.get("pcode").asText(), r.get("name").asText(), "region", "TG", r);
    }
    for (JsonNode d : data.get("districts")) {
      jurisdiction(b, d.get("pcode").asText(), d.get("name").asText(), "district", d.get("region").asText(), d);
    }
    for (JsonNode f : data.get("facilities")) facility(b, f);
    return b;
  }

  private static void jurisdiction(Bundle b, String code, String name, String level, String parent, JsonNode src) {
    String id = jurisdictionId(code);
    Organization org = new Organization();
    org.setId(id);
    org.addIdentifier().setSystem(code.equals("TG") ? "urn:iso:std:iso:3166" : PCODE).setValue(code);
    org.setActive(true).setName(name);
    org.addType(type(MCSD_TYPES, "jurisdiction", "Jurisdiction"));
    String levelName = switch (level) {
      case "country" -> "Pays";
      case "region" -> "Région";
      default -> "Préfecture (district sanitaire)";
    };
    org.addType(type(LEVEL, level, levelName));
    if (parent != null) org.setPartOf(new Reference("Organization/" + jurisdictionId(parent)));

    Location loc = new Location();
    loc.setId(id);
    loc.addIdentifier().setSystem(code.equals("TG") ? "urn:iso:std:iso:3166" : PCODE).setValue(code);
    loc.setStatus(Location.LocationStatus.ACTIVE).setName(name).setMode(Location.LocationMode.INSTANCE);
    loc.addType(type(MCSD_TYPES, "jurisdiction", "Jurisdiction"));
    loc.addType(type(LEVEL, level, levelName));
    loc.setPhysicalType(type("http://terminology.hl7.org/CodeSystem/location-physical-type", "jdn", "Jurisdiction"));
    loc.setManagingOrganization(new Reference("Organization/" + id));
    if (parent != null) loc.setPartOf(new Reference("Location/" + jurisdictionId(parent)));
    loc.addExtension(BOUNDARY, new Attachment().setContentType("application/geo+json")
        .setData(src.get("boundary").toString().getBytes(StandardCharsets.UTF_8)));
    if (src.hasNonNull("population")) loc.addExtension(POPULATION, new IntegerType(src.get("population").asInt()));
    put(b, org);
    put(b, loc);
  }

  private static void facility(Bundle b, JsonNode f) {
    String code = f.get("code").asText();
    String id = facilityId(code);
    String kind = f.get("type").asText();
    String district = jurisdictionId(f.get("district").asText());
    Organization org = new Organization();
    org.setId(id);
    org.addIdentifier().setSystem(FACILITY_CODE).setValue(code);
    org.setActive(true).setName(f.get("name").asText());
    org.addType(type(MCSD_TYPES, "facility", "Facility"));
    org.addType(type(FACILITY_TYPE, kind, FACILITY_TYPES.get(kind)));
    org.setPartOf(new Reference("Organization/" + district));

    Location loc = new Location();
    loc.setId(id);
    loc.addIdentifier().setSystem(FACILITY_CODE).setValue(code);
    loc.setStatus(Location.LocationStatus.ACTIVE).setName(f.get("name").asText()).setMode(Location.LocationMode.INSTANCE);
    loc.addType(type(MCSD_TYPES, "facility", "Facility"));
    loc.addType(type(FACILITY_TYPE, kind, FACILITY_TYPES.get(kind)));
    loc.setPhysicalType(type("http://terminology.hl7.org/CodeSystem/location-physical-type", "bu", "Building"));
    loc.setPosition(new Location.LocationPositionComponent()
        .setLongitude(f.get("lon").decimalValue()).setLatitude(f.get("lat").decimalValue()));
    loc.setManagingOrganization(new Reference("Organization/" + id));
    loc.setPartOf(new Reference("Location/" + district));
    put(b, org);
    put(b, loc);
  }

  private static CodeableConcept type(String system, String code, String display) {
    return new CodeableConcept(new Coding(system, code, display));
  }

  private static void put(Bundle b, Resource r) {
    String ref = r.fhirType() + "/" + r.getIdElement().getIdPart();
    b.addEntry().setResource(r).getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(ref);
  }
}
