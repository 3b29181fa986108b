import net from 'node:net';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, test } from 'vitest';
import { useTestTransaction } from '../../db/testing/index.ts';
import { retryDelaySeconds } from './model.ts';
import { MailSender } from './sender.ts';
import { enqueueMail, mailsForDevelopers } from './service.ts';

interface Received {
  from: string;
  to: string[];
  data: string;
}

/** A real SMTP peer on loopback; `reject` makes it refuse every message (temporary failure). */
async function startSmtp(options: { reject?: boolean } = {}) {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
      stream.on('end', () => {
        if (options.reject) return callback(Object.assign(new Error('boîte pleine'), { responseCode: 452 }));
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = ((server as unknown as { server: net.Server }).server.address() as net.AddressInfo).port;
  return { received, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('mail outbox and SMTP sender', () => {
  const t = useTestTransaction();
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (closers.length) await closers.pop()!();
  });

  async function statusOf(id: string) {
    const r = await sql<{ status: string; attempts: number; last_error: string | null }>`
      select status, attempts, last_error from mail_outbox where id = ${id}`.execute(t.db);
    return r.rows[0]!;
  }

  test('a queued mail is delivered over SMTP and marked sent', async () => {
    const smtp = await startSmtp();
    closers.push(smtp.close);
    const id = await enqueueMail(t.db, {
      kind: 'test',
      to: 'dr.test@exemple.fr',
      subject: 'Essai é',
      text: 'Bonjour, ça marche.',
    });
    const sender = new MailSender(t.db, { smtpUrl: `smtp://127.0.0.1:${smtp.port}`, from: 'maillage <nr@exemple.fr>' });
    closers.push(() => sender.stop());
    await sender.wake();
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.to).toEqual(['dr.test@exemple.fr']);
    expect(smtp.received[0]!.data).toContain('Subject: =?UTF-8?');
    expect(await statusOf(id)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  test('a refusing server leaves the mail pending for a later retry, with the error kept', async () => {
    const smtp = await startSmtp({ reject: true });
    closers.push(smtp.close);
    const id = await enqueueMail(t.db, { kind: 'test', to: 'a@exemple.fr', subject: 's', text: 't' });
    const sender = new MailSender(t.db, { smtpUrl: `smtp://127.0.0.1:${smtp.port}`, from: 'nr@exemple.fr' });
    closers.push(() => sender.stop());
    await sender.wake();
    const after = await statusOf(id);
    expect(after.status).toBe('pending');
    expect(after.last_error).toMatch(/boîte pleine|452/);
    // Not due again at once: the retry waits.
    await sender.wake();
    expect((await statusOf(id)).attempts).toBe(1);
  });

  test('an unreachable server is a failure to retry, not a crash', async () => {
    const id = await enqueueMail(t.db, { kind: 'test', to: 'a@exemple.fr', subject: 's', text: 't' });
    const sender = new MailSender(t.db, { smtpUrl: 'smtp://127.0.0.1:1', from: 'nr@exemple.fr', timeoutMs: 2000 });
    closers.push(() => sender.stop());
    await sender.wake();
    expect((await statusOf(id)).status).toBe('pending');
  });

  test('a mail left "sending" by a sender that died is claimed again and delivered', async () => {
    const smtp = await startSmtp();
    closers.push(smtp.close);
    const id = await enqueueMail(t.db, { kind: 'test', to: 'b@exemple.fr', subject: 's', text: 't' });
    await sql`update mail_outbox set status = 'sending', attempts = 1, claimed_at = now() - interval '10 minutes' where id = ${id}`.execute(
      t.db,
    );
    const sender = new MailSender(t.db, {
      smtpUrl: `smtp://127.0.0.1:${smtp.port}`,
      from: 'nr@exemple.fr',
      staleSeconds: 300,
    });
    closers.push(() => sender.stop());
    await sender.wake();
    expect(smtp.received).toHaveLength(1);
    expect(await statusOf(id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  test('the retry delay doubles and is capped', () => {
    expect([1, 2, 3, 4].map(retryDelaySeconds)).toEqual([60, 120, 240, 480]);
    expect(retryDelaySeconds(20)).toBe(6 * 3600);
  });

  test('the developers’ list of mails exists outside production only', async () => {
    await enqueueMail(t.db, { kind: 'test', to: 'c@exemple.fr', subject: 'Sujet', text: 'Texte' });
    expect((await mailsForDevelopers(t.db, { env: 'development' }))[0]).toMatchObject({
      to: 'c@exemple.fr',
      subject: 'Sujet',
    });
    await expect(mailsForDevelopers(t.db, { env: 'production' })).rejects.toMatchObject({ status: 404 });
  });
});
