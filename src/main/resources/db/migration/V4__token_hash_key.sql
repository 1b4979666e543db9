-- Token values are found through 64-bit hashes of their code and system instead of the texts
-- themselves: the value index's key shrinks from ~50 bytes of text (a LOINC code and
-- "http://loinc.org") to 16, and each insertion compares integers instead of strings (measured:
-- 0.8 s instead of 2.6 s of index work for 921 k rows). PostgreSQL computes the hashes (the same
-- function answers the search side), so the columns cannot drift from the texts. A collision of
-- two 64-bit hashes within one parameter is the only way a wrong row could match (as in HAPI FHIR's
-- hashed token index); the texts stay in the row for _sort and :text.
alter table fhir_sp_token
  add column hcode bigint generated always as (hashtextextended(code, 0)) stored,
  add column hsys  bigint generated always as (hashtextextended(sys, 0)) stored;

drop index fhir_sp_token_val;
create index fhir_sp_token_val on fhir_sp_token (sp, hcode, hsys, pid);
