package org.lafia.fhir.rest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A JSON Bundle read as a stream, so that a transaction of tens of thousands of resources (Synthea
 * bundles reach 86 MB) is never held as one tree: a first pass reads the envelope and each entry's
 * request (skipping resources but noting their type and id); then {@link #resource(int)} reads one
 * entry's resource at a time, in the order the transaction executes them.
 */
final class BundleStream {
  /** What the first pass learnt: the Bundle without its resources, and per entry its resource's type and id. */
  record Scan(ObjectNode envelope, String type, List<String> resourceType, List<String> resourceId) {
    boolean hasResource(int i) {
      return resourceType.get(i) != null;
    }
  }

  private final JsonFactory factory;
  /** Reads one value out of the stream (the mapper itself refuses anything after a whole document). */
  private final com.fasterxml.jackson.databind.ObjectReader subtree;
  private final com.fasterxml.jackson.databind.ObjectMapper mapper;
  private final RequestBody body;
  private JsonParser parser;
  private int position = -1;

  BundleStream(com.fasterxml.jackson.databind.ObjectMapper mapper, RequestBody body) {
    this.mapper = mapper;
    this.factory = mapper.getFactory();
    this.subtree = mapper.reader().without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    this.body = body;
  }

  Scan scan() {
    try (JsonParser p = factory.createParser(body.open())) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw bad("the body must be a JSON object");
      ObjectNode envelope = mapper.createObjectNode();
      List<String> types = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        if (name.equals("entry") && p.currentToken() == JsonToken.START_ARRAY) {
          ArrayNode entries = envelope.putArray("entry");
          while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) throw bad("Bundle.entry items must be objects");
            ObjectNode entry = entries.addObject();
            String type = null, id = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String field = p.currentName();
              p.nextToken();
              if (field.equals("resource") && p.currentToken() == JsonToken.START_OBJECT) {
                type = "";
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                  String rf = p.currentName();
                  JsonToken v = p.nextToken();
                  if (rf.equals("resourceType") && v == JsonToken.VALUE_STRING) type = p.getText();
                  else if (rf.equals("id") && v == JsonToken.VALUE_STRING) id = p.getText();
                  else p.skipChildren();
                }
              } else {
                if (entry.has(field)) throw bad("duplicate field '" + field + "' in Bundle.entry");
                entry.set(field, subtree.readTree(p));
              }
            }
            types.add(type);
            ids.add(id);
          }
        } else {
          JsonNode value = subtree.readTree(p);
          if (envelope.has(name)) throw bad("duplicate field '" + name + "'");
          envelope.set(name, value);
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw bad("unexpected content after the Bundle");
      }
      String type = envelope.path("type").asText(null);
      return new Scan(envelope, type, types, ids);
    } catch (FhirError e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw bad(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().split("\n")[0]);
    }
  }

  /** The resource of entry {@code index} (read forward; going back restarts the stream). */
  ObjectNode resource(int index) {
    try {
      if (parser == null || index <= position) restart();
      while (true) {
        JsonToken t = parser.nextToken();
        if (t == JsonToken.END_ARRAY || t == null) throw new IllegalStateException("entry " + index + " not found");
        position++;
        if (position < index) {
          parser.skipChildren();
          continue;
        }
        ObjectNode resource = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String field = parser.currentName();
          parser.nextToken();
          if (field.equals("resource") && parser.currentToken() == JsonToken.START_OBJECT) {
            resource = (ObjectNode) subtree.readTree(parser);
          } else {
            parser.skipChildren();
          }
        }
        return resource;
      }
    } catch (IOException e) {
      throw bad(e.getMessage());
    }
  }

  private void restart() throws IOException {
    if (parser != null) parser.close();
    parser = factory.createParser(body.open());
    position = -1;
    parser.nextToken();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      if (name.equals("entry")) return;
      parser.skipChildren();
    }
    throw new IllegalStateException("Bundle has no entry array");
  }

  void close() {
    try {
      if (parser != null) parser.close();
    } catch (IOException ignored) {
      // a parser over the body in memory holds nothing to release
    }
  }

  private static FhirError bad(String what) {
    return FhirError.badRequest("The body is not valid JSON: " + what + " / Le corps n'est pas du JSON valide.");
  }
}
