package org.lafia.security;

import java.util.List;

/**
 * What a person does in the health system, and what FHIR access that gives, written as SMART
 * scopes ({@code user/Type.cruds}). A person's token carries role codes; the access policy turns
 * them into these scopes. Territory and care-relationship limits come on top of them.
 */
public enum Role {
  CLINICIAN("clinician", false, "user/*.cruds"),
  NURSE("nurse", false, "user/*.crus"),
  SPECIALIST("specialist", false, "user/*.rs", "user/Communication.cru", "user/CommunicationRequest.cru",
      "user/ServiceRequest.cru", "user/DiagnosticReport.cru"),
  PHARMACIST("pharmacist", false, "user/Patient.rs", "user/Medication.cruds", "user/MedicationRequest.rs",
      "user/MedicationDispense.cruds", "user/MedicationStatement.rs", "user/SupplyDelivery.cruds",
      "user/SupplyRequest.cruds", "user/InventoryReport.cruds", "user/Device.rs", "user/Organization.rs",
      "user/Location.rs"),
  /** Aggregates of their territory, no names: IDSR reports, alerts, facilities. */
  SURVEILLANCE_OFFICER("surveillance-officer", false, "user/MeasureReport.cruds", "user/Measure.rs", "user/Organization.rs",
      "user/Location.rs", "user/DetectedIssue.cruds"),
  /** Case-level data of their territory too: the cases behind the aggregates, for investigation and follow-up. */
  SURVEILLANCE_CASE_OFFICER("surveillance-case-officer", false, "user/MeasureReport.cruds", "user/Measure.rs",
      "user/Observation.rs", "user/Condition.rs", "user/Encounter.rs", "user/Patient.rs", "user/DiagnosticReport.rs",
      "user/Immunization.rs", "user/Organization.rs", "user/Location.rs", "user/DetectedIssue.cruds", "user/Communication.cru"),
  DATA_MANAGER("data-manager", true, "user/*.cruds"),
  REGISTRY_STEWARD("registry-steward", false, "user/Patient.cruds", "user/Person.cruds", "user/Organization.cruds",
      "user/Location.cruds", "user/Practitioner.cruds", "user/PractitionerRole.cruds", "user/HealthcareService.cruds",
      "user/Endpoint.cruds"),
  NATIONAL_ADMIN("national-admin", true, "user/Organization.cruds", "user/Location.cruds", "user/Practitioner.cruds",
      "user/PractitionerRole.cruds", "user/StructureDefinition.cruds", "user/ValueSet.cruds", "user/CodeSystem.cruds",
      "user/SearchParameter.rs"),
  AUDITOR("auditor", false, "user/AuditEvent.rs", "user/Consent.rs", "user/Provenance.rs");

  /** How far a role reaches into patients' records. */
  public enum Reach {
    /** A facility's staff: patients in care at their facilities (or opened by break-the-glass). */
    FACILITY,
    /** Surveillance: aggregates of their facilities and territories, no patient-level records. */
    TERRITORY_AGGREGATES,
    /** Surveillance with case-level data: also patients in care at the facilities of their territories. */
    TERRITORY_CASES,
    /** Every record (registry, national and data-management roles; their scopes limit the types). */
    NATIONAL
  }

  public Reach reach() {
    return switch (this) {
      case CLINICIAN, NURSE, SPECIALIST, PHARMACIST -> Reach.FACILITY;
      case SURVEILLANCE_OFFICER -> Reach.TERRITORY_AGGREGATES;
      case SURVEILLANCE_CASE_OFFICER -> Reach.TERRITORY_CASES;
      default -> Reach.NATIONAL;
    };
  }

  public final String code;
  /** Administrative roles must sign in with a second factor (TOTP). */
  public final boolean administrative;
  public final List<String> scopes;

  Role(String code, boolean administrative, String... scopes) {
    this.code = code;
    this.administrative = administrative;
    this.scopes = List.of(scopes);
  }

  public static Role of(String code) {
    for (Role r : values()) if (r.code.equals(code)) return r;
    return null;
  }
}
