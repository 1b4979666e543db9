package org.lafia.fhir.rest;

import java.util.Date;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.Enumerations;
import org.lafia.fhir.index.SearchParam;

/**
 * {@code /metadata}: what this server really does, derived from the same registry that drives
 * indexing and search, so it cannot drift from the code.
 */
final class Capabilities {
  private final FhirServices fhir;
  /** When this node started: the statement cannot change while it runs (parameters are fixed at start). */
  private final Date started = new Date();
  /**
   * The last encoding per format (JSON, XML) and pretty printing, with the base it names: encoding
   * 146 resource types and their parameters costs milliseconds, and clients ask for it often.
   * One entry per variant, so a client varying the Host header cannot grow it.
   */
  private final java.util.concurrent.atomic.AtomicReferenceArray<Encoded> encoded =
      new java.util.concurrent.atomic.AtomicReferenceArray<>(4);

  private record Encoded(String base, String text) {}

  Capabilities(FhirServices fhir) {
    this.fhir = fhir;
  }

  /** The statement as {@code parser} encodes it (plain JSON or XML, pretty or not), cached per base. */
  String encode(String base, boolean xml, boolean pretty, java.util.function.Supplier<ca.uhn.fhir.parser.IParser> parser) {
    int slot = (xml ? 2 : 0) + (pretty ? 1 : 0);
    Encoded e = encoded.get(slot);
    if (e != null && e.base().equals(base)) return e.text();
    String text = parser.get().encodeResourceToString(statement(base));
    encoded.set(slot, new Encoded(base, text));
    return text;
  }

  CapabilityStatement statement(String base) {
    CapabilityStatement cs = new CapabilityStatement();
    cs.setStatus(Enumerations.PublicationStatus.ACTIVE);
    cs.setDate(started);
    cs.setKind(CapabilityStatement.CapabilityStatementKind.INSTANCE);
    cs.setFhirVersion(Enumerations.FHIRVersion._4_0_1);
    cs.setName("Lafia");
    cs.setTitle("Lafia FHIR R4 API");
    cs.setPublisher("Lafia");
    cs.getSoftware().setName("Lafia").setVersion("0.1.0");
    cs.getImplementation().setDescription("Lafia national FHIR R4 server").setUrl(base);
    cs.addFormat("application/fhir+json");
    cs.addFormat("application/fhir+xml");
    cs.addPatchFormat("application/json-patch+json");
    CapabilityStatementRestComponent rest = cs.addRest();
    rest.setMode(CapabilityStatement.RestfulCapabilityMode.SERVER);
    rest.addInteraction().setCode(CapabilityStatement.SystemRestfulInteraction.TRANSACTION);
    rest.addInteraction().setCode(CapabilityStatement.SystemRestfulInteraction.BATCH);
    rest.addInteraction().setCode(CapabilityStatement.SystemRestfulInteraction.HISTORYSYSTEM);
    for (String type : fhir.registry().resourceTypes()) {
      CapabilityStatementRestResourceComponent r = rest.addResource();
      r.setType(type);
      for (TypeRestfulInteraction i : new TypeRestfulInteraction[] {
          TypeRestfulInteraction.READ, TypeRestfulInteraction.VREAD, TypeRestfulInteraction.UPDATE,
          TypeRestfulInteraction.PATCH, TypeRestfulInteraction.DELETE, TypeRestfulInteraction.HISTORYINSTANCE,
          TypeRestfulInteraction.HISTORYTYPE, TypeRestfulInteraction.CREATE, TypeRestfulInteraction.SEARCHTYPE}) {
        r.addInteraction().setCode(i);
      }
      r.setVersioning(CapabilityStatement.ResourceVersionPolicy.VERSIONEDUPDATE);
      r.setReadHistory(true);
      r.setUpdateCreate(true);
      r.setConditionalCreate(true);
      r.setConditionalRead(CapabilityStatement.ConditionalReadStatus.NOTSUPPORTED);
      r.setConditionalUpdate(true);
      r.setConditionalDelete(CapabilityStatement.ConditionalDeleteStatus.SINGLE);
      r.addReferencePolicy(CapabilityStatement.ReferenceHandlingPolicy.LITERAL);
      r.addReferencePolicy(CapabilityStatement.ReferenceHandlingPolicy.ENFORCED);
      r.addReferencePolicy(CapabilityStatement.ReferenceHandlingPolicy.LOCAL);
      for (SearchParam sp : fhir.registry().params(type).values()) {
        if (sp.type() == ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum.SPECIAL && !sp.isLocationNear()) continue;
        r.addSearchParam().setName(sp.name())
            .setType(Enumerations.SearchParamType.fromCode(sp.type().getCode()))
            .setDefinition(sp.definition().getUri());
        if (sp.type() == ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum.REFERENCE) {
          r.addSearchInclude(type + ":" + sp.name());
        }
      }
      r.addSearchInclude("*");
      r.addSearchRevInclude("*");
      r.addOperation().setName("validate").setDefinition("http://hl7.org/fhir/OperationDefinition/Resource-validate");
      r.addOperation().setName("meta").setDefinition("http://hl7.org/fhir/OperationDefinition/Resource-meta");
      r.addOperation().setName("meta-add").setDefinition("http://hl7.org/fhir/OperationDefinition/Resource-meta-add");
      r.addOperation().setName("meta-delete").setDefinition("http://hl7.org/fhir/OperationDefinition/Resource-meta-delete");
      if (type.equals("Patient")) {
        r.addOperation().setName("everything").setDefinition("http://hl7.org/fhir/OperationDefinition/Patient-everything");
        r.addOperation().setName("match").setDefinition("http://hl7.org/fhir/OperationDefinition/Patient-match");
        r.addOperation().setName("ihe-pix").setDefinition("https://profiles.ihe.net/ITI/PIXm/OperationDefinition/IHE.PIXm.pix");
      }
    }
    return cs;
  }
}
