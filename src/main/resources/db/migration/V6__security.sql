-- Security (docs/architecture.md, "Security"): accounts, signing keys, the built-in authorization
-- server's clients and grants, and console sessions. All of it in PostgreSQL so that every node of
-- a deployment shares sign-ins, keys and lock-out counters.

-- People who sign in to the built-in identity provider. Roles, facilities and territories travel
-- in their tokens; the password hash is Argon2id (Spring Security's encoding, prefix {argon2@SpringSecurity_v5_8}).
create table sec_user (
  login            varchar(100) primary key,
  display_name     varchar(200) not null,
  password_hash    varchar(500) not null,
  roles            text[]       not null default '{}',
  facilities       text[]       not null default '{}',   -- Organization/Location ids the user works in
  territories      text[]       not null default '{}',   -- administrative areas (Location ids) the user covers
  locale           varchar(10)  not null default 'fr',
  enabled          boolean      not null default true,
  failed_logins    int          not null default 0,
  locked_until     timestamptz,
  totp_secret      varchar(100),                        -- base32; required before an administrative role signs in
  created          timestamptz  not null default now()
);

-- Keys that sign access and ID tokens. The newest active key signs; every key not yet expired
-- stays in the published JWKS so that tokens it signed remain verifiable after a rotation.
create table sec_signing_key (
  kid              varchar(64)  primary key,
  created          timestamptz  not null default now(),
  expires          timestamptz  not null,               -- removed from the JWKS after this
  private_jwk      text         not null
);

-- Spring Authorization Server's schema, with its PostgreSQL notes applied: timestamptz, text for its
-- blobs. (Its JDBC service reads these column types when it is built and binds values to match:
-- it must be built after this migration has run; see SecurityConfiguration.)
create table oauth2_registered_client (
  id                             varchar(100)  not null primary key,
  client_id                      varchar(100)  not null unique,
  client_id_issued_at            timestamptz   not null default current_timestamp,
  client_secret                  varchar(200),
  client_secret_expires_at       timestamptz,
  client_name                    varchar(200)  not null,
  client_authentication_methods  varchar(1000) not null,
  authorization_grant_types      varchar(1000) not null,
  redirect_uris                  varchar(1000),
  post_logout_redirect_uris      varchar(1000),
  scopes                         varchar(4000) not null,
  client_settings                text          not null,  -- holds a system client's registered JWKS
  token_settings                 varchar(2000) not null
);

create table oauth2_authorization (
  id                             varchar(100) not null primary key,
  registered_client_id           varchar(100) not null,
  principal_name                 varchar(200) not null,
  authorization_grant_type       varchar(100) not null,
  authorized_scopes              varchar(4000),
  attributes                     text,
  state                          varchar(500),
  authorization_code_value       text,
  authorization_code_issued_at   timestamptz,
  authorization_code_expires_at  timestamptz,
  authorization_code_metadata    text,
  access_token_value             text,
  access_token_issued_at         timestamptz,
  access_token_expires_at        timestamptz,
  access_token_metadata          text,
  access_token_type              varchar(100),
  access_token_scopes            varchar(4000),
  oidc_id_token_value            text,
  oidc_id_token_issued_at        timestamptz,
  oidc_id_token_expires_at       timestamptz,
  oidc_id_token_metadata         text,
  refresh_token_value            text,
  refresh_token_issued_at        timestamptz,
  refresh_token_expires_at       timestamptz,
  refresh_token_metadata         text,
  user_code_value                text,
  user_code_issued_at            timestamptz,
  user_code_expires_at           timestamptz,
  user_code_metadata             text,
  device_code_value              text,
  device_code_issued_at          timestamptz,
  device_code_expires_at         timestamptz,
  device_code_metadata           text
);
-- Spring Authorization Server finds an authorization by a token's value: hash indexes, since a
-- JWT may be too long for a btree key and only equality is asked.
create index oauth2_authorization_state on oauth2_authorization using hash (state);
create index oauth2_authorization_code on oauth2_authorization using hash (authorization_code_value);
create index oauth2_authorization_access on oauth2_authorization using hash (access_token_value);
create index oauth2_authorization_refresh on oauth2_authorization using hash (refresh_token_value);
create index oauth2_authorization_id_token on oauth2_authorization using hash (oidc_id_token_value);
create index oauth2_authorization_expiry on oauth2_authorization (greatest(access_token_expires_at, refresh_token_expires_at, authorization_code_expires_at));

create table oauth2_authorization_consent (
  registered_client_id  varchar(100)  not null,
  principal_name        varchar(200)  not null,
  authorities           varchar(1000) not null,
  primary key (registered_client_id, principal_name)
);

-- Spring Session's schema (console sessions shared by every node).
create table spring_session (
  primary_id             char(36)     not null primary key,
  session_id             char(36)     not null,
  creation_time          bigint       not null,
  last_access_time       bigint       not null,
  max_inactive_interval  int          not null,
  expiry_time            bigint       not null,
  principal_name         varchar(100)
);
create unique index spring_session_ix1 on spring_session (session_id);
create index spring_session_ix2 on spring_session (expiry_time);
create index spring_session_ix3 on spring_session (principal_name);

create table spring_session_attributes (
  session_primary_id  char(36)     not null references spring_session (primary_id) on delete cascade,
  attribute_name      varchar(200) not null,
  attribute_bytes     bytea        not null,
  primary key (session_primary_id, attribute_name)
);
