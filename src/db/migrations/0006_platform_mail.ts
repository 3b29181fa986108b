import { sql, type Kysely } from 'kysely';

/**
 * The mail outbox: a mail is a row written in the same transaction as what caused it, then sent by the
 * sender, which claims rows with SKIP LOCKED (one sender per row across nodes), retries with backoff and
 * never deletes. A process that dies mid-send leaves a 'sending' row that is claimed again later.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table mail_outbox (
      id uuid primary key default gen_random_uuid(),
      kind text not null,
      recipient text not null,
      subject text not null,
      body_text text not null,
      status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed')),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null default now(),
      claimed_at timestamptz,
      last_error text,
      created_at timestamptz not null default now(),
      sent_at timestamptz
    );
    create index mail_outbox_due_idx on mail_outbox (next_attempt_at) where status in ('pending', 'sending');
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table mail_outbox;`.execute(db);
}
