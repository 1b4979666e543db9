package org.lafia.fhir.search;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.DateTimeType;
import org.lafia.fhir.index.IndexExtractor;
import org.lafia.fhir.index.IndexRows;
import org.lafia.fhir.index.LocalReference;
import org.lafia.fhir.index.SearchParam;
import org.lafia.fhir.index.SearchParamRegistry;
import org.lafia.fhir.index.TextNormalizer;

/**
 * Turns one search parameter (name with its modifier or chain, and its comma-separated values)
 * into a SQL condition on a resource row aliased {@code alias}. Values within one parameter are
 * OR-ed; the caller AND-s repeated parameters.
 */
final class Conditions {
  private static final Set<String> PREFIXES = Set.of("eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap");

  private final SearchParamRegistry registry;
  private final String serverBase;
  /** Alias of the index table the value conditions being written apply to. */
  private String x = "x0";
  private int aliases;

  Conditions(SearchParamRegistry registry, String serverBase) {
    this.registry = registry;
    this.serverBase = serverBase;
  }

  /** "subject:Patient.name" read as name "subject", modifier "Patient", chain "name". */
  record ParamName(String name, String modifier, String chain) {
    static ParamName parse(String raw) {
      String name = raw;
      String chain = null;
      int dot = name.indexOf('.');
      if (dot > 0) {
        chain = name.substring(dot + 1);
        name = name.substring(0, dot);
      }
      int colon = name.indexOf(':');
      return colon > 0 ? new ParamName(name.substring(0, colon), name.substring(colon + 1), chain)
          : new ParamName(name, null, chain);
    }
  }

  /** Appends " and (...)" restricting {@code alias} (a fhir_resource row of {@code type}). */
  void append(Sql where, String alias, String type, String rawName, String rawValue, int depth) {
    if (depth > 4) throw new BadSearch("Chains and _has may be nested at most 4 levels deep.");
    if (rawName.startsWith("_has:")) {
      appendHas(where, alias, type, rawName, rawValue, depth);
      return;
    }
    ParamName pn = ParamName.parse(rawName);
    String name = pn.name();
    String modifier = pn.modifier();
    String chain = pn.chain();
    SearchParam sp = registry.param(type, name);
    if (sp == null) {
      throw new BadSearch("Unknown search parameter '" + name + "' for resource type " + type
          + ". / Paramètre de recherche inconnu pour " + type + ".");
    }
    if (rawValue == null || rawValue.isEmpty()) {
      throw new BadSearch("Search parameter '" + rawName + "' has an empty value.");
    }
    if (chain != null) {
      if (sp.type() != RestSearchParameterTypeEnum.REFERENCE) {
        throw new BadSearch("Parameter '" + name + "' is not a reference and cannot be chained.");
      }
      appendChain(where, alias, sp, modifier, chain, rawValue, depth);
      return;
    }
    if ("missing".equals(modifier)) {
      boolean missing = parseBoolean(rawValue, rawName);
      if (name.equals("_id") || name.equals("_lastUpdated")) {
        where.add(missing ? " and false" : " and true");
        return;
      }
      String m = "m" + (++aliases);
      where.add(missing ? " and not exists (" : " and exists (");
      where.add("select 1 from " + table(sp) + " " + m + " where " + m + ".pid = " + alias + ".pid and "
          + sp.spTest(m), sp.spArg());
      if (sp.onlyTarget() != null) where.add(" and " + m + ".tgt_type = ?", sp.onlyTarget());
      where.add(")");
      return;
    }
    List<String> values = Values.split(rawValue, ',');
    switch (sp.type()) {
      case TOKEN -> token(where, alias, sp, modifier, values);
      case STRING -> string(where, alias, sp, modifier, values);
      case DATE -> date(where, alias, sp, modifier, values);
      case REFERENCE -> reference(where, alias, sp, modifier, values);
      case NUMBER -> number(where, alias, sp, modifier, values);
      case QUANTITY -> quantity(where, alias, sp, modifier, values);
      case URI -> uri(where, alias, sp, modifier, values);
      case COMPOSITE -> composite(where, alias, sp, modifier, values, depth);
      case SPECIAL -> {
        if (!sp.isLocationNear()) {
          throw new BadSearch("Search parameter '" + name + "' (special) is not supported by this server.");
        }
        near(where, alias, sp, modifier, values);
      }
      default -> throw new BadSearch("Search parameter '" + name + "' (" + sp.type()
          + ") is not supported by this server.");
    }
  }

  private String tableOf(SearchParam sp) {
    return tableOverride != null ? tableOverride : table(sp);
  }

  static String table(SearchParam sp) {
    return switch (sp.type()) {
      case STRING -> "fhir_sp_string";
      case TOKEN -> "fhir_sp_token";
      case REFERENCE -> "fhir_sp_ref";
      case DATE -> "fhir_sp_date";
      case NUMBER -> "fhir_sp_number";
      case QUANTITY -> "fhir_sp_quantity";
      case URI -> "fhir_sp_uri";
      default -> throw new BadSearch("Search parameter '" + sp.name() + "' cannot be used this way.");
    };
  }

  private static boolean parseBoolean(String v, String name) {
    if (v.equals("true")) return true;
    if (v.equals("false")) return false;
    throw new BadSearch("Parameter '" + name + "' takes true or false, not '" + v + "'.");
  }

  private static void noModifier(SearchParam sp, String modifier) {
    if (modifier != null) {
      throw new BadSearch("Modifier ':" + modifier + "' is not supported on parameter '" + sp.name()
          + "' (" + sp.type().name().toLowerCase() + ").");
    }
  }

  private void open(Sql where, String alias, SearchParam sp, boolean negate) {
    if (componentOf != null) {
      // A composite's component: the elements (grp) of this resource whose values match it.
      x = "x" + (++aliases);
      where.add("(select " + x + ".grp as g from " + table(sp) + " " + x + " where " + x + ".pid = "
          + componentOf + ".pid and " + sp.spTest(x) + " and (", sp.spArg());
      return;
    }
    if (driving) {
      // The first parameter drives the query: its index rows are the FROM, in pid order.
      driving = false;
      x = "d";
      where.add(tableOf(sp) + " d where " + sp.spTest("d") + " and (", sp.spArg());
      return;
    }
    x = "x" + (++aliases);
    where.add(negate ? " and not exists (" : " and exists (");
    where.add("select 1 from " + tableOf(sp) + " " + x + " where " + x + ".pid = " + alias + ".pid and "
        + sp.spTest(x) + " and (", sp.spArg());
  }

  private boolean driving;
  /** An index table other than the parameter's own (reference :identifier reads tokens). */
  private String tableOverride;
  /** While a composite's components are written: the alias of the resource they belong to. */
  private String componentOf;

  /**
   * Writes "{@code <index table> d where ...}" for a parameter that can drive a search from its
   * own index (a plain positive value of an indexed type), or returns false.
   */
  boolean appendDriver(Sql from, String type, String rawName, String rawValue) {
    if (rawName.startsWith("_") || rawName.contains(".") || rawValue == null || rawValue.isEmpty()) return false;
    ParamName pn = ParamName.parse(rawName);
    String modifier = pn.modifier();
    SearchParam sp = registry.param(type, pn.name());
    if (sp == null || "missing".equals(modifier) || "not".equals(modifier)) return false;
    switch (sp.type()) {
      case TOKEN, STRING, DATE, REFERENCE, NUMBER, QUANTITY, URI -> {}
      default -> {
        return false;
      }
    }
    driving = true;
    Sql part = new Sql();
    append(part, "d", type, rawName, rawValue, 0);
    // append wrote "T d where d.sp = ? and (...))": the extra closing parenthesis ends the driver.
    String text = part.text();
    if (!text.endsWith("))")) throw new IllegalStateException("unexpected driver shape");
    from.add(new Sql().add(text.substring(0, text.length() - 1), part.args().toArray()));
    return true;
  }

  /** Appends an EXISTS on the parameter's index rows matching any of the values (OR). */
  private void anyOf(Sql where, String alias, SearchParam sp, boolean negate, List<String> values,
      java.util.function.Consumer<String> one) {
    open(where, alias, sp, negate);
    String sep = "";
    for (String v : values) {
      where.add(sep);
      sep = " or ";
      one.accept(v);
    }
    where.add("))");
  }

  private static void allowModifiers(SearchParam sp, String modifier, String kind, String... allowed) {
    if (modifier == null) return;
    for (String a : allowed) if (a.equals(modifier)) return;
    throw new BadSearch("Modifier ':" + modifier + "' is not supported on " + kind + " parameter '" + sp.name()
        + "'; use " + String.join(", ", java.util.Arrays.stream(allowed).map(a -> ":" + a).toList()) + " or :missing.");
  }

  // ---- token -----------------------------------------------------------------------------

  private void token(Sql where, String alias, SearchParam sp, String modifier, List<String> values) {
    if (sp.name().equals("_id")) {
      noModifier(sp, modifier);
      where.add(" and " + alias + ".res_id = any(?)", (Object) values.toArray(String[]::new));
      return;
    }
    allowModifiers(sp, modifier, "token", "not", "text", "of-type");
    if ("of-type".equals(modifier)) {
      // identifier:of-type=<type system>|<type code>|<value>, e.g. v2-0203|MR|12345.
      SearchParam ofType = sp.storedUnder(org.lafia.fhir.index.SearchParamRegistry.ofTypeCode(sp.resourceType(), sp.name()));
      anyOf(where, alias, ofType, false, values, v -> {
        List<String> parts = Values.split(v, '|');
        if (parts.size() != 3 || parts.get(1).isEmpty() || parts.get(2).isEmpty()) {
          throw new BadSearch("':of-type' takes <type system>|<type code>|<value>, e.g."
              + " http://terminology.hl7.org/CodeSystem/v2-0203|MR|12345. / Format attendu : système|type|valeur.");
        }
        tokenValue(where, v); // stored as system = type system, code = "type code|value"
      });
      return;
    }
    boolean text = "text".equals(modifier);
    anyOf(where, alias, sp, "not".equals(modifier), values, v -> {
      if (text) {
        where.add(x + ".txt like ?", "%" + Values.likeEscape(TextNormalizer.normalize(Values.unescape(v))) + "%");
        return;
      }
      tokenValue(where, v);
    });
  }

  /** One token value ({@code code}, {@code system|code}, {@code |code}, {@code system|}) on alias x. */
  private void tokenValue(Sql where, String v) {
    // Matched on the 64-bit hashes of the value index (V4), computed by the same function.
    String hcode = x + ".hcode = hashtextextended(?, 0)";
    String hsys = x + ".hsys = hashtextextended(?, 0)";
    int bar = Values.indexOfUnescaped(v, '|');
    if (bar < 0) {
      where.add(hcode, Values.unescape(v));
      return;
    }
    String sys = Values.unescape(v.substring(0, bar));
    String code = Values.unescape(v.substring(bar + 1));
    if (sys.isEmpty() && code.isEmpty()) throw new BadSearch("Token '|' names neither system nor code.");
    if (sys.isEmpty()) where.add("(" + hcode + " and " + x + ".hsys is null)", code);
    else if (code.isEmpty()) where.add(hsys, sys);
    else where.add("(" + hcode + " and " + hsys + ")", code, sys);
  }

  // ---- string ----------------------------------------------------------------------------

  private void string(Sql where, String alias, SearchParam sp, String modifier, List<String> values) {
    allowModifiers(sp, modifier, "string", "exact", "contains");
    anyOf(where, alias, sp, false, values, raw -> {
      String v = Values.unescape(raw);
      String norm = TextNormalizer.normalize(v);
      if (norm.length() > 256) norm = norm.substring(0, 256);
      if ("exact".equals(modifier)) {
        where.add("(" + x + ".norm = ? and " + x + ".exact = ?)", norm, v);
      } else if ("contains".equals(modifier)) {
        where.add(x + ".norm like ?", "%" + Values.likeEscape(norm) + "%");
      } else {
        where.add(x + ".norm like ?", Values.likeEscape(norm) + "%");
      }
    });
  }

  // ---- date ------------------------------------------------------------------------------

  private void date(Sql where, String alias, SearchParam sp, String modifier, List<String> values) {
    noModifier(sp, modifier);
    boolean lastUpdated = sp.name().equals("_lastUpdated");
    if (lastUpdated) {
      where.add(" and (");
    } else {
      open(where, alias, sp, false);
    }
    String lo = lastUpdated ? alias + ".last_updated" : x + ".lo";
    String hi = lastUpdated ? alias + ".last_updated" : x + ".hi";
    String sep = "";
    for (String v : values) {
      where.add(sep);
      sep = " or ";
      dateCondition(where, lo, hi, v);
    }
    where.add(lastUpdated ? ")" : "))");
  }

  /** The FHIR date comparison of a target range [lo, hi] with a search value at its precision. */
  static void dateCondition(Sql where, String lo, String hi, String raw) {
    String prefix = "eq";
    String v = raw;
    if (raw.length() > 2 && PREFIXES.contains(raw.substring(0, 2))) {
      prefix = raw.substring(0, 2);
      v = raw.substring(2);
    }
    Instant[] q;
    try {
      q = IndexExtractor.range(new DateTimeType(v));
    } catch (DataFormatException | IllegalArgumentException e) {
      q = null;
    }
    if (q == null) {
      throw new BadSearch("'" + raw + "' is not a valid FHIR date or dateTime (expected e.g. 2024,"
          + " 2024-03, 2024-03-15 or 2024-03-15T10:00:00Z, optionally prefixed by eq, ne, gt, lt, ge,"
          + " le, sa, eb or ap).");
    }
    Instant qlo = q[0], qhi = q[1];
    switch (prefix) {
      // "lo <= qhi" adds nothing (lo <= hi) but bounds the index's leading column: without it
      // PostgreSQL misjudges "born on 1950-03-02" as broad and walks every date row in pid order
      // (3.5 s at a million patients, against 0.5 ms through the value index).
      case "eq" -> where.add("(" + lo + " >= ? and " + lo + " <= ? and " + hi + " <= ?)", qlo, qhi, qhi);
      case "ne" -> where.add("not (" + lo + " >= ? and " + hi + " <= ?)", qlo, qhi);
      case "gt" -> where.add(hi + " > ?", qhi);
      case "lt" -> where.add(lo + " < ?", qlo);
      case "ge" -> where.add("(" + hi + " > ? or (" + lo + " >= ? and " + hi + " <= ?))", qhi, qlo, qhi);
      case "le" -> where.add("(" + lo + " < ? or (" + lo + " >= ? and " + hi + " <= ?))", qlo, qlo, qhi);
      case "sa" -> where.add(lo + " > ?", qhi);
      case "eb" -> where.add(hi + " < ?", qlo);
      case "ap" -> {
        // Approximately: within 10% of the distance between the value and now (at least a day).
        long gap = Math.abs(Duration.between(qlo, Instant.now()).toMillis()) / 10;
        Duration d = Duration.ofMillis(Math.max(gap, Duration.ofDays(1).toMillis()));
        where.add("(" + lo + " <= ? and " + hi + " >= ?)", qhi.plus(d), qlo.minus(d));
      }
      default -> throw new IllegalStateException(prefix);
    }
  }

  // ---- number and quantity ---------------------------------------------------------------

  private record Num(String prefix, BigDecimal value) {}

  private static Num parseNumber(String raw) {
    String prefix = "eq";
    String v = raw;
    if (raw.length() > 2 && PREFIXES.contains(raw.substring(0, 2))) {
      prefix = raw.substring(0, 2);
      v = raw.substring(2);
    }
    try {
      BigDecimal d = new BigDecimal(v);
      // the bound of stored decimals: beyond it PostgreSQL would round the value away
      if (!IndexRows.decimalInBounds(d)) {
        int max = IndexRows.MAX_DECIMAL_DIGITS;
        throw new BadSearch("'" + raw + "' has more than " + max + " digits before or after the decimal point."
            + " / '" + raw + "' a plus de " + max + " chiffres avant ou après la virgule.");
      }
      return new Num(prefix, d);
    } catch (NumberFormatException e) {
      throw new BadSearch("'" + raw + "' is not a number (expected e.g. 5.4, optionally prefixed"
          + " by eq, ne, gt, lt, ge, le, sa, eb or ap).");
    }
  }

  private static void numberCondition(Sql where, String col, Num n) {
    BigDecimal v = n.value();
    // Implicit precision of the search value: 100 means [99.5, 100.5), 100.0 means [99.95, 100.05).
    BigDecimal half = BigDecimal.ONE.scaleByPowerOfTen(-v.scale()).divide(BigDecimal.valueOf(2));
    switch (n.prefix()) {
      case "eq" -> where.add("(" + col + " >= ? and " + col + " < ?)", v.subtract(half), v.add(half));
      case "ne" -> where.add("not (" + col + " >= ? and " + col + " < ?)", v.subtract(half), v.add(half));
      case "gt", "sa" -> where.add(col + " > ?", v);
      case "lt", "eb" -> where.add(col + " < ?", v);
      case "ge" -> where.add(col + " >= ?", v);
      case "le" -> where.add(col + " <= ?", v);
      case "ap" -> {
        BigDecimal tenth = v.abs().divide(BigDecimal.TEN).max(half);
        where.add("(" + col + " >= ? and " + col + " <= ?)", v.subtract(tenth), v.add(tenth));
      }
      default -> throw new IllegalStateException(n.prefix());
    }
  }

  private void number(Sql where, String alias, SearchParam sp, String modifier, List<String> values) {
    noModifier(sp, modifier);
    anyOf(where, alias, sp, false, values, v -> numberCondition(where, x + ".val", parseNumber(v)));
  }

  private void quantity(Sql where, String alias, SearchParam sp, String modifier, List<String> values) {
    noModifier(sp, modifier);
    anyOf(where, alias, sp, false, values, v -> {
      List<String> parts = Values.split(v, '|');
      if (parts.size() != 1 && parts.size() != 3) {
        throw new BadSearch("Quantity '" + v + "' must be number, or number|system|code.");
      }
      where.add("(");
      numberCondition(where, x + ".val", parseNumber(Values.unescape(parts.get(0))));
      if (parts.size() == 3) {
        String sys = Values.unescape(parts.get(1));
        String code = Values.unescape(parts.get(2));
        if (!sys.isEmpty()) where.add(" and " + x + ".sys = ?", sys);
        if (!code.isEmpty()) where.add(" and " + x + ".code = ?", code);
      }
      where.add(")");
    });
  }

  // ---- uri -------------------------------------------------------------------------------

  private void uri(Sql where, String alias, SearchParam sp, String modifier, List<String> values) {
    allowModifiers(sp, modifier, "uri", "below");
    anyOf(where, alias, sp, false, values, v -> {
      String u = Values.unescape(v);
      if ("below".equals(modifier)) where.add(x + ".uri like ?", Values.likeEscape(u) + "%");
      else where.add(x + ".uri = ?", u);
    });
  }

  // ---- reference -------------------------------------------------------------------------

  private void reference(Sql where, String alias, SearchParam sp, String modifier, List<String> values) {
    if ("identifier".equals(modifier)) {
      // Reference.identifier values are token rows under the reference parameter's code.
      tableOverride = "fhir_sp_token";
      try {
        // Stored under the parameter's own code, even for one narrowed to a target type.
        anyOf(where, alias, sp.storedUnder(sp.code()), false, values, v -> tokenValue(where, v));
      } finally {
        tableOverride = null;
      }
      return;
    }
    String typeModifier = null;
    if (modifier != null) {
      if (!registry.isResourceType(modifier)) {
        throw new BadSearch("Modifier ':" + modifier + "' is not supported on reference parameter '"
            + sp.name() + "'; use a resource type (e.g. :Patient), :identifier or :missing.");
      }
      typeModifier = modifier;
    }
    String typed = typeModifier;
    anyOf(where, alias, sp, false, values, raw -> {
      String v = Values.unescape(raw);
      if (serverBase != null && v.startsWith(serverBase + "/")) v = v.substring(serverBase.length() + 1);
      LocalReference ref = LocalReference.parse(v);
      String type = ref != null ? ref.type() : typed;
      if (sp.onlyTarget() != null && type != null && !sp.onlyTarget().equals(type)) {
        // Observation.patient never points at a Group, though subject (whose rows it reads) may.
        where.add("false");
        return;
      }
      if (ref != null) {
        if (typed != null && !typed.equals(ref.type())) {
          throw new BadSearch("Reference '" + v + "' contradicts the modifier :" + typed + ".");
        }
        where.add(x + ".tgt_pid = (" + TARGET + ")", ref.type(), ref.id());
      } else if (v.contains("/") || v.contains(":")) {
        // Another server's URL or a canonical: kept as text, without a local target.
        if (sp.onlyTarget() != null && !v.contains("/" + sp.onlyTarget() + "/")) {
          where.add("false");
          return;
        }
        where.add("(" + x + ".tgt_pid is null and " + x + ".tgt_id = ?)", v);
      } else if (typed != null) {
        where.add(x + ".tgt_pid = (" + TARGET + ")", typed, v);
      } else {
        // An id alone: a resource of any type the parameter may point at.
        where.add(x + ".tgt_pid = any(array(select pid from fhir_resource where res_type = any(?) and res_id = ?))",
            targetTypes(sp), v);
      }
    });
  }

  /** The pid of the resource a local reference names (stored references carry their target's pid). */
  private static final String TARGET = "select pid from fhir_resource where res_type = ? and res_id = ?";

  private String[] targetTypes(SearchParam sp) {
    if (sp.onlyTarget() != null) return new String[] {sp.onlyTarget()};
    java.util.Collection<String> types = sp.targets().isEmpty() ? registry.resourceTypes() : sp.targets();
    return types.toArray(String[]::new);
  }

  private void appendChain(Sql where, String alias, SearchParam sp, String typeModifier,
      String chain, String value, int depth) {
    List<String> targets = new ArrayList<>();
    String chainedName = chain;
    int dot = chain.indexOf('.');
    String firstName = dot > 0 ? chain.substring(0, dot) : chain;
    int colon = firstName.indexOf(':');
    if (colon > 0) firstName = firstName.substring(0, colon);
    if (typeModifier != null) {
      if (!registry.isResourceType(typeModifier)) throw new BadSearch("Unknown resource type '" + typeModifier + "' in chain.");
      targets.add(typeModifier);
    } else {
      for (String t : sp.targets()) if (registry.param(t, firstName) != null) targets.add(t);
      if (targets.isEmpty()) {
        throw new BadSearch("Cannot chain '" + sp.name() + "." + chain + "': no target type of '"
            + sp.name() + "' has a parameter '" + firstName + "'. Name the type, e.g. "
            + sp.name() + ":Patient." + chain + ".");
      }
    }
    String t = "t" + depth;
    String ref = "rf" + depth;
    where.add(" and exists (select 1 from fhir_sp_ref " + ref + " join fhir_resource " + t
        + " on " + t + ".pid = " + ref + ".tgt_pid"
        + " where " + ref + ".pid = " + alias + ".pid and " + sp.spTest(ref) + " and not " + t + ".deleted and (",
        sp.spArg());
    String sep = "";
    for (String target : targets) {
      where.add(sep);
      sep = " or ";
      where.add("(" + t + ".res_type = ?", target);
      append(where, t, target, chainedName, value, depth + 1);
      where.add(")");
    }
    where.add("))");
  }

  /** {@code _has:Observation:patient:code=1234}: resources referenced by matching Observations. */
  private void appendHas(Sql where, String alias, String type, String rawName, String value, int depth) {
    String[] parts = rawName.split(":", 4);
    if (parts.length < 4) {
      throw new BadSearch("_has takes the form _has:Type:reference:parameter=value, e.g."
          + " _has:Observation:patient:code=1234-5.");
    }
    String srcType = parts[1];
    if (!registry.isResourceType(srcType)) throw new BadSearch("Unknown resource type '" + srcType + "' in _has.");
    SearchParam link = registry.param(srcType, parts[2]);
    if (link == null || link.type() != RestSearchParameterTypeEnum.REFERENCE) {
      throw new BadSearch("'" + parts[2] + "' is not a reference parameter of " + srcType + " (in _has).");
    }
    String s = "h" + depth;
    String ref = "hr" + depth;
    where.add(" and exists (select 1 from fhir_sp_ref " + ref + " join fhir_resource " + s
        + " on " + s + ".pid = " + ref + ".pid where " + link.spTest(ref) + " and " + ref + ".tgt_pid = "
        + alias + ".pid and not " + s + ".deleted",
        link.spArg());
    // Observation.patient is subject pointing at a Patient: it never points at a Group.
    if (link.onlyTarget() != null && !link.onlyTarget().equals(type)) where.add(" and false");
    append(where, s, srcType, parts[3], value, depth + 1);
    where.add(")");
  }

  // ---- near (Location) ---------------------------------------------------------------------

  /** Default radius when {@code near} gives none: a district's reach. */
  static final double NEAR_DEFAULT_KM = 50;

  /**
   * {@code near=latitude|longitude|distance|units}: Locations whose position lies within the
   * distance (great-circle, mean Earth radius), units km (default), m or [mi_i]. A bounding box
   * on the stored numbers narrows the rows before the exact distance is computed.
   */
  private void near(Sql where, String alias, SearchParam sp, String modifier, List<String> values) {
    noModifier(sp, modifier);
    where.add(" and (");
    String sep = "";
    for (String v : values) {
      List<String> parts = Values.split(v, '|');
      double lat, lon, km;
      try {
        if (parts.size() < 2 || parts.size() > 4) throw new NumberFormatException();
        lat = Double.parseDouble(parts.get(0));
        lon = Double.parseDouble(parts.get(1));
        km = parts.size() > 2 && !parts.get(2).isEmpty() ? Double.parseDouble(parts.get(2)) : NEAR_DEFAULT_KM;
      } catch (NumberFormatException e) {
        throw new BadSearch("'near' takes latitude|longitude|distance|units, e.g. near=6.1319|1.2228|20|km."
            + " / Format attendu : latitude|longitude|distance|unité.");
      }
      String units = parts.size() > 3 && !parts.get(3).isEmpty() ? Values.unescape(parts.get(3)) : "km";
      km = switch (units) {
        case "km" -> km;
        case "m" -> km / 1000;
        case "[mi_i]", "mi" -> km * 1.609344;
        default -> throw new BadSearch("'near' distance units are km, m or [mi_i], not '" + units + "'.");
      };
      if (lat < -90 || lat > 90 || lon < -180 || lon > 180 || !(km >= 0) || Double.isInfinite(km)) {
        throw new BadSearch("'near' needs a latitude within ±90, a longitude within ±180 and a distance of zero or more.");
      }
      double dLat = km / 111.2;
      double dLon = Math.min(180, km / (111.2 * Math.max(0.01, Math.cos(Math.toRadians(lat)))));
      String a = "a" + (++aliases), b = "b" + (++aliases);
      where.add(sep + "exists (select 1 from fhir_sp_number " + a + " join fhir_sp_number " + b + " on " + b + ".pid = "
          + a + ".pid and " + b + ".sp = ? where " + a + ".pid = " + alias + ".pid and " + a + ".sp = ?"
          + " and " + a + ".val between ? and ?",
          org.lafia.fhir.index.IndexExtractor.NEAR_LONGITUDE, org.lafia.fhir.index.IndexExtractor.NEAR_LATITUDE,
          java.math.BigDecimal.valueOf(lat - dLat), java.math.BigDecimal.valueOf(lat + dLat));
      if (dLon < 180) {
        where.add(" and " + b + ".val between ? and ?", java.math.BigDecimal.valueOf(lon - dLon), java.math.BigDecimal.valueOf(lon + dLon));
      }
      where.add(" and 6371.0088 * 2 * asin(least(1, sqrt(power(sin(radians(" + a + ".val::float8 - ?) / 2), 2)"
          + " + cos(radians(?)) * cos(radians(" + a + ".val::float8)) * power(sin(radians(" + b + ".val::float8 - ?) / 2), 2)))) <= ?)",
          lat, lat, lon, km);
      sep = " or ";
    }
    where.add(")");
  }

  // ---- composite -------------------------------------------------------------------------

  /**
   * A composite matches when all its components match within one element of the resource (one
   * Observation.component, or the Observation itself for code-value-quantity): each component
   * lists the elements (grp) whose values match, and the lists must meet. Values whose element is
   * unknown (-1: written before elements were recorded, or found by FHIRPath) meet any element.
   */
  private void composite(Sql where, String alias, SearchParam sp, String modifier, List<String> values, int depth) {
    noModifier(sp, modifier);
    if (sp.components().size() < 2) throw new BadSearch("Composite parameter '" + sp.name() + "' is not supported.");
    where.add(" and (");
    String sep = "";
    for (String v : values) {
      List<String> parts = Values.split(v, '$');
      if (parts.size() != sp.components().size()) {
        throw new BadSearch("Composite parameter '" + sp.name() + "' takes " + sp.components().size()
            + " values separated by '$', e.g. http://loinc.org|8480-6$gt100.");
      }
      where.add(sep + "exists (select 1 from ");
      sep = " or ";
      String previous = componentOf;
      componentOf = alias;
      try {
        for (int i = 0; i < parts.size(); i++) {
          SearchParam component = registry.param(sp.resourceType(), sp.components().get(i));
          if (component == null || component.type() == RestSearchParameterTypeEnum.COMPOSITE) {
            throw new BadSearch("Composite parameter '" + sp.name() + "' is not supported.");
          }
          if (i > 0) where.add(" join ");
          Sql part = new Sql();
          append(part, alias, sp.resourceType(), sp.components().get(i), parts.get(i), depth + 1);
          // A component is written as "(select grp ...)" by open(); anything else (":missing") is refused.
          if (!part.text().startsWith("(select ")) throw new BadSearch("Composite parameter '" + sp.name() + "' is not supported.");
          where.add(part);
          where.add(" c" + i);
          if (i > 0) where.add(" on (c" + i + ".g = c0.g or c" + i + ".g < 0 or c0.g < 0)");
        }
      } finally {
        componentOf = previous;
      }
      where.add(")");
    }
    where.add(")");
  }

}
