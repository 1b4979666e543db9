package org.lafia.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The console's home: what the signed-in person's role covers (facilities, health workers, the
 * patients open to them), their latest consultations, and the map of the country — districts
 * outlined, facilities as points coloured by type — whose data the page fetches after it has
 * loaded (the page itself stays small on a 3G connection).
 */
@Controller
class ConsoleController {
  // The platform's registry conventions (IHE mCSD types, Lafia's facility types and levels).
  static final String MCSD_TYPES = "https://profiles.ihe.net/ITI/mCSD/CodeSystem/IHE.mCSD.Organization.Location.Types";
  static final String LEVEL = "http://lafia.health/fhir/CodeSystem/jurisdiction-level";
  static final String FACILITY_TYPE = "http://lafia.health/fhir/CodeSystem/facility-type";
  static final String BOUNDARY = "http://hl7.org/fhir/StructureDefinition/location-boundary-geojson";
  static final String POPULATION = "http://lafia.health/fhir/StructureDefinition/population";
  static final List<String> TYPES = List.of("CHU", "CHR", "CHP", "CMS", "USP");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ConsoleFhir fhir;

  ConsoleController(ConsoleFhir fhir) {
    this.fhir = fhir;
  }

  @GetMapping("/")
  String home(Authentication auth, HttpServletRequest request, Model model) throws Exception {
    String login = auth.getName();
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("facilities", count(fhir, request, login, "Organization?type=" + enc(MCSD_TYPES + "|facility") + "&_summary=count"));
    counts.put("workers", count(fhir, request, login, "PractitionerRole?_summary=count"));
    counts.put("patients", count(fhir, request, login, "Patient?_summary=count"));
    model.addAttribute("counts", counts);
    model.addAttribute("visits", recentVisits(fhir, request, login));
    model.addAttribute("types", TYPES);
    return "home";
  }

  /** A consultation as the home page lists it. */
  record Visit(java.util.Date date, String patientId, String patient, String facility) {}

  private List<Visit> recentVisits(ConsoleFhir fhir, HttpServletRequest request, String login) throws Exception {
    ConsoleFhir.Answer a = fhir.search(request, login,
        "Encounter?_sort=-date&_count=5&_include=Encounter:subject&_include=Encounter:service-provider");
    if (!a.ok()) return List.of();
    Map<String, String> names = new HashMap<>(a.organizationNames());
    for (Bundle.BundleEntryComponent e : a.bundle().getEntry()) {
      if (e.getResource() instanceof Patient p) names.put("Patient/" + p.getIdPart(), p.getNameFirstRep().getNameAsSingleString());
    }
    List<Visit> out = new ArrayList<>();
    for (Bundle.BundleEntryComponent e : a.bundle().getEntry()) {
      if (e.getResource() instanceof Encounter enc) {
        out.add(new Visit(enc.getPeriod().getStart(), enc.getSubject().getReferenceElement().getIdPart(),
            names.getOrDefault(enc.getSubject().getReference(), "—"),
            names.getOrDefault(enc.getServiceProvider().getReference(), "—")));
      }
    }
    return out;
  }

  /** Districts as GeoJSON features: outline, name, census population. */
  @GetMapping(value = "/console/map/districts.json", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<String> districts(Authentication auth, HttpServletRequest request) throws Exception {
    ConsoleFhir.Answer a = fhir.searchAll(request, auth.getName(), "Location?type=" + enc(LEVEL + "|district") + "&_count=500", 20_000);
    if (!a.ok()) return ResponseEntity.status(a.status()).build();
    ArrayNode features = JSON.createArrayNode();
    for (Bundle.BundleEntryComponent e : a.bundle().getEntry()) {
      if (!(e.getResource() instanceof Location l) || !l.hasExtension(BOUNDARY)) continue;
      ObjectNode f = features.addObject().put("type", "Feature");
      f.putObject("properties").put("id", l.getIdPart()).put("name", l.getName())
          .put("population", l.hasExtension(POPULATION) ? ((IntegerType) l.getExtensionByUrl(POPULATION).getValue()).getValue() : null);
      f.set("geometry", JSON.readTree(new String(((Attachment) l.getExtensionByUrl(BOUNDARY).getValue()).getData(), StandardCharsets.UTF_8)));
    }
    return ResponseEntity.ok(collection(features));
  }

  /** Facilities as GeoJSON points: name and type. */
  @GetMapping(value = "/console/map/facilities.json", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<String> facilities(Authentication auth, HttpServletRequest request) throws Exception {
    ConsoleFhir.Answer a = fhir.searchAll(request, auth.getName(),
        "Location?type=" + enc(MCSD_TYPES + "|facility") + "&_count=1000&_elements=name,type,position", 50_000);
    if (!a.ok()) return ResponseEntity.status(a.status()).build();
    ArrayNode features = JSON.createArrayNode();
    for (Bundle.BundleEntryComponent e : a.bundle().getEntry()) {
      if (!(e.getResource() instanceof Location l) || !l.hasPosition()) continue;
      String type = l.getType().stream().flatMap(c -> c.getCoding().stream()).filter(c -> FACILITY_TYPE.equals(c.getSystem()))
          .map(Coding::getCode).findFirst().orElse("");
      ObjectNode f = features.addObject().put("type", "Feature");
      f.putObject("properties").put("id", l.getIdPart()).put("name", l.getName()).put("type", type);
      ObjectNode g = f.putObject("geometry").put("type", "Point");
      g.putArray("coordinates").add(l.getPosition().getLongitude()).add(l.getPosition().getLatitude());
    }
    return ResponseEntity.ok(collection(features));
  }

  private static String collection(ArrayNode features) {
    ObjectNode fc = JSON.createObjectNode().put("type", "FeatureCollection");
    fc.set("features", features);
    return fc.toString();
  }

  private static Integer count(ConsoleFhir fhir, HttpServletRequest request, String login, String query) throws Exception {
    ConsoleFhir.Answer a = fhir.search(request, login, query);
    return a.ok() && a.bundle().hasTotal() ? a.bundle().getTotal() : null;
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
