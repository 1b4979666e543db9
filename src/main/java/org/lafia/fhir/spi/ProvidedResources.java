package org.lafia.fhir.spi;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resource types that another module serves, read-only, instead of the store: the audit module
 * serves {@code AuditEvent} from its own append-only trail. The FHIR layer still authenticates,
 * checks the caller's scopes, formats the Bundle and audits the access.
 */
public interface ProvidedResources {

  /** One resource as JSON. */
  record Item(String id, Instant lastUpdated, String json) {}

  /** One page, newest first; {@code nextCursor} null on the last page. */
  record Page(List<Item> items, String nextCursor, List<String> patients) {}

  Set<String> types();

  /**
   * @throws IllegalArgumentException for a parameter or value the provider does not understand;
   *     its message is shown to the client (400)
   */
  Page search(String type, Map<String, List<String>> params, int count, String cursor);

  Item read(String type, String id);

  ProvidedResources NONE = new ProvidedResources() {
    @Override
    public Set<String> types() {
      return Set.of();
    }

    @Override
    public Page search(String type, Map<String, List<String>> params, int count, String cursor) {
      throw new IllegalStateException("no provider");
    }

    @Override
    public Item read(String type, String id) {
      return null;
    }
  };
}
