package org.lafia.fhir.rest;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.lafia.fhir.index.IndexRows;

/**
 * The FHIR representation rules HAPI's parser forgives, checked before a body is accepted: strict
 * UTF-8, no duplicate keys, every property known to the element's definition, arrays exactly
 * where the element repeats, JSON types matching the primitive (true, not "true"), no nulls or
 * empty objects, the date/dateTime/instant/time formats, no control characters; for XML, the FHIR
 * namespace, no DOCTYPE (so no entity expansion) and no text outside the narrative.
 */
final class BodyCheck {
  private static final String FHIR_NS = "http://hl7.org/fhir";
  private static final String XHTML_NS = "http://www.w3.org/1999/xhtml";
  private static final String YEAR = "([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)";
  private static final String TZ = "(Z|(\\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))";
  private static final String TIME = "([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]{1,9})?";
  private static final Pattern DATE = Pattern.compile(YEAR + "(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?");
  private static final Pattern DATE_TIME = Pattern.compile(YEAR
      + "(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T" + TIME + TZ + ")?)?)?");
  private static final Pattern INSTANT = Pattern.compile(YEAR
      + "-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])T" + TIME + TZ);
  private static final Pattern TIME_ONLY = Pattern.compile(TIME);
  private static final Set<String> INTEGERS = Set.of("integer", "positiveInt", "unsignedInt", "integer64");
  private static final int MAX_DEPTH = 200;

  private final FhirContext ctx;
  private final ObjectMapper json;
  private final Map<BaseRuntimeElementCompositeDefinition<?>, List<BaseRuntimeChildDefinition>> required =
      new java.util.concurrent.ConcurrentHashMap<>();

  BodyCheck(FhirContext ctx) {
    this.ctx = ctx;
    JsonFactory f = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
        .build();
    f.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    this.json = new ObjectMapper(f);
    // Decimals keep their written precision (1.50 stays 1.50): FHIR decimals carry significance.
    this.json.enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    this.json.enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    this.json.setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true));
  }

  /** The body as text, refusing bytes that are not UTF-8. */
  static String utf8(byte[] body) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      throw FhirError.badRequest("The body is not valid UTF-8. / Le corps n'est pas en UTF-8 valide.");
    }
  }

  // ---- JSON -------------------------------------------------------------------------------

  ObjectMapper mapper() {
    return json;
  }

  JsonNode parseJson(String text) {
    try {
      JsonNode node = json.readTree(text);
      if (node == null) throw FhirError.badRequest("The body is empty.");
      return node;
    } catch (FhirError e) {
      throw e;
    } catch (Exception e) {
      String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().split("\n")[0];
      throw FhirError.badRequest("The body is not valid JSON: " + msg + " / Le corps n'est pas du JSON valide.");
    }
  }

  /**
   * Checks a resource; required elements (cardinality 1..) that are absent are added to
   * {@code missing} (when not null) rather than thrown, so the caller decides: 422 for a write,
   * an issue for $validate, a failed entry for a batch.
   */
  void checkResource(JsonNode node, java.util.List<String> missing) {
    resource(node, At.TOP, 0, missing);
  }

  /**
   * Where a value sits (Observation.component[1].code), rendered only for an error message: the
   * check runs on every entry of every bundle and must not build a string per property.
   */
  private record At(At parent, String name, int index) {
    static final At TOP = new At(null, null, -1);

    At child(String n) {
      return new At(this, n, -1);
    }

    At item(int i) {
      return new At(this, null, i);
    }

    boolean isTop() {
      return parent == null && name == null;
    }

    @Override
    public String toString() {
      if (isTop()) return "";
      String head = parent == null ? "" : parent.toString();
      if (name == null) return head + "[" + index + "]";
      return head.isEmpty() ? name : head + "." + name;
    }
  }

  private void resource(JsonNode node, At path, int depth, java.util.List<String> missing) {
    if (!node.isObject()) throw bad(path, "a resource must be a JSON object");
    JsonNode rt = node.get("resourceType");
    if (rt == null || !rt.isTextual()) throw bad(path, "resourceType is missing");
    RuntimeResourceDefinition def;
    try {
      def = ctx.getResourceDefinition(rt.asText());
    } catch (RuntimeException e) {
      throw bad(path, "unknown resourceType '" + rt.asText() + "'");
    }
    composite(node, def, path.isTop() ? new At(null, rt.asText(), -1) : path, depth, missing);
  }

  private void composite(JsonNode obj, BaseRuntimeElementCompositeDefinition<?> def, At path, int depth,
      java.util.List<String> missing) {
    if (depth > MAX_DEPTH) throw bad(path, "nested too deeply");
    if (!obj.isObject()) throw bad(path, "expected a JSON object");
    if (obj.isEmpty()) throw bad(path, "empty objects are not allowed");
    Iterator<Map.Entry<String, JsonNode>> it = obj.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> f = it.next();
      String name = f.getKey();
      JsonNode value = f.getValue();
      At at = path.child(name);
      if (name.equals("resourceType") && def instanceof RuntimeResourceDefinition) continue;
      if (name.equals("fhir_comments")) continue;
      if (name.startsWith("_")) {
        String base = name.substring(1);
        if (def.getChildByName(base) == null && !base.equals("id")) throw bad(at, "unknown element");
        primitiveExtensions(value, at, depth);
        continue;
      }
      BaseRuntimeChildDefinition child = def.getChildByName(name);
      if (child == null) {
        if (name.equals("id") || name.equals("extension")) {
          if (name.equals("id") && !value.isTextual()) throw bad(at, "must be a string");
          continue;
        }
        throw bad(at, "unknown element / élément inconnu");
      }
      BaseRuntimeElementDefinition<?> type = child.getChildByName(name);
      boolean repeats = child.getMax() == -1 || child.getMax() > 1;
      if (repeats) {
        if (!value.isArray()) throw bad(at, "repeats, so it must be a JSON array");
        if (value.isEmpty()) throw bad(at, "empty arrays are not allowed");
        for (int i = 0; i < value.size(); i++) {
          JsonNode item = value.get(i);
          if (item.isNull()) {
            // A null keeps its place only for the extensions of a repeating primitive ("_given").
            if (!obj.has("_" + name)) throw bad(at.item(i), "null is not allowed");
            continue;
          }
          element(item, type, at.item(i), depth + 1, missing);
        }
      } else {
        if (value.isArray()) throw bad(at, "does not repeat, so it must not be an array");
        if (value.isNull()) throw bad(at, "null is not allowed; leave the element out");
        element(value, type, at, depth + 1, missing);
      }
    }
    if (missing != null) {
      for (BaseRuntimeChildDefinition child : requiredChildren(def)) {
        boolean present = false;
        for (String n : child.getValidChildNames()) {
          if (obj.has(n) || obj.has("_" + n)) {
            present = true;
            break;
          }
        }
        if (!present && missing.size() < 50) missing.add(path.child(child.getElementName()).toString());
      }
    }
  }

  /** The children an element must have (min 1 or more), worked out once per definition. */
  private List<BaseRuntimeChildDefinition> requiredChildren(BaseRuntimeElementCompositeDefinition<?> def) {
    return required.computeIfAbsent(def, d -> {
      List<BaseRuntimeChildDefinition> out = new java.util.ArrayList<>();
      for (BaseRuntimeChildDefinition child : d.getChildren()) if (child.getMin() >= 1) out.add(child);
      return List.copyOf(out);
    });
  }

  private void primitiveExtensions(JsonNode value, At at, int depth) {
    if (value.isArray()) {
      for (JsonNode v : value) if (!v.isNull() && !v.isObject()) throw bad(at, "expected objects or nulls");
    } else if (!value.isObject()) {
      throw bad(at, "expected an object");
    }
  }

  private void element(JsonNode value, BaseRuntimeElementDefinition<?> type, At at, int depth,
      java.util.List<String> missing) {
    if (type == null) return;
    switch (type.getChildType()) {
      case PRIMITIVE_DATATYPE, PRIMITIVE_XHTML, PRIMITIVE_XHTML_HL7ORG, ID_DATATYPE -> primitive(value, type.getName(), at);
      case RESOURCE, CONTAINED_RESOURCES, CONTAINED_RESOURCE_LIST -> resource(value, at, depth, missing);
      case COMPOSITE_DATATYPE, RESOURCE_BLOCK -> {
        if (type instanceof BaseRuntimeElementCompositeDefinition<?> comp) composite(value, comp, at, depth, missing);
      }
      default -> {}
    }
  }

  private static void primitive(JsonNode v, String type, At at) {
    switch (type) {
      case "boolean" -> {
        if (!v.isBoolean()) throw bad(at, "must be true or false (a JSON boolean)");
      }
      case "decimal" -> {
        if (!v.isNumber()) throw bad(at, "must be a JSON number");
        // FHIR sets no bound, but 1e400000 costs HAPI's parser seconds and fits no database
        // numeric: no measurement needs more than a thousand digits on either side of the point.
        if (!IndexRows.decimalInBounds(v.decimalValue())) {
          int max = IndexRows.MAX_DECIMAL_DIGITS;
          throw bad(at, "has more than " + max + " digits before or after the decimal point"
              + " / a plus de " + max + " chiffres avant ou après la virgule");
        }
      }
      default -> {
        if (INTEGERS.contains(type)) {
          if (!v.isIntegralNumber()) throw bad(at, "must be a whole JSON number");
          return;
        }
        if (!v.isTextual()) throw bad(at, "must be a JSON string");
        String s = v.asText();
        if (s.isEmpty()) throw bad(at, "empty strings are not allowed");
        for (int i = 0; i < s.length(); i++) {
          char c = s.charAt(i);
          if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') throw bad(at, "contains a control character");
        }
        if (type.equals("xhtml")) {
          String t = s.trim();
          if (!t.startsWith("<div") || !(t.endsWith("</div>") || t.endsWith("/>"))) {
            throw bad(at, "the narrative must be an XHTML <div> element");
          }
          return;
        }
        Pattern p = switch (type) {
          case "date" -> DATE;
          case "dateTime" -> DATE_TIME;
          case "instant" -> INSTANT;
          case "time" -> TIME_ONLY;
          default -> null;
        };
        if (p != null && !p.matcher(s).matches()) throw bad(at, "'" + s + "' is not a valid FHIR " + type);
      }
    }
  }

  /** Every local reference ("Type/id") a JSON resource makes, for the existence check. */
  static void collectReferences(JsonNode node, java.util.function.Consumer<String> out) {
    if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode obj) {
      JsonNode ref = obj.get("reference");
      if (ref != null && ref.isTextual()) out.accept(ref.asText());
      for (JsonNode child : obj) if (child.isContainerNode()) collectReferences(child, out);
    } else if (node != null && node.isArray()) {
      for (JsonNode child : node) if (child.isContainerNode()) collectReferences(child, out);
    }
  }

  private static FhirError bad(At path, String what) {
    return FhirError.badRequest("Invalid FHIR JSON at " + (path.isTop() ? "the top" : path) + ": " + what + ".");
  }

  // ---- XML --------------------------------------------------------------------------------

  private static final XMLInputFactory XML = newXmlFactory();

  private static XMLInputFactory newXmlFactory() {
    XMLInputFactory f = XMLInputFactory.newFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
    return f;
  }

  static void checkXml(String text) {
    XMLStreamReader r = null;
    try {
      r = XML.createXMLStreamReader(new StringReader(text));
      int xhtmlDepth = 0;
      boolean root = true;
      while (r.hasNext()) {
        int ev = r.next();
        switch (ev) {
          case XMLStreamConstants.DTD -> throw FhirError.badRequest("DOCTYPE declarations are not allowed in FHIR XML.");
          case XMLStreamConstants.ENTITY_REFERENCE -> throw FhirError.badRequest("Entity references are not allowed in FHIR XML.");
          case XMLStreamConstants.START_ELEMENT -> {
            String ns = r.getNamespaceURI();
            if (xhtmlDepth > 0 || XHTML_NS.equals(ns)) {
              xhtmlDepth++;
            } else if (!FHIR_NS.equals(ns)) {
              throw FhirError.badRequest("Element <" + r.getLocalName() + "> is not in the FHIR namespace " + FHIR_NS + ".");
            }
            root = false;
          }
          case XMLStreamConstants.END_ELEMENT -> {
            if (xhtmlDepth > 0) xhtmlDepth--;
          }
          case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA -> {
            if (xhtmlDepth == 0 && !r.isWhiteSpace() && !r.getText().isBlank()) {
              throw FhirError.badRequest("Text content '" + r.getText().trim() + "' is not allowed in FHIR XML: values go in value=\"…\" attributes.");
            }
          }
          default -> {}
        }
      }
      if (root) throw FhirError.badRequest("The XML body has no element.");
    } catch (XMLStreamException e) {
      throw FhirError.badRequest("The body is not well-formed XML: " + e.getMessage().split("\n")[0]);
    } finally {
      if (r != null) {
        try {
          r.close();
        } catch (XMLStreamException ignored) {
          // closing a reader over a string cannot fail in a way that matters
        }
      }
    }
  }
}
