package org.lafia.registry;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletRequest;
import java.io.StringWriter;
import java.math.BigDecimal;
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
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The facility registry as CSV ({@code /api/registry/facilities.csv}), for the ministries'
 * spreadsheets and DHIS2's org-unit lists: one row per facility, {@code
 * code,name,type,status,district,latitude,longitude} (district: the jurisdiction's code, its
 * P-code, or its id). Export reads, and import writes, through the FHIR API with the caller's own
 * token (IHE mCSD: a Location and an Organization per facility), so the registry's rules
 * ({@link FacilityRules}) and the audit trail apply as to any write. An import is one FHIR
 * transaction: a file with one bad row stores nothing, and the answer names each bad row.
 */
@RestController
class FacilityCsv {
  static final String FACILITY_TYPE = "http://lafia.health/fhir/CodeSystem/facility-type";
  static final List<String> COLUMNS = List.of("code", "name", "type", "status", "district", "latitude", "longitude");
  private static final Set<String> STATUSES = Set.of("active", "inactive", "suspended");
  private static final int MAX_ROWS = 20_000;

  private final FhirContext ctx;

  FacilityCsv(FhirContext ctx) {
    this.ctx = ctx;
  }

  @GetMapping(value = "/api/registry/facilities.csv", produces = "text/csv")
  ResponseEntity<?> export(HttpServletRequest request) throws Exception {
    List<Location> facilities = new ArrayList<>();
    Map<String, Location> jurisdictions = new HashMap<>();
    String next = "/fhir/Location?type=" + enc(FacilityRules.MCSD_TYPES + "|facility") + "&_count=500&_include=Location:partof";
    while (next != null) {
      HttpResponse<String> r = fhir(request, "GET", next, null);
      if (r.statusCode() != 200) return problem(r);
      Bundle b = ctx.newJsonParser().parseResource(Bundle.class, r.body());
      for (Bundle.BundleEntryComponent e : b.getEntry()) {
        if (!(e.getResource() instanceof Location l)) continue;
        if (e.getSearch().getMode() == Bundle.SearchEntryMode.INCLUDE) jurisdictions.put(l.getIdPart(), l);
        else facilities.add(l);
      }
      Bundle.BundleLinkComponent link = b.getLink(Bundle.LINK_NEXT);
      next = link == null ? null : link.getUrl().substring(link.getUrl().indexOf("/fhir/"));
    }
    StringWriter out = new StringWriter();
    try (CSVPrinter csv = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setHeader(
        "code", "name", "type", "status", "district", "latitude", "longitude", "id").build())) {
      for (Location l : facilities) {
        Location d = l.hasPartOf() ? jurisdictions.get(l.getPartOf().getReferenceElement().getIdPart()) : null;
        csv.printRecord(code(l.getIdentifier()), l.getName(), type(l.getType()), l.hasStatus() ? l.getStatus().toCode() : "",
            d == null ? (l.hasPartOf() ? l.getPartOf().getReferenceElement().getIdPart() : "") : jurisdictionCode(d),
            l.hasPosition() && l.getPosition().hasLatitude() ? l.getPosition().getLatitude().toPlainString() : "",
            l.hasPosition() && l.getPosition().hasLongitude() ? l.getPosition().getLongitude().toPlainString() : "", l.getIdPart());
      }
    }
    return ResponseEntity.ok().contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
        .header("Content-Disposition", "attachment; filename=\"etablissements.csv\"").body(out.toString());
  }

  /** One facility of an import, checked. */
  private record Row(long line, String code, String name, String type, String status, String district, BigDecimal lat, BigDecimal lon) {}

  @PostMapping(value = "/api/registry/facilities.csv", consumes = {"text/csv", "text/plain"}, produces = "application/json")
  ResponseEntity<?> importCsv(@RequestBody(required = false) String body, HttpServletRequest request) throws Exception {
    List<CSVRecord> records;
    try {
      records = CsvUpload.read(body, COLUMNS, MAX_ROWS, "établissement / facility");
    } catch (CsvUpload.Refused e) {
      return e.answer;
    }
    List<Row> rows = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    Set<String> codes = new java.util.HashSet<>();
    for (CSVRecord r : records) {
      long line = CsvUpload.line(r);
      Row row = row(r, line, errors);
      if (row != null && !codes.add(row.code())) errors.add("ligne/line " + line + ": code " + row.code() + " en double / twice in the file");
      if (row != null) rows.add(row);
    }

    // The jurisdictions named, and the facilities that exist already (kept under their ids).
    Map<String, String> districts = new HashMap<>();
    for (Row r : rows) {
      if (districts.containsKey(r.district())) continue;
      String id = jurisdiction(request, r.district());
      districts.put(r.district(), id);
    }
    for (Row r : rows) {
      if (districts.get(r.district()) == null) errors.add("ligne/line " + r.line() + ": circonscription inconnue / unknown jurisdiction " + r.district());
    }
    if (!errors.isEmpty()) return RegistryApi.rejected(errors);
    Map<String, String> existing = existing(request, rows.stream().map(Row::code).toList());

    Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    int created = 0;
    for (Row r : rows) {
      String id = existing.get(r.code());
      if (id == null) {
        id = "fac-" + r.code().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
        created++;
      }
      String district = districts.get(r.district());
      Organization o = new Organization();
      o.setId(id);
      o.addIdentifier().setSystem(FacilityRules.FACILITY_CODE).setValue(r.code());
      o.setActive(!r.status().equals("inactive")).setName(r.name());
      o.addType(new CodeableConcept(new Coding(FacilityRules.MCSD_TYPES, "facility", "Facility")));
      if (!r.type().isEmpty()) o.addType(new CodeableConcept(new Coding(FACILITY_TYPE, r.type(), null)));
      o.setPartOf(new Reference("Organization/" + district));
      Location l = new Location();
      l.setId(id);
      l.addIdentifier().setSystem(FacilityRules.FACILITY_CODE).setValue(r.code());
      l.setStatus(Location.LocationStatus.fromCode(r.status())).setName(r.name()).setMode(Location.LocationMode.INSTANCE);
      l.addType(new CodeableConcept(new Coding(FacilityRules.MCSD_TYPES, "facility", "Facility")));
      if (!r.type().isEmpty()) l.addType(new CodeableConcept(new Coding(FACILITY_TYPE, r.type(), null)));
      if (r.lat() != null) l.setPosition(new Location.LocationPositionComponent().setLatitude(r.lat()).setLongitude(r.lon()));
      l.setManagingOrganization(new Reference("Organization/" + id));
      l.setPartOf(new Reference("Location/" + district));
      for (Resource res : List.of(o, l)) {
        tx.addEntry().setResource(res).getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(res.fhirType() + "/" + id);
      }
    }
    HttpResponse<String> r = fhir(request, "POST", "/fhir", ctx.newJsonParser().encodeResourceToString(tx));
    if (r.statusCode() != 200) {
      String detail = diagnostics(r);
      // "entry 7" of the transaction is row 7 / 2 + 1 of the file: name the line.
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)entry[^0-9]{0,3}(\\d+)").matcher(detail);
      if (m.find()) {
        int entry = Integer.parseInt(m.group(1));
        int index = Math.min(rows.size() - 1, entry / 2);
        if (index >= 0) detail = "ligne/line " + rows.get(index).line() + " (" + rows.get(index).code() + "): " + detail;
      }
      return RegistryApi.rejected(List.of(detail));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("facilities", rows.size());
    out.put("created", created);
    out.put("updated", rows.size() - created);
    return ResponseEntity.ok(out);
  }

  private static Row row(CSVRecord r, long line, List<String> errors) {
    int before = errors.size();
    String code = get(r, "code"), name = get(r, "name"), type = get(r, "type"), status = get(r, "status").toLowerCase(Locale.ROOT);
    String district = get(r, "district"), lat = get(r, "latitude"), lon = get(r, "longitude");
    if (!code.matches("[A-Za-z0-9._-]{1,40}")) errors.add("ligne/line " + line + ": code '" + code + "' (1 à 40 lettres, chiffres, . _ - / 1 to 40 letters, digits, . _ -)");
    if (name.isEmpty()) errors.add("ligne/line " + line + ": nom vide / empty name");
    if (status.isEmpty()) status = "active";
    if (!STATUSES.contains(status)) errors.add("ligne/line " + line + ": statut '" + status + "' (active, inactive, suspended)");
    if (district.isEmpty()) errors.add("ligne/line " + line + ": circonscription vide / empty district");
    BigDecimal la = null, lo = null;
    if (!lat.isEmpty() || !lon.isEmpty()) {
      try {
        la = new BigDecimal(lat.replace(',', '.'));
        lo = new BigDecimal(lon.replace(',', '.'));
      } catch (NumberFormatException e) {
        errors.add("ligne/line " + line + ": latitude et longitude sont des nombres (6.1319, 1.2228) / latitude and longitude are numbers");
      }
    }
    if (errors.size() > before) return null;
    return new Row(line, code, name, type, status, district, la, lo);
  }

  private static String get(CSVRecord r, String column) {
    return CsvUpload.get(r, column);
  }

  /** The id of the jurisdiction (a Location) a file names by code, P-code or id, or null. */
  private String jurisdiction(HttpServletRequest request, String code) throws Exception {
    for (String q : List.of("identifier=" + enc(code), "_id=" + enc(code))) {
      HttpResponse<String> r = fhir(request, "GET", "/fhir/Location?" + q + "&_count=2", null);
      if (r.statusCode() != 200) continue;
      Bundle b = ctx.newJsonParser().parseResource(Bundle.class, r.body());
      for (Bundle.BundleEntryComponent e : b.getEntry()) if (e.getResource() instanceof Location l) return l.getIdPart();
    }
    return null;
  }

  /** Facility code to the id of the Location that has it already. */
  private Map<String, String> existing(HttpServletRequest request, List<String> codes) throws Exception {
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < codes.size(); i += 50) {
      List<String> chunk = codes.subList(i, Math.min(codes.size(), i + 50));
      String q = String.join(",", chunk.stream().map(c -> FacilityRules.FACILITY_CODE + "|" + c).toList());
      HttpResponse<String> r = fhir(request, "GET", "/fhir/Location?identifier=" + enc(q) + "&_count=100", null);
      if (r.statusCode() != 200) continue;
      for (Bundle.BundleEntryComponent e : ctx.newJsonParser().parseResource(Bundle.class, r.body()).getEntry()) {
        if (e.getResource() instanceof Location l) {
          String c = code(l.getIdentifier());
          if (c != null) out.put(c, l.getIdPart());
        }
      }
    }
    return out;
  }

  private static String code(List<Identifier> ids) {
    return ids.stream().filter(i -> FacilityRules.FACILITY_CODE.equals(i.getSystem())).map(Identifier::getValue).findFirst().orElse(null);
  }

  private static String type(List<CodeableConcept> types) {
    for (CodeableConcept t : types) for (Coding c : t.getCoding()) if (FACILITY_TYPE.equals(c.getSystem())) return c.getCode();
    return "";
  }

  private static String jurisdictionCode(Location d) {
    return d.getIdentifier().stream().map(Identifier::getValue).filter(v -> v != null && !v.isBlank()).findFirst().orElse(d.getIdPart());
  }

  private static HttpResponse<String> fhir(HttpServletRequest request, String method, String path, String body) throws Exception {
    return Loopback.fhir(request, method, path, body, null);
  }

  private String diagnostics(HttpResponse<String> r) {
    return Loopback.diagnostics(ctx, r);
  }

  private ResponseEntity<?> problem(HttpResponse<String> r) {
    return RegistryApi.problem(r.statusCode() >= 400 && r.statusCode() < 500 ? r.statusCode() : 502, diagnostics(r));
  }



  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
