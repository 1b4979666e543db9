package org.lafia.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import org.lafia.TestAuth;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

/** What the FHIR end-to-end tests share: HAPI's generic client and a raw HTTP client. */
public abstract class FhirTestSupport {
  protected static final FhirContext CTX = FhirContext.forR4Cached();
  protected static final HttpClient HTTP = HttpClient.newHttpClient();

  @LocalServerPort protected int port;
  @Autowired protected ApplicationContext context;

  /** A bearer token allowed everything: the FHIR suites test the API, not the access rules (SecurityTest does). */
  protected String token() {
    return TestAuth.fullAccess(context, port);
  }

  protected String base() {
    return "http://localhost:" + port + "/fhir";
  }

  protected IGenericClient client() {
    CTX.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    CTX.getRestfulClientFactory().setSocketTimeout(60_000);
    IGenericClient client = CTX.newRestfulGenericClient(base());
    client.registerInterceptor(new BearerTokenAuthInterceptor(token()));
    return client;
  }

  /** A fresh token value so that tests never see each other's data. */
  protected static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  protected HttpResponse<String> send(String method, String pathAndQuery, String contentType, String body,
      String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + pathAndQuery));
    if (contentType != null) b.header("Content-Type", contentType);
    b.header("Authorization", "Bearer " + token());
    for (int i = 0; i + 1 < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }
}
