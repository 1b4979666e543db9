-- FHIR store: current pointer per resource, every version's body, and narrow typed search
-- tables that index only the current version. See docs/architecture.md ("Storage").

create sequence fhir_pid_seq cache 1;

-- One row per logical resource: where its current version is, and whether it is deleted.
create table fhir_resource (
  pid          bigint      primary key,
  res_type     text        not null,
  res_id       text        not null,
  version      integer     not null,
  last_updated timestamptz not null,
  deleted      boolean     not null default false,
  content_hash bytea,
  constraint fhir_resource_type_id unique (res_type, res_id)
);
create index fhir_resource_type_updated on fhir_resource (res_type, last_updated);

-- Every version of every resource, the current one included: bodies are written once.
create table fhir_version (
  pid          bigint      not null,
  version      integer     not null,
  res_type     text        not null,
  res_id       text        not null,
  last_updated timestamptz not null,
  method       char(1)     not null,  -- C create, U update, D delete
  body         text,                  -- null for a delete
  primary key (pid, version)
);
create index fhir_version_updated on fhir_version (last_updated);
create index fhir_version_type_updated on fhir_version (res_type, last_updated);

-- Search values. "sp" is a stable 32-bit code of "ResourceType.param" (SearchParamRegistry.code).
-- Rows exist only for current, non-deleted versions. Value indexes end with pid so that an equality
-- search reads matches in pid order (keyset paging without a sort) and index-only.
create table fhir_sp_string (
  pid   bigint not null,
  sp    integer not null,
  norm  text   not null,   -- lower case, accents removed, spaces folded: prefix search
  exact text   not null
);
create index fhir_sp_string_val on fhir_sp_string (sp, norm text_pattern_ops, pid);
create index fhir_sp_string_pid on fhir_sp_string (pid);

create table fhir_sp_token (
  pid  bigint not null,
  sp   integer not null,
  sys  text,
  code text,
  txt  text               -- normalised display / text, for :text
);
create index fhir_sp_token_val on fhir_sp_token (sp, code, sys, pid);
create index fhir_sp_token_pid on fhir_sp_token (pid);

create table fhir_sp_ref (
  pid      bigint not null,
  sp       integer not null,
  tgt_type text,           -- null for an absolute URL outside this server or a canonical
  tgt_id   text   not null -- the id, or the whole URL when tgt_type is null
);
create index fhir_sp_ref_val on fhir_sp_ref (tgt_id, sp, pid);
create index fhir_sp_ref_pid on fhir_sp_ref (pid);

create table fhir_sp_date (
  pid bigint      not null,
  sp  integer     not null,
  lo  timestamptz not null, -- first instant of the value at its precision
  hi  timestamptz not null  -- last instant of the value at its precision
);
create index fhir_sp_date_val on fhir_sp_date (sp, lo, hi, pid);
create index fhir_sp_date_pid on fhir_sp_date (pid);

create table fhir_sp_number (
  pid bigint  not null,
  sp  integer not null,
  val numeric not null
);
create index fhir_sp_number_val on fhir_sp_number (sp, val, pid);
create index fhir_sp_number_pid on fhir_sp_number (pid);

create table fhir_sp_quantity (
  pid  bigint  not null,
  sp   integer not null,
  sys  text,
  code text,
  val  numeric not null
);
create index fhir_sp_quantity_val on fhir_sp_quantity (sp, val, pid);
create index fhir_sp_quantity_pid on fhir_sp_quantity (pid);

create table fhir_sp_uri (
  pid bigint  not null,
  sp  integer not null,
  uri text    not null
);
create index fhir_sp_uri_val on fhir_sp_uri (sp, uri, pid);
create index fhir_sp_uri_pid on fhir_sp_uri (pid);
