package org.lafia.fhir.rest;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What an HTTP request asks of the FHIR API, read once: path parts, parameters, format, body. */
final class FhirRequest {
  final String method;
  final List<String> path;
  final Map<String, List<String>> params;
  final String base;
  final boolean xml;
  final boolean pretty;
  final HttpServletRequest http;
  private RequestBody content;
  private byte[] body;
  private final long maxBody;

  FhirRequest(HttpServletRequest http, long maxBody) {
    this.http = http;
    this.maxBody = maxBody;
    this.method = http.getMethod().toUpperCase(Locale.ROOT);
    String uri = http.getRequestURI();
    String ctxPath = http.getContextPath() + http.getServletPath();
    String rest = uri.length() > ctxPath.length() ? uri.substring(ctxPath.length()) : "";
    this.path = new ArrayList<>();
    for (String p : rest.split("/")) if (!p.isEmpty()) path.add(URLDecoder.decode(p, StandardCharsets.UTF_8));
    this.params = parseQuery(http.getQueryString());
    String scheme = http.getHeader("X-Forwarded-Proto") != null ? http.getHeader("X-Forwarded-Proto") : http.getScheme();
    String host = http.getHeader("X-Forwarded-Host") != null ? http.getHeader("X-Forwarded-Host") : http.getHeader("Host");
    if (host == null) host = http.getServerName() + ":" + http.getServerPort();
    this.base = scheme + "://" + host + ctxPath;
    this.xml = wantsXml();
    String p = first("_pretty");
    this.pretty = "true".equals(p);
  }

  String first(String name) {
    List<String> v = params.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  String header(String name) {
    return http.getHeader(name);
  }

  /** Response format from _format, else the Accept header; 406 if neither JSON nor XML is acceptable. */
  private boolean wantsXml() {
    String f = first("_format");
    if (f != null) {
      String lf = f.toLowerCase(Locale.ROOT);
      if (lf.equals("json") || lf.contains("json")) return false;
      if (lf.equals("xml") || lf.contains("xml")) return true;
      throw new FhirError(406, "not-supported", "_format '" + f + "' is not supported: use json or xml.");
    }
    String accept = http.getHeader("Accept");
    if (accept == null || accept.isBlank()) return false;
    String a = accept.toLowerCase(Locale.ROOT);
    int json = a.indexOf("json");
    int xml = a.indexOf("xml");
    if (json >= 0 && (xml < 0 || json < xml)) return false;
    if (xml >= 0) return true;
    if (a.contains("*/*") || a.contains("application/*")) return false;
    throw new FhirError(406, "not-supported", "Cannot answer in '" + accept
        + "': Lafia speaks application/fhir+json and application/fhir+xml.");
  }

  /** Whether the body is XML (from Content-Type), 415 for a type that is neither JSON nor XML. */
  boolean bodyIsXml() {
    String ct = http.getContentType();
    if (ct == null || ct.isBlank()) {
      try (InputStream in = content().open()) {
        for (int x = in.read(); x >= 0; x = in.read()) {
          if (x == '<') return true;
          if (x == '{' || x == '[') return false;
          if (!Character.isWhitespace(x)) break;
        }
      } catch (IOException e) {
        throw FhirError.badRequest("The request body could not be read: " + e.getMessage());
      }
      throw new FhirError(415, "not-supported", "Send a Content-Type: application/fhir+json or application/fhir+xml.");
    }
    String t = ct.toLowerCase(Locale.ROOT);
    if (t.contains("json")) return false;
    if (t.contains("xml")) return true;
    throw new FhirError(415, "not-supported", "Content-Type '" + ct
        + "' is not supported: send application/fhir+json or application/fhir+xml.");
  }

  /** The body as one array (a large body kept compressed is expanded once, here). */
  byte[] body() {
    if (body == null) body = content().bytes();
    return body;
  }

  /** The body, read once: large ones are kept compressed and read again as streams ({@link RequestBody}). */
  RequestBody content() {
    if (content != null) return content;
    long declared = http.getContentLengthLong();
    if (declared > maxBody) throw tooLarge();
    try (InputStream in = http.getInputStream()) {
      content = RequestBody.read(in, declared, maxBody, this::tooLarge);
      return content;
    } catch (IOException e) {
      throw FhirError.badRequest("The request body could not be read: " + e.getMessage());
    }
  }

  private FhirError tooLarge() {
    return new FhirError(413, "too-costly", "The request body is larger than the limit of " + maxBody
        + " bytes. / Le corps de la requête dépasse la taille maximale.");
  }

  boolean lenient() {
    String prefer = http.getHeader("Prefer");
    return prefer != null && prefer.replace(" ", "").contains("handling=lenient");
  }

  String preferReturn() {
    String prefer = http.getHeader("Prefer");
    if (prefer == null) return null;
    for (String part : prefer.split("[,;]")) {
      String p = part.trim();
      if (p.startsWith("return=")) return p.substring("return=".length()).trim();
    }
    return null;
  }

  /** Version number from If-Match ({@code W/"3"} or {@code "3"}), null if absent; 400 if unreadable. */
  Integer ifMatch() {
    String h = http.getHeader("If-Match");
    if (h == null || h.isBlank()) return null;
    String v = h.trim();
    if (v.startsWith("W/")) v = v.substring(2);
    v = v.replace("\"", "");
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw FhirError.badRequest("If-Match must carry a version like W/\"3\", not '" + h + "'.");
    }
  }

  static Map<String, List<String>> parseQuery(String query) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (query == null || query.isEmpty()) return out;
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        k = URLDecoder.decode(k, StandardCharsets.UTF_8);
        v = URLDecoder.decode(v, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw FhirError.badRequest("The query string is not valid URL encoding near '" + pair + "'.");
      }
      out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
    return out;
  }
}
