package org.lafia.fhir.rest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.lafia.fhir.index.IndexExtractor;
import org.lafia.fhir.index.SearchParamRegistry;
import org.lafia.fhir.search.SearchEngine;
import org.lafia.fhir.spi.AccessPolicy;
import org.lafia.fhir.spi.AuditSink;
import org.lafia.fhir.store.ResourceStore;

/** The parts the REST layer works with, built once per node. */
public final class FhirServices {
  private final FhirContext ctx;
  private final DataSource dataSource;
  private final SearchParamRegistry registry;
  private final IndexExtractor extractor;
  private final ResourceStore store;
  private final SearchEngine search;
  private final ResourceInspector inspector;
  private final long maxBodyBytes;
  private final BodyCheck bodyCheck;
  private final AccessPolicy access;
  private final AuditSink audit;
  private final org.lafia.fhir.spi.ProvidedResources provided;
  private final org.lafia.fhir.spi.IncomingResources incoming;
  private final org.lafia.fhir.spi.PatientMatcher matcher;
  private final Integer[] patientCompartmentCodes;
  private final org.lafia.fhir.store.CareIndex care;

  public FhirServices(FhirContext ctx, DataSource dataSource, int defaultPageSize, int maxPageSize, long maxBodyBytes,
      AccessPolicy access, AuditSink audit, org.lafia.fhir.spi.ProvidedResources provided,
      org.lafia.fhir.spi.IncomingResources incoming, org.lafia.fhir.spi.PatientMatcher matcher) {
    this.provided = provided;
    this.incoming = incoming;
    this.matcher = matcher;
    this.access = access;
    this.audit = audit;
    this.ctx = ctx;
    this.dataSource = dataSource;
    this.registry = new SearchParamRegistry(ctx);
    this.extractor = new IndexExtractor(ctx, registry);
    this.store = new ResourceStore();
    this.search = new SearchEngine(registry, store, defaultPageSize, maxPageSize);
    this.inspector = new ResourceInspector(ctx);
    this.maxBodyBytes = maxBodyBytes;
    this.bodyCheck = new BodyCheck(ctx);
    List<Integer> codes = new ArrayList<>();
    for (String t : registry.resourceTypes()) {
      for (org.lafia.fhir.index.SearchParam sp : registry.params(t).values()) {
        // A narrowed parameter (Observation.patient) reads its base's rows (subject): the patient's
        // own pid as target keeps only references to the patient.
        if (sp.patientCompartment()) for (int code : sp.stored()) if (!codes.contains(code)) codes.add(code);
      }
    }
    this.patientCompartmentCodes = codes.toArray(Integer[]::new);
    this.care = careIndex(registry);
  }

  /**
   * What opens a record to a facility and what closes it (see CareIndex and PatientScope): care
   * there, a tele-expertise request to it (with the patient's consent), a restricting consent.
   */
  private static org.lafia.fhir.store.CareIndex careIndex(SearchParamRegistry registry) {
    var teleExpertise = new org.lafia.fhir.store.CareIndex.Token(registry.param("ServiceRequest", "category").stored(),
        org.lafia.fhir.spi.PatientScope.REQUEST_CATEGORY_SYSTEM, org.lafia.fhir.spi.PatientScope.TELE_EXPERTISE_CODE);
    int[] consentStatus = registry.param("Consent", "status").stored();
    int[] consentCategory = registry.param("Consent", "category").stored();
    var active = new org.lafia.fhir.store.CareIndex.Token(consentStatus, null, "active");
    int[] requestSubject = registry.param("ServiceRequest", "subject").stored();
    int[] requestPerformer = registry.param("ServiceRequest", "performer").stored();
    int[] consentPatient = registry.param("Consent", "patient").stored();
    return new org.lafia.fhir.store.CareIndex(List.of(
        new org.lafia.fhir.store.CareIndex.Rule('C', null, registry.param("Patient", "organization").stored(), false, List.of(), List.of()),
        new org.lafia.fhir.store.CareIndex.Rule('C', registry.param("Encounter", "subject").stored(),
            registry.param("Encounter", "service-provider").stored(), false, List.of(), List.of()),
        new org.lafia.fhir.store.CareIndex.Rule('C', registry.param("EpisodeOfCare", "patient").stored(),
            registry.param("EpisodeOfCare", "organization").stored(), false, List.of(), List.of()),
        new org.lafia.fhir.store.CareIndex.Rule('C', requestSubject, requestPerformer, false, List.of(), List.of(teleExpertise)),
        new org.lafia.fhir.store.CareIndex.Rule('T', requestSubject, requestPerformer, false, List.of(teleExpertise), List.of()),
        new org.lafia.fhir.store.CareIndex.Rule('R', consentPatient, registry.param("Consent", "organization").stored(), true,
            List.of(active, new org.lafia.fhir.store.CareIndex.Token(consentCategory, org.lafia.fhir.spi.PatientScope.CONSENT_CATEGORY_SYSTEM,
                org.lafia.fhir.spi.PatientScope.RESTRICT_CODE)), List.of()),
        new org.lafia.fhir.store.CareIndex.Rule('X', consentPatient, null, false,
            List.of(active, new org.lafia.fhir.store.CareIndex.Token(consentCategory, org.lafia.fhir.spi.PatientScope.CONSENT_CATEGORY_SYSTEM,
                org.lafia.fhir.spi.PatientScope.TELE_EXPERTISE_CODE)), List.of())));
  }

  /** The care relationships kept beside the index (see CareIndex). */
  public org.lafia.fhir.store.CareIndex care() {
    return care;
  }

  /**
   * Refuses (403) unless the caller's patient scope lets them see this resource: a person sees the
   * records of patients in care at their facilities, or granted by break-the-glass.
   */
  void requireVisible(java.sql.Connection c, org.lafia.fhir.store.StoredResource r) throws java.sql.SQLException {
    org.lafia.fhir.spi.PatientScope scope = access.patientScope();
    if (scope.all() || r == null || r.deleted()) return;
    if (!search.accessible().visible(c, List.of(r), scope).contains(r.pid())) throw notOpen(r);
  }

  /**
   * As {@link #requireVisible} followed by {@link #patientsOf} for one resource, in one statement
   * (a read's two questions, one round trip): the patients whose data it is, for the audit trail.
   */
  List<String> requireVisibleWithPatients(java.sql.Connection c, org.lafia.fhir.store.StoredResource r) throws java.sql.SQLException {
    if (r == null || r.deleted()) return List.of();
    List<String> patients = search.accessible().patientsIfVisible(c, r, access.patientScope(), patientCompartmentCodes);
    if (patients == null) throw notOpen(r);
    return patients;
  }

  private static org.lafia.fhir.spi.AccessDenied notOpen(org.lafia.fhir.store.StoredResource r) {
    return new org.lafia.fhir.spi.AccessDenied(r.type() + "/" + r.id() + " belongs to a record that is not open to you: the patient"
        + " has no care relationship with your facility, or keeps their record to the facility that holds it. If you must,"
        + " break the glass (POST /api/access/break-glass with the patient and your reason). / Ce dossier ne vous est pas"
        + " ouvert (aucune relation de soin avec votre établissement, ou partage refusé par le patient). En cas de besoin,"
        + " utilisez l'accès d'urgence (bris de glace) en motivant votre demande.");
  }

  /** Codes of the reference parameters that put a resource in a patient's compartment. */
  Integer[] patientCompartmentCodes() {
    return patientCompartmentCodes;
  }

  /**
   * The patients whose compartment these resources are in (by their current index rows), for the
   * audit trail: one query whatever the number of resources.
   */
  List<String> patientsOf(java.sql.Connection c, java.util.Collection<Long> pids) throws java.sql.SQLException {
    if (pids.isEmpty()) return List.of();
    List<String> ids = new ArrayList<>();
    try (var ps = c.prepareStatement("select distinct t.res_id from fhir_sp_ref x join fhir_resource t on t.pid = x.tgt_pid"
        + " where x.pid = any(?) and x.sp = any(?) and t.res_type = 'Patient'")) {
      ps.setArray(1, c.createArrayOf("bigint", pids.toArray()));
      ps.setArray(2, c.createArrayOf("integer", patientCompartmentCodes));
      try (var rs = ps.executeQuery()) {
        while (rs.next()) ids.add(rs.getString(1));
      }
    }
    return ids;
  }

  public FhirContext ctx() { return ctx; }
  AccessPolicy access() { return access; }
  AuditSink audit() { return audit; }
  org.lafia.fhir.spi.ProvidedResources provided() { return provided; }
  org.lafia.fhir.spi.IncomingResources incoming() { return incoming; }
  /** The client registry's matcher, or null when none is deployed. */
  org.lafia.fhir.spi.PatientMatcher matcher() { return matcher; }
  public DataSource dataSource() { return dataSource; }
  public SearchParamRegistry registry() { return registry; }
  IndexExtractor extractor() { return extractor; }
  public ResourceStore store() { return store; }
  public SearchEngine search() { return search; }
  ResourceInspector inspector() { return inspector; }
  long maxBodyBytes() { return maxBodyBytes; }

  IParser jsonParser() {
    return ctx.newJsonParser();
  }

  IParser strictParser(boolean xml) {
    IParser p = xml ? ctx.newXmlParser() : ctx.newJsonParser();
    p.setParserErrorHandler(new StrictErrorHandler());
    return p;
  }

  /** Parses stored JSON (trusted: written by us). */
  IBaseResource parseJson(String json) {
    return ctx.newJsonParser().parseResource(json);
  }

  /** A client's resource as HAPI's model and, for JSON, as the JSON tree it came in (stored as sent). */
  record ParsedBody(IBaseResource resource, com.fasterxml.jackson.databind.node.ObjectNode json, List<String> missing) {}

  /**
   * Parses a client's body strictly: bad UTF-8, JSON or XML, and anything the FHIR representation
   * rules forbid, are a 400 saying where and why. JSON is tokenised once: HAPI reads the checked tree.
   */
  ParsedBody parseBodyWithJson(byte[] body, boolean xml) {
    String text = BodyCheck.utf8(body);
    if (xml) {
      BodyCheck.checkXml(text);
      return new ParsedBody(parseChecked(text, null), null, List.of());
    }
    com.fasterxml.jackson.databind.JsonNode node = bodyCheck.parseJson(text);
    List<String> missing = new ArrayList<>();
    bodyCheck.checkResource(node, missing);
    return new ParsedBody(parseChecked(null, node), (com.fasterxml.jackson.databind.node.ObjectNode) node, missing);
  }

  /**
   * A transaction or batch Bundle: checked whole, then each entry's resource is detached into
   * {@code detached} (by entry index) before HAPI reads the envelope, so that entries are turned
   * into HAPI models one at a time, and released once staged, instead of all at once.
   */
  ParsedBody parseBundle(byte[] body, boolean xml, java.util.Map<Integer, com.fasterxml.jackson.databind.node.ObjectNode> detached) {
    if (xml) return parseBodyWithJson(body, true);
    String text = BodyCheck.utf8(body);
    com.fasterxml.jackson.databind.JsonNode node = bodyCheck.parseJson(text);
    text = null;
    List<String> missing = new ArrayList<>();
    bodyCheck.checkResource(node, missing);
    com.fasterxml.jackson.databind.JsonNode entries = node.get("entry");
    if ("Bundle".equals(node.path("resourceType").asText()) && entries != null && entries.isArray()) {
      for (int i = 0; i < entries.size(); i++) {
        if (entries.get(i) instanceof com.fasterxml.jackson.databind.node.ObjectNode entry
            && entry.get("resource") instanceof com.fasterxml.jackson.databind.node.ObjectNode) {
          detached.put(i, (com.fasterxml.jackson.databind.node.ObjectNode) entry.remove("resource"));
        }
      }
    }
    return new ParsedBody(parseChecked(null, node), (com.fasterxml.jackson.databind.node.ObjectNode) node, missing);
  }

  /** Checks a JSON resource tree (required elements it lacks go to {@code missing}). */
  void checkTree(com.fasterxml.jackson.databind.JsonNode node, List<String> missing) {
    bodyCheck.checkResource(node, missing);
  }

  /** Checks a JSON resource tree, then HAPI's model of it. */
  IBaseResource checkAndParseTree(com.fasterxml.jackson.databind.node.ObjectNode node, List<String> missing) {
    bodyCheck.checkResource(node, missing);
    return parseChecked(null, node);
  }

  /** HAPI's model of a resource whose JSON was already checked. */
  IBaseResource parseTree(com.fasterxml.jackson.databind.node.ObjectNode node) {
    return parseChecked(null, node);
  }

  /** A resource to store: as above, and a 422 naming the required elements it lacks. */
  ParsedBody parseResourceToStore(byte[] body, boolean xml) {
    ParsedBody parsed = parseBodyWithJson(body, xml);
    requireComplete(parsed.missing());
    return parsed;
  }

  static void requireComplete(List<String> missing) {
    if (!missing.isEmpty()) {
      throw FhirError.unprocessable("Required element(s) missing: " + String.join(", ", missing)
          + ". / Élément(s) obligatoire(s) manquant(s).");
    }
  }

  IBaseResource parseBody(byte[] body, boolean xml) {
    return parseBodyWithJson(body, xml).resource();
  }

  /** Checks JSON the server produced from client input (a patched resource) like a client body. */
  ParsedBody parseCheckedJson(com.fasterxml.jackson.databind.JsonNode node) {
    List<String> missing = new ArrayList<>();
    bodyCheck.checkResource(node, missing);
    requireComplete(missing);
    return new ParsedBody(parseChecked(null, node), (com.fasterxml.jackson.databind.node.ObjectNode) node, missing);
  }

  com.fasterxml.jackson.databind.ObjectMapper mapper() {
    return bodyCheck.mapper();
  }

  private IBaseResource parseChecked(String xmlText, com.fasterxml.jackson.databind.JsonNode json) {
    boolean xml = xmlText != null;
    try {
      if (xml) return strictParser(true).parseResource(xmlText);
      ca.uhn.fhir.parser.json.jackson.JacksonStructure structure = new ca.uhn.fhir.parser.json.jackson.JacksonStructure();
      structure.setNativeObject((com.fasterxml.jackson.databind.node.ObjectNode) json);
      return ((ca.uhn.fhir.parser.JsonParser) strictParser(false)).parseResource(structure);
    } catch (DataFormatException e) {
      throw FhirError.badRequest("The body is not a valid FHIR resource: " + e.getMessage()
          + " / Le corps n'est pas une ressource FHIR valide.");
    } catch (StackOverflowError e) {
      throw FhirError.badRequest("The body is nested too deeply to be a FHIR resource.");
    } catch (RuntimeException e) {
      throw FhirError.badRequest("The body could not be read as FHIR " + (xml ? "XML" : "JSON") + ": "
          + e.getMessage());
    }
  }
}
