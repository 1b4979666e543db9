-- SMART Backend Services client assertions already used (docs/architecture.md, "Security"): a
-- signed assertion is good for one token request only, on whichever node it lands, so the used
-- jti's are kept here until the assertion has expired (plus the clock skew its expiry check
-- allows). The insert that records a use is the check: a conflict means a replay.
create table sec_assertion_jti (
  client_id   varchar(100) not null,
  jti         varchar(255) not null,
  expires_at  timestamptz  not null,
  primary key (client_id, jti)
);
create index sec_assertion_jti_expiry on sec_assertion_jti (expires_at);
