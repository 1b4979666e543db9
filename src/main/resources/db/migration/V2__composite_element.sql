-- Which repeating element of the resource a search value came from (Observation.component[i] is
-- i + 1; a value under no repeating first element is 0; -1 unknown), so that a composite search
-- matches its components within one element: systolic > 140 must not match a reading whose
-- diastolic is 150. Rows written before this column existed keep -1 and match as before.
alter table fhir_sp_string   add column grp smallint not null default -1;
alter table fhir_sp_token    add column grp smallint not null default -1;
alter table fhir_sp_ref      add column grp smallint not null default -1;
alter table fhir_sp_date     add column grp smallint not null default -1;
alter table fhir_sp_number   add column grp smallint not null default -1;
alter table fhir_sp_quantity add column grp smallint not null default -1;
alter table fhir_sp_uri      add column grp smallint not null default -1;
