/**
 * Ports of the FHIR module that other modules implement: {@link org.lafia.fhir.spi.AccessPolicy}
 * (by {@code security}) and {@link org.lafia.fhir.spi.AuditSink} (by {@code audit}). The FHIR
 * module depends on these interfaces only.
 */
package org.lafia.fhir.spi;
