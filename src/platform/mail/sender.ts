import type { Transporter } from 'nodemailer';
import type { Executor } from '../../db/database.ts';
import { MAIL_MAX_ATTEMPTS, retryDelaySeconds } from './model.ts';
import { claimDueMails, markMailFailed, markMailSent } from './store.ts';

export interface MailSenderOptions {
  smtpUrl: string;
  from: string;
  /** How often the outbox is looked at when nobody wakes the sender. */
  pollMs?: number;
  /** A 'sending' row older than this belongs to a sender that died: claim it again. */
  staleSeconds?: number;
  /** Per-mail SMTP time budget. */
  timeoutMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * Sends the outbox over SMTP. Claims a few rows in one short statement, sends them with no transaction
 * open (never hold the database across network I/O), then records each result. Delivery is at least once:
 * a crash between sending and recording sends that mail again.
 */
export class MailSender {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;
  #transport: Promise<Transporter> | undefined;

  constructor(
    private readonly db: Executor,
    private readonly options: MailSenderOptions,
  ) {}

  /** nodemailer is loaded on the first mail, not at start: most starts send nothing at once. */
  #getTransport(): Promise<Transporter> {
    const timeout = this.options.timeoutMs ?? 15_000;
    this.#transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport(this.options.smtpUrl, {
        connectionTimeout: timeout,
        greetingTimeout: timeout,
        socketTimeout: timeout,
      } as never),
    );
    return this.#transport;
  }

  start(): void {
    this.#stopped = false;
    const tick = () => {
      if (this.#stopped) return;
      this.wake();
      this.#timer = setTimeout(tick, this.options.pollMs ?? 5_000);
      this.#timer.unref();
    };
    tick();
  }

  /** Sends what is due now (called after a mail is queued, so it leaves at once). */
  wake(): Promise<void> {
    this.#running ??= this.#drain().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #drain(): Promise<void> {
    try {
      for (;;) {
        const batch = await claimDueMails(this.db, 10, this.options.staleSeconds ?? 300);
        if (batch.length === 0) return;
        for (const mail of batch) {
          try {
            await (
              await this.#getTransport()
            ).sendMail({
              from: this.options.from,
              to: mail.recipient,
              subject: mail.subject,
              text: mail.body_text,
            });
            await markMailSent(this.db, mail.id);
          } catch (error) {
            const retry = mail.attempts >= MAIL_MAX_ATTEMPTS ? null : retryDelaySeconds(mail.attempts);
            await markMailFailed(this.db, mail.id, (error as Error).message ?? String(error), retry);
          }
        }
        if (this.#stopped) return;
      }
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
    if (this.#transport) (await this.#transport).close();
  }
}
