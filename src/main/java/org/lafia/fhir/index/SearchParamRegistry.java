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
      byType.put(type, Collections.unmodifiableMap(derive(params)));
    }
  }

  private static final java.util.regex.Pattern RESOLVE_IS =
      java.util.regex.Pattern.compile("^(.+)\\.where\\(resolve\\(\\) is ([A-Za-z]+)\\)$");

  /**
   * Parameters that only repeat what others store get no index rows of their own; they are
   * answered from the others' rows (about 16 % fewer rows for Synthea data):
   * <ul>
   *   <li>a reference parameter {@code X.where(resolve() is T)} when another reference parameter
   *       is {@code X}: {@code Observation.patient} is {@code subject} pointing at a Patient;
   *   <li>a parameter whose expression is the union of other parameters' expressions:
   *       {@code combo-code} is {@code code} ∪ {@code component-code}. Each stored row keeps the
   *       element it came from ({@code grp}), the same under either parameter, so composites built
   *       on a union ({@code combo-code-value-quantity}) still pair values element by element.
   * </ul>
   */
  private static Map<String, SearchParam> derive(Map<String, SearchParam> params) {
    Map<String, java.util.Set<String>> branches = new HashMap<>();
    for (SearchParam sp : params.values()) {
      if (!storable(sp)) continue;
      java.util.Set<String> set = new java.util.LinkedHashSet<>();
      for (String b : IndexExtractor.splitUnion(sp.path())) set.add(IndexExtractor.stripParens(b.trim()));
      branches.put(sp.name(), set);
    }
    Map<String, SearchParam> out = new LinkedHashMap<>(params);
    for (SearchParam p : params.values()) {
      java.util.Set<String> mine = branches.get(p.name());
      if (mine == null) continue;
      if (mine.size() == 1 && p.type() == ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum.REFERENCE) {
        java.util.regex.Matcher m = RESOLVE_IS.matcher(mine.iterator().next());
        if (!m.matches()) continue;
        for (SearchParam base : params.values()) {
          if (base != p && base.type() == p.type() && java.util.Set.of(m.group(1)).equals(branches.get(base.name()))) {
            out.put(p.name(), p.derivedFrom(new int[] {base.code()}, m.group(2)));
            break;
          }
        }
      } else if (mine.size() > 1) {
        List<SearchParam> parts = new ArrayList<>();
        java.util.Set<String> covered = new java.util.HashSet<>();
        for (SearchParam q : params.values()) {
          java.util.Set<String> theirs = branches.get(q.name());
          if (q == p || theirs == null || q.type() != p.type() || theirs.size() >= mine.size()) continue;
          if (!mine.containsAll(theirs) || !Collections.disjoint(covered, theirs)) continue;
          parts.add(q);
          covered.addAll(theirs);
        }
        if (parts.size() > 1 && covered.equals(mine)) {
          int[] codes = parts.stream().mapToInt(SearchParam::code).toArray();
          out.put(p.name(), p.derivedFrom(codes, null));
        }
      }
    }
    // Only parameters that keep their own rows may be read in place of another.
    java.util.Set<Integer> rowless = new java.util.HashSet<>();
    for (SearchParam p : out.values()) if (p.derived()) rowless.add(p.code());
    for (SearchParam p : List.copyOf(out.values())) {
      for (int c : p.stored()) if (p.derived() && rowless.contains(c)) out.put(p.name(), params.get(p.name()));
    }
    return out;
  }

  private static boolean storable(SearchParam sp) {
    if (sp.path() == null || sp.path().isBlank() || sp.isResourceTable()) return false;
    return switch (sp.type()) {
      case STRING, TOKEN, REFERENCE, DATE, NUMBER, QUANTITY, URI -> true;
      default -> false;
    };
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
