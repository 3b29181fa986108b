import { buildApp } from './app.ts';
import { loadConfig, type Config } from './config.ts';
import { migrateToLatest } from './db/migrate.ts';
import { openConfiguredDatabase, type OpenedDatabase } from './db/open.ts';
import { loadDemoIfEmpty } from './demo/load.ts';
import { demoAccountsBanner } from './platform/accounts/demo.ts';
import { sealAuditLog } from './platform/audit/seal.ts';
import { MailSender } from './platform/mail/sender.ts';
import { fail, OperatorError } from './platform/operator-errors.ts';

export async function main(): Promise<void> {
  const startedAt = performance.now();
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    return fail(error);
  }

  let database: OpenedDatabase | undefined;
  try {
    database = await openConfiguredDatabase(config, 'npm start');
    if (database.lock?.tookOverStale) {
      console.warn('Verrou laissé par un processus arrêté brutalement : repris.');
    }
    await migrateToLatest(database.db);
    const demo = config.demo ? await loadDemoIfEmpty(database.db) : undefined;

    const app = await buildApp({
      config,
      db: database.db,
      dbMode: database.mode,
    });
    try {
      await app.listen({ port: config.port, host: config.host });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') {
        throw new OperatorError(
          `Le port ${config.port} est déjà utilisé par un autre programme : arrêtez-le ou choisissez un autre port avec PORT=…`,
        );
      }
      if (code === 'EACCES') {
        throw new OperatorError(
          `Le port ${config.port} est réservé : choisissez un port au-dessus de 1024 avec PORT=…`,
        );
      }
      throw error;
    }

    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://${config.host === '0.0.0.0' || config.host === '127.0.0.1' ? 'localhost' : config.host}:${port}`;
    const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
    console.log(
      `\nmaillage est prêt sur ${url} (${seconds} s, base ${database.mode === 'pglite' ? `embarquée dans ${database.location}` : `PostgreSQL ${database.location}`})`,
    );
    console.log(`  API : ${url}/api/docs`);
    if (demo) console.log(demo.summary);
    if (config.env !== 'production') {
      const banner = await demoAccountsBanner(database.db);
      if (banner) console.log(banner);
    }

    // Without SMTP, mails stay in the outbox (listed at /api/dev/mails outside production).
    const mailSender = config.smtpUrl
      ? new MailSender(database.db, {
          smtpUrl: config.smtpUrl,
          from: config.mailFrom,
          pollMs: 2_000,
          onError: (error) => app.log.error({ err: error }, 'envoi des courriels'),
        })
      : undefined;
    mailSender?.start();
    // Seal the audit log every minute; on several nodes the advisory lock keeps it to one at a time.
    const sealer = setInterval(() => {
      sealAuditLog(database!.db).catch((error) => app.log.error({ err: error }, 'scellement du journal d’audit'));
    }, 60_000);
    sealer.unref();

    installShutdown(app, database, config, async () => {
      clearInterval(sealer);
      await mailSender?.stop();
    });
  } catch (error) {
    await database?.close().catch(() => {});
    return fail(error);
  }
}

function installShutdown(
  app: { close(): Promise<void> },
  database: OpenedDatabase,
  config: Config,
  /** Stops the background work (mail sender, audit sealer) once requests are done. */
  stopBackground: () => Promise<void>,
): void {
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`\n${signal} reçu : fin des requêtes en cours, puis fermeture de la base.`);
    const timer = setTimeout(() => {
      console.error(`Arrêt forcé après ${config.shutdownGraceSeconds} s.`);
      database.lock?.release();
      process.exit(1);
    }, config.shutdownGraceSeconds * 1000);
    timer.unref();
    try {
      await app.close();
      await stopBackground();
      await database.close();
      console.log('maillage arrêté proprement.');
      process.exit(0);
    } catch (error) {
      console.error(`Arrêt incomplet : ${(error as Error).message}`);
      database.lock?.release();
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

await main();
