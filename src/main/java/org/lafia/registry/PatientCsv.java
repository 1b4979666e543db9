package org.lafia.registry;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.commons.csv.CSVRecord;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A facility's legacy patient list into the client registry ({@code POST /api/registry/patients.csv
 * ?system=<the facility's record-number system>[&facility=<Organization id>]}): each row a Patient,
 * created through the FHIR API with the caller's token in one transaction, and so matched at
 * registration like any other — joined to a person already in the registry, queued for review, or
 * a new person; rows of one person in the file join each other. The answer says, per row, which
 * record it became, its national health ID and its band. Columns: {@code
 * id,given,family,sex,birth_date,phone,national_id,address,city,district} ({@code id}: the
 * facility's record number, required; dates as YYYY-MM-DD, DD/MM/YYYY or YYYY).
 */
@RestController
class PatientCsv {
  static final List<String> COLUMNS = List.of("id", "given", "family", "sex", "birth_date", "phone", "national_id", "address", "city",
      "district");
  private static final int MAX_ROWS = 20_000;

  private final FhirContext ctx;
  private final JdbcTemplate jdbc;

  PatientCsv(FhirContext ctx, DataSource dataSource) {
    this.ctx = ctx;
    this.jdbc = new JdbcTemplate(dataSource);
  }

  @PostMapping(value = "/api/registry/patients.csv", consumes = {"text/csv", "text/plain"}, produces = "application/json")
  ResponseEntity<?> importCsv(@RequestBody(required = false) String body, @RequestParam(required = false) String system,
      @RequestParam(required = false) String facility, HttpServletRequest request) throws Exception {
    if (system == null || !system.matches("(urn|https?):\\S{3,200}")) {
      return RegistryApi.problem(400, "Donnez system=, le système des numéros de dossier de l'établissement (une URI, par ex."
          + " urn:oid:1.2.3 ou http://lafia.health/fhir/sid/facility-record-number/CMS-X). / Give system=, the facility's"
          + " record-number system (a URI).");
    }
    if (facility != null && !facility.matches("[A-Za-z0-9.-]{1,64}")) return RegistryApi.problem(400, "facility= est un id d'Organization."
        + " / facility= is an Organization id.");
    List<CSVRecord> records;
    try {
      records = CsvUpload.read(body, List.of("id"), MAX_ROWS, "patient / patient");
    } catch (CsvUpload.Refused e) {
      return e.answer;
    }
    List<String> errors = new ArrayList<>();
    List<Object[]> rows = new ArrayList<>(); // line, record number, Patient
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (CSVRecord r : records) {
      long line = CsvUpload.line(r);
      Patient patient = patient(r, line, system, facility, errors);
      if (patient == null) continue;
      String id = get(r, "id");
      if (!ids.add(id)) errors.add("ligne/line " + line + ": numéro de dossier " + id + " en double / record number twice");
      rows.add(new Object[] {line, id, patient});
    }
    if (!errors.isEmpty()) return RegistryApi.rejected(errors);
    Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    for (Object[] row : rows) {
      // A record number already registered is that record, updated: importing a list twice registers nobody twice.
      tx.addEntry().setResource((Patient) row[2]).getRequest().setMethod(Bundle.HTTPVerb.PUT)
          .setUrl("Patient?identifier=" + java.net.URLEncoder.encode(system + "|" + row[1], java.nio.charset.StandardCharsets.UTF_8));
    }
    HttpResponse<String> r = Loopback.fhir(request, "POST", "/fhir", ctx.newJsonParser().encodeResourceToString(tx), null);
    if (r.statusCode() != 200) return RegistryApi.rejected(List.of(Loopback.diagnostics(ctx, r)));
    Bundle out = ctx.newJsonParser().parseResource(Bundle.class, r.body());
    List<Map<String, Object>> answers = new ArrayList<>();
    Map<String, Integer> bands = new LinkedHashMap<>();
    for (int i = 0; i < rows.size(); i++) {
      String location = out.getEntry().get(i).getResponse().getLocation();
      String patientId = new org.hl7.fhir.r4.model.IdType(location).getIdPart();
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("line", rows.get(i)[0]);
      a.put("id", rows.get(i)[1]);
      a.put("patient", patientId);
      List<Map<String, Object>> link = jdbc.queryForList("select nhid, band, score from registry_link where patient_id = ?", patientId);
      if (!link.isEmpty()) {
        a.put("nhid", link.get(0).get("nhid"));
        a.put("band", link.get(0).get("band"));
        if (link.get(0).get("score") != null) a.put("score", link.get(0).get("score"));
        bands.merge((String) link.get(0).get("band"), 1, Integer::sum);
      }
      answers.add(a);
    }
    Map<String, Object> body2 = new LinkedHashMap<>();
    body2.put("patients", rows.size());
    body2.put("bands", bands);
    body2.put("rows", answers);
    return ResponseEntity.ok(body2);
  }

  private static Patient patient(CSVRecord r, long line, String system, String facility, List<String> errors) {
    int before = errors.size();
    String id = get(r, "id");
    if (!id.matches("[A-Za-z0-9._/-]{1,64}")) errors.add("ligne/line " + line + ": numéro de dossier '" + id + "' (1 à 64 caractères sans espace)");
    Patient p = new Patient();
    p.addIdentifier().setSystem(system).setValue(id);
    String given = get(r, "given"), family = get(r, "family");
    if (given.isEmpty() && family.isEmpty()) errors.add("ligne/line " + line + ": ni nom ni prénom / no name");
    HumanName n = p.addName().setUse(HumanName.NameUse.OFFICIAL);
    if (!family.isEmpty()) n.setFamily(family);
    for (String g : given.split("\\s+")) if (!g.isBlank()) n.addGiven(g);
    String sex = get(r, "sex").toLowerCase(Locale.ROOT);
    switch (sex) {
      case "", "u", "unknown", "inconnu" -> { }
      case "m", "h", "male", "masculin", "homme" -> p.setGender(AdministrativeGender.MALE);
      case "f", "female", "féminin", "feminin", "femme" -> p.setGender(AdministrativeGender.FEMALE);
      default -> errors.add("ligne/line " + line + ": sexe '" + sex + "' (M/H, F)");
    }
    String born = get(r, "birth_date");
    if (!born.isEmpty()) {
      String d = date(born);
      if (d == null) errors.add("ligne/line " + line + ": date de naissance impossible '" + born + "' (AAAA-MM-JJ, JJ/MM/AAAA ou AAAA)");
      else p.setBirthDateElement(new DateType(d));
    }
    if (!get(r, "phone").isEmpty()) p.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(get(r, "phone"));
    if (!get(r, "national_id").isEmpty()) {
      // The national health ID when it is one, checked as on every write; another national ID kept as such.
      String v = get(r, "national_id");
      if (NationalHealthId.isValid(v)) p.addIdentifier().setSystem(NationalHealthId.SYSTEM).setValue(v);
      else p.addIdentifier().setSystem("urn:lafia:national-id").setValue(v);
    }
    if (!get(r, "address").isEmpty() || !get(r, "city").isEmpty() || !get(r, "district").isEmpty()) {
      Address a = p.addAddress();
      if (!get(r, "address").isEmpty()) a.addLine(get(r, "address"));
      if (!get(r, "city").isEmpty()) a.setCity(get(r, "city"));
      if (!get(r, "district").isEmpty()) a.setDistrict(get(r, "district"));
    }
    if (facility != null) p.setManagingOrganization(new Reference("Organization/" + facility));
    return errors.size() > before ? null : p;
  }

  /** A birth date as FHIR writes it, or null when impossible (31/02). */
  static String date(String s) {
    if (s.matches("\\d{4}")) return s;
    for (String f : List.of("uuuu-MM-dd", "dd/MM/uuuu", "uuuuMMdd")) {
      try {
        LocalDate d = LocalDate.parse(s, DateTimeFormatter.ofPattern(f).withResolverStyle(java.time.format.ResolverStyle.STRICT)
            .withLocale(Locale.ROOT).withChronology(java.time.chrono.IsoChronology.INSTANCE));
        if (d.getYear() < 1880 || d.isAfter(LocalDate.now())) return null;
        return d.toString();
      } catch (DateTimeParseException e) {
        // the next format
      }
    }
    return null;
  }

  private static String get(CSVRecord r, String column) {
    return CsvUpload.get(r, column);
  }
}
