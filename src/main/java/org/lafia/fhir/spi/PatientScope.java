package org.lafia.fhir.spi;

import java.util.List;

/**
 * Whose records a caller may see: everyone's, or those of the patients with a care relationship
 * to the caller's facilities (their managing organisation, an encounter there, an episode of care
 * there, a referral to it), less the patients whose consent keeps their record to the facility
 * that holds it; plus the patients referred to one of the caller's facilities for a
 * tele-expertise opinion who consent to tele-expertise sharing, and patients granted by
 * break-the-glass.
 *
 * @param all no restriction (systems, registry and national roles)
 * @param organizations ids of the Organizations the caller works in
 * @param grantedPatients ids of Patients granted to the caller for now (break-the-glass)
 */
public record PatientScope(boolean all, List<String> organizations, List<String> grantedPatients) {
  public static final PatientScope ALL = new PatientScope(true, List.of(), List.of());

  /** Lafia's categories of Consent. */
  public static final String CONSENT_CATEGORY_SYSTEM = "http://lafia.health/fhir/CodeSystem/consent-category";
  /** Consent category "only the holding facility (Consent.organization) may see my record". */
  public static final String RESTRICT_CODE = "restrict-sharing";
  /** Consent category "my record may be shared with the specialists I am referred to for an opinion". */
  public static final String TELE_EXPERTISE_CODE = "tele-expertise";
  /** Lafia's categories of ServiceRequest: {@link #TELE_EXPERTISE_CODE} asks a remote specialist for an opinion. */
  public static final String REQUEST_CATEGORY_SYSTEM = "http://lafia.health/fhir/CodeSystem/request-category";
}
