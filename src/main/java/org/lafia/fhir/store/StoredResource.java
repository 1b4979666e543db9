package org.lafia.fhir.store;

import java.time.Instant;

/** One stored version: its body is the resource's JSON with id and meta already set. */
public record StoredResource(
    long pid, String type, String id, int version, Instant lastUpdated, char method, String body) {

  public boolean deleted() {
    return method == 'D';
  }
}
