package org.lafia.console;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Patient search (name, identifier such as the national health ID, phone, birth year) and the
 * patient record: summary, consultations, problems, prescriptions, vaccinations and
 * measurements with their trend — all read through the FHIR API as the signed-in person, so a
 * record outside their care relationships is refused here exactly as the API refuses it.
 */
@Controller
class PatientController {
  private final ConsoleFhir fhir;

  PatientController(ConsoleFhir fhir) {
    this.fhir = fhir;
  }

  /** A patient as a list shows them. */
  record Row(String id, String name, String gender, String birthDate, String phone, String facility, String healthId) {}

  @GetMapping("/patients")
  String search(@RequestParam(required = false) String name, @RequestParam(required = false) String identifier,
      @RequestParam(required = false) String phone, @RequestParam(required = false) String birthYear,
      Authentication auth, HttpServletRequest request, Model model) throws Exception {
    model.addAttribute("name", name);
    model.addAttribute("identifier", identifier);
    model.addAttribute("phone", phone);
    model.addAttribute("birthYear", birthYear);
    List<String> params = new ArrayList<>();
    if (has(name)) for (String word : name.trim().split("\\s+")) params.add("name=" + enc(word));
    if (has(identifier)) params.add("identifier=" + enc(identifier.trim()));
    if (has(phone)) params.add("phone=" + enc(phone.trim()));
    if (has(birthYear)) {
      if (!birthYear.trim().matches("(19|20)[0-9]{2}")) {
        model.addAttribute("problem", "patients.error.year");
        return "patients";
      }
      params.add("birthdate=" + birthYear.trim());
    }
    if (params.isEmpty()) return "patients";
    ConsoleFhir.Answer a = fhir.search(request, auth.getName(),
        "Patient?" + String.join("&", params) + "&_count=50&_sort=family&_include=Patient:organization");
    if (!a.ok()) {
      model.addAttribute("problem", a.status() == 403 ? "patients.error.forbidden" : "patients.error.search");
      return "patients";
    }
    Map<String, String> facilities = a.organizationNames();
    List<Row> rows = new ArrayList<>();
    for (Bundle.BundleEntryComponent e : a.bundle().getEntry()) {
      if (e.getResource() instanceof Patient p) rows.add(row(p, facilities));
    }
    model.addAttribute("rows", rows);
    model.addAttribute("searched", true);
    return "patients";
  }

  /** A measurement series of the record: its label, unit, points in time order, and a small SVG path of their trend. */
  record Series(String label, String unit, List<Point> points, String path, double last) {}

  record Point(Date when, double value) {}

  /** A dated line of the record (a consultation, a problem, a prescription, a vaccination). */
  record Line(Date when, String what, String detail) {}

  @GetMapping("/patients/{id}")
  String record(@PathVariable String id, Authentication auth, HttpServletRequest request, HttpServletResponse response, Model model)
      throws Exception {
    if (!id.matches("[A-Za-z0-9\\-.]{1,64}")) {
      response.setStatus(404);
      model.addAttribute("problem", "record.notFound");
      return "refused";
    }
    ConsoleFhir.Answer a = fhir.search(request, auth.getName(), "Patient/" + id + "/$everything?_count=1000");
    if (!a.ok()) {
      // 403: not in care at one of the person's facilities (break-the-glass is for the API, with a reason).
      response.setStatus(a.status() == 403 ? 403 : 404);
      model.addAttribute("problem", a.status() == 403 ? "record.forbidden" : "record.notFound");
      return "refused";
    }
    Patient patient = null;
    Map<String, String> names = new LinkedHashMap<>();
    List<Line> visits = new ArrayList<>(), problems = new ArrayList<>(), medications = new ArrayList<>(), vaccines = new ArrayList<>();
    Map<String, List<Point>> measures = new LinkedHashMap<>();
    Map<String, String> units = new LinkedHashMap<>();
    List<Resource> all = new ArrayList<>();
    for (Bundle.BundleEntryComponent e : a.bundle().getEntry()) all.add(e.getResource());
    for (Resource r : all) {
      if (r instanceof Patient p) patient = p;
      if (r instanceof Organization o) names.put("Organization/" + o.getIdPart(), o.getName());
    }
    if (patient == null) {
      response.setStatus(404);
      model.addAttribute("problem", "record.notFound");
      return "refused";
    }
    for (Resource r : all) {
      if (r instanceof Encounter e) {
        String reason = e.getReasonCodeFirstRep().hasText() ? e.getReasonCodeFirstRep().getText()
            : e.getReasonCodeFirstRep().getCodingFirstRep().getDisplay();
        visits.add(new Line(e.getPeriod().getStart(), e.getTypeFirstRep().hasText() ? e.getTypeFirstRep().getText() : "Consultation",
            names.getOrDefault(e.getServiceProvider().getReference(), "") + (reason == null ? "" : " — " + reason)));
      } else if (r instanceof Condition c) {
        Date when = c.hasOnsetDateTimeType() ? c.getOnsetDateTimeType().getValue() : c.getRecordedDate();
        problems.add(new Line(when, text(c.getCode()), c.getClinicalStatus().getCodingFirstRep().getCode()));
      } else if (r instanceof MedicationRequest m) {
        medications.add(new Line(m.getAuthoredOn(), m.hasMedicationCodeableConcept() ? text(m.getMedicationCodeableConcept()) : "",
            m.getDosageInstructionFirstRep().getText()));
      } else if (r instanceof Immunization im) {
        vaccines.add(new Line(im.hasOccurrenceDateTimeType() ? im.getOccurrenceDateTimeType().getValue() : null, text(im.getVaccineCode()), ""));
      } else if (r instanceof Observation o && o.hasEffectiveDateTimeType()) {
        Date when = o.getEffectiveDateTimeType().getValue();
        if (o.getValue() instanceof Quantity q && q.hasValue()) {
          measures.computeIfAbsent(text(o.getCode()), k -> new ArrayList<>()).add(new Point(when, q.getValue().doubleValue()));
          units.putIfAbsent(text(o.getCode()), q.getUnit());
        }
        for (Observation.ObservationComponentComponent comp : o.getComponent()) {
          if (comp.getValue() instanceof Quantity q && q.hasValue()) {
            String label = text(comp.getCode());
            measures.computeIfAbsent(label, k -> new ArrayList<>()).add(new Point(when, q.getValue().doubleValue()));
            units.putIfAbsent(label, q.getUnit());
          }
        }
      }
    }
    Comparator<Line> newestFirst = Comparator.comparing(Line::when, Comparator.nullsLast(Comparator.reverseOrder()));
    visits.sort(newestFirst);
    problems.sort(newestFirst);
    medications.sort(newestFirst);
    vaccines.sort(newestFirst);
    List<Series> series = new ArrayList<>();
    measures.forEach((label, points) -> {
      points.sort(Comparator.comparing(Point::when));
      series.add(new Series(label, units.get(label), points, sparkline(points), points.get(points.size() - 1).value()));
    });
    model.addAttribute("patient", row(patient, names));
    model.addAttribute("address", patient.getAddressFirstRep().hasDistrict()
        ? patient.getAddressFirstRep().getDistrict() + ", " + patient.getAddressFirstRep().getState() : null);
    model.addAttribute("visits", visits);
    model.addAttribute("problems", problems);
    model.addAttribute("medications", medications);
    model.addAttribute("vaccines", vaccines);
    model.addAttribute("series", series);
    return "patient";
  }

  /** The trend of a series as an SVG path in a 120 × 30 box (drawn by the page, no chart library). */
  static String sparkline(List<Point> points) {
    double min = points.stream().mapToDouble(Point::value).min().orElse(0);
    double max = points.stream().mapToDouble(Point::value).max().orElse(1);
    double span = max - min == 0 ? 1 : max - min;
    StringBuilder d = new StringBuilder();
    for (int i = 0; i < points.size(); i++) {
      double x = points.size() == 1 ? 60 : 2 + 116.0 * i / (points.size() - 1);
      double y = 28 - 26 * (points.get(i).value() - min) / span;
      d.append(i == 0 ? "M" : " L").append(String.format(java.util.Locale.ROOT, "%.1f %.1f", x, y));
    }
    return d.toString();
  }

  /** A birth date as the person's language writes it; a year (or year and month) alone stays as known. */
  static String birthDate(Patient p, java.util.Locale locale) {
    String v = p.getBirthDateElement().getValueAsString();
    if (v == null || v.length() < 10) return v;
    java.time.format.DateTimeFormatter f = locale.getLanguage().equals("fr")
        ? java.time.format.DateTimeFormatter.ofPattern("dd/MM/yyyy") : java.time.format.DateTimeFormatter.ISO_LOCAL_DATE;
    return java.time.LocalDate.parse(v.substring(0, 10)).format(f);
  }

  private static Row row(Patient p, Map<String, String> facilities) {
    String phone = p.getTelecom().stream().filter(t -> t.getSystem() == ContactPoint.ContactPointSystem.PHONE)
        .map(ContactPoint::getValue).findFirst().orElse(null);
    return new Row(p.getIdPart(), p.getNameFirstRep().getNameAsSingleString(), p.hasGender() ? p.getGender().toCode() : null,
        birthDate(p, org.springframework.context.i18n.LocaleContextHolder.getLocale()), phone,
        p.hasManagingOrganization() ? facilities.getOrDefault(p.getManagingOrganization().getReference(),
            p.getManagingOrganization().getDisplay()) : null, healthId(p));
  }

  /** The national health ID as printed on a card (TG 482 915 307 2), or null. */
  private static String healthId(Patient p) {
    for (org.hl7.fhir.r4.model.Identifier i : p.getIdentifier()) {
      if (org.lafia.registry.NationalHealthId.SYSTEM.equals(i.getSystem()) && org.lafia.registry.NationalHealthId.isValid(i.getValue())) {
        return org.lafia.registry.NationalHealthId.parse(i.getValue()).display();
      }
    }
    return null;
  }

  private static String text(org.hl7.fhir.r4.model.CodeableConcept c) {
    return c.hasText() ? c.getText() : c.getCodingFirstRep().hasDisplay() ? c.getCodingFirstRep().getDisplay() : c.getCodingFirstRep().getCode();
  }

  private static boolean has(String s) {
    return s != null && !s.isBlank();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
