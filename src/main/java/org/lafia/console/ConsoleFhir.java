package org.lafia.console;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.hl7.fhir.r4.model.Bundle;
import org.lafia.security.PersonTokens;

/**
 * The FHIR API of this node, read as the signed-in person: the address the request came in on
 * (so it works whatever interface the node listens on), the person's token, HAPI's parser.
 */
@org.springframework.stereotype.Component
final class ConsoleFhir {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final FhirContext ctx;
  private final org.springframework.beans.factory.ObjectProvider<PersonTokens> tokens;

  ConsoleFhir(FhirContext ctx, org.springframework.beans.factory.ObjectProvider<PersonTokens> tokens) {
    this.ctx = ctx;
    this.tokens = tokens;
  }

  private String tokenFor(String login) {
    PersonTokens t = tokens.getIfAvailable();
    if (t == null) throw new IllegalStateException("The console needs the built-in identity provider.");
    return t.tokenFor(login);
  }

  /** What the API answered: the bundle, or null with the status (a 403 means "not for this role"). */
  record Answer(Bundle bundle, int status) {
    boolean ok() {
      return bundle != null;
    }

    /** The names of the Organizations in the bundle (matches and included), by reference ({@code Organization/id}). */
    java.util.Map<String, String> organizationNames() {
      java.util.Map<String, String> names = new java.util.LinkedHashMap<>();
      for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
        if (e.getResource() instanceof org.hl7.fhir.r4.model.Organization o) names.put("Organization/" + o.getIdPart(), o.getName());
      }
      return names;
    }
  }

  Answer search(HttpServletRequest request, String login, String query) throws IOException, InterruptedException {
    HttpResponse<String> r = get(request, login, "/fhir/" + query, "application/fhir+json");
    if (r.statusCode() != 200) return new Answer(null, r.statusCode());
    return new Answer(ctx.newJsonParser().parseResource(Bundle.class, r.body()), 200);
  }

  /**
   * Every page of a search (following its {@code next} links), up to {@code max} entries: the
   * registry of a whole country (thousands of facilities) on the map or in a list.
   */
  Answer searchAll(HttpServletRequest request, String login, String query, int max) throws IOException, InterruptedException {
    Answer first = search(request, login, query);
    if (!first.ok()) return first;
    Bundle all = first.bundle();
    Bundle page = all;
    while (page.getLink(Bundle.LINK_NEXT) != null && all.getEntry().size() < max) {
      String next = page.getLink(Bundle.LINK_NEXT).getUrl();
      int at = next.indexOf("/fhir/");
      if (at < 0) break;
      Answer more = search(request, login, next.substring(at + "/fhir/".length()));
      if (!more.ok()) return more;
      page = more.bundle();
      page.getEntry().forEach(all::addEntry);
    }
    return first;
  }

  /** A POST of any body to this node's APIs ({@code /fhir}, {@code /api/…}) as the person. */
  HttpResponse<String> post(HttpServletRequest request, String login, String path, String contentType, String body)
      throws IOException, InterruptedException {
    String host = request.getLocalAddr();
    if (host.contains(":")) host = "[" + host + "]";
    String url = "http://" + host + ":" + request.getLocalPort() + request.getContextPath() + path;
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5)).header("Accept", "application/json, application/fhir+json")
        .header("Content-Type", contentType).header("Authorization", "Bearer " + tokenFor(login))
        .POST(HttpRequest.BodyPublishers.ofString(body, java.nio.charset.StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A JSON POST to this node's APIs ({@code /api/…}) as the person. */
  HttpResponse<String> postJson(HttpServletRequest request, String login, String path, String json) throws IOException, InterruptedException {
    return post(request, login, path, "application/json", json);
  }

  /** Any GET of this node's APIs ({@code /fhir/…}, {@code /api/…}) as the person. */
  HttpResponse<String> get(HttpServletRequest request, String login, String path, String accept) throws IOException, InterruptedException {
    String host = request.getLocalAddr();
    if (host.contains(":")) host = "[" + host + "]";
    String url = "http://" + host + ":" + request.getLocalPort() + request.getContextPath() + path;
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
        .header("Accept", accept).header("Authorization", "Bearer " + tokenFor(login)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
