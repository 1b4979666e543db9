-- Whose records each facility may open, one row per patient, derived from fhir_care (V9, V10) and
-- rewritten with it in the same transaction (CareIndex): so that the test a restricted search
-- makes for every candidate is one primary-key probe and three array comparisons, instead of
-- four probes of fhir_care and the planning of four subqueries (docs/architecture.md, "Whose
-- records"). For the patient:
--   care         the live Organizations they are in care at (C rows)
--   restrict_to  null without a restricting consent; else the Organizations the record is kept
--                to (R rows), 0 for a consent that names none or a facility since deleted
--   tele         null without a tele-expertise consent (X); else the live Organizations asked
--                for a tele-expertise opinion (T rows)
-- A record is open to a caller of facilities O when (care && O and (restrict_to is null or
-- restrict_to <@ O)) or tele && O. Filled from fhir_care at the first start after this migration
-- (CareIndex.backfill).
create table fhir_patient_access (
  patient_pid  bigint primary key,
  care         bigint[] not null,
  restrict_to  bigint[],
  tele         bigint[]
);
-- A facility deleted (or created again) changes the rows of its patients.
create index fhir_care_org on fhir_care (org_pid);
