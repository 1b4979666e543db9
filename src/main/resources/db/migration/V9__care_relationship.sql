-- Care relationships (docs/architecture.md, "Security"): which organisations a patient is in care
-- at, one row per resource that says so (Patient.managingOrganization, an Encounter's
-- serviceProvider, an EpisodeOfCare's managingOrganization, a ServiceRequest's performer). Kept
-- with the index rows when those resources are written, so that "is this patient in care at one
-- of my facilities?" is one index probe in every restricted search. Filled from the existing index
-- rows at the first start after this migration (CareIndex.backfill).
create table fhir_care (
  source_pid   bigint not null,   -- the resource that establishes the relationship
  patient_pid  bigint not null,
  org_pid      bigint not null
);
create index fhir_care_patient on fhir_care (patient_pid, org_pid);
create index fhir_care_source on fhir_care (source_pid);
