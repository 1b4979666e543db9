package org.lafia.platform;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import org.lafia.LafiaApplication;
import org.lafia.TestAuth;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Lafia as a ministry runs it: several stateless nodes on one external PostgreSQL, and a node that
 * stops and starts again on the data it left.
 */
class NodesTest {
  private static final FhirContext CTX = FhirContext.forR4Cached();

  private static ConfigurableApplicationContext start(String... props) {
    LafiaApplication.useUtc();
    List<String> all = new ArrayList<>(List.of("--server.port=0"));
    for (String p : props) all.add("--" + p);
    return new SpringApplicationBuilder(LafiaApplication.class).run(all.toArray(String[]::new));
  }

  private static IGenericClient client(ConfigurableApplicationContext node) {
    return client(node, token(node));
  }

  private static IGenericClient client(ConfigurableApplicationContext node, String token) {
    CTX.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    IGenericClient c = CTX.newRestfulGenericClient(base(node));
    c.registerInterceptor(new BearerTokenAuthInterceptor(token));
    return c;
  }

  private static String token(ConfigurableApplicationContext node) {
    return TestAuth.fullAccess(node, Integer.parseInt(node.getEnvironment().getProperty("local.server.port")));
  }

  private static String base(ConfigurableApplicationContext node) {
    return "http://localhost:" + node.getEnvironment().getProperty("local.server.port") + "/fhir";
  }

  @Test
  void data_survives_a_stop_and_a_start_on_the_same_data_directory() throws Exception {
    Path dir = Files.createTempDirectory("lafia-restart");
    String id;
    try (ConfigurableApplicationContext first = start("lafia.db.data-dir=" + dir)) {
      Patient p = new Patient();
      p.addName().setFamily("Persistant");
      id = client(first).create().resource(p).execute().getId().getIdPart();
    }
    try (ConfigurableApplicationContext second = start("lafia.db.data-dir=" + dir)) {
      Patient back = client(second).read().resource(Patient.class).withId(id).execute();
      assertThat(back.getNameFirstRep().getFamily()).isEqualTo("Persistant");
    }
  }

  @Test
  void two_nodes_on_one_database_serve_the_same_data_consistently() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      String url = pg.getJdbcUrl("postgres", "postgres");
      try (ConfigurableApplicationContext a = start("lafia.db.url=" + url, "lafia.db.user=postgres");
          ConfigurableApplicationContext b = start("lafia.db.url=" + url, "lafia.db.user=postgres")) {
        String family = "Noeud-" + UUID.randomUUID().toString().substring(0, 8);
        // Written on A, read and updated on B, seen updated on A.
        Patient p = new Patient();
        p.addName().setFamily(family);
        String id = client(a).create().resource(p).execute().getId().getIdPart();
        // A token signed by A is accepted by B: the signing keys live in the shared database.
        Patient onB = client(b, token(a)).read().resource(Patient.class).withId(id).execute();
        onB.setActive(true);
        assertThat(client(b).update().resource(onB).execute().getId().getVersionIdPart()).isEqualTo("2");
        Patient onA = client(a).read().resource(Patient.class).withId(id).execute();
        assertThat(onA.getActive()).isTrue();
        assertThat(onA.getMeta().getVersionId()).isEqualTo("2");

        // A search paged on A continues on B: the paging link carries its own position.
        for (int i = 0; i < 4; i++) {
          Patient more = new Patient();
          more.addName().setFamily(family);
          client(i % 2 == 0 ? a : b).create().resource(more).execute();
        }
        Bundle first = client(a).search().forResource(Patient.class).where(Patient.FAMILY.matchesExactly().value(family))
            .count(2).totalMode(ca.uhn.fhir.rest.api.SearchTotalModeEnum.ACCURATE).returnBundle(Bundle.class).execute();
        assertThat(first.getTotal()).isEqualTo(5);
        String next = first.getLink("next").getUrl().replace(base(a), base(b));
        Bundle second = client(b).loadPage().byUrl(next).andReturnBundle(Bundle.class).execute();
        assertThat(second.getEntry()).hasSize(2);
        assertThat(second.getEntry()).noneMatch(e -> first.getEntry().stream()
            .anyMatch(f -> f.getResource().getIdElement().getIdPart().equals(e.getResource().getIdElement().getIdPart())));

        // Conditional creates racing on two nodes still make one resource.
        String value = UUID.randomUUID().toString();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> codes = new ArrayList<>();
        HttpClient http = HttpClient.newHttpClient();
        String bearer = token(a);
        for (int i = 0; i < 4; i++) {
          String target = base(i % 2 == 0 ? a : b);
          codes.add(pool.submit(() -> {
            go.await();
            return http.send(HttpRequest.newBuilder(URI.create(target + "/Patient"))
                    .header("Content-Type", "application/fhir+json")
                    .header("Authorization", "Bearer " + bearer)
                    .header("If-None-Exist", "identifier=urn:lafia:nodes|" + value)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:lafia:nodes\",\"value\":\"" + value + "\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode();
          }));
        }
        go.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> f : codes) statuses.add(f.get());
        pool.shutdown();
        assertThat(statuses).containsOnly(200, 201).filteredOn(s -> s == 201).hasSize(1);
      }
    }
  }
}
