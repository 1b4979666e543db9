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
 * <p>Surveillance staff reach by territory: the facilities of a territory are the Organizations
 * below it ({@code Organization.partOf}, any depth). Aggregates (a summary {@code MeasureReport})
 * are territorial: visible when their reporter is one of the caller's facilities or in one of
 * their territories. Patient-level records only where the caller's roles allow case-level data.
 *
 * @param all no restriction (systems, registry and national roles)
 * @param organizations ids of the Organizations the caller works in
 * @param organizationCases whether the patients in care at {@code organizations} are open (care
 *     staff), or only the aggregates reported there (a facility's surveillance focal point)
 * @param territories ids of the Organizations of the administrative areas the caller covers
 *     (region, district...): they and every Organization below them
 * @param territoryCases whether the patients in care at the facilities of {@code territories}
 *     are open (case-level surveillance), or only their aggregates
 * @param grants the Patients granted to the caller for now (break-the-glass), or null if the
 *     caller's roles take no grant
 */
public record PatientScope(boolean all, List<String> organizations, boolean organizationCases, List<String> territories,
    boolean territoryCases, Grants grants) {
  public static final PatientScope ALL = new PatientScope(true, List.of(), true, List.of(), true, null);

  /** Nothing but data that is neither patients' nor territorial. */
  public static final PatientScope NONE = new PatientScope(false, List.of(), false, List.of(), false, null);

  /** The scope of a facility's staff: patients in care at these facilities, and those granted. */
  public static PatientScope facilities(List<String> organizations, Grants grants) {
    return new PatientScope(false, organizations, true, List.of(), false, grants);
  }

  /**
   * The caller's emergency grants, as the security module keeps them: a query of the ids of the
   * Patients granted now, with one text argument. The FHIR module makes it part of each statement
   * that tests access, so a grant costs no lookup of its own and takes effect at once, on every node.
   *
   * @param patientIdsSql a SELECT of one text column (Patient ids), with one {@code ?}
   * @param argument the value of that {@code ?} (the caller's login)
   */
  public record Grants(String patientIdsSql, String argument) {}

  /** Lafia's categories of Consent. */
  public static final String CONSENT_CATEGORY_SYSTEM = "http://lafia.health/fhir/CodeSystem/consent-category";
  /** Consent category "only the holding facility (Consent.organization) may see my record". */
  public static final String RESTRICT_CODE = "restrict-sharing";
  /** Consent category "my record may be shared with the specialists I am referred to for an opinion". */
  public static final String TELE_EXPERTISE_CODE = "tele-expertise";
  /** Lafia's categories of ServiceRequest: {@link #TELE_EXPERTISE_CODE} asks a remote specialist for an opinion. */
  public static final String REQUEST_CATEGORY_SYSTEM = "http://lafia.health/fhir/CodeSystem/request-category";
}
