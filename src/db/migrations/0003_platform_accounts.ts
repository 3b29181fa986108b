import { sql, type Kysely } from 'kysely';

/**
 * Accounts, their roles on territories, and sessions. A session row stores only the SHA-256 of the
 * cookie's token, so a read of the table gives no usable session.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table account (
      id uuid primary key default gen_random_uuid(),
      email text not null,
      display_name text not null,
      given_name text,
      family_name text,
      -- idNat_PS of a professional: joins the account to the directory and to Pro Santé Connect.
      national_id text,
      password_hash text,
      status text not null default 'active' check (status in ('active', 'disabled', 'pending')),
      totp_secret text,
      totp_enabled_at timestamptz,
      -- Last accepted TOTP time step: a code is never accepted twice.
      totp_last_counter bigint,
      failed_logins integer not null default 0,
      locked_until timestamptz,
      is_demo boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      last_login_at timestamptz
    );
    create unique index account_email_key on account (lower(email));
    create unique index account_national_id_key on account (national_id) where national_id is not null;

    create table account_grant (
      account_id uuid not null references account (id) on delete cascade,
      role text not null,
      territory_id uuid not null references territory (id),
      granted_by uuid references account (id),
      granted_at timestamptz not null default now(),
      primary key (account_id, role, territory_id)
    );
    create index account_grant_territory_idx on account_grant (territory_id, role);

    create table account_session (
      token_hash text primary key,
      account_id uuid not null references account (id) on delete cascade,
      csrf_token text not null,
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      expires_at timestamptz not null,
      revoked_at timestamptz,
      second_factor_at timestamptz,
      user_agent text
    );
    create index account_session_account_idx on account_session (account_id) where revoked_at is null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table account_session; drop table account_grant; drop table account;`.execute(db);
}
