package org.lafia.console;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The facility registry (list with search by name and filters by region, prefecture and type; a
 * facility's page with its place, staff and patients) and the health-worker list, read through
 * the FHIR API as the signed-in person.
 */
@Controller
class RegistryController {
  static final String CADRE = "http://lafia.health/fhir/CodeSystem/cadre";
  static final List<String> CADRES = List.of("medecin", "infirmier", "sage-femme", "pharmacien", "technicien-laboratoire", "asc");

  private final ConsoleFhir fhir;

  RegistryController(ConsoleFhir fhir) {
    this.fhir = fhir;
  }

  /** A jurisdiction offered as a filter. */
  record Area(String id, String name, String parent) {}

  /** A facility as the list shows it. */
  record FacilityRow(String id, String name, String type, String district) {}

  @GetMapping("/facilities")
  String facilities(@RequestParam(required = false) String q, @RequestParam(required = false) String region,
      @RequestParam(required = false) String district, @RequestParam(required = false) String type,
      Authentication auth, HttpServletRequest request, Model model) throws Exception {
    String login = auth.getName();
    model.addAttribute("regions", areas(fhir, request, login, "region"));
    model.addAttribute("districts", areas(fhir, request, login, "district"));
    model.addAttribute("types", ConsoleController.TYPES);
    model.addAttribute("q", q);
    model.addAttribute("region", region);
    model.addAttribute("district", district);
    model.addAttribute("type", type);
    StringBuilder query = new StringBuilder("Organization?type=").append(enc(ConsoleController.MCSD_TYPES + "|facility"))
        .append("&_count=1000&_sort=name&_include=Organization:partof");
    if (has(q)) for (String w : q.trim().split("\\s+")) query.append("&name:contains=").append(enc(w));
    if (has(type) && ConsoleController.TYPES.contains(type)) query.append("&type=").append(enc(ConsoleController.FACILITY_TYPE + "|" + type));
    if (has(district)) query.append("&partof=").append(enc("Organization/" + district));
    else if (has(region)) query.append("&partof:Organization.partof=").append(enc("Organization/" + region));
    ConsoleFhir.Answer a = fhir.searchAll(request, login, query.toString(), 5_000);
    if (!a.ok()) {
      model.addAttribute("problem", "registry.error");
      model.addAttribute("rows", List.of());
      return "facilities";
    }
    Map<String, String> names = a.organizationNames();
    List<FacilityRow> rows = new ArrayList<>();
    for (Bundle.BundleEntryComponent e : a.bundle().getEntry()) {
      if (e.getSearch().getMode() == Bundle.SearchEntryMode.MATCH && e.getResource() instanceof Organization o) {
        rows.add(new FacilityRow(o.getIdPart(), o.getName(), code(o.getType(), ConsoleController.FACILITY_TYPE),
            o.hasPartOf() ? names.get(o.getPartOf().getReference()) : null));
      }
    }
    model.addAttribute("rows", rows);
    return "facilities";
  }

  /** A health worker as the lists show them. */
  record WorkerRow(String id, String name, String cadre, String specialty, String facilityId, String facility, String phone) {}

  @GetMapping("/facilities/{id}")
  String facility(@PathVariable String id, Authentication auth, HttpServletRequest request, HttpServletResponse response, Model model)
      throws Exception {
    String login = auth.getName();
    if (!id.matches("[A-Za-z0-9\\-.]{1,64}")) return notFound(response, model);
    ConsoleFhir.Answer a = fhir.search(request, login, "Organization?_id=" + enc(id) + "&_include=Organization:partof");
    Organization org = null;
    Map<String, String> names = new LinkedHashMap<>();
    if (a.ok()) {
      for (Bundle.BundleEntryComponent e : a.bundle().getEntry()) {
        if (e.getResource() instanceof Organization o) {
          names.put("Organization/" + o.getIdPart(), o.getName());
          if (o.getIdPart().equals(id)) org = o;
        }
      }
    }
    if (org == null) return notFound(response, model);
    ConsoleFhir.Answer place = fhir.search(request, login, "Location?organization=" + enc("Organization/" + id) + "&_count=5");
    Location loc = place.ok() ? place.bundle().getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
        .filter(Location.class::isInstance).map(Location.class::cast).findFirst().orElse(null) : null;
    model.addAttribute("id", id);
    model.addAttribute("types", ConsoleController.TYPES);
    model.addAttribute("status", loc != null && loc.hasStatus() ? loc.getStatus().toCode() : org.getActive() ? "active" : "inactive");
    model.addAttribute("name", org.getName());
    model.addAttribute("type", code(org.getType(), ConsoleController.FACILITY_TYPE));
    model.addAttribute("district", org.hasPartOf() ? names.get(org.getPartOf().getReference()) : null);
    model.addAttribute("latitude", loc != null && loc.hasPosition() ? loc.getPosition().getLatitude() : null);
    model.addAttribute("longitude", loc != null && loc.hasPosition() ? loc.getPosition().getLongitude() : null);
    model.addAttribute("workers", workers(fhir, request, login, "organization=" + enc("Organization/" + id)));
    ConsoleFhir.Answer patients = fhir.search(request, login, "Patient?organization=" + enc("Organization/" + id) + "&_summary=count");
    model.addAttribute("patients", patients.ok() && patients.bundle().hasTotal() ? patients.bundle().getTotal() : null);
    return "facility";
  }

  /**
   * A registry steward's edit of a facility (name, type, status, coordinates): the Organization
   * and its Location written in one FHIR transaction as the steward, so the registry's rules
   * (coordinates inside the district...) and the audit trail apply; a refusal is shown as the API
   * worded it.
   */
  @org.springframework.web.bind.annotation.PostMapping("/facilities/{id}")
  String edit(@PathVariable String id, @RequestParam String name, @RequestParam(required = false) String type,
      @RequestParam(required = false) String status, @RequestParam(required = false) String latitude,
      @RequestParam(required = false) String longitude, Authentication auth, HttpServletRequest request, HttpServletResponse response,
      org.springframework.web.servlet.mvc.support.RedirectAttributes redirect, Model model) throws Exception {
    String login = auth.getName();
    if (!id.matches("[A-Za-z0-9\\-.]{1,64}")) return notFound(response, model);
    ConsoleFhir.Answer a = fhir.search(request, login, "Organization?_id=" + enc(id));
    Organization org = a.ok() ? a.bundle().getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
        .filter(Organization.class::isInstance).map(Organization.class::cast).findFirst().orElse(null) : null;
    if (org == null) return notFound(response, model);
    ConsoleFhir.Answer place = fhir.search(request, login, "Location?organization=" + enc("Organization/" + id) + "&_count=5");
    Location loc = place.ok() ? place.bundle().getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
        .filter(Location.class::isInstance).map(Location.class::cast).findFirst().orElse(null) : null;
    String problem = null;
    if (name == null || name.isBlank()) problem = "facility.edit.name";
    String st = status == null || status.isBlank() ? "active" : status;
    if (!List.of("active", "inactive", "suspended").contains(st)) problem = "facility.edit.status";
    java.math.BigDecimal lat = null, lon = null;
    if (has(latitude) || has(longitude)) {
      try {
        lat = new java.math.BigDecimal(latitude.trim().replace(',', '.'));
        lon = new java.math.BigDecimal(longitude.trim().replace(',', '.'));
      } catch (NumberFormatException | NullPointerException e) {
        problem = "facility.edit.position";
      }
    }
    if (problem != null) {
      redirect.addFlashAttribute("editError", problem);
      return "redirect:/facilities/" + id;
    }
    org.setName(name.trim()).setActive(!st.equals("inactive"));
    setType(org.getType(), type);
    Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    tx.addEntry().setResource(org).getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl("Organization/" + id);
    if (loc != null) {
      loc.setName(name.trim()).setStatus(Location.LocationStatus.fromCode(st));
      setType(loc.getType(), type);
      if (lat != null) loc.setPosition(new Location.LocationPositionComponent().setLatitude(lat).setLongitude(lon));
      tx.addEntry().setResource(loc).getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl("Location/" + loc.getIdPart());
    }
    var r = fhir.post(request, login, "/fhir", "application/fhir+json",
        ca.uhn.fhir.context.FhirContext.forR4Cached().newJsonParser().encodeResourceToString(tx));
    if (r.statusCode() == 200) {
      redirect.addFlashAttribute("saved", true);
    } else if (r.statusCode() == 403) {
      response.setStatus(403);
      model.addAttribute("problem", "facility.edit.forbidden");
      return "refused";
    } else {
      redirect.addFlashAttribute("editRefused", diagnostics(r.body()));
    }
    return "redirect:/facilities/" + id;
  }

  /** The facility registry as CSV, read through the API as the person (registry stewards). */
  @GetMapping(value = "/facilities.csv")
  Object exportCsv(Authentication auth, HttpServletRequest request, HttpServletResponse response, Model model) throws Exception {
    var r = fhir.get(request, auth.getName(), "/api/registry/facilities.csv", "text/csv");
    if (r.statusCode() != 200) {
      response.setStatus(r.statusCode() == 403 ? 403 : 502);
      model.addAttribute("problem", r.statusCode() == 403 ? "facility.edit.forbidden" : "registry.error");
      return "refused";
    }
    return org.springframework.http.ResponseEntity.ok().contentType(new org.springframework.http.MediaType("text", "csv",
        java.nio.charset.StandardCharsets.UTF_8)).header("Content-Disposition", "attachment; filename=\"etablissements.csv\"").body(r.body());
  }

  /** A CSV of facilities imported through the API as the person; the answer (counts, or the bad rows) shown on the list. */
  @org.springframework.web.bind.annotation.PostMapping("/facilities/import")
  String importCsv(@RequestParam("file") org.springframework.web.multipart.MultipartFile file, Authentication auth,
      HttpServletRequest request, org.springframework.web.servlet.mvc.support.RedirectAttributes redirect) throws Exception {
    String body = new String(file.getBytes(), java.nio.charset.StandardCharsets.UTF_8);
    var r = fhir.post(request, auth.getName(), "/api/registry/facilities.csv", "text/csv", body);
    if (r.statusCode() == 200) {
      var n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
      redirect.addFlashAttribute("imported", List.of(n.path("created").asInt(), n.path("updated").asInt()));
    } else {
      redirect.addFlashAttribute("importError", diagnostics(r.body()));
    }
    return "redirect:/facilities";
  }

  /** The human part of an OperationOutcome or a problem+json. */
  private static String diagnostics(String body) {
    try {
      var n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
      if (n.has("detail")) return n.get("detail").asText();
      if (n.has("issue")) return n.get("issue").get(0).path("diagnostics").asText();
    } catch (Exception e) {
      // not JSON: the body as it came
    }
    return body.length() > 500 ? body.substring(0, 500) : body;
  }

  private static void setType(List<CodeableConcept> types, String type) {
    if (type == null || type.isBlank() || !ConsoleController.TYPES.contains(type)) return;
    types.removeIf(t -> t.getCoding().stream().anyMatch(c -> ConsoleController.FACILITY_TYPE.equals(c.getSystem())));
    types.add(new CodeableConcept(new Coding(ConsoleController.FACILITY_TYPE, type, null)));
  }

  @GetMapping("/workers")
  String workers(@RequestParam(required = false) String q, @RequestParam(required = false) String cadre,
      Authentication auth, HttpServletRequest request, Model model) throws Exception {
    model.addAttribute("q", q);
    model.addAttribute("cadre", cadre);
    model.addAttribute("cadres", CADRES);
    List<String> filter = new ArrayList<>();
    if (has(q)) for (String w : q.trim().split("\\s+")) filter.add("practitioner:Practitioner.name=" + enc(w));
    if (has(cadre) && CADRES.contains(cadre)) filter.add("role=" + enc(CADRE + "|" + cadre));
    model.addAttribute("searched", !filter.isEmpty());
    model.addAttribute("workers", filter.isEmpty() ? List.of() : workers(fhir, request, auth.getName(), String.join("&", filter)));
    return "workers";
  }

  private List<WorkerRow> workers(ConsoleFhir fhir, HttpServletRequest request, String login, String filter) throws Exception {
    ConsoleFhir.Answer a = fhir.search(request, login, "PractitionerRole?" + filter
        + "&_count=200&_include=PractitionerRole:practitioner&_include=PractitionerRole:organization");
    if (!a.ok()) return List.of();
    Map<String, Practitioner> people = new LinkedHashMap<>();
    Map<String, String> orgs = a.organizationNames();
    for (Bundle.BundleEntryComponent e : a.bundle().getEntry()) {
      if (e.getResource() instanceof Practitioner p) people.put("Practitioner/" + p.getIdPart(), p);
    }
    List<WorkerRow> out = new ArrayList<>();
    for (Bundle.BundleEntryComponent e : a.bundle().getEntry()) {
      if (!(e.getResource() instanceof PractitionerRole r)) continue;
      Practitioner p = people.get(r.getPractitioner().getReference());
      String name = p != null ? p.getNameFirstRep().getNameAsSingleString() : r.getPractitioner().getDisplay();
      String phone = r.getTelecom().stream().filter(t -> t.getSystem() == ContactPoint.ContactPointSystem.PHONE)
          .map(ContactPoint::getValue).findFirst().orElse(null);
      String specialty = r.hasSpecialty() ? r.getSpecialtyFirstRep().getCodingFirstRep().getDisplay() : null;
      out.add(new WorkerRow(r.getIdPart(), name, r.hasCode() ? code(r.getCode(), CADRE) : null, specialty,
          r.getOrganization().getReferenceElement().getIdPart(), orgs.getOrDefault(r.getOrganization().getReference(),
              r.getOrganization().getDisplay()), phone));
    }
    out.sort(Comparator.comparing(WorkerRow::cadre, Comparator.nullsLast(Comparator.comparing(CADRES::indexOf)))
        .thenComparing(WorkerRow::name, Comparator.nullsLast(Comparator.naturalOrder())));
    return out;
  }

  private List<Area> areas(ConsoleFhir fhir, HttpServletRequest request, String login, String level) throws Exception {
    ConsoleFhir.Answer a = fhir.search(request, login, "Organization?type=" + enc(ConsoleController.LEVEL + "|" + level)
        + "&_count=500&_sort=name&_elements=name,partOf");
    if (!a.ok()) return List.of();
    List<Area> out = new ArrayList<>();
    for (Bundle.BundleEntryComponent e : a.bundle().getEntry()) {
      if (e.getResource() instanceof Organization o) {
        out.add(new Area(o.getIdPart(), o.getName(), o.hasPartOf() ? o.getPartOf().getReferenceElement().getIdPart() : null));
      }
    }
    return out;
  }

  private static String notFound(HttpServletResponse response, Model model) {
    response.setStatus(404);
    model.addAttribute("problem", "registry.notFound");
    return "refused";
  }

  private static String code(List<CodeableConcept> concepts, String system) {
    return concepts.stream().flatMap(c -> c.getCoding().stream()).filter(c -> system.equals(c.getSystem()))
        .map(Coding::getCode).findFirst().orElse(null);
  }

  private static boolean has(String s) {
    return s != null && !s.isBlank();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
