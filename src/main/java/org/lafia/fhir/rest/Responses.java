package org.lafia.fhir.rest;

import ca.uhn.fhir.parser.IParser;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.lafia.fhir.store.StoredResource;

/**
 * Writes FHIR responses. Stored JSON goes out as stored (no parse, no re-encode) unless the client
 * asked for XML, pretty printing, {@code _summary} or {@code _elements}; then HAPI encodes.
 */
final class Responses {
  static final String JSON_TYPE = "application/fhir+json;charset=utf-8";
  static final String XML_TYPE = "application/fhir+xml;charset=utf-8";
  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

  /** One entry of an outgoing Bundle. */
  record Entry(String fullUrl, StoredResource stored, IBaseResource resource, String searchMode,
      String requestMethod, String requestUrl, String status, String location, String etag,
      Instant lastModified) {

    static Entry match(String base, StoredResource s, String mode) {
      return new Entry(base + "/" + s.type() + "/" + s.id(), s, null, mode, null, null, null, null, null, null);
    }
  }

  private final FhirServices fhir;

  Responses(FhirServices fhir) {
    this.fhir = fhir;
  }

  private static boolean raw(FhirRequest req) {
    return !req.xml && !req.pretty && req.first("_summary") == null && req.first("_elements") == null;
  }

  IParser parser(FhirRequest req, boolean bundle) {
    IParser p = req.xml ? fhir.ctx().newXmlParser() : fhir.ctx().newJsonParser();
    p.setPrettyPrint(req.pretty);
    String summary = req.first("_summary");
    if (summary != null) {
      switch (summary) {
        case "true" -> p.setSummaryMode(true);
        case "data" -> p.setSuppressNarratives(true);
        case "text" -> p.setEncodeElements(Set.of("*.text", "*.id", "*.meta"));
        case "false", "count" -> {}
        default -> throw FhirError.badRequest("_summary takes true, false, text, data or count.");
      }
    }
    String elements = req.first("_elements");
    if (elements != null) {
      Set<String> set = new HashSet<>();
      for (String e : elements.split(",")) if (!e.isBlank()) set.add("*." + e.trim());
      set.add("*.id");
      set.add("*.meta");
      p.setEncodeElements(set);
      if (bundle) p.setEncodeElementsAppliesToChildResourcesOnly(true);
    }
    return p;
  }

  void stored(FhirRequest req, HttpServletResponse resp, int status, StoredResource s) throws IOException {
    resp.setStatus(status);
    versionHeaders(resp, s.version(), s.lastUpdated());
    if (raw(req)) {
      write(resp, JSON_TYPE, s.body());
    } else {
      IBaseResource r = fhir.parseJson(s.body());
      write(resp, req.xml ? XML_TYPE : JSON_TYPE, parser(req, false).encodeResourceToString(r));
    }
  }

  void resource(FhirRequest req, HttpServletResponse resp, int status, IBaseResource r) throws IOException {
    resp.setStatus(status);
    write(resp, req.xml ? XML_TYPE : JSON_TYPE, parser(req, false).encodeResourceToString(r));
  }

  /** Text already encoded in the client's format. */
  void text(HttpServletResponse resp, int status, boolean xml, String text) throws IOException {
    resp.setStatus(status);
    write(resp, xml ? XML_TYPE : JSON_TYPE, text);
  }

  static void versionHeaders(HttpServletResponse resp, int version, Instant lastUpdated) {
    resp.setHeader("ETag", "W/\"" + version + "\"");
    if (lastUpdated != null) resp.setHeader("Last-Modified", HTTP_DATE.format(lastUpdated));
  }

  void outcome(FhirRequest req, HttpServletResponse resp, int status, String severity, String code,
      String message) throws IOException {
    OperationOutcome oo = outcome(severity, code, message);
    resp.setStatus(status);
    boolean xml = req != null && req.xml;
    IParser p = xml ? fhir.ctx().newXmlParser() : fhir.ctx().newJsonParser();
    if (req != null) p.setPrettyPrint(req.pretty);
    write(resp, xml ? XML_TYPE : JSON_TYPE, p.encodeResourceToString(oo));
  }

  static OperationOutcome outcome(String severity, String code, String message) {
    OperationOutcome oo = new OperationOutcome();
    oo.addIssue()
        .setSeverity(OperationOutcome.IssueSeverity.fromCode(severity))
        .setCode(OperationOutcome.IssueType.fromCode(code))
        .setDiagnostics(message);
    return oo;
  }

  private static void write(HttpServletResponse resp, String type, String body) throws IOException {
    resp.setContentType(type);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    resp.setContentLength(bytes.length);
    resp.getOutputStream().write(bytes);
  }

  /** A Bundle of stored resources and/or outcomes, in the client's format. */
  void bundle(FhirRequest req, HttpServletResponse resp, String type, Integer total,
      String selfUrl, String nextUrl, List<Entry> entries) throws IOException {
    resp.setStatus(200);
    boolean canRaw = raw(req) && entries.stream().allMatch(e -> e.resource() == null);
    if (canRaw) {
      resp.setContentType(JSON_TYPE);
      Writer w = new java.io.OutputStreamWriter(resp.getOutputStream(), StandardCharsets.UTF_8);
      writeRaw(w, type, total, selfUrl, nextUrl, entries);
      w.flush();
      return;
    }
    writeModel(req, resp, type, total, selfUrl, nextUrl, entries);
  }

  /** The entries of a searchset: matches, then included resources. */
  /** Matches, then the included resources the caller may read (the others are left out silently). */
  static List<Entry> searchEntries(String base, org.lafia.fhir.search.SearchResult r, org.lafia.fhir.spi.AccessPolicy access) {
    List<Entry> entries = new java.util.ArrayList<>(r.matches().size() + r.included().size());
    for (StoredResource s : r.matches()) entries.add(Entry.match(base, s, "match"));
    for (StoredResource s : r.included()) if (access.mayRead(s.type())) entries.add(Entry.match(base, s, "include"));
    return entries;
  }

  /** The URL of a search (self link) or of its next page (query made by the search engine). */
  static String searchUrl(String base, String type, String query) {
    return base + "/" + type + (query == null || query.isEmpty() ? "" : "?" + query);
  }

  /** A Bundle of stored resources as JSON text (e.g. a search run inside a transaction). */
  static String bundleJson(String type, Integer total, String selfUrl, String nextUrl, List<Entry> entries) {
    java.io.StringWriter w = new java.io.StringWriter();
    try {
      writeRaw(w, type, total, selfUrl, nextUrl, entries);
    } catch (IOException e) {
      throw new IllegalStateException(e); // a StringWriter does not fail
    }
    return w.toString();
  }

  private static void writeRaw(Writer w, String type, Integer total, String selfUrl, String nextUrl,
      List<Entry> entries) throws IOException {
    w.write("{\"resourceType\":\"Bundle\",\"id\":\"");
    w.write(UUID.randomUUID().toString());
    w.write("\",\"meta\":{\"lastUpdated\":\"");
    w.write(Instant.now().toString());
    w.write("\"},\"type\":\"");
    w.write(type);
    w.write('"');
    if (total != null) w.write(",\"total\":" + total);
    w.write(",\"link\":[{\"relation\":\"self\",\"url\":" + json(selfUrl) + "}");
    if (nextUrl != null) w.write(",{\"relation\":\"next\",\"url\":" + json(nextUrl) + "}");
    w.write("]");
    if (!entries.isEmpty()) {
      w.write(",\"entry\":[");
      boolean first = true;
      for (Entry e : entries) {
        if (!first) w.write(',');
        first = false;
        w.write('{');
        boolean sep = false;
        if (e.fullUrl() != null) {
          w.write("\"fullUrl\":" + json(e.fullUrl()));
          sep = true;
        }
        if (e.stored() != null && e.stored().body() != null) {
          w.write((sep ? "," : "") + "\"resource\":");
          w.write(e.stored().body());
          sep = true;
        }
        if (e.searchMode() != null) {
          w.write((sep ? "," : "") + "\"search\":{\"mode\":\"" + e.searchMode() + "\"}");
          sep = true;
        }
        if (e.requestMethod() != null) {
          w.write((sep ? "," : "") + "\"request\":{\"method\":\"" + e.requestMethod() + "\",\"url\":"
              + json(e.requestUrl()) + "}");
          sep = true;
        }
        if (e.status() != null) {
          w.write((sep ? "," : "") + "\"response\":{\"status\":" + json(e.status()));
          if (e.location() != null) w.write(",\"location\":" + json(e.location()));
          if (e.etag() != null) w.write(",\"etag\":" + json(e.etag()));
          if (e.lastModified() != null) w.write(",\"lastModified\":\"" + e.lastModified() + "\"");
          w.write('}');
        }
        w.write('}');
      }
      w.write(']');
    }
    w.write('}');
  }

  private void writeModel(FhirRequest req, HttpServletResponse resp, String type, Integer total,
      String selfUrl, String nextUrl, List<Entry> entries) throws IOException {
    Bundle b = new Bundle();
    b.setId(UUID.randomUUID().toString());
    b.getMeta().setLastUpdated(new Date());
    b.setType(Bundle.BundleType.fromCode(type));
    if (total != null) b.setTotal(total);
    b.addLink().setRelation("self").setUrl(selfUrl);
    if (nextUrl != null) b.addLink().setRelation("next").setUrl(nextUrl);
    for (Entry e : entries) {
      Bundle.BundleEntryComponent be = b.addEntry();
      if (e.fullUrl() != null) be.setFullUrl(e.fullUrl());
      if (e.stored() != null && e.stored().body() != null) be.setResource((Resource) fhir.parseJson(e.stored().body()));
      if (e.resource() != null) {
        if (e.status() != null) be.getResponse().setOutcome((Resource) e.resource());
        else be.setResource((Resource) e.resource());
      }
      if (e.searchMode() != null) be.getSearch().setMode(Bundle.SearchEntryMode.fromCode(e.searchMode()));
      if (e.requestMethod() != null) {
        be.getRequest().setMethod(Bundle.HTTPVerb.fromCode(e.requestMethod())).setUrl(e.requestUrl());
      }
      if (e.status() != null) {
        be.getResponse().setStatus(e.status()).setLocation(e.location()).setEtag(e.etag());
        if (e.lastModified() != null) be.getResponse().setLastModified(Date.from(e.lastModified()));
      }
    }
    write(resp, req.xml ? XML_TYPE : JSON_TYPE, parser(req, true).encodeResourceToString(b));
  }

  static String json(String s) {
    if (s == null) return "null";
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    return b.append('"').toString();
  }
}
