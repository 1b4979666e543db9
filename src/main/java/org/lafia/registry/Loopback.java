package org.lafia.registry;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * This node's FHIR API, called with the token of the request being served: the registry's APIs
 * (a steward's merge, a CSV import) write as the caller, through the FHIR API's own authorisation,
 * rules and audit trail, never around them.
 */
final class Loopback {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Loopback() {}

  /** {@code path} from {@code /fhir}; a body is sent as FHIR JSON with {@code method}, none as a GET. */
  static HttpResponse<String> fhir(HttpServletRequest request, String method, String path, String body, String ifMatch) throws Exception {
    String host = request.getLocalAddr();
    if (host.contains(":")) host = "[" + host + "]";
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + host + ":" + request.getLocalPort() + request.getContextPath() + path))
        .timeout(Duration.ofMinutes(5)).header("Accept", "application/fhir+json").header("Authorization", request.getHeader("Authorization"));
    if (ifMatch != null) b.header("If-Match", ifMatch);
    if (body == null) b.GET();
    else b.header("Content-Type", "application/fhir+json").method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The human part of a FHIR refusal (its OperationOutcome's diagnostics), or the status. */
  static String diagnostics(FhirContext ctx, HttpResponse<String> r) {
    try {
      return ctx.newJsonParser().parseResource(OperationOutcome.class, r.body()).getIssueFirstRep().getDiagnostics();
    } catch (RuntimeException e) {
      return "HTTP " + r.statusCode();
    }
  }
}
