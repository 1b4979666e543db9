package org.lafia.fhir.rest;

import ca.uhn.fhir.parser.DataFormatException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.InstantType;
import org.lafia.fhir.search.BadSearch;
import org.lafia.fhir.search.SearchEngine;
import org.lafia.fhir.search.SearchResult;
import org.lafia.fhir.spi.AccessDenied;
import org.lafia.fhir.spi.AuditSink;
import org.lafia.fhir.spi.AccessPolicy.Interaction;
import org.lafia.fhir.store.ResourceStore;
import org.lafia.fhir.store.StoredResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FHIR R4 RESTful API at {@code /fhir}: routes each interaction of the specification to the
 * store, and turns every refusal into an OperationOutcome with the right status. Keeps no state
 * between requests (paging links carry their own position), so any node can answer any request.
 */
public final class FhirServlet extends HttpServlet {
  private static final Logger log = LoggerFactory.getLogger(FhirServlet.class);

  private final FhirServices fhir;
  private final Responses out;
  private final BundleProcessor bundles;
  private final Operations operations;
  private final Capabilities capabilities;

  public FhirServlet(FhirServices fhir) {
    this.fhir = fhir;
    this.out = new Responses(fhir);
    this.bundles = new BundleProcessor(fhir, this);
    this.operations = new Operations(fhir, out);
    this.capabilities = new Capabilities(fhir);
  }

  /**
   * Bodies being processed at once, in KiB of their size: large bodies queue for their share
   * instead of exhausting the heap together; small ones (under 256 KiB) never wait. A transaction in
   * progress holds about three quarters of its size (its body LZ4-compressed, see {@link
   * RequestBody}, and a few hundred bytes per entry). A larger share lets more large transactions
   * run at once but does not load faster: on two cores, a quarter of the heap instead of a tenth
   * cost 15–25 % more CPU per resource in the JVM and in PostgreSQL (more live data to collect,
   * more contention on the same index pages) for the same rate (docs/benchmarks.md).
   */
  private final int budgetKib = (int) Math.max(64 * 1024, Runtime.getRuntime().maxMemory() / 10 / 1024);

  // Computed once: maxMemory() moves with the collector's survivor sizing, and a request asking for
  // more permits than the semaphore was created with would wait forever, with every later one
  // queued behind it (the semaphore is fair).
  private final java.util.concurrent.Semaphore bodyBudget = new java.util.concurrent.Semaphore(budgetKib, true);

  @Override
  protected void service(HttpServletRequest http, HttpServletResponse resp) throws IOException {
    FhirRequest req = null;
    int held = 0;
    try {
      long length = http.getContentLengthLong();
      if (length > 256 * 1024 && length <= fhir.maxBodyBytes()) {
        held = (int) Math.min(budgetKib, length / 1024);
        if (!bodyBudget.tryAcquire(held, 300, java.util.concurrent.TimeUnit.SECONDS)) {
          held = 0;
          resp.setHeader("Retry-After", "30");
          throw new FhirError(503, "transient", "The server is busy with other large requests; retry later."
              + " / Serveur occupé, réessayez plus tard.");
        }
      }
      req = new FhirRequest(http, fhir.maxBodyBytes());
      route(req, resp);
    } catch (FhirError e) {
      fail(req, resp, e.status(), e.issueCode(), e.getMessage());
    } catch (AccessDenied e) {
      fhir.audit().record(new AuditSink.Access('E', "refused", 4, List.of(), List.of(),
          http.getMethod() + " " + http.getRequestURI(), e.getMessage()));
      fail(req, resp, 403, "forbidden", e.getMessage());
    } catch (BadSearch e) {
      fail(req, resp, 400, "invalid", e.getMessage());
    } catch (DataFormatException e) {
      fail(req, resp, 400, "invalid", e.getMessage());
    } catch (SQLException e) {
      FhirError mapped = mapSql(e);
      if (mapped.status() >= 500) log.error("Database error on {} {}", http.getMethod(), http.getRequestURI(), e);
      if (mapped.status() == 503) resp.setHeader("Retry-After", "60");
      fail(req, resp, mapped.status(), mapped.issueCode(), mapped.getMessage());
    } catch (RuntimeException e) {
      log.error("Unexpected error on {} {}", http.getMethod(), http.getRequestURI(), e);
      fail(req, resp, 500, "exception", "Internal error: " + e.getClass().getSimpleName());
    } catch (OutOfMemoryError e) {
      // The request's objects are unreachable once we are here: refuse it, roll back, keep serving.
      log.error("Out of memory on {} {} ({} bytes)", http.getMethod(), http.getRequestURI(), http.getContentLengthLong());
      resp.setHeader("Retry-After", "60");
      fail(req, resp, 503, "transient", "Not enough memory for this request now; retry later or send smaller bundles."
          + " / Mémoire insuffisante pour cette requête, réessayez ou envoyez des lots plus petits.");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail(req, resp, 503, "transient", "Interrupted; retry.");
    } finally {
      if (held > 0) bodyBudget.release(held);
    }
  }

  private static final Map<String, String> RESOURCE_LIMIT = Map.of("53100", "disk full", "53200", "out of memory",
      "53300", "too many connections", "53400", "configuration limit exceeded");

  static FhirError mapSql(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (state.equals("23505")) {
      return FhirError.conflict("Another request created or changed the same resource at the same"
          + " time; retry. / Conflit d'écriture concurrente, réessayez.");
    }
    if (state.equals("40001") || state.equals("40P01")) {
      return FhirError.conflict("Concurrent writes conflicted; retry the request.");
    }
    if (state.startsWith("22") || state.startsWith("54")) {
      return FhirError.badRequest("A value in the request cannot be stored or searched: " + e.getMessage());
    }
    // The database cannot take more now (class 53: disk full, out of memory, too many
    // connections): the statement failed, so its transaction stored nothing; the client may retry.
    if (state.startsWith("53")) {
      return new FhirError(503, "transient", "The database cannot take this request now (" + RESOURCE_LIMIT.getOrDefault(state,
          "insufficient resources") + "); nothing was stored: retry later. / La base de données ne peut pas traiter la"
          + " requête pour le moment ; rien n'a été enregistré : réessayez plus tard.");
    }
    // Unreachable or shutting down (08, 57P): a write's outcome may be unknown if it was committing.
    if (state.startsWith("08") || state.startsWith("57P")) {
      return new FhirError(503, "transient", "The database is unreachable or restarting; retry later (for a write,"
          + " read the resource first: it may have been stored). / La base de données est injoignable ou redémarre ;"
          + " réessayez plus tard (pour une écriture, vérifiez d'abord si elle a été enregistrée).");
    }
    return new FhirError(500, "exception", "Database error");
  }

  private void fail(FhirRequest req, HttpServletResponse resp, int status, String code, String message)
      throws IOException {
    if (resp.isCommitted()) return;
    String retryAfter = resp.getHeader("Retry-After"); // set with a 503 just before; reset() would drop it
    resp.reset();
    if (retryAfter != null) resp.setHeader("Retry-After", retryAfter);
    FhirRequest safe = req;
    out.outcome(safe, resp, status, "error", code, message);
  }

  private void route(FhirRequest req, HttpServletResponse resp) throws IOException, SQLException {
    List<String> p = req.path;
    String m = req.method;
    if (p.isEmpty()) {
      if (m.equals("POST")) {
        bundles.process(req, resp);
        return;
      }
      throw new FhirError(m.equals("GET") ? 400 : 405, "not-supported",
          "Search across all resource types is not supported; search one type, e.g. GET /fhir/Patient?name=x.");
    }
    String first = p.get(0);
    if ((first.equals("metadata") || first.equals("_history")) && p.size() > 1) {
      throw FhirError.notFound("Unknown path /fhir/" + String.join("/", p) + ".");
    }
    if (first.equals("metadata")) {
      if (!m.equals("GET")) throw methodNotAllowed(m, "/metadata");
      if (req.first("_summary") == null && req.first("_elements") == null) {
        out.text(resp, 200, req.xml, capabilities.encode(req.base, req.xml, req.pretty, () -> out.parser(req, false)));
      } else {
        out.resource(req, resp, 200, capabilities.statement(req.base));
      }
      return;
    }
    if (first.equals("_history")) {
      if (!m.equals("GET")) throw methodNotAllowed(m, "/_history");
      allow("*", Interaction.SEARCH);
      history(req, resp, null, null);
      return;
    }
    if (first.startsWith("$")) {
      throw new FhirError(404, "not-supported", "Unknown system operation '" + first + "'.");
    }
    if (!fhir.registry().isResourceType(first)) {
      throw new FhirError(404, "not-supported", "Unknown resource type '" + first
          + "'. / Type de ressource inconnu.");
    }
    String type = first;
    if (fhir.provided().types().contains(type)) {
      provided(req, resp, type, p);
      return;
    }
    if (p.size() == 1) {
      allow(type, switch (m) {
        case "POST" -> Interaction.CREATE;
        case "PUT", "PATCH" -> Interaction.UPDATE;
        case "DELETE" -> Interaction.DELETE;
        default -> Interaction.SEARCH;
      });
      switch (m) {
        case "GET", "HEAD" -> search(req, resp, type, req.params);
        case "POST" -> create(req, resp, type);
        case "PUT" -> conditional(req, resp, type, "PUT");
        case "DELETE" -> conditional(req, resp, type, "DELETE");
        case "PATCH" -> conditional(req, resp, type, "PATCH");
        default -> throw methodNotAllowed(m, "/" + type);
      }
      return;
    }
    String second = p.get(1);
    if (p.size() == 2 && second.equals("_search")) {
      if (!m.equals("POST")) throw methodNotAllowed(m, "/" + type + "/_search");
      allow(type, Interaction.SEARCH);
      search(req, resp, type, formParams(req));
      return;
    }
    if (p.size() == 2 && second.equals("_history")) {
      if (!m.equals("GET")) throw methodNotAllowed(m, "/" + type + "/_history");
      allow(type, Interaction.SEARCH);
      history(req, resp, type, null);
      return;
    }
    if (second.startsWith("$")) {
      if (p.size() != 2) throw FhirError.notFound("Unknown path.");
      allow(type, Interaction.READ);
      operations.typeOperation(req, resp, type, second);
      return;
    }
    String id = second;
    if (!WriteSession.ID.matcher(id).matches()) {
      throw FhirError.badRequest("'" + id + "' is not a valid FHIR id (1 to 64 letters, digits, '-' or '.').");
    }
    if (p.size() == 2) {
      allow(type, switch (m) {
        case "PUT", "PATCH" -> Interaction.UPDATE;
        case "DELETE" -> Interaction.DELETE;
        default -> Interaction.READ;
      });
      switch (m) {
        case "GET", "HEAD" -> read(req, resp, type, id);
        case "PUT" -> update(req, resp, type, id);
        case "DELETE" -> delete(req, resp, type, id);
        case "PATCH" -> patch(req, resp, type, id);
        default -> throw methodNotAllowed(m, "/" + type + "/" + id);
      }
      return;
    }
    String third = p.get(2);
    if (third.startsWith("$") && p.size() == 3) {
      allow(type, third.equals("$meta-add") || third.equals("$meta-delete") ? Interaction.UPDATE : Interaction.READ);
      operations.instanceOperation(req, resp, type, id, third);
      return;
    }
    if (third.equals("_history")) {
      if (!m.equals("GET") && !m.equals("HEAD")) throw methodNotAllowed(m, "history");
      allow(type, Interaction.READ);
      if (p.size() == 3) {
        history(req, resp, type, id);
        return;
      }
      if (p.size() == 4) {
        vread(req, resp, type, id, p.get(3));
        return;
      }
    }
    throw FhirError.notFound("Unknown path /fhir/" + String.join("/", p) + ".");
  }

  /** A type another module serves read-only (AuditEvent, from the audit trail). */
  private void provided(FhirRequest req, HttpServletResponse resp, String type, List<String> p) throws IOException {
    if (!req.method.equals("GET") && !req.method.equals("HEAD")) {
      throw new FhirError(405, "not-supported", type + " is read-only here: Lafia writes it itself. / " + type
          + " est en lecture seule : Lafia l'écrit elle-même.");
    }
    org.lafia.fhir.spi.ProvidedResources source = fhir.provided();
    if (p.size() == 2) {
      allow(type, Interaction.READ);
      org.lafia.fhir.spi.ProvidedResources.Item item = source.read(type, p.get(1));
      if (item == null) throw FhirError.notFound(type + "/" + p.get(1) + " is not known.");
      out.stored(req, resp, 200, new StoredResource(0, type, item.id(), 1, item.lastUpdated(), 'C', item.json()));
      fhir.audit().record(new AuditSink.Access('R', "read", 0, List.of(), List.of(type + "/" + item.id()), null, null));
      return;
    }
    if (p.size() != 1) throw FhirError.notFound("Unknown path /fhir/" + String.join("/", p) + ".");
    allow(type, Interaction.SEARCH);
    Map<String, List<String>> criteria = new LinkedHashMap<>(req.params);
    for (String k : List.of("_format", "_pretty", "_count", "_cursor", "_total")) criteria.remove(k);
    int count = 50;
    if (req.first("_count") != null) {
      try {
        count = Math.max(1, Math.min(1000, Integer.parseInt(req.first("_count"))));
      } catch (NumberFormatException e) {
        throw FhirError.badRequest("_count must be a whole number.");
      }
    }
    org.lafia.fhir.spi.ProvidedResources.Page page;
    try {
      page = source.search(type, criteria, count, req.first("_cursor"));
    } catch (IllegalArgumentException e) {
      throw FhirError.badRequest(e.getMessage());
    }
    List<Responses.Entry> entries = new ArrayList<>();
    for (org.lafia.fhir.spi.ProvidedResources.Item item : page.items()) {
      entries.add(Responses.Entry.match(req.base, new StoredResource(0, type, item.id(), 1, item.lastUpdated(), 'C', item.json()), "match"));
    }
    Map<String, List<String>> params = new LinkedHashMap<>(req.params);
    params.remove("_cursor");
    String self = Responses.searchUrl(req.base, type, SearchEngine.queryString(params));
    String next = null;
    if (page.nextCursor() != null) {
      params.put("_cursor", List.of(page.nextCursor()));
      next = Responses.searchUrl(req.base, type, SearchEngine.queryString(params));
    }
    out.bundle(req, resp, "searchset", null, self, next, entries);
    fhir.audit().record(new AuditSink.Access('E', "search", 0, page.patients(), List.of(), type + "?"
        + SearchEngine.queryString(req.params), page.items().size() + " entries"));
  }

  /** Asks the security module; refusals surface as 403 (see {@code service}). */
  private void allow(String type, Interaction interaction) {
    fhir.access().check(type, interaction);
  }

  private static FhirError methodNotAllowed(String method, String path) {
    return new FhirError(405, "not-supported", "Method " + method + " is not allowed on " + path + ".");
  }

  private Map<String, List<String>> formParams(FhirRequest req) {
    Map<String, List<String>> params = new LinkedHashMap<>(req.params);
    String ct = req.http.getContentType();
    if (ct != null && !ct.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
      throw new FhirError(415, "not-supported", "POST _search takes application/x-www-form-urlencoded.");
    }
    byte[] body = req.body();
    if (body.length > 0) {
      FhirRequest.parseQuery(new String(body, java.nio.charset.StandardCharsets.ISO_8859_1))
          .forEach((k, v) -> params.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
    }
    return params;
  }

  // ---- read --------------------------------------------------------------------------------

  private void read(FhirRequest req, HttpServletResponse resp, String type, String id) throws IOException, SQLException {
    StoredResource s;
    List<String> patients;
    try (Connection c = fhir.dataSource().getConnection()) {
      SearchEngine.cachedPlans(c);
      s = fhir.store().current(c, type, id);
      patients = fhir.requireVisibleWithPatients(c, s);
    }
    if (s == null) throw FhirError.notFound(type + "/" + id + " is not known. / Ressource introuvable.");
    if (s.deleted()) {
      Responses.versionHeaders(resp, s.version(), s.lastUpdated());
      throw new FhirError(410, "deleted", type + "/" + id + " was deleted. / Ressource supprimée.");
    }
    String inm = req.header("If-None-Match");
    if (inm != null && inm.replace("W/", "").replace("\"", "").trim().equals(Integer.toString(s.version()))) {
      resp.setStatus(304);
      Responses.versionHeaders(resp, s.version(), s.lastUpdated());
      return;
    }
    out.stored(req, resp, 200, s);
    fhir.audit().record(new AuditSink.Access('R', "read", 0, patients, List.of(type + "/" + id), null, null));
  }

  /** As {@link FhirServices#requireVisible}, reading the current version only for a restricted caller. */
  private void requireVisible(Connection c, String type, String id) throws SQLException {
    if (fhir.access().patientScope().all()) return;
    fhir.requireVisible(c, fhir.store().current(c, type, id));
  }

  /** The patients whose data these resources are: for the audit trail. */
  List<String> patientsOf(Connection c, List<StoredResource> rs) throws SQLException {
    java.util.LinkedHashSet<String> patients = new java.util.LinkedHashSet<>();
    List<Long> others = new ArrayList<>();
    for (StoredResource r : rs) {
      if (r.type().equals("Patient")) patients.add(r.id());
      else others.add(r.pid());
    }
    patients.addAll(fhir.patientsOf(c, others));
    return new ArrayList<>(patients);
  }

  static List<String> entities(List<StoredResource> rs, int max) {
    List<String> out = new ArrayList<>(Math.min(rs.size(), max));
    for (StoredResource r : rs) {
      if (out.size() == max) break;
      out.add(r.type() + "/" + r.id());
    }
    return out;
  }

  private void vread(FhirRequest req, HttpServletResponse resp, String type, String id, String vid)
      throws IOException, SQLException {
    int version;
    try {
      version = Integer.parseInt(vid);
    } catch (NumberFormatException e) {
      throw FhirError.notFound("Version '" + vid + "' of " + type + "/" + id + " does not exist.");
    }
    StoredResource s;
    List<String> patients;
    try (Connection c = fhir.dataSource().getConnection()) {
      SearchEngine.cachedPlans(c);
      s = fhir.store().version(c, type, id, version);
      requireVisible(c, type, id);
      patients = s == null || s.deleted() ? List.of() : type.equals("Patient") ? List.of(id)
          : fhir.patientsOf(c, List.of(s.pid())); // the current version's patients: index rows are kept for it only
    }
    if (s == null) throw FhirError.notFound("Version " + vid + " of " + type + "/" + id + " does not exist.");
    if (s.deleted()) throw new FhirError(410, "deleted", "Version " + vid + " of " + type + "/" + id + " is a deletion.");
    out.stored(req, resp, 200, s);
    fhir.audit().record(new AuditSink.Access('R', "vread", 0, patients, List.of(type + "/" + id + "/_history/" + vid), null, null));
  }

  // ---- writes ------------------------------------------------------------------------------

  private FhirServices.ParsedBody body(FhirRequest req) {
    byte[] b = req.body();
    if (b.length == 0) throw FhirError.badRequest("The request has no body; send a FHIR resource.");
    return fhir.parseResourceToStore(b, req.bodyIsXml());
  }

  private void create(FhirRequest req, HttpServletResponse resp, String type) throws IOException, SQLException {
    FhirServices.ParsedBody parsed = body(req);
    IBaseResource r = parsed.resource();
    String bodyType = fhir.ctx().getResourceType(r);
    if (!bodyType.equals(type)) {
      throw FhirError.unprocessable("The body is a " + bodyType + " but the URL names " + type
          + ". / Le type de la ressource ne correspond pas à l'URL.");
    }
    WriteSession.Outcome o;
    try (WriteSession s = new WriteSession(fhir, fhir.dataSource())) {
      s.audited('C', "create").source(r, parsed.json());
      o = s.create(r, req.header("If-None-Exist"), null);
      s.commit();
    }
    writeOutcome(req, resp, o);
  }

  private void update(FhirRequest req, HttpServletResponse resp, String type, String id) throws IOException, SQLException {
    FhirServices.ParsedBody parsed = body(req);
    WriteSession.Outcome o;
    try (WriteSession s = new WriteSession(fhir, fhir.dataSource())) {
      requireVisible(s.connection(), type, id);
      s.audited('U', "update").source(parsed.resource(), parsed.json());
      o = s.update(type, id, parsed.resource(), req.ifMatch());
      s.commit();
    }
    writeOutcome(req, resp, o);
  }

  private void delete(FhirRequest req, HttpServletResponse resp, String type, String id) throws IOException, SQLException {
    WriteSession.Outcome o;
    try (WriteSession s = new WriteSession(fhir, fhir.dataSource())) {
      requireVisible(s.connection(), type, id);
      o = s.audited('D', "delete").delete(type, id, req.ifMatch());
      s.commit();
    }
    if (o.version() > 0) Responses.versionHeaders(resp, o.version(), null);
    resp.setStatus(204);
  }

  private void patch(FhirRequest req, HttpServletResponse resp, String type, String id) throws IOException, SQLException {
    checkPatchType(req);
    WriteSession.Outcome o;
    try (WriteSession s = new WriteSession(fhir, fhir.dataSource())) {
      requireVisible(s.connection(), type, id);
      o = s.audited('U', "patch").patch(type, id, req.body(), req.ifMatch());
      s.commit();
    }
    writeOutcome(req, resp, o);
  }

  private static void checkPatchType(FhirRequest req) {
    String ct = req.http.getContentType();
    if (ct == null || !ct.toLowerCase().startsWith("application/json-patch+json")) {
      throw new FhirError(415, "not-supported", "PATCH takes a JSON Patch document (Content-Type:"
          + " application/json-patch+json).");
    }
  }

  private void conditional(FhirRequest req, HttpServletResponse resp, String type, String method)
      throws IOException, SQLException {
    if (req.params.isEmpty()) {
      throw methodNotAllowed(method, "/" + type + " without search criteria");
    }
    String criteria = req.http.getQueryString();
    WriteSession.Outcome o;
    try (WriteSession s = new WriteSession(fhir, fhir.dataSource())) {
      s.audited(method.equals("DELETE") ? 'D' : 'U', method.equals("PUT") ? "update" : method.equals("DELETE") ? "delete" : "patch");
      o = switch (method) {
        case "PUT" -> {
          FhirServices.ParsedBody parsed = body(req);
          s.source(parsed.resource(), parsed.json());
          yield s.conditionalUpdate(type, criteria, parsed.resource(), req.ifMatch());
        }
        case "DELETE" -> s.conditionalDelete(type, criteria);
        default -> {
          checkPatchType(req);
          String match = s.matchOne(type, criteria, "conditional patch");
          if (match == null) throw FhirError.notFound("No " + type + " matches the criteria.");
          yield s.patch(type, match, req.body(), req.ifMatch());
        }
      };
      s.commit();
    }
    if (method.equals("DELETE")) {
      resp.setStatus(204);
      return;
    }
    writeOutcome(req, resp, o);
  }

  /** Status, Location, ETag, and the body the client preferred (representation by default). */
  void writeOutcome(FhirRequest req, HttpServletResponse resp, WriteSession.Outcome o) throws IOException {
    String location = req.base + "/" + o.type() + "/" + o.id() + "/_history/" + o.version();
    if (o.status() == 201) resp.setHeader("Location", location);
    resp.setHeader("Content-Location", location);
    Responses.versionHeaders(resp, o.version(), o.lastUpdated());
    String prefer = req.preferReturn();
    if ("minimal".equals(prefer)) {
      resp.setStatus(o.status());
      return;
    }
    if ("OperationOutcome".equals(prefer)) {
      out.outcome(req, resp, o.status(), "information", "informational",
          (o.status() == 201 ? "Created " : "Stored ") + o.type() + "/" + o.id() + " version " + o.version());
      return;
    }
    out.stored(req, resp, o.status(), new StoredResource(0, o.type(), o.id(), o.version(), o.lastUpdated(), 'U', o.body()));
  }

  // ---- search and history -----------------------------------------------------------------

  private void search(FhirRequest req, HttpServletResponse resp, String type, Map<String, List<String>> params)
      throws IOException, SQLException {
    SearchResult r;
    List<String> patients;
    try (Connection c = fhir.dataSource().getConnection()) {
      r = fhir.search().search(c, type, params, req.lenient(), req.base, fhir.access().patientScope());
      // The matches' patients came with their bodies; the included resources' are looked up.
      java.util.LinkedHashSet<String> whose = new java.util.LinkedHashSet<>();
      for (StoredResource m : r.matches()) if (m.type().equals("Patient")) whose.add(m.id());
      whose.addAll(r.patients());
      List<StoredResource> included = new ArrayList<>();
      for (StoredResource inc : r.included()) if (fhir.access().mayRead(inc.type())) included.add(inc);
      if (!included.isEmpty()) whose.addAll(patientsOf(c, included));
      patients = new ArrayList<>(whose);
    }
    String self = Responses.searchUrl(req.base, type, SearchEngine.queryString(params));
    String next = r.nextQuery() == null ? null : Responses.searchUrl(req.base, type, r.nextQuery());
    List<Responses.Entry> entries = Responses.searchEntries(req.base, r, fhir.access());
    out.bundle(req, resp, "searchset", r.total(), self, next, entries);
    fhir.audit().record(new AuditSink.Access('E', "search", 0, patients, entities(r.matches(), 50),
        type + "?" + SearchEngine.queryString(params), null));
  }

  private void history(FhirRequest req, HttpServletResponse resp, String type, String id) throws IOException, SQLException {
    Instant since = instantParam(req, "_since");
    Instant at = instantParam(req, "_at");
    String cursor = req.first("_cursor");
    if (cursor != null && !cursor.matches("\\d+_\\d+_\\d+")) throw FhirError.badRequest("Invalid _cursor.");
    int count = 100;
    if (req.first("_count") != null) {
      try {
        count = Math.max(0, Math.min(1000, Integer.parseInt(req.first("_count"))));
      } catch (NumberFormatException e) {
        throw FhirError.badRequest("_count must be a whole number.");
      }
    }
    List<StoredResource> rows;
    try (Connection c = fhir.dataSource().getConnection()) {
      Long pid = null;
      if (id != null) {
        pid = fhir.store().pid(c, type, id);
        if (pid == null) throw FhirError.notFound(type + "/" + id + " is not known.");
        requireVisible(c, type, id);
      } else if (!fhir.access().patientScope().all()) {
        throw new AccessDenied("History across records is open to roles that see every record, not to a facility's staff;"
            + " ask for the history of one resource instead. / L'historique global n'est pas ouvert à votre rôle.");
      }
      rows = fhir.store().history(c, pid, id == null ? type : null, since, at, cursor, count + 1);
    }
    boolean more = rows.size() > count;
    if (more) rows = rows.subList(0, count);
    List<String> patients;
    try (Connection c = fhir.dataSource().getConnection()) {
      patients = patientsOf(c, rows);
    }
    List<Responses.Entry> entries = new ArrayList<>();
    for (StoredResource s : rows) {
      String url = s.type() + "/" + s.id();
      String method = s.method() == 'D' ? "DELETE" : s.version() == 1 ? "POST" : "PUT";
      String status = s.method() == 'D' ? "204" : s.version() == 1 ? "201" : "200";
      entries.add(new Responses.Entry(req.base + "/" + url, s.deleted() ? null : s, null, null,
          method, method.equals("POST") ? s.type() : url, status, null,
          "W/\"" + s.version() + "\"", s.lastUpdated()));
    }
    String path = req.base + (type == null ? "" : "/" + type) + (id == null ? "" : "/" + id) + "/_history";
    Map<String, List<String>> params = new LinkedHashMap<>(req.params);
    String self = path + (params.isEmpty() ? "" : "?" + SearchEngine.queryString(params));
    String next = null;
    if (more) {
      params.put("_cursor", List.of(ResourceStore.historyCursor(rows.get(rows.size() - 1))));
      next = path + "?" + SearchEngine.queryString(params);
    }
    out.bundle(req, resp, "history", null, self, next, entries);
    fhir.audit().record(new AuditSink.Access('R', "history", 0, patients, entities(rows, 50), path, null));
  }

  private static Instant instantParam(FhirRequest req, String name) {
    String v = req.first(name);
    if (v == null) return null;
    try {
      return new InstantType(v).getValue().toInstant();
    } catch (RuntimeException e) {
      throw FhirError.badRequest(name + " must be an instant such as 2025-01-01T00:00:00Z, not '" + v + "'.");
    }
  }

  /** Used by batch/transaction entries that are reads or searches. */
  FhirServices services() {
    return fhir;
  }

  Responses responses() {
    return out;
  }
}
