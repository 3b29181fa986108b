import { sql, type Kysely } from 'kysely';

/**
 * Pro Santé Connect: logins under way (keyed by the SHA-256 of their state, their secrets sealed under a key
 * only the browser holds), the sealed ID token of sessions opened through PSC (for the provider's logout), and
 * the enrolment requests of professionals who logged in through PSC without an account.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table psc_login_flow (
      state_hash text primary key,
      sealed text not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    );
    create index psc_login_flow_expires_idx on psc_login_flow (expires_at);

    create table psc_session (
      session_token_hash text primary key references account_session (token_hash) on delete cascade,
      id_token_sealed text not null,
      created_at timestamptz not null default now()
    );

    create table psc_enrolment_request (
      account_id uuid primary key references account (id) on delete cascade,
      national_id text not null,
      requested_role text not null,
      territory_id uuid references territory (id),
      candidate_territory_ids uuid[] not null default '{}',
      -- What PSC said of the practice (professions, places' structure ids): no patient data.
      practice jsonb not null,
      status text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
      requested_at timestamptz not null default now(),
      decided_at timestamptz,
      decided_by uuid references account (id)
    );
    create index psc_enrolment_request_pending_idx on psc_enrolment_request (territory_id) where status = 'pending';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table psc_enrolment_request; drop table psc_session; drop table psc_login_flow;`.execute(db);
}
