package org.lafia.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;
import org.lafia.LafiaTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** A database that cannot take a write (a full disk) gives the client a 503 it can act on, and stores nothing. */
@LafiaTest
class DatabaseFullTest extends FhirTestSupport {
  @Autowired DataSource dataSource;

  @Test
  void a_write_refused_for_a_full_disk_is_a_503_with_retry_after_and_stores_nothing() throws Exception {
    JdbcTemplate j = new JdbcTemplate(dataSource);
    String family = unique("DiskFull");
    long before = j.queryForObject("select count(*) from fhir_version", Long.class);
    // PostgreSQL's own report of a full disk (SQLState 53100), raised where a write stores its versions.
    j.execute("create function fhir_test_disk_full() returns trigger language plpgsql as $$ begin"
        + " raise exception 'could not extend file: No space left on device' using errcode = 'disk_full'; end $$");
    j.execute("create trigger fhir_test_disk_full before insert on fhir_version for each row execute function fhir_test_disk_full()");
    HttpResponse<String> single;
    HttpResponse<String> tx;
    try {
      single = send("POST", "/Patient", "application/fhir+json",
          "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family + "\"}]}");
      tx = send("POST", "", "application/fhir+json", "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
          + "{\"fullUrl\":\"urn:uuid:5f1c2b1e-0000-4000-8000-000000000001\",\"resource\":{\"resourceType\":\"Patient\","
          + "\"name\":[{\"family\":\"" + family + "\"}]},\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}]}");
    } finally {
      j.execute("drop trigger if exists fhir_test_disk_full on fhir_version");
      j.execute("drop function if exists fhir_test_disk_full()");
    }
    for (HttpResponse<String> r : java.util.List.of(single, tx)) {
      assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
      assertThat(r.headers().firstValue("Retry-After")).contains("60");
      OperationOutcome oo = (OperationOutcome) CTX.newJsonParser().parseResource(r.body());
      assertThat(oo.getIssueFirstRep().getCode().toCode()).isEqualTo("transient");
      assertThat(oo.getIssueFirstRep().getDiagnostics()).contains("disk full").contains("nothing was stored")
          .contains("rien n'a été enregistré").doesNotContain("No space left"); // no database text for the client
    }
    assertThat(j.queryForObject("select count(*) from fhir_version", Long.class)).isEqualTo(before);
    // Once there is room again, the same write goes through.
    HttpResponse<String> again = send("POST", "/Patient", "application/fhir+json",
        "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family + "\"}]}");
    assertThat(again.statusCode()).isEqualTo(201);
  }
}
