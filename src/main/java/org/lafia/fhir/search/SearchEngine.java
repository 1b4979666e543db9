package org.lafia.fhir.search;

import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.lafia.fhir.index.SearchParam;
import org.lafia.fhir.index.SearchParamRegistry;
import org.lafia.fhir.store.ResourceStore;
import org.lafia.fhir.store.StoredResource;

/**
 * Executes FHIR searches as one SQL statement over {@code fhir_resource} with an EXISTS per
 * parameter, keyset-paged on the resource's internal id (so pages stay right while data
 * changes), then one statement for the page's bodies and one per include level.
 */
public final class SearchEngine {

  /** Parameters that shape the result rather than filter it. */
  public static final Set<String> RESULT_PARAMS =
      Set.of("_count", "_sort", "_include", "_revinclude", "_total", "_summary", "_elements",
          "_format", "_pretty", "_offset", "_cursor", "_contained", "_containedType");

  private static final Set<String> UNSUPPORTED = Set.of("_text", "_content", "_list", "_query", "_filter", "_type", "_source");
  private static final int MAX_INCLUDES = 1000;

  private final SearchParamRegistry registry;
  private final ResourceStore store;
  private final int defaultPageSize;
  private final int maxPageSize;

  private final AccessibleRecords accessible;

  public SearchEngine(SearchParamRegistry registry, ResourceStore store, int defaultPageSize, int maxPageSize) {
    this.accessible = new AccessibleRecords(registry);
    this.registry = registry;
    this.store = store;
    this.defaultPageSize = defaultPageSize;
    this.maxPageSize = maxPageSize;
  }

  /** "fhir_resource r where ..." selecting the resources of {@code type} matching all parameters. */
  public Sql where(String type, Map<String, List<String>> params, boolean lenient, String serverBase) {
    return build(type, params, lenient, serverBase, false).sql();
  }

  /**
   * A search as "select ... from" clause: either {@code fhir_resource r where ...} or, when one
   * plain parameter can drive it, that parameter's index rows ({@code d}), read in pid order so
   * that the first page costs a few index probes however many resources match (index rows exist
   * only for current, non-deleted resources, and parameter codes are per resource type).
   */
  record Query(Sql sql, String pid) {}

  Query build(String type, Map<String, List<String>> params, boolean lenient, String serverBase, boolean mayDrive) {
    Conditions conditions = new Conditions(registry, serverBase);
    List<String[]> filters = new ArrayList<>();
    boolean needsResourceRow = false;
    for (Map.Entry<String, List<String>> e : params.entrySet()) {
      String name = e.getKey();
      if (RESULT_PARAMS.contains(name) || name.startsWith("_include") || name.startsWith("_revinclude")) continue;
      String base = name.split("[:.]", 2)[0];
      if (UNSUPPORTED.contains(base)) {
        if (lenient) continue;
        throw new BadSearch("Search parameter '" + base + "' is not supported by this server.");
      }
      if (!name.startsWith("_has:") && registry.param(type, base) == null) {
        if (lenient) continue;
        throw new BadSearch("Unknown search parameter '" + base + "' for " + type
            + " (send 'Prefer: handling=lenient' to ignore unknown parameters). / Paramètre de"
            + " recherche inconnu pour " + type + ".");
      }
      SearchParam sp = registry.param(type, base);
      if (sp != null && sp.type() == RestSearchParameterTypeEnum.SPECIAL && !sp.isLocationNear()) {
        if (lenient) continue;
        throw new BadSearch("Search parameter '" + base + "' is not supported by this server.");
      }
      if (base.equals("_id") || base.equals("_lastUpdated") || base.equals("_has")) needsResourceRow = true;
      for (String value : e.getValue()) filters.add(new String[] {name, value});
    }
    Sql sql = new Sql();
    String alias = "r";
    int start = 0;
    if (mayDrive && !needsResourceRow && !filters.isEmpty()
        && conditions.appendDriver(sql, type, filters.get(0)[0], filters.get(0)[1])) {
      alias = "d";
      start = 1;
    } else {
      sql.add("fhir_resource r where r.res_type = ? and not r.deleted", type);
    }
    for (int i = start; i < filters.size(); i++) {
      conditions.append(sql, alias, type, filters.get(i)[0], filters.get(i)[1], 0);
    }
    return new Query(sql, alias + ".pid");
  }

  public SearchResult search(Connection c, String type, Map<String, List<String>> params,
      boolean lenient, String serverBase) throws SQLException {
    return search(c, type, params, lenient, serverBase, org.lafia.fhir.spi.PatientScope.ALL);
  }

  /** The records whose access a {@link org.lafia.fhir.spi.PatientScope} restricts. */
  public AccessibleRecords accessible() {
    return accessible;
  }

  /**
   * A search seen through a caller's patient scope: the scope's condition is part of the WHERE
   * clause, so pages, totals and counts only ever count what the caller may see.
   */
  public SearchResult search(Connection c, String type, Map<String, List<String>> params,
      boolean lenient, String serverBase, org.lafia.fhir.spi.PatientScope scope) throws SQLException {
    if (!scope.all()) accessible.resolve(c, scope);
    List<String> chart = namedPatients(type, params, serverBase);
    List<String> named = scope.all() || !accessible.restricted(type) ? null : chart;
    if (chart != null && conditionCount(params) == 1 && c.getAutoCommit()) {
      // A chart being read (Encounter?patient=X): the named patient's reference is the only index
      // the statement can start from, whatever the values, so one plan serves every patient
      // instead of planning the statement each time (0.3-0.7 ms, as much as executing it). With a
      // second condition (Observation?patient=X&code=Y) a generic plan may start from the code and
      // read every observation of it: those are planned per execution like any other search.
      planMode(c, "force_generic_plan");
    } else {
      customPlans(c);
    }
    return searchPlanned(c, type, params, lenient, serverBase, scope, named);
  }

  /** Pooled connections (the physical ones) whose session has a plan mode other than PostgreSQL's default, and which. */
  private static final Map<Object, String> PLAN_MODES = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  /**
   * Has PostgreSQL plan each of this connection's next statements for their actual values: a
   * search's values differ wildly (a patient with ten observations, a LOINC code with a million)
   * and a cached generic plan can be a thousand times slower than the plan for the values at
   * hand. Inside a transaction for that transaction only; otherwise for the pooled connection's
   * session, until a point read asks for cached plans again ({@link #cachedPlans}): so that a
   * client's run of searches costs no statement of its own, and a read or a write after a search
   * one {@code reset}. Measured against sending the search's statements unnamed (planned per
   * execution too, with no SET): PostgreSQL then parses and analyses the statement every time,
   * 0.2 to 0.5 ms for a clinician's search, where a SET costs 0.04 ms.
   */
  public static void customPlans(Connection c) throws SQLException {
    if (!c.getAutoCommit()) {
      try (var st = c.createStatement()) {
        st.execute("set local plan_cache_mode = force_custom_plan");
      }
      return;
    }
    planMode(c, "force_custom_plan");
  }

  /** Sets the pooled session's plan mode, unless it has it already (outside a transaction). */
  private static void planMode(Connection c, String mode) throws SQLException {
    Object session = c.unwrap(org.postgresql.PGConnection.class);
    if (mode.equals(PLAN_MODES.get(session))) return;
    try (var st = c.createStatement()) {
      st.execute("set plan_cache_mode = " + mode);
    }
    PLAN_MODES.put(session, mode);
  }

  /**
   * Gives a pooled connection left in another plan mode by searches back its cached plans
   * (PostgreSQL's default): for point statements, reads and writes, planned once per session.
   * Call outside a transaction.
   */
  public static void cachedPlans(Connection c) throws SQLException {
    Object session = c.unwrap(org.postgresql.PGConnection.class);
    String mode = PLAN_MODES.remove(session);
    if (mode == null) return;
    try (var st = c.createStatement()) {
      st.execute("reset plan_cache_mode");
    } catch (SQLException e) {
      PLAN_MODES.put(session, mode);
      throw e;
    }
  }

  private SearchResult searchPlanned(Connection c, String type, Map<String, List<String>> params,
      boolean lenient, String serverBase, org.lafia.fhir.spi.PatientScope scope, List<String> named) throws SQLException {
    int count = pageSize(params);
    String totalMode = single(params, "_total");
    if (totalMode != null && !Set.of("none", "estimate", "accurate").contains(totalMode)) {
      throw new BadSearch("_total takes none, estimate or accurate.");
    }
    List<String> sortKeys = sortKeys(type, params);
    Query base = build(type, params, lenient, serverBase, sortKeys.isEmpty());
    // The caller's restriction, tested on the matches of the search's own conditions (alias q,
    // below); a sorted search, which reads every match to sort them anyway, has it in its WHERE.
    Sql late = restriction(type, "q", scope, named);
    Query query = base;
    if (late != null && !sortKeys.isEmpty()) {
      query = new Query(new Sql().add(base.sql()).add(" and ")
          .add(restriction(type, base.pid().substring(0, base.pid().indexOf('.')), scope, named)), base.pid());
    }
    boolean summaryCount = "count".equals(single(params, "_summary"));
    if (summaryCount) {
      return new SearchResult(List.of(), List.of(), count(c, base, late), null, java.util.Set.of());
    }
    // Unsorted pages continue after the last pid; sorted pages after the last row's sort values
    // and pid (SortCursor). Either way a page never repeats or skips a match while data changes.
    Long cursor = sortKeys.isEmpty() ? longParam(params, "_cursor") : null;
    SortCursor after = sortKeys.isEmpty() ? null : SortCursor.decode(single(params, "_cursor"), sortKeys.size());
    Long offset = longParam(params, "_offset");

    Sql q;
    if (sortKeys.isEmpty() && late != null) {
      // The restriction tests each match of the search's own conditions, in pid order, until the
      // page is full: fenced (offset 0) so that PostgreSQL does not test it on every candidate of
      // the first index it reads before the others have been checked (Observation?code&date with
      // a date that matches nothing read every observation of the code, and tested each).
      String pid = base.pid();
      Sql inner = new Sql().add("select distinct " + pid + " as pid from ").add(base.sql());
      if (cursor != null) inner.add(" and " + pid + " > ?", cursor);
      inner.add(" order by " + pid + " offset 0");
      q = new Sql().add("select q.pid from (").add(inner).add(") q where ").add(late);
    } else if (sortKeys.isEmpty()) {
      String pid = query.pid();
      q = new Sql().add("select distinct " + pid + " from ").add(query.sql());
      if (cursor != null) q.add(" and " + pid + " > ?", cursor);
      q.add(" order by " + pid);
    } else {
      Sql inner = new Sql().add("select r.pid");
      for (int i = 0; i < sortKeys.size(); i++) inner.add(", ").add(sortValue(type, sortKeys.get(i))).add(" as s" + i);
      inner.add(" from ").add(query.sql());
      q = new Sql().add("select x.* from (").add(inner).add(") x");
      if (after != null) after.appendAfter(q, sortKeys);
      q.add(" order by ");
      for (int i = 0; i < sortKeys.size(); i++) {
        q.add("x.s" + i + (sortKeys.get(i).startsWith("-") ? " desc nulls last, " : " asc nulls last, "));
      }
      q.add("x.pid");
    }
    q.add(" limit ?", count + 1);
    if (!sortKeys.isEmpty() && offset != null) q.add(" offset ?", offset);

    // The page's bodies, and the patients whose data they are (for the audit trail), come in the
    // same statement as its pids: one round trip and one plan instead of two.
    Integer[] patientCodes = type.equals("Patient") ? null : accessible.compartmentCodes(type);
    if (patientCodes != null && patientCodes.length == 0) patientCodes = null;
    int k = sortKeys.size();
    if (count > 0) {
      Sql page = new Sql().add("select page.*, " + ResourceStore.CURRENT_COLUMNS);
      if (patientCodes != null) {
        page.add(", array(select x.tgt_id from fhir_sp_ref x where x.pid = page.pid"
            + " and x.sp = any(?) and x.tgt_type = 'Patient' and x.tgt_pid is not null)", (Object) patientCodes);
      }
      page.add(" from (").add(q).add(") page" + ResourceStore.currentJoin("page.pid") + " order by ");
      for (int i = 0; i < k; i++) page.add("page.s" + i + (sortKeys.get(i).startsWith("-") ? " desc nulls last, " : " asc nulls last, "));
      q = page.add("page.pid");
    }
    List<Long> pids = new ArrayList<>();
    List<StoredResource> matches = new ArrayList<>();
    java.util.Set<String> patients = new java.util.LinkedHashSet<>();
    Object[] lastSortValues = new Object[k];
    try (PreparedStatement ps = q.prepare(c); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        long pid = rs.getLong(1);
        pids.add(pid);
        if (pids.size() <= count) {
          for (int i = 0; i < k; i++) lastSortValues[i] = rs.getObject(i + 2);
          StoredResource r = ResourceStore.currentRow(rs, pid, k + 2);
          if (r != null) {
            matches.add(r);
            if (patientCodes != null) java.util.Collections.addAll(patients, (String[]) rs.getArray(k + 8).getArray());
          }
        }
      }
    }
    boolean more = pids.size() > count;
    if (more) pids = pids.subList(0, count);

    // The total is free on the last page; otherwise it costs a count over every match, which a
    // national-scale search should pay only when asked (_total=accurate or estimate).
    Integer total = null;
    long start = sortKeys.isEmpty() || offset == null ? 0 : offset;
    boolean firstPage = cursor == null && after == null;
    if ("accurate".equals(totalMode) || "estimate".equals(totalMode)) total = count(c, base, late);
    else if (!"none".equals(totalMode) && !more && firstPage) total = (int) start + pids.size();
    String next = null;
    if (more && count > 0) {
      Map<String, List<String>> nextParams = new LinkedHashMap<>(params);
      nextParams.remove("_cursor");
      nextParams.remove("_offset");
      long lastPid = pids.get(pids.size() - 1);
      nextParams.put("_cursor", List.of(sortKeys.isEmpty()
          ? Long.toString(lastPid) : SortCursor.encode(lastSortValues, lastPid)));
      next = queryString(nextParams);
    }
    List<StoredResource> included = includes(c, type, matches, params);
    if (!scope.all() && !included.isEmpty()) {
      java.util.Set<Long> visible = accessible.visible(c, included, scope);
      included = included.stream().filter(r -> visible.contains(r.pid())).toList();
    }
    return new SearchResult(matches, included, total, next, patients);
  }

  /**
   * The scope's condition for this search, or null when it needs none. A search that names its
   * patients ({@code Observation?patient=…}, a chart being read) has every match in their
   * compartment: when they are all open to the caller, every match is visible, and the test of
   * each candidate is never evaluated — that question is asked once per statement (an InitPlan, in
   * the same round trip as the search), the test of each candidate only when it says no.
   */
  private Sql restriction(String type, String alias, org.lafia.fhir.spi.PatientScope scope, List<String> named) {
    if (scope.all() || !accessible.restricted(type)) return null;
    Sql each = accessible.condition(type, alias, scope);
    if (named == null || type.equals("Patient")) return each;
    List<String> distinct = new ArrayList<>(new LinkedHashSet<>(named));
    // A named patient this server does not hold proves nothing about what else the matches are in
    // the compartment of: the count must be all of them.
    return new Sql().add("(coalesce((select count(*) = ? and bool_and(", distinct.size()).add(accessible.patientOpen("np.pid", scope))
        .add(") from fhir_resource np where np.res_type = 'Patient' and np.res_id = any(?)), false) or ", (Object) distinct.toArray(String[]::new))
        .add(each).add(")");
  }

  /**
   * The patients a search is limited to by one of its reference parameters that puts a {@code
   * type} resource in the patient's compartment ({@code patient=X}, {@code subject=Patient/X},
   * {@code subject:Patient=X,Y}), or null when it names none that way.
   */
  private List<String> namedPatients(String type, Map<String, List<String>> params, String serverBase) {
    for (Map.Entry<String, List<String>> e : params.entrySet()) {
      String key = e.getKey();
      String name = key.endsWith(":Patient") ? key.substring(0, key.length() - ":Patient".length()) : key;
      if (name.indexOf(':') >= 0 || name.indexOf('.') >= 0 || name.startsWith("_")) continue;
      SearchParam sp = registry.param(type, name);
      if (sp == null || sp.type() != RestSearchParameterTypeEnum.REFERENCE
          || !accessible.compartmentReference(type, sp.stored())) continue;
      boolean onlyPatients = key.endsWith(":Patient") || "Patient".equals(sp.onlyTarget()) || sp.targets().equals(Set.of("Patient"));
      for (String value : e.getValue()) {
        List<String> ids = new ArrayList<>();
        for (String v : value.split(",", -1)) {
          String ref = v.trim();
          if (serverBase != null && ref.startsWith(serverBase + "/")) ref = ref.substring(serverBase.length() + 1);
          if (ref.startsWith("Patient/") && ref.indexOf('/', 8) < 0 && ref.length() > 8) ids.add(ref.substring(8));
          else if (onlyPatients && !ref.isEmpty() && ref.indexOf('/') < 0 && ref.indexOf('|') < 0 && ref.indexOf(':') < 0) ids.add(ref);
          else {
            ids = null;
            break;
          }
        }
        if (ids != null && !ids.isEmpty()) return ids;
      }
    }
    return null;
  }

  /** How many conditions a search has (parameters that select, not those that shape the result). */
  private static int conditionCount(Map<String, List<String>> params) {
    int n = 0;
    for (Map.Entry<String, List<String>> e : params.entrySet()) {
      String name = e.getKey();
      if (RESULT_PARAMS.contains(name) || name.startsWith("_include") || name.startsWith("_revinclude")) continue;
      n += e.getValue().size();
    }
    return n;
  }

  /** The number of matches of {@code query} that pass {@code restriction} (on alias {@code q}; null: all). */
  private int count(Connection c, Query query, Sql restriction) throws SQLException {
    Sql q = restriction == null ? new Sql().add("select count(distinct " + query.pid() + ") from ").add(query.sql())
        : new Sql().add("select count(*) from (select distinct " + query.pid() + " as pid from ").add(query.sql())
            .add(" offset 0) q where ").add(restriction);
    try (PreparedStatement ps = q.prepare(c); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private int pageSize(Map<String, List<String>> params) {
    Long n = longParam(params, "_count");
    if (n == null) return defaultPageSize;
    if (n < 0) throw new BadSearch("_count must be zero or a positive number.");
    return (int) Math.min(n, maxPageSize);
  }

  static String single(Map<String, List<String>> params, String name) {
    List<String> v = params.get(name);
    if (v == null || v.isEmpty()) return null;
    if (v.size() > 1) throw new BadSearch("Parameter '" + name + "' may appear only once.");
    return v.get(0);
  }

  private static Long longParam(Map<String, List<String>> params, String name) {
    String v = single(params, name);
    if (v == null) return null;
    try {
      long n = Long.parseLong(v);
      if (n < 0) throw new BadSearch("Parameter '" + name + "' must not be negative.");
      return n;
    } catch (NumberFormatException e) {
      throw new BadSearch("Parameter '" + name + "' must be a whole number, not '" + v + "'.");
    }
  }

  private List<String> sortKeys(String type, Map<String, List<String>> params) {
    List<String> keys = new ArrayList<>();
    List<String> values = params.get("_sort");
    if (values == null) return keys;
    for (String v : values) {
      for (String k : v.split(",")) {
        k = k.trim();
        if (k.isEmpty()) continue;
        String name = k.startsWith("-") ? k.substring(1) : k;
        if (registry.param(type, name) == null) {
          throw new BadSearch("Cannot sort by '" + name + "': not a search parameter of " + type + ".");
        }
        keys.add(k);
      }
    }
    return keys;
  }

  /** The value a resource sorts by for one key: its lowest value ascending, highest descending. */
  private Sql sortValue(String type, String key) {
    boolean desc = key.startsWith("-");
    String name = desc ? key.substring(1) : key;
    if (name.equals("_id")) return new Sql().add("r.res_id");
    if (name.equals("_lastUpdated")) return new Sql().add("r.last_updated");
    SearchParam sp = registry.param(type, name);
    String agg = desc ? "max" : "min";
    String col =
        switch (sp.type()) {
          case STRING -> "norm";
          case TOKEN -> "code";
          case REFERENCE -> "tgt_id";
          case DATE -> desc ? "hi" : "lo";
          case NUMBER, QUANTITY -> "val";
          case URI -> "uri";
          default -> throw new BadSearch("Cannot sort by '" + name + "' (" + sp.type() + ").");
        };
    return new Sql()
        .add("(select " + agg + "(s." + col + ") from " + Conditions.table(sp)
            + " s where s.pid = r.pid and " + sp.spTest("s")
            + (sp.onlyTarget() != null ? " and s.tgt_type = ?)" : ")"),
            sp.onlyTarget() != null ? new Object[] {sp.spArg(), sp.onlyTarget()} : new Object[] {sp.spArg()});
  }

  // ---- _include / _revinclude --------------------------------------------------------------

  private List<StoredResource> includes(Connection c, String type, List<StoredResource> matches,
      Map<String, List<String>> params) throws SQLException {
    List<String[]> includes = new ArrayList<>();
    List<String[]> revincludes = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : params.entrySet()) {
      String name = e.getKey();
      boolean iterate = name.endsWith(":iterate") || name.endsWith(":recurse");
      String base = name.split(":", 2)[0];
      if (!base.equals("_include") && !base.equals("_revinclude")) continue;
      for (String v : e.getValue()) {
        String[] parts = v.split(":");
        if (!(parts.length == 1 && v.equals("*")) && (parts.length < 2 || parts.length > 3)) {
          throw new BadSearch(base + " takes Type:parameter[:targetType], not '" + v + "'.");
        }
        String[] spec = {parts[0], parts.length > 1 ? parts[1] : "*", parts.length > 2 ? parts[2] : null,
            iterate ? "iterate" : null};
        if (!spec[0].equals("*")) {
          if (!registry.isResourceType(spec[0])) throw new BadSearch("Unknown resource type '" + spec[0] + "' in " + base + ".");
          if (!spec[1].equals("*")) {
            SearchParam sp = registry.param(spec[0], spec[1]);
            if (sp == null || sp.type() != RestSearchParameterTypeEnum.REFERENCE) {
              throw new BadSearch("'" + spec[1] + "' is not a reference parameter of " + spec[0] + " (in " + base + ").");
            }
          }
        }
        (base.equals("_include") ? includes : revincludes).add(spec);
      }
    }
    if (includes.isEmpty() && revincludes.isEmpty()) return List.of();
    Set<Long> seen = new LinkedHashSet<>();
    for (StoredResource m : matches) seen.add(m.pid());
    List<StoredResource> out = new ArrayList<>();
    List<StoredResource> frontier = matches;
    for (int round = 0; round < 4 && !frontier.isEmpty() && out.size() < MAX_INCLUDES; round++) {
      Set<Long> found = new LinkedHashSet<>();
      for (String[] inc : includes) {
        if (round > 0 && inc[3] == null) continue;
        found.addAll(forwardTargets(c, frontier, inc));
      }
      for (String[] rev : revincludes) {
        if (round > 0 && rev[3] == null) continue;
        found.addAll(reverseSources(c, frontier, rev));
      }
      found.removeAll(seen);
      seen.addAll(found);
      frontier = store.currentByPids(c, new ArrayList<>(found));
      out.addAll(frontier);
    }
    return out.size() > MAX_INCLUDES ? out.subList(0, MAX_INCLUDES) : out;
  }

  private List<Integer> codes(String type, String param) {
    List<Integer> codes = new ArrayList<>();
    for (SearchParam sp : registry.params(type).values()) {
      // "*" takes every parameter that stores rows: the derived ones only repeat them.
      if (sp.type() == RestSearchParameterTypeEnum.REFERENCE && (param.equals("*") ? !sp.derived() : sp.name().equals(param))) {
        for (int code : sp.stored()) if (!codes.contains(code)) codes.add(code);
      }
    }
    return codes;
  }

  /** The one target type of a narrowed parameter ({@code Observation:patient}), or null. */
  private String onlyTarget(String type, String param) {
    if (type.equals("*") || param.equals("*")) return null;
    SearchParam sp = registry.param(type, param);
    return sp == null ? null : sp.onlyTarget();
  }

  private List<Long> forwardTargets(Connection c, List<StoredResource> from, String[] inc) throws SQLException {
    List<Long> pids = new ArrayList<>();
    List<Integer> codes = new ArrayList<>();
    for (StoredResource r : from) {
      if (inc[0].equals("*") || inc[0].equals(r.type())) pids.add(r.pid());
    }
    if (pids.isEmpty()) return List.of();
    Set<String> types = new LinkedHashSet<>();
    for (StoredResource r : from) types.add(r.type());
    for (String t : types) if (inc[0].equals("*") || inc[0].equals(t)) codes.addAll(codes(t, inc[1]));
    if (codes.isEmpty()) return List.of();
    Sql q = new Sql().add("select t.pid from fhir_sp_ref x join fhir_resource t on t.pid = x.tgt_pid"
        + " where x.pid = any(?) and x.sp = any(?) and not t.deleted",
        pids.toArray(Long[]::new), codes.toArray(Integer[]::new));
    if (inc[2] != null) q.add(" and t.res_type = ?", inc[2]);
    String only = onlyTarget(inc[0], inc[1]);
    if (only != null) q.add(" and t.res_type = ?", only);
    return pidList(c, q);
  }

  private List<Long> reverseSources(Connection c, List<StoredResource> to, String[] rev) throws SQLException {
    List<Integer> codes = rev[0].equals("*") ? new ArrayList<>() : codes(rev[0], rev[1]);
    if (rev[0].equals("*")) for (String t : registry.resourceTypes()) codes.addAll(codes(t, "*"));
    if (codes.isEmpty() || to.isEmpty()) return List.of();
    String only = onlyTarget(rev[0], rev[1]);
    Long[] targets = to.stream().filter(r -> only == null || only.equals(r.type()))
        .map(StoredResource::pid).toArray(Long[]::new);
    if (targets.length == 0) return List.of();
    Sql q = new Sql().add("select distinct x.pid from fhir_sp_ref x join fhir_resource s on s.pid = x.pid"
        + " where x.sp = any(?) and x.tgt_pid = any(?) and not s.deleted",
        codes.toArray(Integer[]::new), targets);
    return pidList(c, q);
  }

  private static List<Long> pidList(Connection c, Sql q) throws SQLException {
    List<Long> out = new ArrayList<>();
    try (PreparedStatement ps = q.prepare(c); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) out.add(rs.getLong(1));
    }
    return out;
  }

  public static String queryString(Map<String, List<String>> params) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, List<String>> e : params.entrySet()) {
      for (String v : e.getValue()) {
        if (sb.length() > 0) sb.append('&');
        sb.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8).replace("%3A", ":"))
            .append('=')
            .append(URLEncoder.encode(v, StandardCharsets.UTF_8).replace("%2C", ","));
      }
    }
    return sb.toString();
  }
}
