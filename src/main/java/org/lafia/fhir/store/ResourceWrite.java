package org.lafia.fhir.store;

import java.time.Instant;
import org.lafia.fhir.index.IndexRows;

/**
 * A version about to be written: a create, update or delete. Collected for a whole transaction and
 * flushed in a few statements by {@link ResourceStore#write}.
 */
public record ResourceWrite(
    long pid,
    String type,
    String id,
    int version,
    Instant lastUpdated,
    char method,
    String body,
    byte[] contentHash,
    boolean firstVersion,
    IndexRows rows) {}
