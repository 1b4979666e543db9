/**
 * The audit trail: every read, search, write and sign-in of personal health data leaves an entry
 * ({@code audit_event}), append-only, chained by SHA-256 hashes so that an altered or deleted
 * entry is found by verification, the chain's head signed periodically ({@code audit_checkpoint},
 * with a key kept outside the database) so that a chain recomputed after tampering is found too.
 *
 * <p>Public face: {@link org.lafia.audit.AuditTrail} (implements the FHIR module's
 * {@code AuditSink} port), {@link org.lafia.audit.AuditChain} (sealing and verification), and the
 * API at {@code /api/audit} for auditors. Listens to Spring Security's authentication events
 * (sign-in, failure, sign-out, tokens issued and refused).
 */
package org.lafia.audit;
