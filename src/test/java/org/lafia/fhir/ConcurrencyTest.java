package org.lafia.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.lafia.LafiaTest;

@LafiaTest
class ConcurrencyTest extends FhirTestSupport {

  /** Runs the same request from n threads released together; returns the status codes. */
  private List<HttpResponse<String>> together(int n, Callable<HttpResponse<String>> call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<HttpResponse<String>>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      futures.add(pool.submit(() -> {
        start.await();
        return call.call();
      }));
    }
    start.countDown();
    List<HttpResponse<String>> out = new ArrayList<>();
    for (Future<HttpResponse<String>> f : futures) out.add(f.get());
    pool.shutdown();
    return out;
  }

  @Test
  void of_several_updates_with_the_same_if_match_exactly_one_wins() throws Exception {
    String id = client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    List<HttpResponse<String>> results = together(8, () -> send("PUT", "/Patient/" + id, "application/fhir+json",
        "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"name\":[{\"family\":\"" + unique("W") + "\"}]}",
        "If-Match", "W/\"1\""));
    assertThat(results).filteredOn(r -> r.statusCode() == 200).hasSize(1);
    assertThat(results).filteredOn(r -> r.statusCode() == 412).hasSize(7);
    assertThat(client().read().resource(Patient.class).withId(id).execute().getMeta().getVersionId()).isEqualTo("2");
  }

  @Test
  void concurrent_updates_without_if_match_each_get_their_own_version() throws Exception {
    String id = client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    List<HttpResponse<String>> results = together(6, () -> send("PUT", "/Patient/" + id, "application/fhir+json",
        "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"name\":[{\"family\":\"" + unique("V") + "\"}]}"));
    assertThat(results).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
    assertThat(results).extracting(r -> r.headers().firstValue("ETag").orElseThrow())
        .containsExactlyInAnyOrder("W/\"2\"", "W/\"3\"", "W/\"4\"", "W/\"5\"", "W/\"6\"", "W/\"7\"");
    Bundle history = client().history().onInstance("Patient/" + id).returnBundle(Bundle.class).execute();
    assertThat(history.getEntry()).hasSize(7);
  }

  @Test
  void concurrent_patches_are_applied_one_after_the_other_and_none_is_lost() throws Exception {
    Patient start = new Patient().setActive(true);
    start.addIdentifier().setSystem("urn:lafia:patch").setValue("v0");
    String id = client().create().resource(start).execute().getId().getIdPart();
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    List<HttpResponse<String>> results = together(6, () -> send("PATCH", "/Patient/" + id, "application/json-patch+json",
        "[{\"op\":\"add\",\"path\":\"/identifier/-\",\"value\":{\"system\":\"urn:lafia:patch\",\"value\":\"v"
            + n.incrementAndGet() + "\"}}]"));
    assertThat(results).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
    Patient p = client().read().resource(Patient.class).withId(id).execute();
    // (the registry added the national health ID when the Patient was created)
    assertThat(p.getIdentifier()).filteredOn(i -> "urn:lafia:patch".equals(i.getSystem())).extracting(i -> i.getValue())
        .containsExactlyInAnyOrder("v0", "v1", "v2", "v3", "v4", "v5", "v6");
    assertThat(p.getMeta().getVersionId()).isEqualTo("7");
  }

  @Test
  void two_concurrent_conditional_creates_of_one_identifier_create_one_resource() throws Exception {
    String value = unique("race");
    String body = "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:lafia:race\",\"value\":\"" + value + "\"}]}";
    List<HttpResponse<String>> results = together(6, () -> send("POST", "/Patient", "application/fhir+json", body,
        "If-None-Exist", "identifier=urn:lafia:race|" + value));
    assertThat(results).filteredOn(r -> r.statusCode() == 201).hasSize(1);
    assertThat(results).filteredOn(r -> r.statusCode() == 200).hasSize(5);
    HttpResponse<String> search = send("GET", "/Patient?identifier=urn:lafia:race%7C" + value, null, null);
    assertThat(((Bundle) CTX.newJsonParser().parseResource(search.body())).getTotal()).isEqualTo(1);
  }
}
