package org.lafia.fhir.spi;

import java.util.List;

/**
 * Whose records a caller may see: everyone's, or those of the patients with a care relationship
 * to the caller's facilities (their managing organisation, an encounter there, an episode of care
 * there, a referral to it), less the patients whose consent keeps their record to the facility
 * that holds it, plus patients granted by break-the-glass.
 *
 * @param all no restriction (systems, registry and national roles)
 * @param organizations ids of the Organizations the caller works in
 * @param grantedPatients ids of Patients granted to the caller for now (break-the-glass)
 */
public record PatientScope(boolean all, List<String> organizations, List<String> grantedPatients) {
  public static final PatientScope ALL = new PatientScope(true, List.of(), List.of());

  /** The coding that marks a Consent as "only the holding facility may see my record". */
  public static final String RESTRICT_SYSTEM = "http://lafia.health/fhir/CodeSystem/consent-category";
  public static final String RESTRICT_CODE = "restrict-sharing";
}
