-- A local reference is stored with its target's pid (known at write time: references are checked
-- to exist), and indexed as (sp, tgt_pid, pid) instead of (tgt_id, sp, pid). The old key began with
-- the target's id, often a random UUID, so each insertion landed on a random leaf of a large index;
-- target pids are recent for most new rows (the patient and encounter of the same bundle), so
-- insertions cluster. Chains, _has, includes and $everything join on the integer.
-- References without a local target (absolute URLs of other servers, canonicals) keep tgt_pid null
-- and are found by their text through a partial index.
alter table fhir_sp_ref add column tgt_pid bigint;

update fhir_sp_ref x set tgt_pid = r.pid
  from fhir_resource r
 where x.tgt_type is not null and r.res_type = x.tgt_type and r.res_id = x.tgt_id;

drop index fhir_sp_ref_val;
create index fhir_sp_ref_tgt on fhir_sp_ref (sp, tgt_pid, pid) where tgt_pid is not null;
create index fhir_sp_ref_url on fhir_sp_ref (sp, tgt_id, pid) where tgt_pid is null;
