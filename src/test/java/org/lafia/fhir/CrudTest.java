package org.lafia.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.PreferReturnEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.net.http.HttpResponse;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.lafia.LafiaTest;

@LafiaTest
class CrudTest extends FhirTestSupport {

  private Patient patient(String family) {
    Patient p = new Patient();
    p.addName().setFamily(family).addGiven("Kossi");
    p.setGender(Enumerations.AdministrativeGender.MALE);
    return p;
  }

  @Test
  void a_created_resource_reads_back_with_server_managed_version_and_lastUpdated() {
    IGenericClient c = client();
    MethodOutcome created = c.create().resource(patient("Amégan")).execute();
    assertThat(created.getCreated()).isTrue();
    IdType id = (IdType) created.getId();
    assertThat(id.getVersionIdPart()).isEqualTo("1");
    Patient read = c.read().resource(Patient.class).withId(id.getIdPart()).execute();
    assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Amégan");
    assertThat(read.getMeta().getVersionId()).isEqualTo("1");
    assertThat(read.getMeta().getLastUpdated()).isNotNull();
  }

  @Test
  void an_update_makes_a_new_version_and_vread_returns_each_version() {
    IGenericClient c = client();
    IdType id = (IdType) c.create().resource(patient("Agbeko")).execute().getId();
    Patient p = c.read().resource(Patient.class).withId(id.getIdPart()).execute();
    p.getNameFirstRep().setFamily("Agbéko");
    MethodOutcome updated = c.update().resource(p).execute();
    assertThat(updated.getId().getVersionIdPart()).isEqualTo("2");
    Patient v1 = c.read().resource(Patient.class).withIdAndVersion(id.getIdPart(), "1").execute();
    Patient v2 = c.read().resource(Patient.class).withIdAndVersion(id.getIdPart(), "2").execute();
    assertThat(v1.getNameFirstRep().getFamily()).isEqualTo("Agbeko");
    assertThat(v2.getNameFirstRep().getFamily()).isEqualTo("Agbéko");
  }

  @Test
  void an_update_that_changes_nothing_keeps_the_version() {
    IGenericClient c = client();
    IdType id = (IdType) c.create().resource(patient("Same")).execute().getId();
    Patient p = c.read().resource(Patient.class).withId(id.getIdPart()).execute();
    MethodOutcome again = c.update().resource(p).execute();
    assertThat(again.getId().getVersionIdPart()).isEqualTo("1");
  }

  @Test
  void the_same_content_sent_again_without_meta_keeps_the_version_alone_and_in_a_transaction() throws Exception {
    // A registry feed or a loader sends the same resource again, bare (no meta): no new version.
    String id = unique("same-bare");
    String body = "{\"resourceType\":\"Organization\",\"id\":\"" + id + "\",\"name\":\"CMS Adidogomé\"}";
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> r = send("PUT", "/Organization/" + id, "application/fhir+json", body);
      assertThat(r.statusCode()).isEqualTo(i == 0 ? 201 : 200);
      assertThat(r.headers().firstValue("ETag")).hasValue("W/\"1\"");
    }
    String tx = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":" + body
        + ",\"request\":{\"method\":\"PUT\",\"url\":\"Organization/" + id + "\"}}]}";
    HttpResponse<String> r = send("POST", "", "application/fhir+json", tx);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(CTX.newJsonParser().parseResource(Bundle.class, r.body()).getEntryFirstRep().getResponse().getEtag())
        .isEqualTo("W/\"1\"");
    HttpResponse<String> changed = send("PUT", "/Organization/" + id, "application/fhir+json", body.replace("Adidogomé", "Adidogomé II"));
    assertThat(changed.headers().firstValue("ETag")).hasValue("W/\"2\"");
  }

  @Test
  void update_with_a_client_id_creates_the_resource() {
    String id = unique("client-id");
    Patient p = patient("Mensah");
    p.setId(id);
    MethodOutcome o = client().update().resource(p).execute();
    assertThat(o.getCreated()).isTrue();
    assertThat(client().read().resource(Patient.class).withId(id).execute().getIdElement().getIdPart()).isEqualTo(id);
  }

  @Test
  void a_deleted_resource_answers_410_and_keeps_its_history() {
    IGenericClient c = client();
    IdType id = (IdType) c.create().resource(patient("Gone")).execute().getId();
    c.delete().resourceById("Patient", id.getIdPart()).execute();
    assertThatThrownBy(() -> c.read().resource(Patient.class).withId(id.getIdPart()).execute())
        .isInstanceOf(ResourceGoneException.class);
    Bundle h = c.history().onInstance(new IdType("Patient", id.getIdPart())).returnBundle(Bundle.class).execute();
    assertThat(h.getEntry()).hasSize(2);
    assertThat(h.getEntryFirstRep().getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.DELETE);
  }

  @Test
  void reading_an_unknown_id_is_404() {
    assertThatThrownBy(() -> client().read().resource(Patient.class).withId(unique("nobody")).execute())
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void if_match_with_a_stale_version_is_412() {
    IGenericClient c = client();
    IdType id = (IdType) c.create().resource(patient("Stale")).execute().getId();
    Patient p = c.read().resource(Patient.class).withId(id.getIdPart()).execute();
    p.setActive(true);
    c.update().resource(p).withId(id.toUnqualifiedVersionless().withVersion("1")).execute();
    p.setActive(false);
    p.setId(id.toUnqualifiedVersionless().withVersion("1"));
    assertThatThrownBy(() -> c.update().resource(p).withId(new IdType("Patient", id.getIdPart(), "1")).execute())
        .isInstanceOf(PreconditionFailedException.class);
  }

  @Test
  void read_returns_an_etag_and_if_none_match_gives_304() throws Exception {
    IdType id = (IdType) client().create().resource(patient("Etag")).execute().getId();
    HttpResponse<String> r = send("GET", "/Patient/" + id.getIdPart(), null, null);
    assertThat(r.headers().firstValue("ETag")).contains("W/\"1\"");
    assertThat(r.headers().firstValue("Last-Modified")).isPresent();
    HttpResponse<String> r2 = send("GET", "/Patient/" + id.getIdPart(), null, null, "If-None-Match", "W/\"1\"");
    assertThat(r2.statusCode()).isEqualTo(304);
  }

  @Test
  void prefer_return_minimal_representation_and_operation_outcome() throws Exception {
    String body = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Prefer\"}]}";
    HttpResponse<String> min = send("POST", "/Patient", "application/fhir+json", body, "Prefer", "return=minimal");
    assertThat(min.statusCode()).isEqualTo(201);
    assertThat(min.body()).isEmpty();
    assertThat(min.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).contains("/Patient/").contains("/_history/1"));
    HttpResponse<String> rep = send("POST", "/Patient", "application/fhir+json", body, "Prefer", "return=representation");
    assertThat(rep.body()).contains("\"family\":\"Prefer\"").contains("\"versionId\":\"1\"");
    HttpResponse<String> oo = send("POST", "/Patient", "application/fhir+json", body, "Prefer", "return=OperationOutcome");
    assertThat(CTX.newJsonParser().parseResource(oo.body())).isInstanceOf(OperationOutcome.class);
    MethodOutcome viaClient = client().create().resource(patient("Pref")).prefer(PreferReturnEnum.REPRESENTATION).execute();
    assertThat(viaClient.getResource()).isInstanceOf(Patient.class);
  }

  @Test
  void conditional_create_returns_the_existing_resource_and_creates_nothing_new() {
    IGenericClient c = client();
    String value = unique("nid");
    Patient p = patient("Cond");
    p.addIdentifier().setSystem("urn:lafia:test").setValue(value);
    MethodOutcome first = c.create().resource(p).conditional().where(Patient.IDENTIFIER.exactly().systemAndCode("urn:lafia:test", value)).execute();
    MethodOutcome second = c.create().resource(p).conditional().where(Patient.IDENTIFIER.exactly().systemAndCode("urn:lafia:test", value)).execute();
    assertThat(first.getCreated()).isTrue();
    assertThat(second.getCreated()).isNotEqualTo(Boolean.TRUE);
    assertThat(second.getId().getIdPart()).isEqualTo(first.getId().getIdPart());
    Bundle b = c.search().forResource(Patient.class).where(Patient.IDENTIFIER.exactly().systemAndCode("urn:lafia:test", value)).returnBundle(Bundle.class).execute();
    assertThat(b.getTotal()).isEqualTo(1);
  }

  @Test
  void conditional_update_and_delete_act_on_the_single_match_and_refuse_several() throws Exception {
    IGenericClient c = client();
    String value = unique("cu");
    Patient p = patient("CondUpd");
    p.addIdentifier().setSystem("urn:lafia:test").setValue(value);
    MethodOutcome created = c.update().resource(p).conditionalByUrl("Patient?identifier=urn:lafia:test|" + value).execute();
    assertThat(created.getCreated()).isTrue();
    p.setActive(true);
    MethodOutcome updated = c.update().resource(p).conditionalByUrl("Patient?identifier=urn:lafia:test|" + value).execute();
    assertThat(updated.getId().getIdPart()).isEqualTo(created.getId().getIdPart());
    assertThat(updated.getId().getVersionIdPart()).isEqualTo("2");

    String family = unique("Twin");
    c.create().resource(patient(family)).execute();
    c.create().resource(patient(family)).execute();
    HttpResponse<String> several = send("DELETE", "/Patient?family:exact=" + family, null, null);
    assertThat(several.statusCode()).isEqualTo(412);

    c.delete().resourceConditionalByUrl("Patient?identifier=urn:lafia:test|" + value).execute();
    assertThatThrownBy(() -> c.read().resource(Patient.class).withId(created.getId().getIdPart()).execute())
        .isInstanceOf(ResourceGoneException.class);
  }

  @Test
  void json_patch_changes_the_resource_and_makes_a_new_version() throws Exception {
    IdType id = (IdType) client().create().resource(patient("Patch")).execute().getId();
    HttpResponse<String> r = send("PATCH", "/Patient/" + id.getIdPart(), "application/json-patch+json",
        "[{\"op\":\"replace\",\"path\":\"/name/0/family\",\"value\":\"Patché\"},{\"op\":\"add\",\"path\":\"/active\",\"value\":true}]");
    assertThat(r.statusCode()).isEqualTo(200);
    Patient p = client().read().resource(Patient.class).withId(id.getIdPart()).execute();
    assertThat(p.getNameFirstRep().getFamily()).isEqualTo("Patché");
    assertThat(p.getActive()).isTrue();
    assertThat(p.getMeta().getVersionId()).isEqualTo("2");
  }

  @Test
  void a_reference_to_nothing_is_422_and_stores_nothing() {
    Observation o = new Observation();
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
    o.setSubject(new Reference("Patient/" + unique("missing")));
    assertThatThrownBy(() -> client().create().resource(o).execute()).isInstanceOf(UnprocessableEntityException.class);
  }

  @Test
  void a_reference_must_name_an_existing_resource_of_that_type_not_just_an_existing_id() {
    // An Organization with this id exists; a Patient with it does not.
    String id = unique("org");
    org.hl7.fhir.r4.model.Organization org = new org.hl7.fhir.r4.model.Organization();
    org.setId(id);
    org.setName("CHU Sylvanus Olympio");
    client().update().resource(org).execute();
    Observation o = new Observation();
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
    o.setSubject(new Reference("Patient/" + id));
    assertThatThrownBy(() -> client().create().resource(o).execute())
        .isInstanceOf(UnprocessableEntityException.class)
        .hasMessageContaining("Patient/" + id);
    o.setSubject(null);
    o.addPerformer(new Reference("Organization/" + id));
    assertThat(client().create().resource(o).execute().getCreated()).isTrue();
  }

  @Test
  void a_body_error_names_the_element_where_it_is() throws Exception {
    HttpResponse<String> r = send("POST", "/Patient", "application/fhir+json",
        "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Amégan\"},{\"given\":[\"Kossi\",17]}]}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("Patient.name[1].given[1]").contains("must be a JSON string");
    HttpResponse<String> top = send("POST", "/Patient", "application/fhir+json", "[1]");
    assertThat(top.statusCode()).isEqualTo(400);
    assertThat(top.body()).contains("at the top");
  }

  @Test
  void a_resource_missing_required_elements_is_422() {
    Observation o = new Observation();
    o.getCode().setText("no status");
    assertThatThrownBy(() -> client().create().resource(o).execute())
        .isInstanceOf(UnprocessableEntityException.class)
        .hasMessageContaining("Observation.status");
  }

  @Test
  void xml_and_json_are_both_spoken_and_pretty_printing_works() throws Exception {
    IdType id = (IdType) client().create().resource(patient("Xml")).execute().getId();
    HttpResponse<String> xml = send("GET", "/Patient/" + id.getIdPart() + "?_format=xml", null, null);
    assertThat(xml.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("application/fhir+xml"));
    assertThat(xml.body()).contains("<family value=\"Xml\"/>");
    HttpResponse<String> accept = send("GET", "/Patient/" + id.getIdPart(), null, null, "Accept", "application/fhir+xml");
    assertThat(accept.body()).startsWith("<Patient");
    HttpResponse<String> pretty = send("GET", "/Patient/" + id.getIdPart() + "?_pretty=true", null, null);
    assertThat(pretty.body()).contains("\n  \"resourceType\"");
    String xmlBody = "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"FromXml\"/></name></Patient>";
    HttpResponse<String> created = send("POST", "/Patient", "application/fhir+xml", xmlBody);
    assertThat(created.statusCode()).isEqualTo(201);
  }

  @Test
  void responses_are_gzipped_for_clients_that_accept_it() throws Exception {
    String family = unique("Gzip");
    for (int i = 0; i < 5; i++) client().create().resource(patient(family)).execute();
    var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(base() + "/Patient?family=" + family))
        .header("Accept-Encoding", "gzip").header("Authorization", "Bearer " + token()).build();
    var r = HTTP.send(req, java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.headers().firstValue("Content-Encoding")).contains("gzip");
    String text = new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(r.body())).readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    assertThat(text).contains("\"total\":5");
  }

  @Test
  void meta_operations_add_and_remove_tags() throws Exception {
    IdType id = (IdType) client().create().resource(patient("Meta")).execute().getId();
    String params = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"meta\",\"valueMeta\":{\"tag\":[{\"system\":\"urn:lafia:tag\",\"code\":\"vip\"}]}}]}";
    HttpResponse<String> add = send("POST", "/Patient/" + id.getIdPart() + "/$meta-add", "application/fhir+json", params);
    assertThat(add.statusCode()).isEqualTo(200);
    assertThat(add.body()).contains("\"code\":\"vip\"");
    Bundle tagged = client().search().forResource(Patient.class)
        .where(new ca.uhn.fhir.rest.gclient.TokenClientParam("_tag").exactly().systemAndCode("urn:lafia:tag", "vip"))
        .and(new ca.uhn.fhir.rest.gclient.TokenClientParam("_id").exactly().code(id.getIdPart()))
        .returnBundle(Bundle.class).execute();
    assertThat(tagged.getEntry()).hasSize(1);
    HttpResponse<String> meta = send("GET", "/Patient/" + id.getIdPart() + "/$meta", null, null);
    assertThat(meta.body()).contains("vip");
    HttpResponse<String> del = send("POST", "/Patient/" + id.getIdPart() + "/$meta-delete", "application/fhir+json", params);
    assertThat(del.body()).doesNotContain("vip");
  }

  @Test
  void validate_reports_errors_against_the_base_specification() throws Exception {
    HttpResponse<String> ok = send("POST", "/Patient/$validate", "application/fhir+json",
        "{\"resourceType\":\"Patient\",\"gender\":\"male\"}");
    assertThat(ok.statusCode()).isEqualTo(200);
    OperationOutcome good = (OperationOutcome) CTX.newJsonParser().parseResource(ok.body());
    assertThat(good.getIssue()).noneMatch(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR);
    HttpResponse<String> bad = send("POST", "/Observation/$validate", "application/fhir+json",
        "{\"resourceType\":\"Observation\",\"code\":{\"text\":\"x\"}}");
    OperationOutcome errors = (OperationOutcome) CTX.newJsonParser().parseResource(bad.body());
    assertThat(errors.getIssue()).anyMatch(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR);
  }

  @Test
  void validate_applies_a_profile_stored_on_the_server() throws Exception {
    String url = "http://lafia.org/fhir/StructureDefinition/" + unique("tg-patient");
    HttpResponse<String> stored = send("POST", "/StructureDefinition", "application/fhir+json",
        "{\"resourceType\":\"StructureDefinition\",\"url\":\"" + url + "\",\"name\":\"TgPatient\",\"status\":\"active\","
            + "\"fhirVersion\":\"4.0.1\",\"kind\":\"resource\",\"abstract\":false,\"type\":\"Patient\","
            + "\"baseDefinition\":\"http://hl7.org/fhir/StructureDefinition/Patient\",\"derivation\":\"constraint\","
            + "\"differential\":{\"element\":[{\"id\":\"Patient.birthDate\",\"path\":\"Patient.birthDate\",\"min\":1}]}}");
    assertThat(stored.statusCode()).as(stored.body()).isEqualTo(201);
    String patient = "{\"resourceType\":\"Patient\",\"gender\":\"male\"}";
    HttpResponse<String> base = send("POST", "/Patient/$validate", "application/fhir+json", patient);
    assertThat(((OperationOutcome) CTX.newJsonParser().parseResource(base.body())).getIssue())
        .noneMatch(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR);
    HttpResponse<String> profiled = send("POST", "/Patient/$validate?profile=" + url, "application/fhir+json", patient);
    OperationOutcome oo = (OperationOutcome) CTX.newJsonParser().parseResource(profiled.body());
    assertThat(oo.getIssue()).anyMatch(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR
        && i.getDiagnostics().contains("birthDate"));
  }

  @Test
  void metadata_describes_every_resource_type_and_its_search_parameters() throws Exception {
    org.hl7.fhir.r4.model.CapabilityStatement cs = client().capabilities()
        .ofType(org.hl7.fhir.r4.model.CapabilityStatement.class).execute();
    assertThat(cs.getRestFirstRep().getResource()).hasSize(CTX.getResourceTypes().size());
    var patient = cs.getRestFirstRep().getResource().stream().filter(r -> r.getType().equals("Patient")).findFirst().orElseThrow();
    assertThat(patient.getSearchParam()).anyMatch(sp -> sp.getName().equals("family"));
    assertThat(patient.getConditionalCreate()).isTrue();
    assertThat(patient.getOperation()).anyMatch(o -> o.getName().equals("everything"));
  }

  @Test
  void decimals_up_to_a_thousand_digits_either_side_are_stored_with_their_precision_and_found() throws Exception {
    String code = unique("dec");
    // A JSON number is at most 1000 characters (Jackson's limit); exponents reach the digit limits.
    String big = "1" + "0".repeat(990) + ".5";
    String small = "0." + "0".repeat(990) + "7";
    for (String v : new String[] {big, small, "1e999", "7e-1000", "2.50"}) {
      HttpResponse<String> r = send("POST", "/Observation", "application/fhir+json",
          "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"urn:t\",\"code\":\""
              + code + "\"}]},\"valueQuantity\":{\"value\":" + v + "}}");
      assertThat(r.statusCode()).as(v + ": " + r.body()).isEqualTo(201);
      var stored = (org.hl7.fhir.r4.model.Observation) CTX.newJsonParser().parseResource(r.body());
      // the same number (0.000…7 may come back as 7E-991, the JSON number of the same decimal; HAPI's
      // own parser then writes 1e999 out in full)
      assertThat(stored.getValueQuantity().getValue()).isEqualByComparingTo(new java.math.BigDecimal(v));
    }
    HttpResponse<String> found = send("GET", "/Observation?code=urn:t%7C" + code + "&value-quantity=ge1e998&_summary=count", null, null);
    assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
    assertThat(found.body()).contains("\"total\":1"); // 1e999 (1000 digits before the point)
  }

  @Test
  void metadata_is_the_same_statement_in_every_format_and_on_every_request() throws Exception {
    // Encoded once per format and kept: the cached text must equal what HAPI encodes, in each variant.
    String json1 = send("GET", "/metadata", null, null).body();
    String json2 = send("GET", "/metadata", null, null).body();
    assertThat(json2).isEqualTo(json1);
    var fromJson = (org.hl7.fhir.r4.model.CapabilityStatement) CTX.newJsonParser().parseResource(json1);
    HttpResponse<String> xml = send("GET", "/metadata?_format=xml", null, null);
    assertThat(xml.headers().firstValue("Content-Type").orElse("")).startsWith("application/fhir+xml");
    var fromXml = (org.hl7.fhir.r4.model.CapabilityStatement) CTX.newXmlParser().parseResource(xml.body());
    String pretty = send("GET", "/metadata?_pretty=true", null, null).body();
    assertThat(pretty).contains("\n  \"resourceType\"");
    var fromPretty = (org.hl7.fhir.r4.model.CapabilityStatement) CTX.newJsonParser().parseResource(pretty);
    for (var cs : java.util.List.of(fromXml, fromPretty)) {
      assertThat(cs.getDate()).isEqualTo(fromJson.getDate());
      assertThat(cs.getImplementation().getUrl()).isEqualTo(fromJson.getImplementation().getUrl());
      assertThat(cs.getRestFirstRep().getResource()).hasSameSizeAs(fromJson.getRestFirstRep().getResource());
    }
    assertThat(fromJson.getImplementation().getUrl()).endsWith("/fhir");
    // _summary and _elements still go through HAPI's encoder
    String summary = send("GET", "/metadata?_summary=count", null, null).body();
    assertThat(summary).contains("CapabilityStatement");
  }
}
