-- The client registry's national health IDs: the n-th ID issued is NationalHealthId.issue(country, n).
-- A sequence never goes back (a rolled-back registration burns its number): an ID is never issued twice.
create sequence registry_health_id_seq as bigint minvalue 1 maxvalue 999999999 no cycle;
