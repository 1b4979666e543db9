package org.lafia.fhir.rest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flipkart.zjsonpatch.CompatibilityFlags;
import com.flipkart.zjsonpatch.JsonPatch;
import com.flipkart.zjsonpatch.JsonPatchApplicationException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.lafia.fhir.index.IndexRows;
import org.lafia.fhir.index.LocalReference;
import org.lafia.fhir.search.Sql;
import org.lafia.fhir.store.ResourceStore;
import org.lafia.fhir.store.ResourceWrite;
import org.lafia.fhir.store.Slice;
import org.lafia.fhir.store.StoredResource;

/**
 * One database transaction of FHIR writes. Creates, updates, deletes and patches are checked and
 * prepared as they come, then written together by {@link #commit()}: references are verified in
 * one query and every row goes out through {@link ResourceStore#write}. Nothing is stored unless
 * commit succeeds.
 */
final class WriteSession implements AutoCloseable {
  static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a single interaction did. */
  record Outcome(int status, String type, String id, int version, Instant lastUpdated, String body) {}

  private final FhirServices fhir;
  private final Connection c;
  private final Instant now;
  private final String nowText;
  private Slice pending = new Slice();
  private static final int FLUSH_RESOURCES = 500;
  /** Entities named in one audit entry (a 4,000-resource bundle names its first 200 and its count). */
  private static final int AUDITED_ENTITIES = 200;
  /** Compressed body bytes of a slice: about 2 MB of JSON. Small slices die young (GC pauses -22 % against 2,000). */
  private static final long FLUSH_BODY_BYTES = 1_000_000;
  private final Set<String> written = new java.util.LinkedHashSet<>();
  /** For the audit entry recorded at commit: what was written and whose data it is. */
  private final List<Long> auditPids = new ArrayList<>();
  private final Set<String> auditPatients = new java.util.LinkedHashSet<>();
  /** Written resources that may establish a care relationship, and whether all were created now. */
  private final List<Long> carePids = new ArrayList<>();
  /** Organizations deleted or created again: the access rows of the patients in care there change. */
  private final List<Long> organizationsDeletedOrRestored = new ArrayList<>();
  private boolean onlyCreated = true;
  static final Set<String> CARE_TYPES = Set.of("Patient", "Encounter", "EpisodeOfCare", "ServiceRequest", "Consent");
  private char auditAction = 'E';
  private String auditSubtype = "write";
  /** Pid of every resource this session has staged, by type and id: targets of later references. */
  private final Map<String, Map<String, Long>> stagedPids = new java.util.HashMap<>();
  /** Pids written with a reference to a resource not yet written (a later slice or entry). */
  private final List<Long> lateTargets = new ArrayList<>();
  /** Local references to check at flush, each with the entry that made it (for the message). */
  private final Map<String, String> referenced = new java.util.LinkedHashMap<>();
  private String entryLabel = "";
  /** The JSON each resource arrived as: stored as sent (plus id and meta), not re-encoded. */
  private final Map<IBaseResource, ObjectNode> sources = new java.util.IdentityHashMap<>();
  /** Within a transaction: references as written (urn:uuid, conditional) → "Type/id". */
  private Map<String, String> referenceMap = Map.of();
  private long[] reserved = new long[0];
  private int nextReserved;
  private boolean done;

  WriteSession(FhirServices fhir, DataSource ds) throws SQLException {
    this.fhir = fhir;
    this.c = ds.getConnection();
    try {
      org.lafia.fhir.search.SearchEngine.cachedPlans(c); // a write's statements keep their plans
      this.c.setAutoCommit(false);
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
    this.now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    this.nowText = new org.hl7.fhir.r4.model.InstantType(Date.from(now)).getValueAsString();
  }

  Connection connection() {
    return c;
  }

  /** How the audit entry written with this session's commit names it (FHIR AuditEvent action and subtype). */
  WriteSession audited(char action, String subtype) {
    this.auditAction = action;
    this.auditSubtype = subtype;
    return this;
  }

  /**
   * References resolved by a transaction. The stored JSON is rewritten directly; the model is left
   * as parsed and its extracted reference values are mapped here, which spares a walk over it.
   */
  void referenceMap(Map<String, String> map) {
    this.referenceMap = map;
  }

  /** Registers the JSON a resource was parsed from, so that it is stored without re-encoding. */
  void source(IBaseResource resource, ObjectNode json) {
    if (json != null) sources.put(resource, json);
  }

  /** Names the bundle entry being processed, for messages about it raised later (at flush). */
  void entryLabel(String label) {
    this.entryLabel = label;
  }

  /** Reserves internal ids for the creates to come (one round trip for a whole bundle). */
  void reservePids(int n) throws SQLException {
    reserved = fhir.store().allocatePids(c, n);
    nextReserved = 0;
  }

  private long nextPid() throws SQLException {
    if (nextReserved < reserved.length) return reserved[nextReserved++];
    return fhir.store().allocatePids(c, 1)[0];
  }

  // ---- interactions ----------------------------------------------------------------------

  Outcome create(IBaseResource resource, String ifNoneExist, String assignedId) throws SQLException {
    return create(resource, ifNoneExist, assignedId, null);
  }

  /** As above, with the inspection the caller already made (transactions walk each resource once). */
  Outcome create(IBaseResource resource, String ifNoneExist, String assignedId,
      ResourceInspector.Inspection inspection) throws SQLException {
    String type = fhir.ctx().getResourceType(resource);
    if (ifNoneExist != null && !ifNoneExist.isBlank()) {
      String existing = matchOne(type, ifNoneExist, "If-None-Exist");
      if (existing != null) {
        StoredResource cur = fhir.store().current(c, type, existing);
        return new Outcome(200, type, existing, cur.version(), cur.lastUpdated(), cur.body());
      }
    }
    checkContent(resource, inspection);
    String id = assignedId != null ? assignedId : UUID.randomUUID().toString();
    resource.setId(id); // the rules may record it (the registry links the new Patient to a person)
    applyRules(type, resource, null);
    return stage(nextPid(), type, id, 1, resource, 201, true, null);
  }

  Outcome update(String type, String id, IBaseResource resource, Integer ifMatch) throws SQLException {
    return update(type, id, resource, ifMatch, null);
  }

  Outcome update(String type, String id, IBaseResource resource, Integer ifMatch,
      ResourceInspector.Inspection inspection) throws SQLException {
    checkType(type, resource);
    String bodyId = resource.getIdElement().getIdPart();
    if (bodyId == null || bodyId.isEmpty()) {
      throw FhirError.badRequest("The resource in an update must carry its id (" + id + "). / La"
          + " ressource doit porter son identifiant.");
    }
    if (!bodyId.equals(id)) {
      throw FhirError.badRequest("The id in the body (" + bodyId + ") differs from the id in the URL ("
          + id + ").");
    }
    if (!ID.matcher(id).matches()) {
      throw FhirError.badRequest("'" + id + "' is not a valid FHIR id (1 to 64 letters, digits, '-' or '.').");
    }
    checkContent(resource, inspection);
    ResourceStore.Current cur = fhir.store().lock(c, type, id);
    if (ifMatch != null && (cur == null || cur.version() != ifMatch)) {
      throw FhirError.preconditionFailed("Version conflict: If-Match asked for version " + ifMatch
          + " but the current version of " + type + "/" + id + " is "
          + (cur == null ? "none" : cur.version()) + ". Read it again and retry.");
    }
    if (fhir.incoming().types().contains(type)) {
      StoredResource previous = cur == null || cur.deleted() ? null : fhir.store().current(c, type, id);
      applyRules(type, resource, previous == null || previous.body() == null ? null : fhir.parseJson(previous.body()));
    }
    if (cur == null) return stage(nextPid(), type, id, 1, resource, 201, true, null);
    byte[] hash = contentHash(resource);
    if (!cur.deleted()) {
      byte[] old = cur.contentHash() != null ? cur.contentHash() : hashOfStored(type, id);
      if (Arrays.equals(old, hash)) {
        sources.remove(resource);
        StoredResource s = fhir.store().current(c, type, id);
        return new Outcome(200, type, id, s.version(), s.lastUpdated(), s.body());
      }
    }
    return stage(cur.pid(), type, id, cur.version() + 1, resource, cur.deleted() ? 201 : 200, false, hash);
  }

  Outcome conditionalUpdate(String type, String criteria, IBaseResource resource, Integer ifMatch)
      throws SQLException {
    checkType(type, resource);
    String match = matchOne(type, criteria, "conditional update");
    String bodyId = resource.getIdElement().getIdPart();
    if (match == null) {
      String id = bodyId != null && !bodyId.isEmpty() ? bodyId : UUID.randomUUID().toString();
      resource.setId(id);
      return update(type, id, resource, ifMatch);
    }
    if (bodyId != null && !bodyId.isEmpty() && !bodyId.equals(match)) {
      throw FhirError.badRequest("The id in the body (" + bodyId + ") differs from the resource the"
          + " criteria matched (" + match + ").");
    }
    resource.setId(match);
    return update(type, match, resource, ifMatch);
  }

  Outcome delete(String type, String id, Integer ifMatch) throws SQLException {
    ResourceStore.Current cur = fhir.store().lock(c, type, id);
    if (cur == null) throw FhirError.notFound(type + "/" + id + " does not exist. / N'existe pas.");
    if (ifMatch != null && cur.version() != ifMatch) {
      throw FhirError.preconditionFailed("Version conflict: If-Match asked for version " + ifMatch
          + " but the current version is " + cur.version() + ".");
    }
    if (cur.deleted()) return new Outcome(204, type, id, cur.version(), now, null);
    String key = type + "/" + id;
    if (!written.add(key)) throw FhirError.badRequest(key + " appears twice in one transaction.");
    // Whose data it was: read now, while the index rows of the deleted version still exist.
    if (type.equals("Patient")) auditPatients.add(id);
    else auditPatients.addAll(fhir.patientsOf(c, List.of(cur.pid())));
    if (CARE_TYPES.contains(type)) {
      carePids.add(cur.pid());
      onlyCreated = false;
    }
    if (type.equals("Organization")) organizationsDeletedOrRestored.add(cur.pid());
    if (fhir.incoming().types().contains(type)) fhir.incoming().deleted(c, type, id);
    pending.add(new ResourceWrite(cur.pid(), type, id, cur.version() + 1, now, 'D', null, null, false, null));
    return new Outcome(204, type, id, cur.version() + 1, now, null);
  }

  Outcome conditionalDelete(String type, String criteria) throws SQLException {
    String match = matchOne(type, criteria, "conditional delete");
    if (match == null) return new Outcome(204, type, null, 0, now, null);
    return delete(type, match, null);
  }

  Outcome patch(String type, String id, byte[] patch, Integer ifMatch) throws SQLException {
    // Lock before reading: two concurrent patches must apply one after the other, not both to
    // the same version (the second would silently undo the first).
    fhir.store().lock(c, type, id);
    StoredResource cur = fhir.store().current(c, type, id);
    if (cur == null) throw FhirError.notFound(type + "/" + id + " does not exist. / N'existe pas.");
    if (cur.deleted()) throw new FhirError(410, "deleted", type + "/" + id + " was deleted.");
    JsonNode operations;
    try {
      operations = JSON.readTree(patch);
    } catch (Exception e) {
      throw FhirError.badRequest("The JSON Patch document is not valid JSON: " + e.getMessage());
    }
    if (operations == null || !operations.isArray()) {
      throw FhirError.badRequest("A JSON Patch document is a JSON array of operations (RFC 6902).");
    }
    JsonNode patched;
    try {
      JsonNode target = JSON.readTree(cur.body());
      patched = JsonPatch.apply(operations, target, EnumSet.of(CompatibilityFlags.FORBID_REMOVE_MISSING_OBJECT));
    } catch (JsonPatchApplicationException | IllegalArgumentException e) {
      throw FhirError.unprocessable("The JSON Patch could not be applied: " + e.getMessage());
    } catch (Exception e) {
      throw FhirError.badRequest("Invalid JSON Patch: " + e.getMessage());
    }
    IBaseResource resource;
    try {
      FhirServices.ParsedBody parsed = fhir.parseCheckedJson(patched);
      resource = parsed.resource();
      source(resource, parsed.json());
    } catch (FhirError e) {
      throw FhirError.unprocessable("The patched resource is not valid FHIR: " + e.getMessage());
    }
    if (!type.equals(fhir.ctx().getResourceType(resource)) || !id.equals(resource.getIdElement().getIdPart())) {
      throw FhirError.unprocessable("A patch may not change the resource type or id.");
    }
    return update(type, id, resource, ifMatch);
  }

  // ---- helpers ---------------------------------------------------------------------------

  /** Other modules' rules (IncomingResources): a refusal is a 422; a changed resource is stored as changed. */
  private void applyRules(String type, IBaseResource resource, IBaseResource previous) throws SQLException {
    if (!fhir.incoming().types().contains(type)) return;
    try {
      if (fhir.incoming().prepare(c, type, resource, previous, this::ruleSearch)) sources.remove(resource); // encode the model, not the JSON as sent
    } catch (org.lafia.fhir.spi.IncomingResources.Rejected e) {
      throw FhirError.unprocessable(e.expression() + ": " + e.getMessage());
    }
  }

  /** A search for the rules: every record, whoever the caller (see IncomingResources.Store). */
  private List<IBaseResource> ruleSearch(String type, Map<String, List<String>> params) throws SQLException {
    List<IBaseResource> out = new ArrayList<>();
    for (StoredResource s : fhir.search().search(c, type, params, true, "", org.lafia.fhir.spi.PatientScope.ALL).matches()) {
      out.add(fhir.parseJson(s.body()));
    }
    return out;
  }

  private void checkType(String type, IBaseResource resource) {
    String bodyType = fhir.ctx().getResourceType(resource);
    if (!type.equals(bodyType)) {
      throw FhirError.unprocessable("The body is a " + bodyType + " but the URL names " + type
          + ". / Le type de la ressource ne correspond pas à l'URL.");
    }
  }

  /** Required elements present, local references collected for the check at commit. */
  private void checkContent(IBaseResource resource, ResourceInspector.Inspection pre) {
    ObjectNode json = sources.get(resource);
    if (json != null && pre == null) {
      // Checked as JSON already (required elements included): only its references remain to see.
      if (resource instanceof Bundle) return;
      BodyCheck.collectReferences(json, v -> {
        LocalReference local = LocalReference.parse(v);
        if (local != null) referenced.putIfAbsent(local.typeAndId(), entryLabel);
      });
      return;
    }
    ResourceInspector.Inspection insp = pre != null ? pre : fhir.inspector().inspect(resource);
    if (!insp.missing().isEmpty()) {
      throw FhirError.unprocessable("Required element(s) missing: " + String.join(", ", insp.missing())
          + ". / Élément(s) obligatoire(s) manquant(s).");
    }
    if (resource instanceof Bundle) return; // documents and collections carry their own references
    for (Reference r : insp.references()) {
      LocalReference local = LocalReference.parse(r.getReference());
      if (local != null) referenced.putIfAbsent(local.typeAndId(), entryLabel);
    }
  }

  private Outcome stage(long pid, String type, String id, int version, IBaseResource resource,
      int status, boolean first, byte[] hash) throws SQLException {
    String key = type + "/" + id;
    if (!written.add(key)) throw FhirError.badRequest(key + " appears twice in one transaction.");
    stagedPids.computeIfAbsent(type, k -> new java.util.HashMap<>()).put(id, pid);
    if (type.equals("Patient")) auditPatients.add(id);
    else auditPids.add(pid);
    if (CARE_TYPES.contains(type)) {
      carePids.add(pid);
      if (!first) onlyCreated = false;
    }
    if (status == 201 && !first && type.equals("Organization")) organizationsDeletedOrRestored.add(pid); // created again after a delete
    resource.setId(id);
    Resource r = (Resource) resource;
    r.getMeta().setVersionId(Integer.toString(version));
    r.getMeta().setLastUpdated(Date.from(now));
    // Taken out, not just read: a transaction of 35,000 entries must not keep every model and tree.
    ObjectNode json = sources.remove(resource);
    String body = json != null ? storedJson(json, id, version) : fhir.jsonParser().encodeResourceToString(resource);
    IndexRows rows = fhir.extractor().extract(resource);
    if (!referenceMap.isEmpty()) remapReferences(rows);
    pending.add(new ResourceWrite(pid, type, id, version, now, first ? 'C' : 'U', body, hash, first, rows));
    if (pending.size() >= FLUSH_RESOURCES || pending.bodyBytes() >= FLUSH_BODY_BYTES) writePending();
    return new Outcome(status, type, id, version, now, body);
  }

  private void remapReferences(IndexRows rows) {
    for (int i = 0; i < rows.refs.size(); i++) {
      IndexRows.Ref r = rows.refs.get(i);
      if (r.targetType() != null) continue;
      String mapped = referenceMap.get(r.targetId());
      if (mapped == null) continue;
      LocalReference local = LocalReference.parse(mapped);
      if (local != null) rows.refs.set(i, new IndexRows.Ref(r.sp(), local.type(), local.id(), r.grp()));
    }
  }

  /** The client's JSON with the server's id, versionId and lastUpdated, in FHIR's usual order. */
  private String storedJson(ObjectNode src, String id, int version) {
    ObjectNode out = fhir.mapper().createObjectNode();
    out.set("resourceType", src.get("resourceType"));
    out.put("id", id);
    ObjectNode meta = out.putObject("meta");
    meta.put("versionId", Integer.toString(version));
    meta.put("lastUpdated", nowText);
    JsonNode oldMeta = src.get("meta");
    if (oldMeta != null) {
      oldMeta.fields().forEachRemaining(f -> {
        if (!f.getKey().equals("versionId") && !f.getKey().equals("lastUpdated")) meta.set(f.getKey(), f.getValue());
      });
    }
    src.fields().forEachRemaining(f -> {
      String k = f.getKey();
      if (!k.equals("resourceType") && !k.equals("id") && !k.equals("meta")) out.set(k, f.getValue());
    });
    try {
      return fhir.mapper().writeValueAsString(out);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** SHA-256 of the resource's JSON without versionId and lastUpdated: unchanged content, no new version. */
  private byte[] contentHash(IBaseResource resource) {
    Resource r = (Resource) resource;
    String v = r.getMeta().getVersionId();
    Date lu = r.getMeta().getLastUpdated();
    // HAPI writes the id's version as meta.versionId when the meta has none: a resource parsed
    // from a stored body (Type/id/_history/n) would never hash like the same content sent bare.
    org.hl7.fhir.r4.model.IdType id = r.getIdElement();
    r.setIdElement(id.toVersionless());
    r.getMeta().setVersionId(null);
    r.getMeta().setLastUpdated(null);
    IParser p = fhir.jsonParser();
    String json = p.encodeResourceToString(resource);
    r.setIdElement(id);
    r.getMeta().setVersionId(v);
    r.getMeta().setLastUpdated(lu);
    try {
      return MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private byte[] hashOfStored(String type, String id) throws SQLException {
    StoredResource s = fhir.store().current(c, type, id);
    return s == null || s.body() == null ? null : contentHash(fhir.parseJson(s.body()));
  }

  /**
   * The id of the one resource matching {@code criteria} ("identifier=x|y"), null if none, 412 if
   * several. Serialised per criteria so two concurrent conditional creates make one resource.
   */
  String matchOne(String type, String criteria, String what) throws SQLException {
    return match(type, criteria, what, true);
  }

  /**
   * The resource a conditional reference names. Read-only, so it takes no lock: bundles that all
   * refer to the same organisations and practitioners must not queue behind each other.
   */
  String resolveReference(String type, String criteria) throws SQLException {
    return match(type, criteria, "conditional reference", false);
  }

  private String match(String type, String criteria, String what, boolean lock) throws SQLException {
    // Criteria come as "identifier=x", "Patient?identifier=x" or a full URL ending in "Patient?identifier=x".
    String query = criteria;
    int mark = criteria.indexOf('?');
    if (mark >= 0 && criteria.substring(0, mark).indexOf('=') < 0) {
      String path = criteria.substring(0, mark);
      if (!path.isEmpty() && !path.equals(type) && !path.endsWith("/" + type)) {
        throw FhirError.badRequest("The " + what + " criteria name " + path + ", not " + type + ".");
      }
      query = criteria.substring(mark + 1);
    }
    Map<String, List<String>> params = FhirRequest.parseQuery(query);
    if (params.isEmpty()) throw FhirError.badRequest("The " + what + " criteria are empty.");
    if (lock) fhir.store().lockKey(c, type + "?" + query);
    Sql where = fhir.search().where(type, params, false, null);
    org.lafia.fhir.search.SearchEngine.customPlans(c); // in the write's transaction: for it only
    Sql q = new Sql().add("select r.res_id from ").add(where).add(" limit 2");
    List<String> ids = new ArrayList<>();
    try (PreparedStatement ps = q.prepare(c); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) ids.add(rs.getString(1));
    }
    if (ids.size() > 1) {
      throw FhirError.preconditionFailed("The " + what + " criteria '" + query + "' match several "
          + type + " resources; make them more specific. / Les critères désignent plusieurs ressources.");
    }
    if (lock && ids.size() == 1 && !fhir.access().patientScope().all()) {
      // A conditional create, update, patch or delete that matched a record the caller may not
      // see: refused, rather than shown (a create's 200 would return it) or changed.
      try {
        fhir.requireVisible(c, fhir.store().current(c, type, ids.get(0)));
      } catch (org.lafia.fhir.spi.AccessDenied denied) {
        throw new FhirError(403, "forbidden", "The " + what + " criteria match a record that is not open to you. / Les critères"
            + " désignent un dossier qui ne vous est pas ouvert. " + denied.getMessage());
      }
    }
    return ids.isEmpty() ? null : ids.get(0);
  }

  /** Writes everything staged so far (later reads in the same transaction see it). */
  void flush() throws SQLException {
    verifyReferences();
    writePending();
    // Every target staged so far is now written: references that came before theirs get its pid.
    if (!lateTargets.isEmpty()) fhir.store().resolveLateTargets(c, lateTargets);
  }

  /**
   * Sends what is staged to the database, still inside the transaction: a bundle of 35,000
   * resources goes out in slices instead of being held whole in memory until commit. References
   * are checked once, at flush, against everything the transaction wrote.
   */
  private void writePending() throws SQLException {
    lateTargets.addAll(fhir.store().write(c, pending, (type, id) -> {
      Map<String, Long> ofType = stagedPids.get(type);
      return ofType == null ? null : ofType.get(id);
    }));
    pending = new Slice();
  }

  void commit() throws SQLException {
    flush();
    fhir.care().maintain(c, carePids, onlyCreated, organizationsDeletedOrRestored);
    if (!written.isEmpty()) {
      // In the same transaction: the entry exists if and only if the write does.
      auditPatients.addAll(fhir.patientsOf(c, auditPids));
      List<String> entities = new ArrayList<>(Math.min(written.size(), AUDITED_ENTITIES));
      for (String key : written) {
        if (entities.size() == AUDITED_ENTITIES) break;
        entities.add(key);
      }
      fhir.audit().recordInTransaction(c, new org.lafia.fhir.spi.AuditSink.Access(auditAction, auditSubtype, 0,
          new ArrayList<>(auditPatients), entities, null, written.size() > AUDITED_ENTITIES ? written.size() + " resources" : null));
    }
    c.commit();
    done = true;
  }

  private void verifyReferences() throws SQLException {
    if (referenced.isEmpty()) return;
    List<String> unknown = new ArrayList<>();
    for (String key : referenced.keySet()) if (!written.contains(key)) unknown.add(key);
    Map<String, String> labels = new java.util.HashMap<>(referenced);
    referenced.clear();
    if (unknown.isEmpty()) return;
    Map<String, Long> found = fhir.store().pidsOf(c, unknown);
    unknown.removeAll(found.keySet());
    if (!unknown.isEmpty()) {
      String where = labels.get(unknown.get(0));
      throw FhirError.unprocessable((where.isEmpty() ? "" : where + ": ") + "reference(s) to resources that do not exist: "
          + String.join(", ", unknown.subList(0, Math.min(5, unknown.size())))
          + ". / Référence(s) vers des ressources inexistantes.");
    }
  }

  @Override
  public void close() throws SQLException {
    try {
      if (!done) c.rollback();
    } finally {
      c.setAutoCommit(true);
      c.close();
    }
  }
}
