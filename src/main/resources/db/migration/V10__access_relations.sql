-- What opens or closes a patient's record to a facility, beside the care relationships of V9
-- (docs/architecture.md, "Security"), one row per resource that says so:
--   C  in care there: Patient.managingOrganization, an Encounter's serviceProvider, an
--      EpisodeOfCare's managingOrganization, a ServiceRequest's performer (a referral)
--   T  asked for a tele-expertise opinion there (a ServiceRequest of category tele-expertise):
--      opens the record only while the patient consents to tele-expertise sharing (an X row)
--   R  an active Consent of category restrict-sharing: the record stays with org_pid (0 when the
--      consent names no facility), closed to every other facility
--   X  an active Consent of category tele-expertise: the patient agrees to share their record
--      with the specialists they are referred to (org_pid 0)
-- Restrictions and consents are rare, so the probes for them use partial indexes of their own.
-- The table is emptied so that the first start after this migration rebuilds every row, the new
-- kinds included, from the index (CareIndex.backfill).
truncate fhir_care;
alter table fhir_care add column kind char(1) not null default 'C';
create index fhir_care_restricted on fhir_care (patient_pid) where kind = 'R';
create index fhir_care_tele_consent on fhir_care (patient_pid) where kind = 'X';
