/**
 * Ports of the FHIR module that other modules implement: {@link org.lafia.fhir.spi.AccessPolicy}
 * (implemented by {@code security}). The FHIR module depends on these interfaces only.
 */
package org.lafia.fhir.spi;
