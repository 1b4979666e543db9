package org.lafia.fhir.index;

import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.util.List;
import java.util.Set;

/**
 * One search parameter of one resource type, as HAPI defines it, with the stable code under which
 * its values are stored.
 *
 * @param code stable 32-bit code of "ResourceType.name", the {@code sp} column of index tables
 * @param components for composites, the component parameters (same resource type)
 */
public record SearchParam(
    String resourceType,
    String name,
    RestSearchParameterTypeEnum type,
    String path,
    int code,
    Set<String> targets,
    boolean patientCompartment,
    List<String> components,
    RuntimeSearchParam definition) {

  /** Location.near, the one "special" parameter Lafia supports (indexed as latitude/longitude). */
  public boolean isLocationNear() {
    return name.equals("near") && resourceType.equals("Location");
  }

  public boolean isResourceTable() {
    return name.equals("_id") || name.equals("_lastUpdated");
  }
}
