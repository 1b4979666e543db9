package org.lafia.fhir.rest;

import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ValidationOptions;
import ca.uhn.fhir.validation.ValidationResult;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import org.lafia.fhir.search.Sql;
import org.lafia.fhir.search.SearchEngine;
import org.lafia.fhir.store.StoredResource;

/** FHIR operations: {@code $everything}, {@code $validate}, {@code $meta}, {@code $meta-add}, {@code $meta-delete}. */
final class Operations {
  private final FhirServices fhir;
  private final Responses out;
  private final Integer[] patientCompartmentCodes;

  Operations(FhirServices fhir, Responses out) {
    this.fhir = fhir;
    this.out = out;
    this.patientCompartmentCodes = fhir.patientCompartmentCodes();
  }

  void typeOperation(FhirRequest req, HttpServletResponse resp, String type, String op) throws IOException, SQLException {
    if (op.equals("$validate")) {
      validate(req, resp, type, null);
      return;
    }
    if (op.equals("$match")) {
      if (!type.equals("Patient")) throw FhirError.notFound("$match is defined on Patient only.");
      match(req, resp);
      return;
    }
    if (op.equals("$ihe-pix")) {
      if (!type.equals("Patient")) throw FhirError.notFound("$ihe-pix is defined on Patient only.");
      pix(req, resp);
      return;
    }
    throw FhirError.notFound("Unknown operation " + op + " on " + type + ".");
  }

  void instanceOperation(FhirRequest req, HttpServletResponse resp, String type, String id, String op)
      throws IOException, SQLException {
    switch (op) {
      case "$everything" -> {
        if (!type.equals("Patient")) throw FhirError.notFound("$everything is defined on Patient only.");
        everything(req, resp, id);
      }
      case "$validate" -> validate(req, resp, type, id);
      case "$meta" -> meta(req, resp, type, id, null);
      case "$meta-add" -> meta(req, resp, type, id, true);
      case "$meta-delete" -> meta(req, resp, type, id, false);
      default -> throw FhirError.notFound("Unknown operation " + op + " on " + type + ".");
    }
  }

  // ---- $everything ------------------------------------------------------------------------

  private void everything(FhirRequest req, HttpServletResponse resp, String id) throws IOException, SQLException {
    if (!req.method.equals("GET") && !req.method.equals("POST")) throw new FhirError(405, "not-supported", "$everything takes GET or POST.");
    int count = 50;
    String c = req.first("_count");
    if (c != null) {
      try {
        count = Math.max(1, Math.min(1000, Integer.parseInt(c)));
      } catch (NumberFormatException e) {
        throw FhirError.badRequest("_count must be a whole number.");
      }
    }
    Long cursor = null;
    if (req.first("_cursor") != null) {
      try {
        cursor = Long.parseLong(req.first("_cursor"));
      } catch (NumberFormatException e) {
        throw FhirError.badRequest("Invalid _cursor.");
      }
    }
    Instant since = null;
    if (req.first("_since") != null) {
      try {
        since = new InstantType(req.first("_since")).getValue().toInstant();
      } catch (RuntimeException e) {
        throw FhirError.badRequest("_since must be an instant such as 2025-01-01T00:00:00Z.");
      }
    }
    Set<String> types = new LinkedHashSet<>();
    if (req.first("_type") != null) {
      for (String t : req.first("_type").split(",")) {
        if (!fhir.registry().isResourceType(t.trim())) throw FhirError.badRequest("Unknown resource type '" + t + "' in _type.");
        types.add(t.trim());
      }
    }
    List<StoredResource> page;
    List<StoredResource> included;
    boolean more;
    try (Connection conn = fhir.dataSource().getConnection()) {
      org.lafia.fhir.search.SearchEngine.cachedPlans(conn);
      StoredResource patient = fhir.store().current(conn, "Patient", id);
      if (patient == null) throw FhirError.notFound("Patient/" + id + " is not known.");
      if (patient.deleted()) throw new FhirError(410, "deleted", "Patient/" + id + " was deleted.");
      fhir.requireVisible(conn, patient);
      Sql q = new Sql().add("select r.pid from (select ?::bigint as pid union select x.pid from fhir_sp_ref x"
          + " where x.sp = any(?) and x.tgt_pid = ?) m join fhir_resource r on r.pid = m.pid"
          + " where not r.deleted", patient.pid(), patientCompartmentCodes, patient.pid());
      if (since != null) q.add(" and r.last_updated >= ?", since);
      if (!types.isEmpty()) q.add(" and r.res_type = any(?)", (Object) types.toArray(String[]::new));
      if (cursor != null) q.add(" and r.pid > ?", cursor);
      q.add(" order by r.pid limit ?", count + 1);
      List<Long> pids = new ArrayList<>();
      try (var ps = q.prepare(conn); var rs = ps.executeQuery()) {
        while (rs.next()) pids.add(rs.getLong(1));
      }
      more = pids.size() > count;
      if (more) pids = pids.subList(0, count);
      page = fhir.store().currentByPids(conn, pids);
      // Resources the page refers to (practitioners, organisations, medications...), once each.
      Sql refs = new Sql().add("select distinct t.pid from fhir_sp_ref x join fhir_resource t on t.pid = x.tgt_pid"
          + " where x.pid = any(?) and not t.deleted and t.res_type <> 'Patient'",
          (Object) pids.toArray(Long[]::new));
      if (!types.isEmpty()) refs.add(" and t.res_type = any(?)", (Object) types.toArray(String[]::new));
      List<Long> inc = new ArrayList<>();
      Set<Long> inPage = new LinkedHashSet<>(pids);
      try (var ps = refs.prepare(conn); var rs = ps.executeQuery()) {
        while (rs.next()) if (!inPage.contains(rs.getLong(1))) inc.add(rs.getLong(1));
      }
      included = fhir.store().currentByPids(conn, inc);
      org.lafia.fhir.spi.PatientScope scope = fhir.access().patientScope();
      if (!scope.all() && !included.isEmpty()) {
        // Referenced resources may be another patient's (a RelatedPerson, a linked Patient): only the visible ones.
        java.util.Set<Long> visible = fhir.search().accessible().visible(conn, included, scope);
        included = included.stream().filter(r -> visible.contains(r.pid())).toList();
      }
    }
    List<Responses.Entry> entries = new ArrayList<>();
    // The patient's compartment as far as the caller may read it: types it may not read are left
    // out (the page may then hold fewer entries; the next link stays right, it carries a pid).
    for (StoredResource s : page) if (fhir.access().mayRead(s.type())) entries.add(Responses.Entry.match(req.base, s, "match"));
    for (StoredResource s : included) if (fhir.access().mayRead(s.type())) entries.add(Responses.Entry.match(req.base, s, "include"));
    String path = req.base + "/Patient/" + id + "/$everything";
    Map<String, List<String>> params = new LinkedHashMap<>(req.params);
    String self = path + (params.isEmpty() ? "" : "?" + SearchEngine.queryString(params));
    String next = null;
    if (more) {
      params.put("_cursor", List.of(Long.toString(page.isEmpty() ? 0 : page.get(page.size() - 1).pid())));
      next = path + "?" + SearchEngine.queryString(params);
    }
    out.bundle(req, resp, "searchset", null, self, next, entries);
    fhir.audit().record(new org.lafia.fhir.spi.AuditSink.Access('E', "everything", 0, List.of(id),
        FhirServlet.entities(page, 50), "Patient/" + id + "/$everything", null));
  }

  // ---- $match -----------------------------------------------------------------------------

  static final String MATCH_GRADE = "http://hl7.org/fhir/StructureDefinition/match-grade";
  static final String MATCH_EVIDENCE = "http://lafia.health/fhir/StructureDefinition/match-evidence";

  /**
   * {@code Patient/$match} (FHIR R4): the client registry's candidates for a Patient, best first,
   * each with its score, its match-grade and which fields agreed. Candidates are searched as the
   * caller, so only records they may see can be returned.
   */
  private void match(FhirRequest req, HttpServletResponse resp) throws IOException, SQLException {
    if (!req.method.equals("POST")) throw new FhirError(405, "not-supported", "$match takes POST with a Parameters resource.");
    if (fhir.matcher() == null) throw new FhirError(501, "not-supported", "No client registry is deployed on this server.");
    fhir.access().check("Patient", org.lafia.fhir.spi.AccessPolicy.Interaction.SEARCH);
    IBaseResource in = fhir.parseBody(req.body(), req.bodyIsXml());
    if (!(in instanceof Parameters params)) {
      throw FhirError.badRequest("$match takes a Parameters resource with a 'resource' parameter (the Patient). / $match attend"
          + " une ressource Parameters avec un paramètre 'resource' (le patient).");
    }
    Parameters.ParametersParameterComponent r = params.getParameter("resource");
    if (r == null || !(r.getResource() instanceof org.hl7.fhir.r4.model.Patient patient)) {
      throw FhirError.badRequest("$match needs a 'resource' parameter holding a Patient. / Paramètre 'resource' (Patient) manquant.");
    }
    boolean onlyCertain = false;
    Parameters.ParametersParameterComponent oc = params.getParameter("onlyCertainMatches");
    if (oc != null) {
      if (!(oc.getValue() instanceof org.hl7.fhir.r4.model.BooleanType b) || !b.hasValue()) {
        throw FhirError.badRequest("onlyCertainMatches must be a boolean (valueBoolean).");
      }
      onlyCertain = b.booleanValue();
    }
    int count = 10;
    Parameters.ParametersParameterComponent cp = params.getParameter("count");
    if (cp != null) {
      if (!(cp.getValue() instanceof org.hl7.fhir.r4.model.IntegerType n) || !n.hasValue() || n.getValue() < 1) {
        throw FhirError.badRequest("count must be a positive integer (valueInteger).");
      }
      count = Math.min(n.getValue(), 100);
    }
    List<org.lafia.fhir.spi.PatientMatcher.Candidate> found;
    Map<String, org.hl7.fhir.r4.model.Patient> byId = new java.util.HashMap<>();
    try (Connection c = fhir.dataSource().getConnection()) {
      org.lafia.fhir.spi.PatientScope scope = fhir.access().patientScope();
      java.util.function.Function<Map<String, List<String>>, List<IBaseResource>> asCaller = patientsAsCaller(c, req, scope);
      java.util.function.Function<Map<String, List<String>>, List<IBaseResource>> search = q -> {
        List<IBaseResource> seen = asCaller.apply(q);
        for (IBaseResource p : seen) byId.putIfAbsent(p.getIdElement().getIdPart(), (org.hl7.fhir.r4.model.Patient) p);
        return seen;
      };
      try {
        found = fhir.matcher().match(patient, search, count, onlyCertain);
      } catch (org.lafia.fhir.spi.IncomingResources.Rejected e) {
        throw FhirError.unprocessable(e.expression() + ": " + e.getMessage());
      } catch (SearchFailed e) {
        throw e.sql;
      }
    }
    org.hl7.fhir.r4.model.Bundle b = new org.hl7.fhir.r4.model.Bundle().setType(org.hl7.fhir.r4.model.Bundle.BundleType.SEARCHSET);
    b.setTotal(found.size());
    List<String> patients = new ArrayList<>();
    for (org.lafia.fhir.spi.PatientMatcher.Candidate cand : found) {
      org.hl7.fhir.r4.model.Patient p = byId.get(cand.id());
      if (p == null) continue;
      patients.add(cand.id());
      org.hl7.fhir.r4.model.Bundle.BundleEntryComponent e = b.addEntry().setFullUrl(req.base + "/Patient/" + cand.id()).setResource(p);
      e.getSearch().setMode(org.hl7.fhir.r4.model.Bundle.SearchEntryMode.MATCH)
          .setScore(java.math.BigDecimal.valueOf(Math.round(cand.score() * 1e6) / 1e6));
      e.getSearch().addExtension(MATCH_GRADE, new org.hl7.fhir.r4.model.CodeType(cand.grade()));
      e.getSearch().addExtension(MATCH_EVIDENCE, new org.hl7.fhir.r4.model.StringType(cand.evidence()));
    }
    out.resource(req, resp, 200, b);
    fhir.audit().record(new org.lafia.fhir.spi.AuditSink.Access('E', "match", 0, patients,
        patients.stream().map(id -> "Patient/" + id).limit(50).toList(), "Patient/$match", found.size() + " candidates"));
  }

  // ---- $ihe-pix -------------------------------------------------------------------------

  /**
   * IHE PIXm (ITI-83) {@code GET Patient/$ihe-pix?sourceIdentifier=system|value[&targetSystem=…]}:
   * the identifiers (and the Patient records) of the person the source identifier names, in every
   * domain or in the target systems asked, as the caller may see them. Errors as PIXm says: a
   * source domain nobody uses 400, a source identifier not found 404, a target system nobody uses 403.
   */
  private void pix(FhirRequest req, HttpServletResponse resp) throws IOException, SQLException {
    if (!req.method.equals("GET")) throw new FhirError(405, "not-supported", "$ihe-pix takes GET. / $ihe-pix s'appelle en GET.");
    if (fhir.matcher() == null) throw new FhirError(501, "not-supported", "No client registry is deployed on this server.");
    fhir.access().check("Patient", org.lafia.fhir.spi.AccessPolicy.Interaction.SEARCH);
    List<String> sources = req.params.getOrDefault("sourceIdentifier", List.of());
    if (sources.size() != 1) {
      throw FhirError.badRequest("$ihe-pix takes one sourceIdentifier=system|value. / Un seul sourceIdentifier=système|valeur.");
    }
    String source = sources.get(0);
    int bar = source.indexOf('|');
    if (bar <= 0 || bar == source.length() - 1) {
      throw FhirError.badRequest("sourceIdentifier is system|value, both given (e.g. " + "urn:oid:1.2.3|12345), not '" + source
          + "'. / sourceIdentifier s'écrit système|valeur.");
    }
    String system = source.substring(0, bar), value = source.substring(bar + 1);
    List<String> targets = new ArrayList<>();
    for (String t : req.params.getOrDefault("targetSystem", List.of())) {
      for (String one : t.split(",")) if (!one.isBlank()) targets.add(one.strip());
    }
    List<IBaseResource> records = new ArrayList<>();
    try (Connection c = fhir.dataSource().getConnection()) {
      org.lafia.fhir.spi.PatientScope scope = fhir.access().patientScope();
      java.util.function.Function<Map<String, List<String>>, List<IBaseResource>> search = patientsAsCaller(c, req, scope);
      try {
        List<IBaseResource> named = search.apply(Map.of("identifier", List.of(system + "|" + value), "_count", List.of("50")));
        if (named.isEmpty()) {
          if (search.apply(Map.of("identifier", List.of(system + "|"), "_count", List.of("1"))).isEmpty()) {
            throw new FhirError(400, "code-invalid", "sourceIdentifier Assigning Authority not found / domaine d'identifiants inconnu : " + system);
          }
          throw new FhirError(404, "not-found", "sourceIdentifier Patient Identifier not found / aucun patient avec cet identifiant");
        }
        for (String t : targets) {
          if (search.apply(Map.of("identifier", List.of(t + "|"), "_count", List.of("1"))).isEmpty()) {
            throw new FhirError(403, "code-invalid", "targetSystem not found / domaine cible inconnu : " + t);
          }
        }
        Set<String> seen = new java.util.HashSet<>();
        for (IBaseResource r : named) {
          for (IBaseResource same : fhir.matcher().samePerson(r, search)) {
            if (seen.add(same.getIdElement().getIdPart())) records.add(same);
          }
        }
      } catch (SearchFailed e) {
        throw e.sql;
      }
    }
    org.hl7.fhir.r4.model.Parameters answer = new org.hl7.fhir.r4.model.Parameters();
    Set<String> identifiers = new java.util.LinkedHashSet<>();
    for (IBaseResource r : records) {
      for (org.hl7.fhir.r4.model.Identifier id : ((org.hl7.fhir.r4.model.Patient) r).getIdentifier()) {
        if (!id.hasSystem() || !id.hasValue() || id.getUse() == org.hl7.fhir.r4.model.Identifier.IdentifierUse.OLD) continue;
        if (id.getSystem().equals(system) && id.getValue().equals(value)) continue;
        if (!targets.isEmpty() && !targets.contains(id.getSystem())) continue;
        if (identifiers.add(id.getSystem() + "|" + id.getValue())) {
          answer.addParameter().setName("targetIdentifier").setValue(new org.hl7.fhir.r4.model.Identifier().setSystem(id.getSystem())
              .setValue(id.getValue()).setUse(id.getUse()));
        }
      }
    }
    List<String> patients = new ArrayList<>();
    for (IBaseResource r : records) {
      patients.add(r.getIdElement().getIdPart());
      answer.addParameter().setName("targetId").setValue(new org.hl7.fhir.r4.model.Reference(req.base + "/Patient/" + r.getIdElement().getIdPart()));
    }
    out.resource(req, resp, 200, answer);
    fhir.audit().record(new org.lafia.fhir.spi.AuditSink.Access('E', "ihe-pix", 0, patients,
        patients.stream().map(id -> "Patient/" + id).limit(50).toList(), "Patient/$ihe-pix?sourceIdentifier=" + source, null));
  }

  /** FHIR searches of Patients as the caller sees them, for the registry's operations ($match, $ihe-pix). */
  private java.util.function.Function<Map<String, List<String>>, List<IBaseResource>> patientsAsCaller(Connection c, FhirRequest req,
      org.lafia.fhir.spi.PatientScope scope) {
    return q -> {
      try {
        List<IBaseResource> found = new ArrayList<>();
        for (StoredResource s : fhir.search().search(c, "Patient", q, true, req.base, scope).matches()) found.add(fhir.parseJson(s.body()));
        return found;
      } catch (SQLException e) {
        throw new SearchFailed(e);
      }
    };
  }

  /** A candidate search's SQLException, carried through the matcher's function. */
  private static final class SearchFailed extends RuntimeException {
    final SQLException sql;

    SearchFailed(SQLException sql) {
      super(sql);
      this.sql = sql;
    }
  }

  // ---- $validate --------------------------------------------------------------------------

  private void validate(FhirRequest req, HttpServletResponse resp, String type, String id) throws IOException, SQLException {
    if (!req.method.equals("POST")) throw new FhirError(405, "not-supported", "$validate takes POST.");
    IBaseResource resource = fhir.parseBody(req.body(), req.bodyIsXml());
    String profile = req.first("profile");
    if (resource instanceof Parameters p) {
      Parameters.ParametersParameterComponent r = p.getParameter("resource");
      if (r == null || r.getResource() == null) throw FhirError.badRequest("$validate Parameters need a 'resource' parameter.");
      Parameters.ParametersParameterComponent pr = p.getParameter("profile");
      if (pr != null && pr.getValue() != null) profile = pr.getValue().primitiveValue();
      resource = r.getResource();
    }
    if (!fhir.ctx().getResourceType(resource).equals(type)) {
      throw FhirError.unprocessable("The resource is a " + fhir.ctx().getResourceType(resource) + ", not a " + type + ".");
    }
    FhirValidator validator = validatorWithStoredProfiles();
    ValidationOptions options = new ValidationOptions();
    if (profile != null) options.addProfile(profile);
    ValidationResult result = validator.validateWithResult(resource, options);
    OperationOutcome oo = (OperationOutcome) result.toOperationOutcome();
    if (oo.getIssue().isEmpty()) {
      oo.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
          .setCode(OperationOutcome.IssueType.INFORMATIONAL).setDiagnostics("No issues found. / Aucun problème détecté.");
    }
    out.resource(req, resp, 200, oo);
  }

  private record CachedValidator(String key, FhirValidator validator) {}

  private volatile CachedValidator cached;

  /**
   * The base-spec validator plus every StructureDefinition stored on the server. Building one
   * costs seconds, so it is kept while the stored profiles are unchanged: the key is read from
   * the database on every call, so a profile stored through any node is seen by all.
   */
  private FhirValidator validatorWithStoredProfiles() throws SQLException {
    String key;
    try (Connection c = fhir.dataSource().getConnection();
        var ps = c.prepareStatement("select count(*), coalesce(max(last_updated)::text, '') from fhir_resource"
            + " where res_type = 'StructureDefinition'");
        var rs = ps.executeQuery()) {
      rs.next();
      key = rs.getLong(1) + "@" + rs.getString(2);
    }
    CachedValidator current = cached;
    if (current != null && current.key().equals(key)) return current.validator();
    PrePopulatedValidationSupport stored = new PrePopulatedValidationSupport(fhir.ctx());
    try (Connection c = fhir.dataSource().getConnection()) {
      for (StoredResource s : fhir.store().currentOfType(c, "StructureDefinition")) {
        stored.addStructureDefinition((StructureDefinition) fhir.parseJson(s.body()));
      }
    }
    ValidationSupportChain chain = new ValidationSupportChain(
        stored,
        new DefaultProfileValidationSupport(fhir.ctx()),
        new CommonCodeSystemsTerminologyService(fhir.ctx()),
        new InMemoryTerminologyServerValidationSupport(fhir.ctx()),
        new SnapshotGeneratingValidationSupport(fhir.ctx()));
    FhirValidator v = fhir.ctx().newValidator();
    FhirInstanceValidator module = new FhirInstanceValidator(chain);
    module.setAnyExtensionsAllowed(true);
    v.registerValidatorModule(module);
    cached = new CachedValidator(key, v);
    return v;
  }

  // ---- $meta ------------------------------------------------------------------------------

  private void meta(FhirRequest req, HttpServletResponse resp, String type, String id, Boolean add)
      throws IOException, SQLException {
    if (add == null) {
      StoredResource s;
      try (Connection c = fhir.dataSource().getConnection()) {
        s = fhir.store().current(c, type, id);
        fhir.requireVisible(c, s);
      }
      if (s == null) throw FhirError.notFound(type + "/" + id + " is not known.");
      if (s.deleted()) throw new FhirError(410, "deleted", type + "/" + id + " was deleted.");
      Resource r = (Resource) fhir.parseJson(s.body());
      out.resource(req, resp, 200, new Parameters().addParameter(new Parameters.ParametersParameterComponent().setName("return").setValue(r.getMeta())));
      return;
    }
    if (!req.method.equals("POST")) throw new FhirError(405, "not-supported", "$meta-add and $meta-delete take POST.");
    IBaseResource in = fhir.parseBody(req.body(), req.bodyIsXml());
    if (!(in instanceof Parameters p) || p.getParameter("meta") == null || !(p.getParameter("meta").getValue() instanceof Meta change)) {
      throw FhirError.badRequest("Send Parameters with a 'meta' parameter of type Meta.");
    }
    WriteSession.Outcome o;
    try (WriteSession s = new WriteSession(fhir, fhir.dataSource()).audited('U', add ? "meta-add" : "meta-delete")) {
      StoredResource cur = fhir.store().current(s.connection(), type, id);
      if (cur == null) throw FhirError.notFound(type + "/" + id + " is not known.");
      if (cur.deleted()) throw new FhirError(410, "deleted", type + "/" + id + " was deleted.");
      fhir.requireVisible(s.connection(), cur);
      Resource r = (Resource) fhir.parseJson(cur.body());
      Meta meta = r.getMeta();
      if (add) {
        for (Coding t : change.getTag()) if (!hasCoding(meta.getTag(), t)) meta.addTag(t.copy());
        for (Coding t : change.getSecurity()) if (!hasCoding(meta.getSecurity(), t)) meta.addSecurity(t.copy());
        for (var pr : change.getProfile()) if (!meta.hasProfile(pr.getValue())) meta.addProfile(pr.getValue());
      } else {
        for (Coding t : change.getTag()) meta.getTag().removeIf(x -> same(x, t));
        for (Coding t : change.getSecurity()) meta.getSecurity().removeIf(x -> same(x, t));
        for (var pr : change.getProfile()) meta.getProfile().removeIf(x -> pr.getValue().equals(x.getValue()));
      }
      o = s.update(type, id, r, null);
      s.commit();
      Resource stored = (Resource) fhir.parseJson(o.body());
      out.resource(req, resp, 200, new Parameters().addParameter(new Parameters.ParametersParameterComponent().setName("return").setValue(stored.getMeta())));
    }
  }

  private static boolean hasCoding(List<Coding> list, Coding c) {
    return list.stream().anyMatch(x -> same(x, c));
  }

  private static boolean same(Coding a, Coding b) {
    return java.util.Objects.equals(a.getSystem(), b.getSystem()) && java.util.Objects.equals(a.getCode(), b.getCode());
  }
}
