-- Stored bodies become bytes that Lafia compresses (LZ4, see BodyCodec and docs/architecture.md):
-- PostgreSQL no longer checks and stores every byte of each JSON body, nor tries pglz on it.
-- Versions stored before this migration keep their JSON as UTF-8 bytes, which BodyCodec reads as is.
alter table fhir_version alter column body type bytea using convert_to(body, 'UTF8');
-- Already compressed: out of line when large, never compressed again by PostgreSQL.
alter table fhir_version alter column body set storage external;
