-- Emergency access ("break-the-glass"): a person opens a record outside their care relationships,
-- with a stated reason, for a limited time. Granted at once; every grant and every access under it
-- is in the audit trail, marked as such for auditors.
create table sec_access_grant (
  id          bigint generated always as identity primary key,
  login       varchar(100) not null,
  patient_id  varchar(64)  not null,
  reason      text         not null,
  granted     timestamptz  not null default now(),
  expires     timestamptz  not null
);
create index sec_access_grant_login on sec_access_grant (login, expires);
