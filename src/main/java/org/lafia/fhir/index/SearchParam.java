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
 * @param stored the codes whose index rows answer this parameter: its own code, or, for a
 *     parameter that only repeats others (see {@link SearchParamRegistry}), theirs
 * @param onlyTarget for a parameter that is another reference parameter restricted to one target
 *     type ({@code Observation.patient} = {@code subject} pointing at a Patient): that type
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
    RuntimeSearchParam definition,
    int[] stored,
    String onlyTarget) {

  public SearchParam(String resourceType, String name, RestSearchParameterTypeEnum type, String path, int code,
      Set<String> targets, boolean patientCompartment, List<String> components, RuntimeSearchParam definition) {
    this(resourceType, name, type, path, code, targets, patientCompartment, components, definition,
        new int[] {code}, null);
  }

  /** The same parameter answered from the rows of {@code codes} (optionally one target type only). */
  public SearchParam derivedFrom(int[] codes, String target) {
    return new SearchParam(resourceType, name, type, path, code, targets, patientCompartment, components,
        definition, codes.clone(), target);
  }

  /** The same parameter read from rows stored under {@code otherCode} (its :of-type rows...). */
  public SearchParam storedUnder(int otherCode) {
    return new SearchParam(resourceType, name, type, path, otherCode, targets, patientCompartment, components,
        definition);
  }

  /** True when this parameter has no index rows of its own: it reads those of other parameters. */
  public boolean derived() {
    return onlyTarget != null || stored.length != 1 || stored[0] != code;
  }

  /** SQL test of an index row's {@code sp} against {@link #stored}: bind {@link #spArg()}. */
  public String spTest(String alias) {
    return stored.length == 1 ? alias + ".sp = ?" : alias + ".sp = any(?)";
  }

  public Object spArg() {
    if (stored.length == 1) return stored[0];
    Integer[] boxed = new Integer[stored.length];
    for (int i = 0; i < stored.length; i++) boxed[i] = stored[i];
    return boxed;
  }

  /** Location.near, the one "special" parameter Lafia supports (indexed as latitude/longitude). */
  public boolean isLocationNear() {
    return name.equals("near") && resourceType.equals("Location");
  }

  public boolean isResourceTable() {
    return name.equals("_id") || name.equals("_lastUpdated");
  }
}
