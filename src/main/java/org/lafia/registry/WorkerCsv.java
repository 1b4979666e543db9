package org.lafia.registry;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletRequest;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The health-worker registry as CSV ({@code /api/registry/workers.csv}), for iHRIS and the
 * ministries' staff lists: one row per health worker at a facility, {@code
 * id,licence,family,given,sex,cadre,facility,phone,active} ({@code facility}: its code or id;
 * {@code id} may stay empty for a worker with a licence number). Read and written through the
 * FHIR API with the caller's token (IHE mCSD: a Practitioner and their PractitionerRole), so the
 * registry's rules ({@link WorkerRules}) and the audit trail apply; one transaction per file.
 */
@RestController
class WorkerCsv {
  static final String LICENCE = "http://lafia.health/fhir/sid/tg-professional-licence";
  static final List<String> COLUMNS = List.of("id", "licence", "family", "given", "sex", "cadre", "facility", "phone", "active");
  private static final int MAX_ROWS = 50_000;

  private final FhirContext ctx;

  WorkerCsv(FhirContext ctx) {
    this.ctx = ctx;
  }

  @GetMapping(value = "/api/registry/workers.csv", produces = "text/csv")
  ResponseEntity<?> export(HttpServletRequest request) throws Exception {
    Map<String, Practitioner> people = new HashMap<>();
    Map<String, Organization> places = new HashMap<>();
    List<PractitionerRole> roles = new ArrayList<>();
    String next = "/fhir/PractitionerRole?_count=500&_include=PractitionerRole:practitioner&_include=PractitionerRole:organization";
    while (next != null) {
      HttpResponse<String> r = Loopback.fhir(request, "GET", next, null, null);
      if (r.statusCode() != 200) return RegistryApi.problem(r.statusCode() < 500 ? r.statusCode() : 502, Loopback.diagnostics(ctx, r));
      Bundle b = ctx.newJsonParser().parseResource(Bundle.class, r.body());
      for (Bundle.BundleEntryComponent e : b.getEntry()) {
        if (e.getResource() instanceof PractitionerRole pr) roles.add(pr);
        else if (e.getResource() instanceof Practitioner p) people.put(p.getIdPart(), p);
        else if (e.getResource() instanceof Organization o) places.put(o.getIdPart(), o);
      }
      Bundle.BundleLinkComponent link = b.getLink(Bundle.LINK_NEXT);
      next = link == null ? null : link.getUrl().substring(link.getUrl().indexOf("/fhir/"));
    }
    StringWriter out = new StringWriter();
    try (CSVPrinter csv = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setHeader(COLUMNS.toArray(String[]::new)).build())) {
      for (PractitionerRole r : roles) {
        Practitioner p = people.get(r.getPractitioner().getReferenceElement().getIdPart());
        Organization o = places.get(r.getOrganization().getReferenceElement().getIdPart());
        HumanName n = p == null ? new HumanName() : p.getNameFirstRep();
        csv.printRecord(p == null ? r.getPractitioner().getReferenceElement().getIdPart() : p.getIdPart(),
            p == null ? "" : p.getIdentifier().stream().filter(WorkerRules::licence).map(Identifier::getValue).findFirst().orElse(""),
            n.getFamily(), n.getGivenAsSingleString(), p != null && p.hasGender() ? p.getGender().toCode() : "",
            r.getCode().stream().flatMap(c -> c.getCoding().stream()).filter(c -> WorkerRules.CADRE.equals(c.getSystem()))
                .map(Coding::getCode).findFirst().orElse(""),
            o == null ? r.getOrganization().getReferenceElement().getIdPart() : o.getIdentifier().stream()
                .filter(i -> FacilityRules.FACILITY_CODE.equals(i.getSystem())).map(Identifier::getValue).findFirst().orElse(o.getIdPart()),
            r.getTelecom().stream().filter(t -> t.getSystem() == ContactPoint.ContactPointSystem.PHONE).map(ContactPoint::getValue)
                .findFirst().orElse(""), r.getActive() ? "true" : "false");
      }
    }
    return ResponseEntity.ok().contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
        .header("Content-Disposition", "attachment; filename=\"personnels.csv\"").body(out.toString());
  }

  private record Row(long line, String id, String licence, String family, String given, String sex, String cadre, String facility,
      String phone, boolean active) {}

  @PostMapping(value = "/api/registry/workers.csv", consumes = {"text/csv", "text/plain"}, produces = "application/json")
  ResponseEntity<?> importCsv(@RequestBody(required = false) String body, HttpServletRequest request) throws Exception {
    List<CSVRecord> records;
    try {
      records = CsvUpload.read(body, COLUMNS, MAX_ROWS, "professionnel / health worker");
    } catch (CsvUpload.Refused e) {
      return e.answer;
    }
    List<Row> rows = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    Set<String> keys = new java.util.HashSet<>();
    for (CSVRecord r : records) {
      long line = CsvUpload.line(r);
      Row row = row(r, line, errors);
      if (row == null) continue;
      if (!keys.add(row.id().isEmpty() ? "licence:" + row.licence() : row.id())) {
        errors.add("ligne/line " + line + ": professionnel en double / the same health worker twice");
      }
      rows.add(row);
    }
    Map<String, String> facilities = new HashMap<>();
    for (Row r : rows) {
      if (!facilities.containsKey(r.facility())) facilities.put(r.facility(), facility(request, r.facility()));
      if (facilities.get(r.facility()) == null) errors.add("ligne/line " + r.line() + ": établissement inconnu / unknown facility " + r.facility());
    }
    if (!errors.isEmpty()) return RegistryApi.rejected(errors);
    Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    int created = 0;
    for (Row r : rows) {
      String id = r.id().isEmpty() ? byLicence(request, r.licence()) : r.id();
      if (id == null) {
        id = "hw-" + r.licence().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
      }
      if (!exists(request, id)) created++;
      Practitioner p = new Practitioner();
      p.setId(id);
      if (!r.licence().isEmpty()) p.addIdentifier().setSystem(LICENCE).setValue(r.licence());
      p.setActive(r.active());
      HumanName n = p.addName().setUse(HumanName.NameUse.OFFICIAL).setFamily(r.family());
      for (String g : r.given().split("\\s+")) if (!g.isBlank()) n.addGiven(g);
      if (!r.sex().isEmpty()) p.setGender(AdministrativeGender.fromCode(r.sex()));
      if (!r.phone().isEmpty()) p.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(r.phone());
      CodeableConcept cadre = new CodeableConcept(new Coding(WorkerRules.CADRE, r.cadre(), null));
      Practitioner.PractitionerQualificationComponent q = p.addQualification().setCode(cadre);
      if (!r.licence().isEmpty()) q.addIdentifier().setSystem(LICENCE).setValue(r.licence());
      PractitionerRole role = new PractitionerRole();
      role.setId(id);
      role.setActive(r.active());
      role.setPractitioner(new Reference("Practitioner/" + id));
      role.setOrganization(new Reference("Organization/" + facilities.get(r.facility())));
      role.addCode(cadre.copy());
      if (!r.phone().isEmpty()) role.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(r.phone());
      tx.addEntry().setResource(p).getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl("Practitioner/" + id);
      tx.addEntry().setResource(role).getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl("PractitionerRole/" + id);
    }
    HttpResponse<String> r = Loopback.fhir(request, "POST", "/fhir", ctx.newJsonParser().encodeResourceToString(tx), null);
    if (r.statusCode() != 200) return RegistryApi.rejected(List.of(Loopback.diagnostics(ctx, r)));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("workers", rows.size());
    out.put("created", created);
    out.put("updated", rows.size() - created);
    return ResponseEntity.ok(out);
  }

  private static Row row(CSVRecord r, long line, List<String> errors) {
    int before = errors.size();
    String id = get(r, "id"), licence = get(r, "licence"), family = get(r, "family"), given = get(r, "given");
    String sex = get(r, "sex").toLowerCase(Locale.ROOT), cadre = get(r, "cadre").toLowerCase(Locale.ROOT), facility = get(r, "facility");
    String active = get(r, "active").toLowerCase(Locale.ROOT);
    if (!id.isEmpty() && !id.matches("[A-Za-z0-9.-]{1,64}")) errors.add("ligne/line " + line + ": id '" + id + "' (1 à 64 lettres, chiffres, . -)");
    if (id.isEmpty() && !licence.matches("[A-Za-z0-9./-]{1,40}")) {
      errors.add("ligne/line " + line + ": sans id, un numéro d'autorisation est requis / without an id, a licence number is required");
    }
    if (family.isEmpty()) errors.add("ligne/line " + line + ": nom vide / empty family name");
    if (!sex.isEmpty() && !Set.of("male", "female", "other", "unknown").contains(sex)) {
      errors.add("ligne/line " + line + ": sexe '" + sex + "' (male, female, other, unknown)");
    }
    if (!WorkerRules.CADRES.contains(cadre)) errors.add("ligne/line " + line + ": cadre '" + cadre + "' (" + String.join(", ",
        new java.util.TreeSet<>(WorkerRules.CADRES)) + ")");
    if (facility.isEmpty()) errors.add("ligne/line " + line + ": établissement vide / empty facility");
    if (!active.isEmpty() && !Set.of("true", "false").contains(active)) errors.add("ligne/line " + line + ": active '" + active + "' (true, false)");
    if (errors.size() > before) return null;
    return new Row(line, id, licence, family, given, sex, cadre, facility, get(r, "phone"), !active.equals("false"));
  }

  private static String get(CSVRecord r, String column) {
    return CsvUpload.get(r, column);
  }

  /** The id of the facility (an Organization) a file names by code or id, or null. */
  private String facility(HttpServletRequest request, String code) throws Exception {
    for (String q : List.of("identifier=" + enc(FacilityRules.FACILITY_CODE + "|" + code), "_id=" + enc(code))) {
      HttpResponse<String> r = Loopback.fhir(request, "GET", "/fhir/Organization?" + q + "&_count=2", null, null);
      if (r.statusCode() != 200) continue;
      for (Bundle.BundleEntryComponent e : ctx.newJsonParser().parseResource(Bundle.class, r.body()).getEntry()) {
        if (e.getResource() instanceof Organization o) return o.getIdPart();
      }
    }
    return null;
  }

  private String byLicence(HttpServletRequest request, String licence) throws Exception {
    HttpResponse<String> r = Loopback.fhir(request, "GET", "/fhir/Practitioner?identifier=" + enc(LICENCE + "|" + licence) + "&_count=2", null, null);
    if (r.statusCode() != 200) return null;
    for (Bundle.BundleEntryComponent e : ctx.newJsonParser().parseResource(Bundle.class, r.body()).getEntry()) {
      if (e.getResource() instanceof Practitioner p) return p.getIdPart();
    }
    return null;
  }

  private static boolean exists(HttpServletRequest request, String id) throws Exception {
    return Loopback.fhir(request, "GET", "/fhir/Practitioner/" + enc(id), null, null).statusCode() == 200;
  }



  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
