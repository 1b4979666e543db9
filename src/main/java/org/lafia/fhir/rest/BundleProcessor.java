package org.lafia.fhir.rest;

import org.lafia.fhir.spi.AccessDenied;
import org.lafia.fhir.spi.AccessPolicy.Interaction;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.lafia.fhir.store.StoredResource;

/**
 * {@code transaction} and {@code batch} Bundles. A transaction is one database transaction: ids
 * are assigned first, {@code urn:uuid:} and conditional references resolved (each distinct
 * condition once), entries run in the order the specification prescribes (DELETE, POST,
 * PUT/PATCH, GET) and all rows are written together at the end — or nothing is, whichever entry
 * fails. A batch runs each entry as its own transaction.
 */
final class BundleProcessor {
  private final FhirServices fhir;
  private final FhirServlet servlet;
  private static final java.util.regex.Pattern ENTRY_PATH = java.util.regex.Pattern.compile("^Bundle\\.entry\\[(\\d+)\\]\\.resource");

  BundleProcessor(FhirServices fhir, FhirServlet servlet) {
    this.fhir = fhir;
    this.servlet = servlet;
  }

  void process(FhirRequest req, HttpServletResponse resp) throws IOException, SQLException {
    RequestBody content = req.content();
    if (content.length() == 0) throw FhirError.badRequest("POST to the base takes a transaction or batch Bundle.");
    boolean representation = "representation".equals(req.preferReturn());
    if (!req.bodyIsXml()) {
      BundleStream stream = new BundleStream(fhir.mapper(), content);
      BundleStream.Scan scan = stream.scan();
      if ("transaction".equals(scan.type()) && "Bundle".equals(scan.envelope().path("resourceType").asText())) {
        try {
          List<String> missing = new ArrayList<>();
          Bundle bundle = (Bundle) fhir.checkAndParseTree(scan.envelope(), missing);
          // The entries' requests now live in HAPI's model; their JSON (a kilobyte an entry) need
          // not stay for the whole transaction.
          scan.envelope().remove("entry");
          if (!missing.isEmpty()) throw FhirError.badRequest("The Bundle lacks a required element: " + missing.get(0) + ".");
          List<BundleEntryComponent> entries = bundle.getEntry();
          List<Responses.Entry> out = run(req, entries, representation, new StreamedEntries(stream, scan), "transaction");
          servlet.responses().bundle(req, resp, "transaction-response", null, req.base, null, out);
          return;
        } finally {
          stream.close();
        }
      }
    }
    Map<Integer, ObjectNode> detached = new HashMap<>();
    FhirServices.ParsedBody parsedBody = fhir.parseBundle(req.body(), req.bodyIsXml(), detached);
    IBaseResource parsed = parsedBody.resource();
    if (!(parsed instanceof Bundle bundle)) {
      throw FhirError.badRequest("POST to the base takes a Bundle of type transaction or batch, not a "
          + fhir.ctx().getResourceType(parsed) + ".");
    }
    Bundle.BundleType type = bundle.getType();
    if (type != Bundle.BundleType.TRANSACTION && type != Bundle.BundleType.BATCH) {
      throw FhirError.badRequest("Bundle.type must be transaction or batch (was " + (type == null ? "missing" : type.toCode()) + ").");
    }
    List<BundleEntryComponent> entries = bundle.getEntry();
    List<Responses.Entry> out;
    // The JSON of each entry's resource: made a HAPI model when its turn comes, stored as sent.
    Map<BundleEntryComponent, ObjectNode> sources = new IdentityHashMap<>();
    detached.forEach((i, json) -> {
      if (i < entries.size()) sources.put(entries.get(i), json);
    });
    // Required elements missing: per entry (a failed entry), or in the Bundle itself (400).
    Map<BundleEntryComponent, List<String>> missing = new IdentityHashMap<>();
    for (String path : parsedBody.missing()) {
      java.util.regex.Matcher m = ENTRY_PATH.matcher(path);
      if (!m.find() || Integer.parseInt(m.group(1)) >= entries.size()) {
        throw FhirError.badRequest("The Bundle lacks a required element: " + path + ".");
      }
      missing.computeIfAbsent(entries.get(Integer.parseInt(m.group(1))), k -> new ArrayList<>()).add(path);
    }
    EntryJson detachedJson = new DetachedEntries(sources, missing);
    if (type == Bundle.BundleType.TRANSACTION) {
      out = run(req, entries, representation, detachedJson, "transaction");
    } else {
      out = new ArrayList<>();
      for (BundleEntryComponent e : entries) {
        try {
          out.addAll(run(req, List.of(e), representation, detachedJson, "batch"));
        } catch (FhirError err) {
          out.add(failed(err.status(), err.issueCode(), err.getMessage()));
        } catch (org.lafia.fhir.search.BadSearch err) {
          out.add(failed(400, "invalid", err.getMessage()));
        } catch (SQLException err) {
          FhirError m = FhirServlet.mapSql(err);
          out.add(failed(m.status(), m.issueCode(), m.getMessage()));
        }
      }
    }
    servlet.responses().bundle(req, resp, type == Bundle.BundleType.TRANSACTION ? "transaction-response" : "batch-response",
        null, req.base, null, out);
  }

  private static Responses.Entry failed(int status, String code, String message) {
    return new Responses.Entry(null, null, Responses.outcome("error", code, message), null, null, null,
        status + " " + reason(status), null, null, null);
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 201 -> "Created";
      case 204 -> "No Content";
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 409 -> "Conflict";
      case 410 -> "Gone";
      case 412 -> "Precondition Failed";
      case 422 -> "Unprocessable Entity";
      default -> "";
    };
  }

  /** Where the JSON of entry resources comes from, one entry at a time. */
  private interface EntryJson {
    boolean has(int index, BundleEntryComponent e);

    String id(int index, BundleEntryComponent e);

    /** The entry's resource JSON, checked; required elements it lacks are added to {@code missing}. */
    ObjectNode take(int index, BundleEntryComponent e, List<String> missing);
  }

  /** Entries of a Bundle parsed whole (batches, and the XML path has none). */
  private record DetachedEntries(Map<BundleEntryComponent, ObjectNode> json,
      Map<BundleEntryComponent, List<String>> missing) implements EntryJson {
    public boolean has(int i, BundleEntryComponent e) {
      return json.containsKey(e);
    }

    public String id(int i, BundleEntryComponent e) {
      ObjectNode j = json.get(e);
      return j == null ? null : j.path("id").asText(null);
    }

    public ObjectNode take(int i, BundleEntryComponent e, List<String> out) {
      out.addAll(missing.getOrDefault(e, List.of()));
      return json.remove(e);
    }
  }

  /** Entries of a transaction read from the stream when their turn comes. */
  private final class StreamedEntries implements EntryJson {
    private final BundleStream stream;
    private final BundleStream.Scan scan;

    StreamedEntries(BundleStream stream, BundleStream.Scan scan) {
      this.stream = stream;
      this.scan = scan;
    }

    public boolean has(int i, BundleEntryComponent e) {
      return scan.hasResource(i);
    }

    public String id(int i, BundleEntryComponent e) {
      return scan.resourceId().get(i);
    }

    public ObjectNode take(int i, BundleEntryComponent e, List<String> missing) {
      if (!scan.hasResource(i)) return null;
      ObjectNode json = stream.resource(i);
      fhir.checkTree(json, missing);
      return json;
    }
  }

  /** A parsed entry request: method, resource type, id or criteria. */
  private record Target(HTTPVerb method, String type, String id, String criteria) {}

  private Target target(int index, BundleEntryComponent e, boolean hasJson) {
    if (!e.hasRequest() || e.getRequest().getMethod() == null || !e.getRequest().hasUrl()) {
      throw FhirError.badRequest("Entry #" + index + " has no request method and url.");
    }
    HTTPVerb method = e.getRequest().getMethod();
    String url = e.getRequest().getUrl();
    if (url.startsWith("/")) url = url.substring(1);
    int q = url.indexOf('?');
    String path = q < 0 ? url : url.substring(0, q);
    String criteria = q < 0 ? null : url.substring(q + 1);
    String[] parts = path.split("/");
    String type = parts[0];
    if (!fhir.registry().isResourceType(type)) {
      throw FhirError.badRequest("Entry #" + index + ": unknown resource type in url '" + e.getRequest().getUrl() + "'.");
    }
    String id = parts.length > 1 ? parts[1] : null;
    if (id != null && !WriteSession.ID.matcher(id).matches()) {
      throw FhirError.badRequest("Entry #" + index + ": '" + id + "' is not a valid id.");
    }
    if ((method == HTTPVerb.POST || method == HTTPVerb.PUT) && e.getResource() == null && !hasJson) {
      throw FhirError.badRequest("Entry #" + index + " (" + method.toCode() + " " + url + ") has no resource.");
    }
    if ((method == HTTPVerb.PUT || method == HTTPVerb.DELETE || method == HTTPVerb.PATCH) && id == null && criteria == null) {
      throw FhirError.badRequest("Entry #" + index + " (" + method.toCode() + " " + url + ") names neither an id nor criteria.");
    }
    try {
      fhir.access().check(type, switch (method) {
        case POST -> Interaction.CREATE;
        case PUT, PATCH -> Interaction.UPDATE;
        case DELETE -> Interaction.DELETE;
        default -> id == null ? Interaction.SEARCH : Interaction.READ;
      });
    } catch (AccessDenied denied) {
      throw new FhirError(403, "forbidden", "Entry #" + index + " (" + method.toCode() + " " + url + "): " + denied.getMessage());
    }
    return new Target(method, type, id, criteria);
  }

  private List<Responses.Entry> run(FhirRequest req, List<BundleEntryComponent> entries, boolean representation,
      EntryJson sources, String auditSubtype) throws SQLException {
    int n = entries.size();
    Target[] targets = new Target[n];
    for (int i = 0; i < n; i++) targets[i] = target(i, entries.get(i), sources.has(i, entries.get(i)));
    Responses.Entry[] results = new Responses.Entry[n];
    try (WriteSession s = new WriteSession(fhir, fhir.dataSource()).audited('E', auditSubtype)) {
      Map<String, String> idMap = new HashMap<>();
      String[] assigned = new String[n];
      StoredResource[] existing = new StoredResource[n];
      int creates = 0;
      // 1. Ids: new ones for creates, matches for conditional creates and updates.
      for (int i = 0; i < n; i++) {
        BundleEntryComponent e = entries.get(i);
        Target t = targets[i];
        String fullUrl = e.getFullUrl();
        try {
          if (t.method() == HTTPVerb.POST) {
            String ine = e.getRequest().getIfNoneExist();
            String match = ine == null || ine.isBlank() ? null : s.matchOne(t.type(), ine, "ifNoneExist");
            if (match != null) {
              existing[i] = fhir.store().current(s.connection(), t.type(), match);
              if (fullUrl != null) idMap.put(fullUrl, t.type() + "/" + match);
            } else {
              assigned[i] = UUID.randomUUID().toString();
              creates++;
              if (fullUrl != null) idMap.put(fullUrl, t.type() + "/" + assigned[i]);
            }
          } else if (t.method() == HTTPVerb.PUT) {
            String id = t.id();
            if (id == null) {
              id = s.matchOne(t.type(), t.criteria(), "conditional update");
              if (id == null) {
                String bodyId = sources.has(i, e) ? sources.id(i, e) : e.getResource().getIdElement().getIdPart();
                id = bodyId != null && !bodyId.isEmpty() ? bodyId : UUID.randomUUID().toString();
              }
              if (e.getResource() != null) e.getResource().setId(id);
            }
            assigned[i] = id;
            creates++;
            if (fullUrl != null) idMap.put(fullUrl, t.type() + "/" + id);
          }
        } catch (FhirError err) {
          throw entryError(i, entries.get(i), err);
        }
      }
      s.reservePids(creates);
      // 2. References: urn:uuid and fullUrls to assigned ids, conditional references to matches.
      ResourceInspector.Inspection[] inspections = new ResourceInspector.Inspection[n];
      Map<String, String> conditional = new HashMap<>();
      for (int i = 0; i < n; i++) {
        // Model (XML) entries are resolved here; JSON entries when their turn comes (execute).
        Resource r = entries.get(i).getResource();
        if (r == null || (targets[i].method() != HTTPVerb.POST && targets[i].method() != HTTPVerb.PUT)) continue;
        try {
          inspections[i] = fhir.inspector().inspect(r);
          for (Reference ref : inspections[i].references()) {
            String mapped = resolve(s, ref.getReference(), idMap, conditional);
            if (mapped != null) ref.setReference(mapped);
          }
        } catch (FhirError err) {
          throw entryError(i, entries.get(i), err);
        }
      }
      Map<String, String> resolved = new HashMap<>(idMap);
      resolved.putAll(conditional);
      for (Map.Entry<String, String> e : new ArrayList<>(resolved.entrySet())) {
        if (e.getKey().length() > 256) resolved.put(e.getKey().substring(0, 256), e.getValue());
      }
      s.referenceMap(resolved);
      References refs = new References(idMap, conditional, resolved);
      // 3. Entries in the prescribed order.
      for (HTTPVerb phase : new HTTPVerb[] {HTTPVerb.DELETE, HTTPVerb.POST, HTTPVerb.PUT, HTTPVerb.PATCH, HTTPVerb.GET}) {
        if (phase == HTTPVerb.GET) writeOut(s, false);
        for (int i = 0; i < n; i++) {
          Target t = targets[i];
          HTTPVerb m = t.method() == HTTPVerb.HEAD ? HTTPVerb.GET : t.method();
          if (m != phase) continue;
          BundleEntryComponent e = entries.get(i);
          s.entryLabel(n > 1 ? "Entry #" + i + " (" + e.getRequest().getMethod().toCode() + " " + e.getRequest().getUrl() + ")" : "");
          try {
            results[i] = execute(req, s, t, e, i, sources, refs, assigned[i], existing[i], inspections[i], representation);
          } catch (FhirError err) {
            throw entryError(i, e, err);
          } catch (org.lafia.fhir.search.BadSearch err) {
            throw entryError(i, e, FhirError.badRequest(err.getMessage()));
          }
        }
      }
      writeOut(s, true);
    }
    List<Responses.Entry> out = new ArrayList<>(n);
    for (Responses.Entry r : results) out.add(r);
    return out;
  }

  /**
   * What a reference written in an entry stands for: an entry's fullUrl, or the single resource a
   * conditional reference matches (resolved once per bundle); null when it is already a plain one.
   */
  private String resolve(WriteSession s, String v, Map<String, String> idMap, Map<String, String> conditional)
      throws SQLException {
    if (v == null || v.startsWith("#")) return null;
    String mapped = idMap.get(v);
    if (mapped != null) return mapped;
    if (v.startsWith("urn:uuid:") || v.startsWith("urn:oid:")) {
      throw FhirError.badRequest("Reference '" + v + "' names no entry of this transaction (no entry has that fullUrl).");
    }
    int q = v.indexOf('?');
    if (q <= 0 || !Character.isUpperCase(v.charAt(0))) return null;
    String done = conditional.get(v);
    if (done != null) return done;
    String type = v.substring(0, q);
    if (!fhir.registry().isResourceType(type)) {
      throw FhirError.badRequest("Unknown type in conditional reference '" + v + "'.");
    }
    String id = s.resolveReference(type, v.substring(q + 1));
    if (id == null) throw FhirError.unprocessable("Conditional reference '" + v + "' matches no resource.");
    conditional.put(v, type + "/" + id);
    return type + "/" + id;
  }

  /**
   * Applies to the stored JSON the same reference rewriting as to the model: every
   * {@code "reference"} of a Reference that names an entry or a condition resolved above.
   */
  private static void rewriteReferences(JsonNode node, Map<String, String> idMap, Map<String, String> conditional) {
    if (node instanceof ObjectNode obj) {
      JsonNode ref = obj.get("reference");
      if (ref != null && ref.isTextual()) {
        String v = ref.asText();
        String mapped = idMap.containsKey(v) ? idMap.get(v) : conditional.get(v);
        if (mapped != null) obj.put("reference", mapped);
      }
      for (JsonNode child : obj) if (child.isContainerNode()) rewriteReferences(child, idMap, conditional);
    } else if (node instanceof ArrayNode arr) {
      for (JsonNode child : arr) if (child.isContainerNode()) rewriteReferences(child, idMap, conditional);
    }
  }

  /** Flushes (or commits) the staged writes; a refusal then still says that nothing was stored. */
  private static void writeOut(WriteSession s, boolean commit) throws SQLException {
    try {
      if (commit) s.commit();
      else s.flush();
    } catch (FhirError err) {
      throw new FhirError(err.status(), err.issueCode(), err.getMessage()
          + " — nothing of this transaction was stored. / Rien n'a été enregistré.");
    }
  }

  private static FhirError entryError(int i, BundleEntryComponent e, FhirError err) {
    String what = e.hasRequest() && e.getRequest().getMethod() != null
        ? e.getRequest().getMethod().toCode() + " " + e.getRequest().getUrl() : "";
    return new FhirError(err.status(), err.issueCode(), "Entry #" + i + " (" + what + "): " + err.getMessage()
        + " — nothing of this transaction was stored. / Rien n'a été enregistré.");
  }

  /** The references a transaction resolved so far: fullUrls, conditions, and both as index keys. */
  private record References(Map<String, String> idMap, Map<String, String> conditional, Map<String, String> resolved) {}

  private Responses.Entry execute(FhirRequest req, WriteSession s, Target t, BundleEntryComponent e,
      int index, EntryJson sources, References refs, String assigned, StoredResource existing, ResourceInspector.Inspection insp, boolean representation)
      throws SQLException {
    // The entry's model exists only while it is staged: a large bundle is never all in memory twice.
    Resource resource = e.getResource();
    if (resource == null && t.method() != HTTPVerb.DELETE && t.method() != HTTPVerb.GET && t.method() != HTTPVerb.HEAD) {
      List<String> missing = new ArrayList<>();
      ObjectNode json = sources.take(index, e, missing);
      if (json != null) {
        if (t.method() != HTTPVerb.PATCH) FhirServices.requireComplete(missing);
        List<String> written = new ArrayList<>();
        BodyCheck.collectReferences(json, written::add);
        for (String v : written) {
          String mapped = resolve(s, v, refs.idMap(), refs.conditional());
          if (mapped != null && !refs.resolved().containsKey(v)) {
            refs.resolved().put(v, mapped);
            if (v.length() > 256) refs.resolved().put(v.substring(0, 256), mapped);
          }
        }
        rewriteReferences(json, refs.idMap(), refs.conditional());
        // A create's model serves indexing only (its stored body is the JSON): HAPI reads just the
        // elements the search parameters reach. Updates keep the whole model (content hash).
        resource = (Resource) fhir.parseTree(t.method() == HTTPVerb.POST ? fhir.extractor().indexView(json) : json);
        s.source(resource, json);
      }
    }
    WriteSession.Outcome o;
    switch (t.method()) {
      case DELETE -> {
        if (t.id() != null) visible(s, t.type(), t.id());
        o = t.id() != null ? s.delete(t.type(), t.id(), ifMatch(e)) : s.conditionalDelete(t.type(), t.criteria());
      }
      case POST -> {
        if (!fhir.ctx().getResourceType(resource).equals(t.type())) {
          throw FhirError.unprocessable("The resource is a " + resource.fhirType() + " but the url names " + t.type() + ".");
        }
        o = existing != null
            ? new WriteSession.Outcome(200, existing.type(), existing.id(), existing.version(), existing.lastUpdated(), existing.body())
            : s.create(resource, null, assigned, insp);
      }
      case PUT -> {
        visible(s, t.type(), assigned);
        if (t.id() == null || resource.getIdElement().getIdPart() == null) resource.setId(assigned);
        o = s.update(t.type(), assigned, resource, ifMatch(e), insp);
      }
      case PATCH -> {
        if (!(resource instanceof Binary b) || b.getContentType() == null || !b.getContentType().contains("json-patch")) {
          throw FhirError.badRequest("A PATCH entry carries its JSON Patch as a Binary with contentType application/json-patch+json.");
        }
        String id = t.id() != null ? t.id() : s.matchOne(t.type(), t.criteria(), "conditional patch");
        if (id == null) throw FhirError.notFound("No " + t.type() + " matches the patch criteria.");
        visible(s, t.type(), id);
        o = s.patch(t.type(), id, b.getData(), ifMatch(e));
      }
      case GET, HEAD -> {
        if (t.id() == null) {
          // A search inside the transaction: it sees the transaction's own writes (GETs run last).
          Map<String, List<String>> params = FhirRequest.parseQuery(t.criteria() == null ? "" : t.criteria());
          org.lafia.fhir.search.SearchResult r = fhir.search().search(s.connection(), t.type(), params, false, req.base,
              fhir.access().patientScope());
          String self = Responses.searchUrl(req.base, t.type(), org.lafia.fhir.search.SearchEngine.queryString(params));
          String next = r.nextQuery() == null ? null : Responses.searchUrl(req.base, t.type(), r.nextQuery());
          String json = Responses.bundleJson("searchset", r.total(), self, next, Responses.searchEntries(req.base, r, fhir.access()));
          return new Responses.Entry(null, new StoredResource(0, "Bundle", UUID.randomUUID().toString(), 1,
              java.time.Instant.now(), 'U', json), null, null, null, null, "200 OK", null, null, null);
        }
        StoredResource r = fhir.store().current(s.connection(), t.type(), t.id());
        if (r == null || r.deleted()) throw FhirError.notFound(t.type() + "/" + t.id() + " is not known.");
        visible(s, r);
        return new Responses.Entry(req.base + "/" + r.type() + "/" + r.id(), r, null, null, null, null, "200 OK",
            null, "W/\"" + r.version() + "\"", r.lastUpdated());
      }
      default -> throw FhirError.badRequest("Unsupported method " + t.method().toCode() + ".");
    }
    String status = o.status() + " " + reason(o.status());
    if (o.id() == null) return new Responses.Entry(null, null, null, null, null, null, status, null, null, null);
    String location = o.type() + "/" + o.id() + "/_history/" + o.version();
    StoredResource body = representation && o.body() != null
        ? new StoredResource(0, o.type(), o.id(), o.version(), o.lastUpdated(), 'U', o.body()) : null;
    return new Responses.Entry(req.base + "/" + o.type() + "/" + o.id(), body, null, null, null, null, status,
        location, o.body() == null && t.method() == HTTPVerb.DELETE ? null : "W/\"" + o.version() + "\"", o.lastUpdated());
  }

  /** A bundle entry on a record the caller may not see is refused like the same request alone (403). */
  private void visible(WriteSession s, StoredResource r) throws SQLException {
    try {
      fhir.requireVisible(s.connection(), r);
    } catch (AccessDenied denied) {
      throw new FhirError(403, "forbidden", denied.getMessage());
    }
  }

  private void visible(WriteSession s, String type, String id) throws SQLException {
    if (fhir.access().patientScope().all()) return;
    visible(s, fhir.store().current(s.connection(), type, id));
  }

  private static Integer ifMatch(BundleEntryComponent e) {
    String h = e.getRequest().getIfMatch();
    if (h == null || h.isBlank()) return null;
    try {
      return Integer.parseInt(h.replace("W/", "").replace("\"", "").trim());
    } catch (NumberFormatException ex) {
      throw FhirError.badRequest("ifMatch must carry a version like W/\"3\", not '" + h + "'.");
    }
  }
}
