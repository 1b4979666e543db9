package org.lafia.fhir.store;

import java.time.Instant;
import org.lafia.fhir.index.IndexRows;

/**
 * A version about to be written: a create, update or delete. Added to a {@link Slice}, which encodes
 * it at once, and flushed with the rest of the slice in a few statements by {@link ResourceStore#write}.
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
