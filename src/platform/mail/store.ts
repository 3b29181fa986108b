import { sql } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { OutgoingMail } from './model.ts';

export async function insertMail(db: Executor, mail: OutgoingMail): Promise<string> {
  const row = await db
    .insertInto('mail_outbox')
    .values({ kind: mail.kind, recipient: mail.to, subject: mail.subject, body_text: mail.text })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Claims up to `limit` due mails for this sender: pending ones whose time has come, and 'sending' ones
 * whose sender vanished (claimed more than `staleSeconds` ago). SKIP LOCKED lets several nodes share the work.
 */
export async function claimDueMails(db: Executor, limit: number, staleSeconds: number) {
  const result = await sql<{ id: string; recipient: string; subject: string; body_text: string; attempts: number }>`
    update mail_outbox set status = 'sending', claimed_at = now(), attempts = attempts + 1
    where id in (
      select id from mail_outbox
      where (status = 'pending' and next_attempt_at <= now())
         or (status = 'sending' and claimed_at < now() - make_interval(secs => ${staleSeconds}))
      order by next_attempt_at
      limit ${limit}
      for update skip locked
    )
    returning id, recipient, subject, body_text, attempts
  `.execute(db);
  return result.rows;
}

export async function markMailSent(db: Executor, id: string): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set({ status: 'sent', sent_at: sql<Date>`now()`, last_error: null })
    .where('id', '=', id)
    .execute();
}

export async function markMailFailed(
  db: Executor,
  id: string,
  error: string,
  retryInSeconds: number | null,
): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set({
      status: retryInSeconds === null ? 'failed' : 'pending',
      last_error: error.slice(0, 500),
      next_attempt_at: sql<Date>`now() + make_interval(secs => ${retryInSeconds ?? 0})`,
    })
    .where('id', '=', id)
    .execute();
}

export function listRecentMails(db: Executor, limit: number) {
  return db
    .selectFrom('mail_outbox')
    .select([
      'id',
      'kind',
      'recipient',
      'subject',
      'body_text',
      'status',
      'attempts',
      'last_error',
      'created_at',
      'sent_at',
    ])
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}
