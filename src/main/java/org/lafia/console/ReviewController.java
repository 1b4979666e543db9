package org.lafia.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.http.HttpResponse;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The registry stewards' review queue: each pair the registry could not decide, side by side,
 * field by field, agreement highlighted with the registry's own reading of it, and the decision —
 * the same person (link), not the same person, or later. Read and decided through the API as the
 * signed-in steward ({@code /api/registry/reviews}, the Patients through FHIR).
 */
@Controller
class ReviewController {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PAGE = 20;

  private final ConsoleFhir fhir;

  ReviewController(ConsoleFhir fhir) {
    this.fhir = fhir;
  }

  /** One field of the two records: their values and how the registry judged the agreement (agree, close, differ, missing). */
  record Field(String label, String left, String right, String agreement, String how) {}

  /** A pair of the queue as the page shows it. */
  record Pair(long id, String status, int percent, String newId, String newNhid, String candidateId, String candidateNhid,
      List<Field> fields, String note) {}

  @GetMapping("/reviews")
  String reviews(@RequestParam(required = false) String patient, Authentication auth, HttpServletRequest request,
      HttpServletResponse response, Model model) throws Exception {
    boolean one = patient != null && patient.matches("[A-Za-z0-9\\-.]{1,64}");
    model.addAttribute("patient", one ? patient : null);
    HttpResponse<String> r = fhir.get(request, auth.getName(), "/api/registry/reviews?count=" + PAGE
        + (one ? "&patient=" + patient : ""), "application/json");
    if (r.statusCode() != 200) {
      response.setStatus(r.statusCode() == 403 ? 403 : 502);
      model.addAttribute("problem", r.statusCode() == 403 ? "reviews.forbidden" : "reviews.error");
      return "refused";
    }
    JsonNode queue = JSON.readTree(r.body()).path("reviews");
    Set<String> ids = new LinkedHashSet<>();
    queue.forEach(q -> {
      ids.add(q.path("patient").path("id").asText());
      ids.add(q.path("candidate").path("id").asText());
    });
    Map<String, Patient> patients = new LinkedHashMap<>();
    Map<String, String> facilities = new LinkedHashMap<>();
    if (!ids.isEmpty()) {
      ConsoleFhir.Answer a = fhir.search(request, auth.getName(), "Patient?_id=" + String.join(",", ids)
          + "&_count=" + (2 * PAGE) + "&_include=Patient:organization");
      if (a.ok()) {
        facilities.putAll(a.organizationNames());
        for (Bundle.BundleEntryComponent e : a.bundle().getEntry()) {
          if (e.getResource() instanceof Patient p) patients.put(p.getIdPart(), p);
        }
      }
    }
    List<Pair> pairs = new ArrayList<>();
    for (JsonNode q : queue) {
      Map<String, String> agreement = new LinkedHashMap<>();
      q.path("evidence").forEach(e -> agreement.put(e.path("field").asText(), e.path("agreement").asText()));
      Patient left = patients.get(q.path("patient").path("id").asText());
      Patient right = patients.get(q.path("candidate").path("id").asText());
      pairs.add(new Pair(q.path("id").asLong(), q.path("status").asText(), (int) Math.floor(q.path("score").asDouble() * 100),
          q.path("patient").path("id").asText(), display(q.path("patient").path("nhid").asText()), q.path("candidate").path("id").asText(),
          display(q.path("candidate").path("nhid").asText()), fields(left, right, agreement, facilities), q.path("note").asText(null)));
    }
    model.addAttribute("pairs", pairs);
    return "reviews";
  }

  /** A golden-record field as the person page shows it. */
  record Golden(String field, String value, String source, String rule) {}

  /** A person (their national health ID): golden record, source records, moves. Registry stewards only (the API decides). */
  @GetMapping("/persons/{nhid}")
  String person(@PathVariable String nhid, Authentication auth, HttpServletRequest request, HttpServletResponse response, Model model)
      throws Exception {
    if (!nhid.matches("[A-Za-z0-9 ]{2,20}")) {
      response.setStatus(400);
      model.addAttribute("problem", "person.invalid");
      return "refused";
    }
    HttpResponse<String> r = fhir.get(request, auth.getName(), "/api/registry/persons/" + nhid.replace(" ", ""), "application/json");
    if (r.statusCode() != 200) {
      response.setStatus(r.statusCode() == 403 ? 403 : r.statusCode() == 404 ? 404 : r.statusCode() == 400 ? 400 : 502);
      model.addAttribute("problem", r.statusCode() == 403 ? "reviews.forbidden" : r.statusCode() == 404 ? "person.unknown"
          : r.statusCode() == 400 ? "person.invalid" : "reviews.error");
      return "refused";
    }
    JsonNode p = JSON.readTree(r.body());
    List<Golden> golden = new ArrayList<>();
    p.path("golden").fields().forEachRemaining(e -> golden.add(new Golden(e.getKey(), e.getValue().path("value").asText(),
        e.getValue().path("source").asText(), e.getValue().path("rule").asText())));
    List<Map<String, String>> records = new ArrayList<>();
    p.path("records").forEach(x -> records.add(Map.of("id", x.path("patientId").asText(), "band", x.path("band").asText(),
        "score", x.path("score").isNumber() ? (int) Math.floor(x.path("score").asDouble() * 100) + " %" : "—",
        "by", x.path("decidedBy").asText(), "at", x.path("decidedAt").asText().replace('T', ' ').replaceAll("\\..*", ""))));
    List<Map<String, String>> events = new ArrayList<>();
    p.path("events").forEach(x -> events.add(Map.of("kind", x.path("kind").asText(), "patient", x.path("patientId").asText(),
        "from", display(x.path("fromNhid").asText()), "to", display(x.path("toNhid").asText()), "by", x.path("byAgent").asText(),
        "at", x.path("at").asText().replace('T', ' ').replaceAll("\\..*", ""))));
    model.addAttribute("nhid", p.path("display").asText());
    model.addAttribute("mergedInto", p.path("mergedInto").isTextual() ? p.path("mergedInto").asText() : null);
    model.addAttribute("golden", golden);
    model.addAttribute("records", records);
    model.addAttribute("events", events);
    return "person";
  }

  @PostMapping("/reviews/{id}")
  String decide(@PathVariable long id, @RequestParam String decision, @RequestParam(required = false) String note,
      @RequestParam(required = false) String patient, Authentication auth, HttpServletRequest request, RedirectAttributes redirect)
      throws Exception {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("decision", decision);
    if (note != null && !note.isBlank()) body.put("note", note);
    HttpResponse<String> r = fhir.postJson(request, auth.getName(), "/api/registry/reviews/" + id, JSON.writeValueAsString(body));
    if (r.statusCode() == 200) {
      redirect.addFlashAttribute("decided", decision);
    } else {
      String detail = r.body();
      try {
        detail = JSON.readTree(r.body()).path("detail").asText(detail);
      } catch (Exception e) {
        // not problem+json: the body as it came
      }
      redirect.addFlashAttribute("error", detail);
    }
    if (patient != null && patient.matches("[A-Za-z0-9\\-.]{1,64}")) redirect.addAttribute("patient", patient);
    return "redirect:/reviews";
  }

  private static List<Field> fields(Patient a, Patient b, Map<String, String> agreement, Map<String, String> facilities) {
    List<Field> out = new ArrayList<>();
    out.add(field("reviews.field.family", family(a), family(b), agreement.get("family")));
    out.add(field("reviews.field.given", given(a), given(b), agreement.get("given")));
    out.add(field("reviews.field.sex", a == null || !a.hasGender() ? null : a.getGender().toCode(),
        b == null || !b.hasGender() ? null : b.getGender().toCode(), agreement.get("sex")));
    out.add(field("reviews.field.birthDate", a == null ? null : a.getBirthDateElement().getValueAsString(),
        b == null ? null : b.getBirthDateElement().getValueAsString(), agreement.get("birth_date")));
    out.add(field("reviews.field.phone", phone(a), phone(b), agreement.get("phone")));
    out.add(field("reviews.field.address", address(a), address(b), agreement.get("address")));
    out.add(field("reviews.field.facility", facility(a, facilities), facility(b, facilities), null));
    return out;
  }

  /** The registry's judgement, as a class: agree (exact, same), close (a typo, a sound, a swap), differ, or missing. */
  private static Field field(String label, String left, String right, String how) {
    String agreement;
    if (left == null || right == null || left.isBlank() || right.isBlank()) agreement = "missing";
    else if (how == null) agreement = fold(left).equals(fold(right)) ? "agree" : "differ";
    else if (how.equals("exact") || how.equals("same")) agreement = "agree";
    else if (how.equals("different")) agreement = "differ";
    else agreement = "close";
    return new Field(label, left, right, agreement, how);
  }

  private static String display(String nhid) {
    return org.lafia.registry.NationalHealthId.isValid(nhid) ? org.lafia.registry.NationalHealthId.parse(nhid).display() : nhid;
  }

  private static String fold(String s) {
    return Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT).strip();
  }

  private static String family(Patient p) {
    return p == null || p.getName().isEmpty() ? null : p.getNameFirstRep().getFamily();
  }

  private static String given(Patient p) {
    return p == null || p.getName().isEmpty() ? null : p.getNameFirstRep().getGivenAsSingleString();
  }

  private static String phone(Patient p) {
    if (p == null) return null;
    return p.getTelecom().stream().filter(t -> t.getSystem() == org.hl7.fhir.r4.model.ContactPoint.ContactPointSystem.PHONE)
        .map(t -> t.getValue()).findFirst().orElse(null);
  }

  private static String address(Patient p) {
    if (p == null || p.getAddress().isEmpty()) return null;
    var a = p.getAddressFirstRep();
    List<String> parts = new ArrayList<>();
    a.getLine().forEach(l -> parts.add(l.getValue()));
    if (a.hasCity()) parts.add(a.getCity());
    if (a.hasDistrict()) parts.add(a.getDistrict());
    return parts.isEmpty() ? null : String.join(", ", parts);
  }

  private static String facility(Patient p, Map<String, String> facilities) {
    if (p == null || !p.hasManagingOrganization()) return null;
    String ref = p.getManagingOrganization().getReference();
    return facilities.getOrDefault(ref, ref);
  }
}
