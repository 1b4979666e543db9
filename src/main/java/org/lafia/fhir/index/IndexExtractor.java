package org.lafia.fhir.index;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.fhirpath.IFhirPath;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Enumeration;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Timing;
import org.hl7.fhir.r4.model.UriType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a resource into its search values. Each parameter's FHIRPath expression is compiled once
 * into walks over HAPI's element definitions (the common shapes: {@code A.b.c}, {@code as Type},
 * {@code where(resolve() is T)}, {@code where(x='y')}); only the rare expressions outside those
 * shapes are evaluated by HAPI's FHIRPath engine. Dates without a time zone are read as UTC.
 */
public final class IndexExtractor {
  private static final Logger log = LoggerFactory.getLogger(IndexExtractor.class);
  /** Longest text kept in an indexed column: keeps every btree entry far below PostgreSQL's limit. */
  static final int MAX_INDEXED = 256;

  static final Instant MIN = Instant.parse("0001-01-01T00:00:00Z");
  static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999Z");

  private static final String SEG = "[A-Za-z]+(?:\\.[A-Za-z]+)*";
  private static final Pattern SIMPLE = Pattern.compile("^(" + SEG + ")$");
  private static final Pattern AS = Pattern.compile("^(" + SEG + ") as ([A-Za-z]+)$");
  private static final Pattern AS_FN = Pattern.compile("^(" + SEG + ")\\.(?:as|ofType)\\(([A-Za-z]+)\\)$");
  private static final Pattern RESOLVE =
      Pattern.compile("^(" + SEG + ")\\.where\\(resolve\\(\\) is ([A-Za-z]+)\\)$");
  private static final Pattern WHERE_EQ =
      Pattern.compile("^(" + SEG + ")\\.where\\(([A-Za-z]+) ?= ?'([^']*)'\\)$");
  private static final Pattern AS_THEN =
      Pattern.compile("^\\((" + SEG + ") as ([A-Za-z]+)\\)\\.(" + SEG + ")$");

  private final FhirContext ctx;
  private final SearchParamRegistry registry;
  private final Map<String, List<Compiled>> byType = new ConcurrentHashMap<>();
  private final Map<Class<?>, Map<String, BaseRuntimeChildDefinition>> children =
      new ConcurrentHashMap<>();
  private final ThreadLocal<IFhirPath> fhirPath;
  /** Per resource type, the elements any of its parameters reads (see {@link #indexView}); absent: all. */
  private final Map<String, Reach> reach = new ConcurrentHashMap<>();

  public IndexExtractor(FhirContext ctx, SearchParamRegistry registry) {
    this.ctx = ctx;
    this.registry = registry;
    this.fhirPath = ThreadLocal.withInitial(this::newFhirPath);
    int fast = 0, slow = 0;
    for (String type : registry.resourceTypes()) {
      List<Compiled> list = new ArrayList<>();
      for (SearchParam sp : registry.params(type).values()) {
        if (sp.isResourceTable()
            || sp.type() == RestSearchParameterTypeEnum.COMPOSITE
            || sp.type() == RestSearchParameterTypeEnum.SPECIAL
            || sp.type() == RestSearchParameterTypeEnum.HAS
            || sp.path() == null
            || sp.path().isBlank()) continue;
        // A union of other parameters is answered from their rows; a reference parameter narrowed
        // to one target type still stores its logical references' identifiers (:identifier).
        if (sp.derived() && sp.onlyTarget() == null) continue;
        Compiled c = compile(type, sp);
        if (c.paths.isEmpty() && c.fallback.isEmpty()) continue;
        fast += c.paths.size();
        slow += c.fallback.size();
        list.add(c);
      }
      byType.put(type, List.copyOf(list));
      Reach r = reachOf(list);
      if (r != null) reach.put(type, r);
    }
    log.info("Search value extractors: {} compiled paths, {} FHIRPath fallbacks", fast, slow);
  }

  /** Codes of a Location's latitude and longitude, the values behind {@code Location?near=}. */
  public static final int NEAR_LATITUDE = SearchParamRegistry.code("Location", "near:latitude");
  public static final int NEAR_LONGITUDE = SearchParamRegistry.code("Location", "near:longitude");

  /**
   * The one expression outside the compiled shapes that common data reaches (every Patient): worked
   * out here, because the first FHIRPath evaluation makes HAPI load all 649 base StructureDefinitions,
   * about 60 MB of heap held for good. The same result as HAPI's engine ({@code IndexExtractorTest}).
   */
  static final String PATIENT_DECEASED = "Patient.deceased.exists() and Patient.deceased != false";

  /** {@link #PATIENT_DECEASED}: false without deceased[x], else true unless it is the boolean false. */
  private static IBase deceased(org.hl7.fhir.r4.model.Patient p) {
    if (!p.hasDeceased()) return new org.hl7.fhir.r4.model.BooleanType(false);
    boolean alive = p.getDeceased() instanceof org.hl7.fhir.r4.model.BooleanType b && b.hasValue() && !b.booleanValue();
    return new org.hl7.fhir.r4.model.BooleanType(!alive);
  }

  private static final Object FHIRPATH_INIT = new Object();
  private volatile boolean definitionsLoaded;

  /**
   * One engine per thread, but the base StructureDefinitions it needs are loaded once, by the first
   * thread: HAPI loads them lazily without a lock, so four first requests at once would each load
   * them (four times the memory and CPU of a cold start).
   */
  private IFhirPath newFhirPath() {
    synchronized (FHIRPATH_INIT) {
      if (!definitionsLoaded) {
        ctx.getValidationSupport().fetchAllStructureDefinitions();
        definitionsLoaded = true;
      }
      return ctx.newFhirPath();
    }
  }

  /** A path compiled into steps from the resource root. */
  private record Walk(String[] steps, String asType, String resolveType, String whereChild,
      String whereValue, String[] thenSteps) {}

  private record Compiled(SearchParam sp, List<Walk> paths, List<String> fallback) {}

  private Compiled compile(String type, SearchParam sp) {
    List<Walk> walks = new ArrayList<>();
    List<String> fallback = new ArrayList<>();
    for (String raw : splitUnion(sp.path())) {
      String part = stripParens(raw.trim());
      String root = part.split("[.\\s(]", 2)[0];
      if (!root.equals(type) && !root.equals("Resource") && !root.equals("DomainResource")) continue;
      Matcher m;
      if ((m = SIMPLE.matcher(part)).matches()) {
        walks.add(new Walk(steps(m.group(1)), null, null, null, null, null));
      } else if ((m = AS.matcher(part)).matches() || (m = AS_FN.matcher(part)).matches()) {
        walks.add(new Walk(steps(m.group(1)), m.group(2), null, null, null, null));
      } else if ((m = RESOLVE.matcher(part)).matches()) {
        walks.add(new Walk(steps(m.group(1)), null, m.group(2), null, null, null));
      } else if ((m = WHERE_EQ.matcher(part)).matches()) {
        walks.add(new Walk(steps(m.group(1)), null, null, m.group(2), m.group(3), null));
      } else if ((m = AS_THEN.matcher(part)).matches()) {
        walks.add(new Walk(steps(m.group(1)), m.group(2), null, null, null, m.group(3).split("\\.")));
      } else {
        fallback.add(part);
      }
    }
    return new Compiled(sp, walks, fallback);
  }

  private static String[] steps(String dotted) {
    String[] all = dotted.split("\\.");
    String[] rest = new String[all.length - 1];
    System.arraycopy(all, 1, rest, 0, rest.length);
    return rest;
  }

  static List<String> splitUnion(String expr) {
    List<String> out = new ArrayList<>();
    int depth = 0, start = 0;
    boolean quoted = false;
    for (int i = 0; i < expr.length(); i++) {
      char c = expr.charAt(i);
      if (c == '\'') quoted = !quoted;
      else if (!quoted && c == '(') depth++;
      else if (!quoted && c == ')') depth--;
      else if (!quoted && depth == 0 && c == '|') {
        out.add(expr.substring(start, i));
        start = i + 1;
      }
    }
    out.add(expr.substring(start));
    return out;
  }

  static String stripParens(String s) {
    while (s.startsWith("(") && s.endsWith(")") && balancedInside(s)) s = s.substring(1, s.length() - 1).trim();
    return s;
  }

  private static boolean balancedInside(String s) {
    int depth = 0;
    for (int i = 0; i < s.length() - 1; i++) {
      if (s.charAt(i) == '(') depth++;
      else if (s.charAt(i) == ')') depth--;
      if (depth == 0) return false;
    }
    return true;
  }

  // ---- what the parameters read --------------------------------------------------------

  /**
   * A tree of element names: the children of a resource (or element) that some parameter's path
   * goes through. A name mapped to {@link #WHOLE} is kept with everything under it.
   */
  private static final class Reach {
    final Map<String, Reach> children = new java.util.HashMap<>();

    Reach child(String name) {
      Reach r = children.get(name);
      if (r == WHOLE) return WHOLE;
      return children.computeIfAbsent(name, k -> new Reach());
    }

    void whole(String name) {
      children.put(name, WHOLE);
    }
  }

  private static final Reach WHOLE = new Reach();
  /** Kept in every view: what is read beside the walks (id, meta, contained targets, Location.position for near). */
  private static final List<String> ALWAYS = List.of("resourceType", "id", "meta", "contained", "position");
  /** An element named from a resource root inside a FHIRPath expression: "Observation.value", "Resource.meta". */
  private static final Pattern ROOTED_STEP = Pattern.compile("(?<![A-Za-z.])[A-Z][A-Za-z]+\\.([a-z][A-Za-z]*)");

  /** The reach of one type's compiled parameters; null when a path is too irregular to tell. */
  private static Reach reachOf(List<Compiled> compiled) {
    Reach root = new Reach();
    for (String name : ALWAYS) root.whole(name);
    for (Compiled c : compiled) {
      for (Walk w : c.paths) {
        if (w.steps.length == 0) return null;
        Reach at = root;
        for (int i = 0; i < w.steps.length - 1 && at != WHOLE; i++) at = at.child(w.steps[i]);
        if (at == WHOLE) continue;
        if (w.thenSteps == null) {
          at.whole(w.steps[w.steps.length - 1]);
        } else {
          // (A.b as T).c.d: the element b arrives as bT; its c.d are what is read.
          Reach b = at.child(w.steps[w.steps.length - 1]);
          for (int i = 0; i < w.thenSteps.length - 1 && b != WHOLE; i++) b = b.child(w.thenSteps[i]);
          if (b != WHOLE) b.whole(w.thenSteps[w.thenSteps.length - 1]);
        }
      }
      for (String expr : c.fallback) {
        // HAPI's FHIRPath reads it: every top element the expression names is kept whole.
        Matcher m = ROOTED_STEP.matcher(expr);
        boolean any = false;
        while (m.find()) {
          root.whole(m.group(1));
          any = true;
        }
        if (!any) return null;
      }
    }
    return root;
  }

  /**
   * The part of a resource's JSON that its search parameters read: the tree HAPI turns into the
   * model that {@link #extract} reads, so that a create does not build the model of everything
   * else (attachments, narrative, claim adjudications). Subtrees are shared, not copied. The
   * resource was checked whole before; this view serves indexing only.
   */
  public com.fasterxml.jackson.databind.node.ObjectNode indexView(com.fasterxml.jackson.databind.node.ObjectNode resource) {
    Reach r = reach.get(resource.path("resourceType").asText(""));
    if (r == null) return resource;
    return (com.fasterxml.jackson.databind.node.ObjectNode) prune(resource, r);
  }

  private static com.fasterxml.jackson.databind.JsonNode prune(com.fasterxml.jackson.databind.JsonNode node, Reach r) {
    if (r == WHOLE) return node;
    if (node instanceof com.fasterxml.jackson.databind.node.ArrayNode arr) {
      com.fasterxml.jackson.databind.node.ArrayNode out = arr.arrayNode(arr.size());
      for (com.fasterxml.jackson.databind.JsonNode item : arr) out.add(prune(item, r));
      return out;
    }
    if (!(node instanceof com.fasterxml.jackson.databind.node.ObjectNode obj)) return node;
    com.fasterxml.jackson.databind.node.ObjectNode out = obj.objectNode();
    for (var it = obj.fields(); it.hasNext(); ) {
      var field = it.next();
      Reach child = reached(r, field.getKey());
      if (child != null) out.set(field.getKey(), prune(field.getValue(), child));
    }
    return out;
  }

  /** The reach of JSON property {@code key}: its name, or a choice element's name + type ("valueQuantity"). */
  private static Reach reached(Reach r, String key) {
    Reach exact = r.children.get(key);
    if (exact != null) return exact;
    for (Map.Entry<String, Reach> e : r.children.entrySet()) {
      String name = e.getKey();
      if (key.length() > name.length() && key.startsWith(name) && Character.isUpperCase(key.charAt(name.length()))) {
        return e.getValue();
      }
    }
    return null;
  }

  /** All search values of a resource. */
  public IndexRows extract(IBaseResource resource) {
    IndexRows rows = new IndexRows();
    String type = ctx.getResourceType(resource);
    if (resource instanceof org.hl7.fhir.r4.model.Location l && l.hasPosition()
        && l.getPosition().hasLatitude() && l.getPosition().hasLongitude()) {
      // Location.near (a "special" parameter): the position as two numbers of its own.
      rows.numbers.add(new IndexRows.Num(NEAR_LATITUDE, l.getPosition().getLatitude(), 0));
      rows.numbers.add(new IndexRows.Num(NEAR_LONGITUDE, l.getPosition().getLongitude(), 0));
    }
    List<IBase> values = new ArrayList<>();
    List<Integer> groups = new ArrayList<>();
    for (Compiled c : byType.getOrDefault(type, List.of())) {
      for (Walk w : c.paths) {
        values.clear();
        groups.clear();
        evaluate(resource, w, values, groups);
        for (int i = 0; i < values.size(); i++) {
          rows.grp = groups.get(i);
          add(rows, c.sp, values.get(i));
        }
      }
      rows.grp = -1; // FHIRPath does not say which element a value came from
      for (String expr : c.fallback) {
        if (expr.equals(PATIENT_DECEASED) && resource instanceof org.hl7.fhir.r4.model.Patient p) {
          add(rows, c.sp, deceased(p));
          continue;
        }
        try {
          for (IBase v : fhirPath.get().evaluate(resource, expr, IBase.class)) add(rows, c.sp, v);
        } catch (RuntimeException e) {
          log.debug("FHIRPath {} failed on {}: {}", expr, type, e.getMessage());
        }
      }
    }
    return rows;
  }

  /** The values of one compiled path, with the element (see {@link IndexRows#grp}) of each. */
  private void evaluate(IBaseResource resource, Walk w, List<IBase> out, List<Integer> groups) {
    if (w.steps.length == 0) {
      evaluate(resource, w, out);
      while (groups.size() < out.size()) groups.add(0);
      return;
    }
    BaseRuntimeChildDefinition first = child(resource, w.steps[0]);
    if (first == null) return;
    if (first.getMax() == 1) {
      // The usual case (Observation.code, .subject, .value): one element, no split needed.
      evaluate(resource, w, out);
      while (groups.size() < out.size()) groups.add(0);
      return;
    }
    List<? extends IBase> firstValues = first.getAccessor().getValues(resource);
    for (int i = 0; i < firstValues.size(); i++) {
      int before = out.size();
      descend(firstValues.get(i), w, w.steps, 1, false, out);
      for (int k = before; k < out.size(); k++) groups.add(i < Short.MAX_VALUE - 1 ? i + 1 : -1);
    }
  }

  private void evaluate(IBaseResource resource, Walk w, List<IBase> out) {
    descend(resource, w, w.steps, 0, false, out);
  }

  /**
   * Adds to {@code out} what {@code w} reaches from {@code e}, from {@code steps[i]} on, depth
   * first: the order a level-by-level walk gives, without a list per level (extraction is on every
   * write; its lists were a sixth of what a create allocated).
   */
  private void descend(IBase e, Walk w, String[] steps, int i, boolean typed, List<IBase> out) {
    if (i == steps.length) {
      arrive(e, w, typed, out);
      return;
    }
    BaseRuntimeChildDefinition child = child(e, steps[i]);
    if (child == null) return;
    List<? extends IBase> values = child.getAccessor().getValues(e);
    for (int k = 0; k < values.size(); k++) descend(values.get(k), w, steps, i + 1, typed, out);
  }

  /** A value at the end of the steps: the walk's {@code as}, {@code where} and {@code resolve()} filters, then kept. */
  private void arrive(IBase v, Walk w, boolean typed, List<IBase> out) {
    if (!typed && w.asType != null) {
      if (!isType(v, w.asType)) return;
      if (w.thenSteps != null) {
        descend(v, w, w.thenSteps, 0, true, out);
        return;
      }
    }
    if (w.whereChild != null && !whereMatches(v, w)) return;
    if (w.resolveType != null && !(v instanceof Reference r && w.resolveType.equals(referenceType(r)))) return;
    out.add(v);
  }

  private boolean whereMatches(IBase v, Walk w) {
    BaseRuntimeChildDefinition child = child(v, w.whereChild);
    if (child == null) return false;
    for (IBase c : child.getAccessor().getValues(v)) {
      if (c instanceof IPrimitiveType<?> p && w.whereValue.equals(p.getValueAsString())) return true;
    }
    return false;
  }

  private static String referenceType(Reference r) {
    if (r.getReferenceElement().hasResourceType()) return r.getReferenceElement().getResourceType();
    if (r.getResource() != null) return r.getResource().fhirType();
    return r.getType();
  }

  private BaseRuntimeChildDefinition child(IBase element, String name) {
    Map<String, BaseRuntimeChildDefinition> forClass =
        children.computeIfAbsent(element.getClass(), k -> new ConcurrentHashMap<>());
    BaseRuntimeChildDefinition found = forClass.get(name);
    if (found != null) return found;
    BaseRuntimeElementDefinition<?> def =
        element instanceof IBaseResource r
            ? ctx.getResourceDefinition(r)
            : ctx.getElementDefinition(element.getClass());
    if (!(def instanceof BaseRuntimeElementCompositeDefinition<?> comp)) return null;
    found = comp.getChildByName(name);
    if (found == null) found = comp.getChildByName(name + "[x]");
    if (found != null) forClass.put(name, found);
    return found;
  }

  private boolean isType(IBase v, String typeName) {
    if (typeName.equals("Quantity") && v instanceof Quantity) return true;
    BaseRuntimeElementDefinition<?> def = ctx.getElementDefinition(v.getClass());
    return def != null && def.getName().equalsIgnoreCase(typeName);
  }

  // ---- values to rows -------------------------------------------------------------------

  private void add(IndexRows rows, SearchParam sp, IBase v) {
    int code = sp.code();
    switch (sp.type()) {
      case STRING -> addString(rows, code, v);
      case TOKEN -> {
        addToken(rows, code, v);
        if (v instanceof Identifier id && id.hasValue() && id.hasType()) {
          int ofType = SearchParamRegistry.ofTypeCode(sp.resourceType(), sp.name());
          for (Coding c : id.getType().getCoding()) {
            if (c.hasCode()) {
              rows.tokens.add(new IndexRows.Token(ofType, cut(c.getSystem()), cut(c.getCode() + "|" + id.getValue()), null, rows.grp));
            }
          }
        }
      }
      case REFERENCE -> addReference(rows, code, v, !sp.derived());
      case DATE -> addDate(rows, code, v);
      case NUMBER -> addNumber(rows, code, v);
      case QUANTITY -> addQuantity(rows, code, v);
      case URI -> {
        if (v instanceof IPrimitiveType<?> p && p.getValueAsString() != null) {
          rows.uris.add(new IndexRows.Uri(code, cut(p.getValueAsString()), rows.grp));
        }
      }
      default -> {}
    }
  }

  private static void str(IndexRows rows, int code, String s) {
    if (s == null || s.isBlank()) return;
    rows.strings.add(new IndexRows.Str(code, cut(TextNormalizer.normalize(s)), s, rows.grp));
  }

  private static void addString(IndexRows rows, int code, IBase v) {
    if (v instanceof HumanName n) {
      str(rows, code, n.getFamily());
      n.getGiven().forEach(g -> str(rows, code, g.getValue()));
      n.getPrefix().forEach(g -> str(rows, code, g.getValue()));
      n.getSuffix().forEach(g -> str(rows, code, g.getValue()));
      str(rows, code, n.getText());
    } else if (v instanceof Address a) {
      a.getLine().forEach(l -> str(rows, code, l.getValue()));
      str(rows, code, a.getCity());
      str(rows, code, a.getDistrict());
      str(rows, code, a.getState());
      str(rows, code, a.getPostalCode());
      str(rows, code, a.getCountry());
      str(rows, code, a.getText());
    } else if (v instanceof ContactPoint cp) {
      str(rows, code, cp.getValue());
    } else if (v instanceof CodeableConcept cc) {
      str(rows, code, cc.getText());
    } else if (v instanceof IPrimitiveType<?> p) {
      str(rows, code, p.getValueAsString());
    }
  }

  private static void token(IndexRows rows, int code, String sys, String value, String text) {
    if ((value == null || value.isEmpty()) && (text == null || text.isEmpty())) return;
    rows.tokens.add(
        new IndexRows.Token(
            code,
            sys == null || sys.isEmpty() ? null : cut(sys),
            value == null || value.isEmpty() ? null : cut(value),
            text == null || text.isEmpty() ? null : cut(TextNormalizer.normalize(text)), rows.grp));
  }

  private static void addToken(IndexRows rows, int code, IBase v) {
    if (v instanceof CodeableConcept cc) {
      String text = cc.getText();
      for (Coding c : cc.getCoding()) {
        token(rows, code, c.getSystem(), c.getCode(), text != null ? text : c.getDisplay());
      }
      if (cc.getCoding().isEmpty()) token(rows, code, null, null, text);
    } else if (v instanceof Coding c) {
      token(rows, code, c.getSystem(), c.getCode(), c.getDisplay());
    } else if (v instanceof Identifier id) {
      token(rows, code, id.getSystem(), id.getValue(), id.getType().getText());
    } else if (v instanceof ContactPoint cp) {
      token(rows, code, null, cp.getValue(), null);
    } else if (v instanceof Enumeration<?> en) {
      token(rows, code, en.getSystem(), en.getValueAsString(), null);
    } else if (v instanceof BooleanType b) {
      if (b.getValue() != null) token(rows, code, null, b.getValue().toString(), null);
    } else if (v instanceof IPrimitiveType<?> p) {
      token(rows, code, null, p.getValueAsString(), null);
    }
  }

  private static void addReference(IndexRows rows, int code, IBase v, boolean storeReference) {
    String ref = null;
    if (v instanceof Reference r) {
      ref = r.getReference();
      // A logical reference (a national health ID, a facility code) is found with :identifier;
      // it is stored as a token under the reference parameter's own code.
      if (r.hasIdentifier() && r.getIdentifier().hasValue()) {
        token(rows, code, r.getIdentifier().getSystem(), r.getIdentifier().getValue(), null);
      }
    } else if (v instanceof UriType u) {
      ref = u.getValue(); // canonical / uri references
    }
    if (!storeReference || ref == null || ref.isBlank() || ref.startsWith("#")) return;
    LocalReference local = LocalReference.parse(ref);
    if (local != null) {
      rows.refs.add(new IndexRows.Ref(code, local.type(), cut(local.id()), rows.grp));
    } else {
      rows.refs.add(new IndexRows.Ref(code, null, cut(ref), rows.grp));
    }
  }

  private static void addDate(IndexRows rows, int code, IBase v) {
    if (v instanceof BaseDateTimeType d) {
      Instant[] r = range(d);
      if (r != null) rows.dates.add(new IndexRows.DateRange(code, r[0], r[1], rows.grp));
    } else if (v instanceof Period p) {
      Instant[] s = p.hasStart() ? range(p.getStartElement()) : null;
      Instant[] e = p.hasEnd() ? range(p.getEndElement()) : null;
      if (s == null && e == null) return;
      rows.dates.add(new IndexRows.DateRange(code, s == null ? MIN : s[0], e == null ? MAX : e[1], rows.grp));
    } else if (v instanceof Timing t) {
      for (var ev : t.getEvent()) addDate(rows, code, ev);
      if (t.hasRepeat() && t.getRepeat().hasBoundsPeriod()) addDate(rows, code, t.getRepeat().getBoundsPeriod());
    }
  }

  /** First and last instant of a date at its precision ("2020-03" → March 1st to 31st). */
  public static Instant[] range(BaseDateTimeType d) {
    Date value = d.getValue();
    if (value == null) return null;
    TemporalPrecisionEnum precision = d.getPrecision();
    Instant lo = value.toInstant();
    Instant hi =
        precision == TemporalPrecisionEnum.MILLI
            ? lo
            : precision.add(value, 1).toInstant().minusMillis(1);
    return new Instant[] {lo, hi};
  }

  private static void addNumber(IndexRows rows, int code, IBase v) {
    if (v instanceof DecimalType d && d.getValue() != null) {
      rows.numbers.add(new IndexRows.Num(code, d.getValue(), rows.grp));
    } else if (v instanceof IntegerType i && i.getValue() != null) {
      rows.numbers.add(new IndexRows.Num(code, BigDecimal.valueOf(i.getValue()), rows.grp));
    }
  }

  private static void addQuantity(IndexRows rows, int code, IBase v) {
    if (v instanceof Quantity q && q.getValue() != null) {
      String c = q.hasCode() ? q.getCode() : q.getUnit();
      rows.quantities.add(new IndexRows.Qty(code, cut(q.getSystem()), cut(c), q.getValue(), rows.grp));
    } else if (v instanceof Money m && m.getValue() != null) {
      rows.quantities.add(new IndexRows.Qty(code, "urn:iso:std:iso:4217", m.getCurrency(), m.getValue(), rows.grp));
    } else if (v instanceof Range r) {
      if (r.hasLow()) addQuantity(rows, code, r.getLow());
      if (r.hasHigh()) addQuantity(rows, code, r.getHigh());
    }
  }

  static String cut(String s) {
    if (s == null || s.length() <= MAX_INDEXED) return s;
    return s.substring(0, MAX_INDEXED);
  }
}
