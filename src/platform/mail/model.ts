import type { Generated } from 'kysely';

export type MailStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface MailTables {
  mail_outbox: {
    id: Generated<string>;
    kind: string;
    recipient: string;
    subject: string;
    body_text: string;
    status: Generated<MailStatus>;
    attempts: Generated<number>;
    next_attempt_at: Generated<Date>;
    claimed_at: Date | null;
    last_error: string | null;
    created_at: Generated<Date>;
    sent_at: Date | null;
  };
}

export interface OutgoingMail {
  /** What the mail is for ('password-reset', later 'booking-confirmation'…), for follow-up and tests. */
  kind: string;
  to: string;
  subject: string;
  text: string;
}

/** Attempts before a mail is marked failed; the delay doubles from one minute. */
export const MAIL_MAX_ATTEMPTS = 8;

export function retryDelaySeconds(attempt: number): number {
  return Math.min(60 * 2 ** Math.max(0, attempt - 1), 6 * 3600);
}
