package org.lafia.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.lafia.LafiaTest;
import org.springframework.beans.factory.annotation.Autowired;

@LafiaTest
class TransactionTest extends FhirTestSupport {
  @Autowired DataSource dataSource;

  private long versions() throws Exception {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select count(*) from fhir_version")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private Observation observation(String patientRef, String encounterRef) {
    Observation o = new Observation();
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
    o.setSubject(new Reference(patientRef));
    if (encounterRef != null) o.setEncounter(new Reference(encounterRef));
    return o;
  }

  @Test
  void a_search_entry_sees_the_transactions_own_writes_and_a_bad_one_stores_nothing() throws Exception {
    String family = unique("Srch");
    Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    // The GET comes first in the bundle but runs last, as the specification orders entries.
    tx.addEntry().getRequest().setMethod(HTTPVerb.GET).setUrl("Patient?family=" + family);
    Patient p = new Patient();
    p.addName().setFamily(family);
    tx.addEntry().setFullUrl("urn:uuid:44444444-4444-4444-4444-444444444444").setResource(p)
        .getRequest().setMethod(HTTPVerb.POST).setUrl("Patient");
    Bundle resp = client().transaction().withBundle(tx).execute();
    assertThat(resp.getEntry().get(0).getResponse().getStatus()).startsWith("200");
    Bundle found = (Bundle) resp.getEntry().get(0).getResource();
    assertThat(found.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
    assertThat(found.getEntry()).hasSize(1);
    String created = resp.getEntry().get(1).getResponse().getLocation().split("/")[1];
    assertThat(found.getEntry().get(0).getResource().getIdElement().getIdPart()).isEqualTo(created);

    long before = versions();
    String json = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
        + "{\"resource\":{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family + "\"}]},"
        + "\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}},"
        + "{\"request\":{\"method\":\"GET\",\"url\":\"Patient?nosuchparam=1\"}}]}";
    HttpResponse<String> bad = send("POST", "", "application/fhir+json", json);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("OperationOutcome").contains("nosuchparam");
    assertThat(versions()).as("nothing of the failed transaction stored").isEqualTo(before);
  }

  @Test
  void a_transaction_resolves_urn_uuid_references_between_its_entries() {
    Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    String family = unique("Tx");
    Patient p = new Patient();
    p.addName().setFamily(family);
    tx.addEntry().setFullUrl("urn:uuid:11111111-1111-1111-1111-111111111111").setResource(p)
        .getRequest().setMethod(HTTPVerb.POST).setUrl("Patient");
    Encounter e = new Encounter();
    e.setStatus(Encounter.EncounterStatus.FINISHED);
    e.getClass_().setCode("AMB");
    e.setSubject(new Reference("urn:uuid:11111111-1111-1111-1111-111111111111"));
    tx.addEntry().setFullUrl("urn:uuid:22222222-2222-2222-2222-222222222222").setResource(e)
        .getRequest().setMethod(HTTPVerb.POST).setUrl("Encounter");
    tx.addEntry().setFullUrl("urn:uuid:33333333-3333-3333-3333-333333333333")
        .setResource(observation("urn:uuid:11111111-1111-1111-1111-111111111111", "urn:uuid:22222222-2222-2222-2222-222222222222"))
        .getRequest().setMethod(HTTPVerb.POST).setUrl("Observation");
    Bundle resp = client().transaction().withBundle(tx).execute();
    assertThat(resp.getType()).isEqualTo(Bundle.BundleType.TRANSACTIONRESPONSE);
    assertThat(resp.getEntry()).allSatisfy(en -> assertThat(en.getResponse().getStatus()).startsWith("201"));
    String patientId = resp.getEntry().get(0).getResponse().getLocation().split("/")[1];
    Bundle obs = client().search().forResource(Observation.class)
        .where(Observation.PATIENT.hasId(patientId)).include(Observation.INCLUDE_ENCOUNTER)
        .returnBundle(Bundle.class).execute();
    assertThat(obs.getEntry()).hasSize(2);
    Observation stored = (Observation) obs.getEntry().get(0).getResource();
    assertThat(stored.getSubject().getReference()).isEqualTo("Patient/" + patientId);
  }

  @Test
  void a_transaction_failing_at_its_fortieth_entry_stores_nothing() throws Exception {
    long before = versions();
    String family = unique("Atomic");
    Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    for (int i = 0; i < 39; i++) {
      Patient p = new Patient();
      p.addName().setFamily(family);
      tx.addEntry().setFullUrl("urn:uuid:" + java.util.UUID.randomUUID()).setResource(p).getRequest().setMethod(HTTPVerb.POST).setUrl("Patient");
    }
    tx.addEntry().setResource(observation("Patient/" + unique("does-not-exist"), null))
        .getRequest().setMethod(HTTPVerb.POST).setUrl("Observation");
    HttpResponse<String> r = send("POST", "", "application/fhir+json", CTX.newJsonParser().encodeResourceToString(tx));
    assertThat(r.statusCode()).isEqualTo(422);
    OperationOutcome oo = (OperationOutcome) CTX.newJsonParser().parseResource(r.body());
    assertThat(oo.getIssueFirstRep().getDiagnostics()).contains("Entry #39").contains("does-not-exist");
    assertThat(versions()).isEqualTo(before);
    Bundle none = client().search().forResource(Patient.class).where(Patient.FAMILY.matchesExactly().value(family))
        .returnBundle(Bundle.class).execute();
    assertThat(none.getTotal()).isZero();
  }

  /** A transaction of several megabytes whose first entry points at its last (read back compressed, twice). */
  private Bundle largeTransaction(String family, int patients) {
    Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    String last = "urn:uuid:" + java.util.UUID.randomUUID();
    tx.addEntry().setResource(observation(last, null)).getRequest().setMethod(HTTPVerb.POST).setUrl("Observation");
    String filler = "Antécédents : paludisme, drépanocytose. ".repeat(25);
    for (int i = 0; i < patients; i++) {
      Patient p = new Patient();
      p.addName().setFamily(family).addGiven("Kossi" + i);
      p.getText().setStatus(org.hl7.fhir.r4.model.Narrative.NarrativeStatus.GENERATED)
          .setDivAsString("<div xmlns=\"http://www.w3.org/1999/xhtml\">" + filler + i + "</div>");
      tx.addEntry().setFullUrl(i == patients - 1 ? last : "urn:uuid:" + java.util.UUID.randomUUID()).setResource(p)
          .getRequest().setMethod(HTTPVerb.POST).setUrl("Patient");
    }
    return tx;
  }

  private HttpResponse<String> postChunked(byte[] body) throws Exception {
    java.net.http.HttpRequest rq = java.net.http.HttpRequest.newBuilder(java.net.URI.create(base()))
        .version(java.net.http.HttpClient.Version.HTTP_1_1)
        .header("Content-Type", "application/fhir+json").header("Authorization", "Bearer " + token())
        // No length: sent chunked, so the server cannot size its buffer in advance.
        .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)))
        .build();
    return HTTP.send(rq, HttpResponse.BodyHandlers.ofString());
  }

  private long countFamily(String family) {
    return client().search().forResource(Patient.class).where(Patient.FAMILY.matchesExactly().value(family))
        .returnBundle(Bundle.class).summaryMode(ca.uhn.fhir.rest.api.SummaryEnum.COUNT).execute().getTotal();
  }

  @Test
  void a_transaction_of_several_megabytes_loads_whole_with_or_without_a_declared_length() throws Exception {
    for (boolean chunked : new boolean[] {false, true}) {
      String family = unique("Large");
      byte[] body = CTX.newJsonParser().encodeResourceToString(largeTransaction(family, 2500))
          .getBytes(java.nio.charset.StandardCharsets.UTF_8);
      assertThat(body.length).isGreaterThan(3 << 20); // several of the server's 1 MiB compressed blocks
      HttpResponse<String> r = chunked ? postChunked(body)
          : send("POST", "", "application/fhir+json", new String(body, java.nio.charset.StandardCharsets.UTF_8));
      assertThat(r.statusCode()).as(r.body().substring(0, Math.min(300, r.body().length()))).isEqualTo(200);
      Bundle resp = (Bundle) CTX.newJsonParser().parseResource(r.body());
      assertThat(resp.getEntry()).hasSize(2501).allSatisfy(e -> assertThat(e.getResponse().getStatus()).startsWith("201"));
      String lastPatient = resp.getEntry().get(2500).getResponse().getLocation().split("/_history")[0];
      String obs = resp.getEntry().get(0).getResponse().getLocation().split("/_history")[0];
      assertThat(client().read().resource(Observation.class).withUrl(obs).execute().getSubject().getReference())
          .isEqualTo(lastPatient);
      assertThat(countFamily(family)).isEqualTo(2500);
    }
  }

  @Test
  void a_transaction_of_several_megabytes_failing_at_its_last_entry_stores_nothing() throws Exception {
    long before = versions();
    String family = unique("LargeAtomic");
    Bundle tx = largeTransaction(family, 2500);
    tx.addEntry().setResource(observation("Patient/" + unique("does-not-exist"), null))
        .getRequest().setMethod(HTTPVerb.POST).setUrl("Observation");
    HttpResponse<String> r = postChunked(CTX.newJsonParser().encodeResourceToString(tx)
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.body()).contains("Entry #2501").contains("does-not-exist");
    assertThat(versions()).isEqualTo(before);
    assertThat(countFamily(family)).isZero();
  }

  @Test
  void bad_content_in_elements_no_parameter_reads_is_still_refused() throws Exception {
    // A create in a transaction is indexed from the elements its parameters reach only; the rest
    // (here Observation.note, interpretation, referenceRange) must still be checked.
    long before = versions();
    String[] bad = {
      "\"note\":[{\"text\":\"x\",\"time\":\"hier\"}]",
      "\"note\":[{\"text\":\"x\",\"auteur\":\"y\"}]",
      "\"referenceRange\":[{\"low\":{\"value\":\"beaucoup\"}}]",
      "\"interpretation\":{\"text\":\"H\"}",
      "\"note\":[{\"text\":\"x\",\"text\":\"y\"}]",
    };
    for (String part : bad) {
      String tx = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
          + "{\"fullUrl\":\"urn:uuid:a\",\"resource\":{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Ok\"}]},"
          + "\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}},"
          + "{\"resource\":{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"t\"},"
          + "\"subject\":{\"reference\":\"urn:uuid:a\"}," + part + "},"
          + "\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}]}";
      HttpResponse<String> r = send("POST", "", "application/fhir+json", tx);
      assertThat(r.statusCode()).as(part).isEqualTo(400);
      assertThat(r.body()).as(part).contains("OperationOutcome");
    }
    assertThat(versions()).isEqualTo(before);
  }

  @Test
  void a_transaction_written_out_in_slices_is_still_all_or_nothing() throws Exception {
    // More entries than one write slice (2,000): rows reach the database before the failing last
    // entry is seen, and the rollback must still take them all back.
    long before = versions();
    Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    String family = unique("Slice");
    for (int i = 0; i < 2100; i++) {
      Patient p = new Patient();
      p.addName().setFamily(family);
      tx.addEntry().setFullUrl("urn:uuid:" + java.util.UUID.randomUUID()).setResource(p).getRequest().setMethod(HTTPVerb.POST).setUrl("Patient");
    }
    tx.addEntry().setResource(observation("Patient/" + unique("nobody"), null)).getRequest().setMethod(HTTPVerb.POST).setUrl("Observation");
    HttpResponse<String> r = send("POST", "", "application/fhir+json", CTX.newJsonParser().encodeResourceToString(tx));
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(versions()).isEqualTo(before);
    tx.getEntry().remove(tx.getEntry().size() - 1);
    HttpResponse<String> ok = send("POST", "", "application/fhir+json", CTX.newJsonParser().encodeResourceToString(tx));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(versions()).isEqualTo(before + 2100);
  }

  @Test
  void a_reference_to_an_entry_written_in_a_later_slice_is_searchable_every_way() throws Exception {
    // The first entry points at the last one, which reaches the database 2,000 entries later:
    // its stored reference learns the target's internal id only at commit.
    Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    String family = unique("Tard");
    String patientUrl = "urn:uuid:" + java.util.UUID.randomUUID();
    Observation first = observation(patientUrl, null);
    first.getCode().getCodingFirstRep().setCode("29463-7");
    tx.addEntry().setFullUrl("urn:uuid:" + java.util.UUID.randomUUID()).setResource(first)
        .getRequest().setMethod(HTTPVerb.POST).setUrl("Observation");
    for (int i = 0; i < 2050; i++) {
      Organization filler = new Organization();
      filler.setName(family + " filler " + i);
      tx.addEntry().setFullUrl("urn:uuid:" + java.util.UUID.randomUUID()).setResource(filler)
          .getRequest().setMethod(HTTPVerb.POST).setUrl("Organization");
    }
    Patient p = new Patient();
    p.addName().setFamily(family).addGiven("Afi");
    tx.addEntry().setFullUrl(patientUrl).setResource(p).getRequest().setMethod(HTTPVerb.POST).setUrl("Patient");
    HttpResponse<String> r = send("POST", "", "application/fhir+json", CTX.newJsonParser().encodeResourceToString(tx));
    assertThat(r.statusCode()).isEqualTo(200);
    Bundle resp = CTX.newJsonParser().parseResource(Bundle.class, r.body());
    String patientId = new org.hl7.fhir.r4.model.IdType(resp.getEntry().get(resp.getEntry().size() - 1)
        .getResponse().getLocation()).getIdPart();
    String obsId = new org.hl7.fhir.r4.model.IdType(resp.getEntry().get(0).getResponse().getLocation()).getIdPart();

    Bundle bySubject = client().search().byUrl("Observation?subject=Patient/" + patientId)
        .returnBundle(Bundle.class).execute();
    assertThat(bySubject.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart()).containsExactly(obsId);
    Bundle byId = client().search().byUrl("Observation?patient=" + patientId).returnBundle(Bundle.class).execute();
    assertThat(byId.getEntry()).hasSize(1);
    Bundle chained = client().search().byUrl("Observation?subject:Patient.family=" + family)
        .returnBundle(Bundle.class).execute();
    assertThat(chained.getEntry()).hasSize(1);
    Bundle has = client().search().byUrl("Patient?_has:Observation:subject:code=29463-7&family=" + family)
        .returnBundle(Bundle.class).execute();
    assertThat(has.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart()).containsExactly(patientId);
    Bundle rev = client().search().byUrl("Patient?_id=" + patientId + "&_revinclude=Observation:subject")
        .returnBundle(Bundle.class).execute();
    assertThat(rev.getEntry()).extracting(e -> e.getResource().fhirType()).containsExactlyInAnyOrder("Patient", "Observation");
    Bundle inc = client().search().byUrl("Observation?_id=" + obsId + "&_include=Observation:subject")
        .returnBundle(Bundle.class).execute();
    assertThat(inc.getEntry()).extracting(e -> e.getResource().fhirType()).containsExactlyInAnyOrder("Observation", "Patient");
    Bundle everything = client().operation().onInstance("Patient/" + patientId).named("$everything")
        .withNoParameters(org.hl7.fhir.r4.model.Parameters.class).returnResourceType(Bundle.class).execute();
    assertThat(everything.getEntry()).extracting(e -> e.getResource().fhirType()).contains("Patient", "Observation");
  }

  @Test
  void conditional_references_and_conditional_creates_resolve_inside_a_transaction() {
    String npi = unique("org");
    Bundle first = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    Organization org = new Organization();
    org.addIdentifier().setSystem("urn:lafia:org").setValue(npi);
    org.setName("CHU Sylvanus Olympio");
    first.addEntry().setFullUrl("urn:uuid:44444444-4444-4444-4444-444444444444").setResource(org).getRequest()
        .setMethod(HTTPVerb.POST).setUrl("Organization").setIfNoneExist("identifier=urn:lafia:org|" + npi);
    client().transaction().withBundle(first).execute();
    // The same conditional create again: no second organisation. A patient refers to it by condition.
    Bundle second = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    second.addEntry().setFullUrl("urn:uuid:44444444-4444-4444-4444-444444444444").setResource(org).getRequest()
        .setMethod(HTTPVerb.POST).setUrl("Organization").setIfNoneExist("identifier=urn:lafia:org|" + npi);
    Patient p = new Patient();
    p.addName().setFamily(unique("Cond"));
    p.setManagingOrganization(new Reference("Organization?identifier=urn:lafia:org|" + npi));
    second.addEntry().setResource(p).getRequest().setMethod(HTTPVerb.POST).setUrl("Patient");
    Bundle resp = client().transaction().withBundle(second).execute();
    assertThat(resp.getEntry().get(0).getResponse().getStatus()).startsWith("200");
    assertThat(resp.getEntry().get(1).getResponse().getStatus()).startsWith("201");
    Bundle orgs = client().search().forResource(Organization.class)
        .where(Organization.IDENTIFIER.exactly().systemAndCode("urn:lafia:org", npi)).returnBundle(Bundle.class).execute();
    assertThat(orgs.getTotal()).isEqualTo(1);
    String orgId = orgs.getEntryFirstRep().getResource().getIdElement().getIdPart();
    Patient stored = client().read().resource(Patient.class)
        .withId(resp.getEntry().get(1).getResponse().getLocation().split("/")[1]).execute();
    assertThat(stored.getManagingOrganization().getReference()).isEqualTo("Organization/" + orgId);
  }

  @Test
  void entries_run_in_the_prescribed_order_delete_post_put_get() {
    Patient existing = new Patient();
    existing.addName().setFamily(unique("Order"));
    String oldId = client().create().resource(existing).execute().getId().getIdPart();
    String putId = unique("put");
    Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    // Listed GET first and DELETE last: the server still deletes first and reads last.
    tx.addEntry().getRequest().setMethod(HTTPVerb.GET).setUrl("Patient/" + putId);
    Patient put = new Patient();
    put.setId(putId);
    put.addName().setFamily("Put");
    tx.addEntry().setResource(put).getRequest().setMethod(HTTPVerb.PUT).setUrl("Patient/" + putId);
    tx.addEntry().getRequest().setMethod(HTTPVerb.DELETE).setUrl("Patient/" + oldId);
    Bundle resp = client().transaction().withBundle(tx).execute();
    assertThat(resp.getEntry().get(0).getResponse().getStatus()).startsWith("200");
    assertThat(resp.getEntry().get(0).getResource()).isInstanceOf(Patient.class);
    assertThat(resp.getEntry().get(1).getResponse().getStatus()).startsWith("201");
    assertThat(resp.getEntry().get(2).getResponse().getStatus()).startsWith("204");
  }

  @Test
  void a_batch_runs_its_entries_independently() throws Exception {
    long before = versions();
    Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
    Patient ok = new Patient();
    ok.addName().setFamily(unique("Batch"));
    batch.addEntry().setResource(ok).getRequest().setMethod(HTTPVerb.POST).setUrl("Patient");
    batch.addEntry().setResource(observation("Patient/" + unique("nobody"), null)).getRequest().setMethod(HTTPVerb.POST).setUrl("Observation");
    batch.addEntry().getRequest().setMethod(HTTPVerb.GET).setUrl("Patient/" + unique("missing"));
    Observation noStatus = new Observation();
    noStatus.getCode().setText("no status");
    batch.addEntry().setResource(noStatus).getRequest().setMethod(HTTPVerb.POST).setUrl("Observation");
    Bundle resp = client().transaction().withBundle(batch).execute();
    assertThat(resp.getEntry().get(3).getResponse().getStatus()).startsWith("422");
    assertThat(resp.getType()).isEqualTo(Bundle.BundleType.BATCHRESPONSE);
    assertThat(resp.getEntry().get(0).getResponse().getStatus()).startsWith("201");
    assertThat(resp.getEntry().get(1).getResponse().getStatus()).startsWith("422");
    assertThat(resp.getEntry().get(1).getResponse().getOutcome()).isInstanceOf(OperationOutcome.class);
    assertThat(resp.getEntry().get(2).getResponse().getStatus()).startsWith("404");
    assertThat(versions()).isEqualTo(before + 1);
  }

  @Test
  void a_synthea_patient_loads_with_its_hospitals_and_practitioners_and_everything_returns_it() throws Exception {
    for (String name : new String[] {"hospitalInformation.json.gz", "practitionerInformation.json.gz", "patient.json.gz"}) {
      byte[] gz = getClass().getResourceAsStream("/synthea/" + name).readAllBytes();
      String json = new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz)).readAllBytes(),
          java.nio.charset.StandardCharsets.UTF_8);
      HttpResponse<String> r = send("POST", "", "application/fhir+json", json);
      assertThat(r.statusCode()).as(name + ": " + r.body().substring(0, Math.min(500, r.body().length()))).isEqualTo(200);
      Bundle resp = (Bundle) CTX.newJsonParser().parseResource(r.body());
      assertThat(resp.getEntry()).allSatisfy(e -> assertThat(e.getResponse().getStatus()).matches("20[01].*"));
      if (name.startsWith("patient")) {
        Bundle sent = (Bundle) CTX.newJsonParser().parseResource(json);
        String pid = resp.getEntry().stream().filter(e -> e.getResponse().getLocation().startsWith("Patient/"))
            .findFirst().orElseThrow().getResponse().getLocation().split("/")[1];
        long sentObservations = sent.getEntry().stream().filter(e -> e.getResource() instanceof Observation).count();
        HttpResponse<String> count = send("GET", "/Observation?patient=" + pid + "&_summary=count", null, null);
        assertThat(((Bundle) CTX.newJsonParser().parseResource(count.body())).getTotal()).isEqualTo((int) sentObservations);
        // $everything pages through the whole compartment: every resource of the bundle comes back once.
        java.util.Set<String> seen = new java.util.HashSet<>();
        String next = "/Patient/" + pid + "/$everything?_count=200";
        int pages = 0;
        while (next != null && pages++ < 50) {
          HttpResponse<String> page = send("GET", next, null, null);
          assertThat(page.statusCode()).isEqualTo(200);
          Bundle b = (Bundle) CTX.newJsonParser().parseResource(page.body());
          b.getEntry().stream().filter(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.MATCH)
              .forEach(e -> assertThat(seen.add(e.getResource().getIdElement().toUnqualifiedVersionless().getValue())).isTrue());
          next = b.getLink("next") == null ? null : b.getLink("next").getUrl().substring(base().length());
        }
        long sentInCompartment = sent.getEntry().stream()
            .filter(e -> !(e.getResource() instanceof org.hl7.fhir.r4.model.Provenance)).count();
        assertThat(seen.size()).isGreaterThanOrEqualTo((int) sentInCompartment);
      }
    }
  }
}
