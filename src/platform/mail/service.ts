import type { Config } from '../../config.ts';
import type { Executor } from '../../db/database.ts';
import { AppError } from '../errors.ts';
import type { OutgoingMail } from './model.ts';
import { insertMail, listRecentMails } from './store.ts';

/**
 * Queues a mail. Call it inside the transaction of what causes the mail: both commit, or neither does.
 * The sender (sender.ts) delivers it; a mail is never lost if the process dies.
 */
export function enqueueMail(db: Executor, mail: OutgoingMail): Promise<string> {
  return insertMail(db, mail);
}

/**
 * The mails sent lately, for a developer or an evaluator without a mail server to follow a reset link.
 * Never in production: the outbox holds single-use links.
 */
export async function mailsForDevelopers(db: Executor, config: Pick<Config, 'env'>, limit = 50) {
  if (config.env === 'production') {
    throw new AppError('route-not-found', 'Cette page n’existe pas en production.');
  }
  const rows = await listRecentMails(db, limit);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    to: r.recipient,
    subject: r.subject,
    text: r.body_text,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    createdAt: r.created_at.toISOString(),
    sentAt: r.sent_at?.toISOString() ?? null,
  }));
}
