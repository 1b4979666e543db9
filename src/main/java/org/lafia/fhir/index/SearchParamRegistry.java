package org.lafia.fhir.index;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.context.RuntimeSearchParam;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.CRC32C;

/**
 * Every standard search parameter of every R4 resource type, taken from HAPI's runtime
 * definitions (not a hand-written list). Built once; immutable; identical on every node, because
 * the codes are hashes of names rather than rows of a table.
 */
public final class SearchParamRegistry {

  private static final String SP_URL = "http://hl7.org/fhir/SearchParameter/";

  private final Map<String, Map<String, SearchParam>> byType = new HashMap<>();
  private final Set<String> resourceTypes;

  public SearchParamRegistry(FhirContext ctx) {
    Set<String> types = new TreeSet<>(ctx.getResourceTypes());
    this.resourceTypes = Collections.unmodifiableSet(types);
    Map<Integer, String> seen = new HashMap<>();
    for (String type : types) {
      RuntimeResourceDefinition def = ctx.getResourceDefinition(type);
      Map<String, SearchParam> params = new LinkedHashMap<>();
      for (RuntimeSearchParam rsp : def.getSearchParams()) {
        int code = code(type, rsp.getName());
        String clash = seen.putIfAbsent(code, type + "." + rsp.getName());
        if (clash != null && !clash.equals(type + "." + rsp.getName())) {
          throw new IllegalStateException("Search parameter code clash: " + clash + " / " + type);
        }
        if (rsp.getParamType() == ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum.TOKEN) {
          String ofType = type + "." + rsp.getName() + ":of-type";
          String clashOfType = seen.putIfAbsent(ofTypeCode(type, rsp.getName()), ofType);
          if (clashOfType != null && !clashOfType.equals(ofType)) {
            throw new IllegalStateException("Search parameter code clash: " + clashOfType + " / " + ofType);
          }
        }
        if (type.equals("Location") && rsp.getName().equals("near")) {
          for (String part : new String[] {"near:latitude", "near:longitude"}) {
            String clashNear = seen.putIfAbsent(code(type, part), type + "." + part);
            if (clashNear != null) throw new IllegalStateException("Search parameter code clash: " + clashNear + " / " + part);
          }
        }
        Set<String> compartments = rsp.getProvidesMembershipInCompartments();
        List<String> components = new ArrayList<>();
        for (RuntimeSearchParam.Component c : rsp.getComponents()) {
          String ref = c.getReference();
          if (ref != null && ref.startsWith(SP_URL + type + "-")) {
            components.add(ref.substring((SP_URL + type + "-").length()));
          }
        }
        params.put(
            rsp.getName(),
            new SearchParam(
                type,
                rsp.getName(),
                rsp.getParamType(),
                rsp.getPath(),
                code,
                rsp.getTargets() == null ? Set.of() : Set.copyOf(rsp.getTargets()),
                compartments != null && compartments.contains("Patient"),
                List.copyOf(components),
                rsp));
      }
      byType.put(type, Collections.unmodifiableMap(params));
    }
  }

  /** Stable code of a parameter: CRC-32C of "Type.name"; clashes are checked at start-up. */
  public static int code(String type, String name) {
    CRC32C crc = new CRC32C();
    crc.update((type + "." + name).getBytes(StandardCharsets.UTF_8));
    return (int) crc.getValue();
  }

  /**
   * Code under which an Identifier's type and value are stored for {@code :of-type}
   * ({@code system|type code|value}); apart from the parameter's own rows, so plain identifier
   * searches never see them.
   */
  public static int ofTypeCode(String type, String name) {
    return code(type, name + ":of-type");
  }

  public Set<String> resourceTypes() {
    return resourceTypes;
  }

  public boolean isResourceType(String type) {
    return type != null && resourceTypes.contains(type);
  }

  public Map<String, SearchParam> params(String type) {
    return byType.getOrDefault(type, Map.of());
  }

  public SearchParam param(String type, String name) {
    return params(type).get(name);
  }
}
