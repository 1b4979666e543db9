-- Signed checkpoints of the audit chain (docs/architecture.md, "Audit"): every few minutes the
-- sealing node signs the chain's head with a key kept outside the database, so that someone able
-- to rewrite audit_event and recompute every hash after their change still cannot make the chain
-- match the checkpoints signed before it.
create table audit_checkpoint (
  id         bigint       primary key,      -- 1, 2, 3… without gaps (given under the sealing lock and signed): a removed checkpoint shows
  chain_pos  bigint       not null unique,  -- chain position of the last entry covered
  seq        bigint       not null,         -- that entry's audit_event.seq
  hash       bytea        not null,         -- its chain hash
  signed_at  timestamptz  not null,
  key_id     varchar(64)  not null,         -- SHA-256 (hex) of the signing key's public key (X.509 encoding)
  signature  bytea        not null          -- Ed25519 over AuditChain's checkpoint message (id, position, seq, hash, time, key)
);

-- Append-only, like audit_event: never changed nor deleted. A database owner can disable this
-- trigger; the signatures (and the copies of the witness lines in the logs) are what show it.
create function audit_checkpoint_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_checkpoint is append-only: checkpoints cannot be changed or deleted';
end $$;
create trigger audit_checkpoint_append_only before update or delete on audit_checkpoint
  for each row execute function audit_checkpoint_append_only();
create trigger audit_checkpoint_no_truncate before truncate on audit_checkpoint
  for each statement execute function audit_checkpoint_append_only();
