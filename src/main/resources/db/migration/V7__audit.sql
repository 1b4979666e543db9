-- The audit trail (docs/architecture.md, "Audit"): one row per access to personal health data or
-- per sign-in, append-only, chained by SHA-256 hashes once sealed.
create table audit_event (
  seq          bigint generated always as identity primary key,  -- order of insertion
  recorded     timestamptz  not null default clock_timestamp(),
  txid         xid8         not null default pg_current_xact_id(), -- the sealer waits until this transaction has ended
  action       char(1)      not null,   -- FHIR AuditEvent.action: C R U D E
  subtype      varchar(40)  not null,   -- read, vread, search, history, create, update, patch, delete, transaction, batch, operation, login, token...
  outcome      smallint     not null,   -- FHIR AuditEvent.outcome: 0 success, 4 minor, 8 serious, 12 major failure
  agent        varchar(200) not null,   -- login of a person or id of a system client
  agent_kind   char(1)      not null,   -- U person, S system, A anonymous
  agent_roles  text[]       not null default '{}',
  source_ip    varchar(64),
  patients     text[]       not null default '{}',  -- Patient ids whose data was touched
  entities     text[]       not null default '{}',  -- Type/id touched (at most a few hundred)
  query        text,                               -- the search or operation as asked
  purpose      text,                               -- why, when the person said (break-the-glass reason)
  detail       text,                               -- outcome description
  chain_pos    bigint unique,                      -- position in the hash chain, set when sealed
  prev_hash    bytea,
  hash         bytea
);
create index audit_event_unsealed on audit_event (seq) where chain_pos is null;
create index audit_event_recorded on audit_event (recorded);
create index audit_event_patients on audit_event using gin (patients);
create index audit_event_agent on audit_event (agent, recorded);

-- Append-only: a row may only be sealed (chain position and hashes set once); never changed or
-- deleted afterwards. A database owner can still disable this trigger: the hash chain is what
-- makes such a change visible (verification reports the first altered or missing entry).
create function audit_event_append_only() returns trigger language plpgsql as $$
begin
  if tg_op in ('DELETE', 'TRUNCATE') then
    raise exception 'audit_event is append-only: entries cannot be deleted';
  end if;
  if old.chain_pos is not null
     or new.seq is distinct from old.seq or new.recorded is distinct from old.recorded
     or new.txid is distinct from old.txid or new.action is distinct from old.action
     or new.subtype is distinct from old.subtype or new.outcome is distinct from old.outcome
     or new.agent is distinct from old.agent or new.agent_kind is distinct from old.agent_kind
     or new.agent_roles is distinct from old.agent_roles or new.source_ip is distinct from old.source_ip
     or new.patients is distinct from old.patients or new.entities is distinct from old.entities
     or new.query is distinct from old.query or new.purpose is distinct from old.purpose
     or new.detail is distinct from old.detail then
    raise exception 'audit_event is append-only: entry % cannot be changed', old.seq;
  end if;
  return new;
end $$;
create trigger audit_event_append_only before update or delete on audit_event
  for each row execute function audit_event_append_only();
create trigger audit_event_no_truncate before truncate on audit_event
  for each statement execute function audit_event_append_only();
