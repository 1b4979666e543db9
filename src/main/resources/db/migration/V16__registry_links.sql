-- The client registry's persons and how each Patient record (a facility's registration) came to
-- belong to one. A person is their national health ID; the Patient records carrying it are its
-- source records. Decisions keep their score and evidence so that a steward can see why.
create table registry_person (
  nhid text primary key,
  created timestamptz not null default now(),
  merged_into text references registry_person (nhid), -- retired: its records now belong to that person
  merged_at timestamptz
);

create table registry_link (
  patient_id text primary key,   -- the Patient record (a source record)
  nhid text not null references registry_person (nhid),
  band text not null check (band in ('auto-link', 'review', 'new', 'identified', 'steward')),
  score double precision,        -- the best candidate's probability, when there was one
  matched_patient text,          -- that candidate
  evidence text,                 -- which fields agreed, with what weights
  decided_by text not null,
  decided_at timestamptz not null default now()
);
create index registry_link_nhid on registry_link (nhid);

-- Possible matches a registry steward decides: the new record (with its own new ID) may be the
-- candidate's person.
create table registry_review (
  id bigserial primary key,
  patient_id text not null,
  candidate_id text not null,
  candidate_nhid text not null,
  score double precision not null,
  evidence text not null,
  status text not null default 'open' check (status in ('open', 'deferred', 'linked', 'distinct')),
  created timestamptz not null default now(),
  decided_by text,
  decided_at timestamptz,
  note text,
  unique (patient_id, candidate_id)
);
create index registry_review_open on registry_review (created, id) where status in ('open', 'deferred');

-- What other modules (surveillance, the record, coverage) follow: a record moved from one person
-- to another. Read in order of seq (GET /api/registry/events?after=N).
create table registry_event (
  seq bigserial primary key,
  kind text not null check (kind in ('PatientsMerged', 'PatientsUnmerged')),
  patient_id text not null,
  from_nhid text not null,
  to_nhid text not null,
  by_agent text not null,
  at timestamptz not null default now(),
  reason text
);

-- What the registry matches on, per Patient record (PersonRecord's fields, in order), and its
-- blocking keys: a new record's candidates are the records sharing the most keys with it, found
-- in the registry's own index without reading or parsing any stored Patient.
create table registry_record (
  patient_id text primary key,
  fields text[] not null,
  updated timestamptz not null default now() -- when the record was last written (the golden record's "most recent")
);

create table registry_key (
  key text not null,
  patient_id text not null,
  primary key (key, patient_id)
);
create index registry_key_patient on registry_key (patient_id);
