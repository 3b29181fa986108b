import { sql, type Kysely } from 'kysely';

/** Single-use password-reset tokens; only their SHA-256 is stored. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table password_reset_token (
      token_hash text primary key,
      account_id uuid not null references account (id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      used_at timestamptz
    );
    create index password_reset_token_account_idx on password_reset_token (account_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table password_reset_token;`.execute(db);
}
