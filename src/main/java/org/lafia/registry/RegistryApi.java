package org.lafia.registry;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.lafia.fhir.spi.AuditSink;
import org.lafia.security.Actor;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The client registry for its stewards ({@code /api/registry}, roles {@code registry-steward} and
 * {@code national-admin}): the review queue and its decisions, a person with their records and
 * history, and the feed of merges other modules follow.
 *
 * <p>A "link" decision is carried out as a FHIR update of the record's national health ID, sent
 * with the steward's own token: it is authorised, checked, versioned in the record's history and
 * audited like every write, and the registry's rules ({@link HealthIdRules}) record the merge.
 */
@RestController
@RequestMapping(value = "/api/registry", produces = "application/json")
class RegistryApi {
  private static final List<String> STATUSES = List.of("open", "deferred", "linked", "distinct");

  private final JdbcTemplate jdbc;
  private final FhirContext ctx;
  private final AuditSink audit;
  private final String country;

  RegistryApi(DataSource dataSource, FhirContext ctx, org.springframework.beans.factory.ObjectProvider<AuditSink> audit,
      RegistryProperties props) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.ctx = ctx;
    this.audit = audit.getIfAvailable(() -> AuditSink.NONE);
    this.country = props.country();
  }

  /** A decision on a pair of the queue. */
  record Decision(String decision, String note) {}

  /**
   * The queue, oldest first: {@code status} open (the default: open and deferred), deferred,
   * linked, distinct or all; pages of {@code count} after the review {@code after}; those of one
   * Patient record only with {@code patient}.
   */
  @GetMapping("/reviews")
  ResponseEntity<?> reviews(@RequestParam(defaultValue = "open") String status, @RequestParam(defaultValue = "50") int count,
      @RequestParam(defaultValue = "0") long after, @RequestParam(required = false) String patient) {
    if (!status.equals("all") && !STATUSES.contains(status)) {
      return problem(400, "status prend open, deferred, linked, distinct ou all. / status takes open, deferred, linked, distinct"
          + " or all, not '" + status + "'.");
    }
    if (count < 1 || count > 500) return problem(400, "count va de 1 à 500. / count goes from 1 to 500.");
    String which = switch (status) {
      case "open" -> "status in ('open', 'deferred')";
      case "all" -> "true";
      default -> "status = '" + status + "'";
    };
    List<Map<String, Object>> rows = jdbc.queryForList("select r.id, r.patient_id, l.nhid as patient_nhid, r.candidate_id,"
        + " r.candidate_nhid, r.score, r.evidence, r.status, r.created, r.decided_by, r.decided_at, r.note from registry_review r"
        + " left join registry_link l on l.patient_id = r.patient_id where " + which + " and r.id > ?"
        + " and (?::text is null or r.patient_id = ? or r.candidate_id = ?) order by r.id limit ?", after, patient, patient, patient, count);
    List<Map<String, Object>> out = new ArrayList<>();
    List<String> patients = new ArrayList<>();
    for (Map<String, Object> r : rows) {
      out.add(review(r));
      patients.add((String) r.get("patient_id"));
      patients.add((String) r.get("candidate_id"));
    }
    audit.record(new AuditSink.Access('R', "registry-reviews", 0, patients.stream().distinct().toList(),
        patients.stream().distinct().map(id -> "Patient/" + id).limit(50).toList(), "/api/registry/reviews?status=" + status, null));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("reviews", out);
    if (rows.size() == count) {
      body.put("next", "/api/registry/reviews?status=" + status + "&count=" + count + "&after=" + rows.get(rows.size() - 1).get("id")
          + (patient == null ? "" : "&patient=" + java.net.URLEncoder.encode(patient, java.nio.charset.StandardCharsets.UTF_8)));
    }
    return ResponseEntity.ok(body);
  }

  @GetMapping("/reviews/{id}")
  ResponseEntity<?> review(@PathVariable long id) {
    Map<String, Object> r = load(id);
    if (r == null) return problem(404, "Aucune paire n° " + id + " dans la file. / No review " + id + ".");
    return ResponseEntity.ok(review(r));
  }

  /**
   * Decides a pair: {@code link} (the record joins the candidate's person), {@code distinct} (not
   * the same person: never proposed again), {@code defer} (kept for later, with a note) or
   * {@code reopen} (a deferred pair back in the queue).
   */
  @PostMapping(value = "/reviews/{id}", consumes = "application/json")
  ResponseEntity<?> decide(@PathVariable long id, @RequestBody(required = false) Decision d, HttpServletRequest request) throws Exception {
    if (d == null || d.decision() == null) {
      return problem(400, "Indiquez la décision : link, distinct, defer ou reopen. / Give the decision: link, distinct, defer or reopen.");
    }
    Map<String, Object> r = load(id);
    if (r == null) return problem(404, "Aucune paire n° " + id + " dans la file. / No review " + id + ".");
    String status = (String) r.get("status");
    if (!status.equals("open") && !status.equals("deferred")) {
      return problem(409, "Cette paire est déjà décidée (" + status + ", par " + r.get("decided_by") + "). / This pair was decided"
          + " already (" + status + ", by " + r.get("decided_by") + ").");
    }
    String note = d.note() == null ? null : d.note().strip();
    if (note != null && note.length() > 2000) return problem(400, "La note dépasse 2000 caractères. / The note exceeds 2000 characters.");
    Actor actor = Actor.current();
    String by = actor == null ? "?" : actor.subject();
    List<String> pair = List.of((String) r.get("patient_id"), (String) r.get("candidate_id"));
    switch (d.decision()) {
      case "distinct", "defer", "reopen" -> {
        if (d.decision().equals("reopen") && !status.equals("deferred")) {
          return problem(409, "Seule une paire reportée se rouvre. / Only a deferred pair is reopened.");
        }
        String to = switch (d.decision()) {
          case "distinct" -> "distinct";
          case "defer" -> "deferred";
          default -> "open";
        };
        int n = jdbc.update("update registry_review set status = ?, decided_by = ?, decided_at = now(), note = coalesce(?, note)"
            + " where id = ? and status in ('open', 'deferred')", to, by, note, id);
        if (n == 0) return problem(409, "Cette paire vient d'être décidée par quelqu'un d'autre. / Someone else just decided this pair.");
      }
      case "link" -> {
        ResponseEntity<?> moved = link(request, (String) r.get("patient_id"), (String) r.get("candidate_nhid"));
        if (moved != null) return moved;
        if (note != null) jdbc.update("update registry_review set note = ? where id = ?", note, id);
      }
      default -> {
        return problem(400, "Décision inconnue '" + d.decision() + "' : link, distinct, defer ou reopen. / Unknown decision '"
            + d.decision() + "': link, distinct, defer or reopen.");
      }
    }
    audit.record(new AuditSink.Access('U', "registry-review", 0, pair, pair.stream().map(p -> "Patient/" + p).toList(),
        "/api/registry/reviews/" + id, d.decision()));
    return ResponseEntity.ok(review(load(id)));
  }

  /** The record takes the candidate person's ID, by a FHIR update sent with the steward's own token; null when done. */
  private ResponseEntity<?> link(HttpServletRequest request, String patientId, String nhid) throws Exception {
    String path = "/fhir/Patient/" + patientId;
    HttpResponse<String> got = Loopback.fhir(request, "GET", path, null, null);
    if (got.statusCode() != 200) return fhirProblem(got, "lire le dossier / reading the record");
    Patient p = ctx.newJsonParser().parseResource(Patient.class, got.body());
    String version = p.getMeta().getVersionId();
    p.getIdentifier().removeIf(i -> NationalHealthId.SYSTEM.equals(i.getSystem()) && i.getUse() != Identifier.IdentifierUse.OLD
        && NationalHealthId.isValid(i.getValue()) && NationalHealthId.parse(i.getValue()).country().equals(country));
    p.addIdentifier(new Identifier().setUse(Identifier.IdentifierUse.OFFICIAL).setSystem(NationalHealthId.SYSTEM).setValue(nhid));
    HttpResponse<String> put = Loopback.fhir(request, "PUT", path, ctx.newJsonParser().encodeResourceToString(p), "W/\"" + version + "\"");
    if (put.statusCode() != 200) return fhirProblem(put, "lier le dossier / linking the record");
    return null;
  }

  /**
   * A person: their golden record (each field with the record it came from and the survivorship
   * rule that chose it), their records, how each came to them, and the moves in and out.
   */
  @GetMapping("/persons/{nhid}")
  ResponseEntity<?> person(@PathVariable String nhid) {
    var problem = NationalHealthId.problem(nhid);
    if (problem.isPresent()) return problem(400, problem.get());
    String id = NationalHealthId.parse(nhid).value();
    List<Map<String, Object>> person = jdbc.queryForList("select nhid, created, merged_into, merged_at from registry_person where nhid = ?", id);
    List<Map<String, Object>> records = jdbc.queryForList("select patient_id, band, score, matched_patient, evidence, decided_by, decided_at"
        + " from registry_link where nhid = ? order by decided_at, patient_id", id);
    if (person.isEmpty() && records.isEmpty()) return problem(404, "Aucune personne " + id + " dans le registre. / No person " + id + ".");
    List<Map<String, Object>> events = jdbc.queryForList("select seq, kind, patient_id, from_nhid, to_nhid, by_agent, at, reason"
        + " from registry_event where from_nhid = ? or to_nhid = ? order by seq", id, id);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("nhid", id);
    out.put("display", NationalHealthId.parse(id).display());
    if (!person.isEmpty()) {
      out.put("created", person.get(0).get("created"));
      out.put("mergedInto", person.get(0).get("merged_into"));
    }
    List<GoldenRecord.Source> sources = jdbc.query("select r.patient_id, r.fields, r.updated from registry_record r"
        + " join registry_link l on l.patient_id = r.patient_id where l.nhid = ?",
        (rs, i) -> new GoldenRecord.Source(org.lafia.registry.matching.PersonRecord.of(rs.getString(1), (String[]) rs.getArray(2).getArray()),
            rs.getObject(3, java.time.OffsetDateTime.class)), id);
    if (!sources.isEmpty()) out.put("golden", GoldenRecord.of(sources));
    out.put("records", records.stream().map(RegistryApi::camel).toList());
    out.put("events", events.stream().map(RegistryApi::camel).toList());
    List<String> ids = records.stream().map(x -> (String) x.get("patient_id")).toList();
    audit.record(new AuditSink.Access('R', "registry-person", 0, ids, ids.stream().map(x -> "Patient/" + x).limit(50).toList(),
        "/api/registry/persons/" + id, null));
    return ResponseEntity.ok(out);
  }

  /** Moves of records between persons, in order: what other modules (surveillance, the record) follow. */
  @GetMapping("/events")
  ResponseEntity<?> events(@RequestParam(defaultValue = "0") long after, @RequestParam(defaultValue = "100") int count) {
    if (count < 1 || count > 1000) return problem(400, "count va de 1 à 1000. / count goes from 1 to 1000.");
    List<Map<String, Object>> rows = jdbc.queryForList("select seq, kind, patient_id, from_nhid, to_nhid, by_agent, at, reason"
        + " from registry_event where seq > ? order by seq limit ?", after, count);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("events", rows.stream().map(RegistryApi::camel).toList());
    out.put("last", rows.isEmpty() ? after : rows.get(rows.size() - 1).get("seq"));
    return ResponseEntity.ok(out);
  }

  private Map<String, Object> load(long id) {
    List<Map<String, Object>> rows = jdbc.queryForList("select r.id, r.patient_id, l.nhid as patient_nhid, r.candidate_id,"
        + " r.candidate_nhid, r.score, r.evidence, r.status, r.created, r.decided_by, r.decided_at, r.note from registry_review r"
        + " left join registry_link l on l.patient_id = r.patient_id where r.id = ?", id);
    return rows.isEmpty() ? null : rows.get(0);
  }

  private static Map<String, Object> review(Map<String, Object> r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", r.get("id"));
    out.put("status", r.get("status"));
    out.put("patient", Map.of("id", r.get("patient_id"), "nhid", String.valueOf(r.get("patient_nhid"))));
    out.put("candidate", Map.of("id", r.get("candidate_id"), "nhid", r.get("candidate_nhid")));
    out.put("score", r.get("score"));
    out.put("evidence", evidence((String) r.get("evidence")));
    out.put("created", r.get("created"));
    if (r.get("decided_by") != null) {
      out.put("decidedBy", r.get("decided_by"));
      out.put("decidedAt", r.get("decided_at"));
    }
    if (r.get("note") != null) out.put("note", r.get("note"));
    return out;
  }

  /** "given=exact; family=one typo" as [{field: given, agreement: exact}, …]. */
  static List<Map<String, String>> evidence(String text) {
    List<Map<String, String>> out = new ArrayList<>();
    if (text == null || text.isBlank()) return out;
    for (String part : text.split(";\\s*")) {
      int eq = part.indexOf('=');
      if (eq > 0) out.add(Map.of("field", part.substring(0, eq).strip(), "agreement", part.substring(eq + 1).strip()));
    }
    return out;
  }

  private static Map<String, Object> camel(Map<String, Object> row) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : row.entrySet()) {
      String k = e.getKey();
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < k.length(); i++) {
        char ch = k.charAt(i);
        if (ch == '_' && i + 1 < k.length()) b.append(Character.toUpperCase(k.charAt(++i)));
        else b.append(ch);
      }
      out.put(b.toString(), e.getValue());
    }
    return out;
  }

  private ResponseEntity<?> fhirProblem(HttpResponse<String> r, String doing) {
    int status = r.statusCode() >= 400 && r.statusCode() < 500 ? r.statusCode() : 502;
    return problem(status, "Échec en " + doing.split(" / ")[0] + " : " + Loopback.diagnostics(ctx, r) + " / Failed " + doing.split(" / ")[1] + ".");
  }

  /** A file refused whole: 422, the first errors in the detail, up to 200 in {@code errors}. */
  static ResponseEntity<?> rejected(List<String> errors) {
    ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_ENTITY, "Rien n'a été importé : " + errors.size()
        + " erreur(s). / Nothing was imported: " + errors.size() + " error(s). " + String.join(" ; ", errors.subList(0, Math.min(20, errors.size()))));
    p.setProperty("errors", errors.subList(0, Math.min(200, errors.size())));
    return ResponseEntity.status(422).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(p);
  }

  static ResponseEntity<ProblemDetail> problem(int status, String detail) {
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(status), detail));
  }
}
