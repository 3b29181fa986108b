import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { describe, expect, test } from 'vitest';
import { PGLITE_EXTENSIONS } from '../../../src/db/database.ts';
import { readLock } from '../../../src/db/lock.ts';
import {
  baseEnv,
  cli,
  createDatabase,
  expectOneErrorLine,
  failedStart,
  freePort,
  get,
  kind,
  postJson,
  migratedDataDir,
  query,
  sleep,
  startServer,
  tempDir,
  PROCESS_TEST_TIMEOUT,
  useCleanup,
  type Server,
} from './harness.ts';

/*
 * The server's life with other processes around it: a second start or a CLI command on a folder the
 * server holds, a kill -9 and the stale lock it leaves, SIGTERM with requests in flight, and data
 * surviving stops, restarts, backup and restore — all real processes, in the tier's database mode.
 */

/** An existing, migrated, empty database of the tier's mode and a free port. */
async function environment(label: string): Promise<NodeJS.ProcessEnv> {
  if (kind === 'pglite')
    return baseEnv({ PORT: String(await freePort()), MAILLAGE_DATA_DIR: await migratedDataDir(label) });
  const env = baseEnv({ PORT: String(await freePort()), DATABASE_URL: await createDatabase() });
  const migrated = await cli(['db', 'migrate'], env);
  expect(migrated.code, migrated.stderr).toBe(0);
  return env;
}

async function waitForOutput(server: Server, pattern: RegExp, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pattern.test(server.stdout())) {
    if (Date.now() > deadline)
      throw new Error(`« ${pattern} » absent après ${ms} ms :\n${server.stdout()}\n${server.stderr()}`);
    await sleep(20);
  }
}

function alive(server: Server): boolean {
  return server.child.exitCode === null && server.child.signalCode === null;
}

/** Inserts `n` rows in maillage_meta of the configured database, outside any maillage process. */
async function seedMeta(env: NodeJS.ProcessEnv, n: number): Promise<void> {
  const rows = `insert into maillage_meta (key, value, updated_at)
    select 'clé-' || i, jsonb_build_object('n', i, 'texte', 'Médecin généraliste « SAS » n°' || i, 'nul', null),
           timestamptz '2025-10-26 02:30:00+02' + i * interval '1 minute 0.000001 second'
    from generate_series(1, ${n}) as i`;
  if (kind === 'postgres') {
    await query(env.DATABASE_URL!, rows);
    return;
  }
  const pglite = await PGlite.create({
    dataDir: path.join(env.MAILLAGE_DATA_DIR!, 'pgdata'),
    extensions: PGLITE_EXTENSIONS,
  });
  try {
    await pglite.exec(rows);
  } finally {
    await pglite.close();
  }
}

/** A backup file's row lines, table by table, in a stable order. */
function backupRows(file: string): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  let table: string | undefined;
  for (const line of zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n')) {
    if (line.startsWith('@begin ')) result[(table = JSON.parse(line.slice(7)).table as string)] = [];
    else if (line.startsWith('@end ')) table = undefined;
    else if (table && line.startsWith('{')) result[table]!.push(line);
  }
  for (const rows of Object.values(result)) rows.sort();
  return result;
}

/**
 * A request the server has started (headers read, routed) and cannot finish until the client sends the
 * rest of its body: an in-flight request without any test-only route. A wrong method on a known path (405)
 * also waits for the body before answering.
 */
function slowRequest(port: number): {
  sendRest(): void;
  response: Promise<{ status: number; type: string; body: string }>;
} {
  const body = JSON.stringify({ motif: 'requête lente pendant l’arrêt' });
  const bytes = Buffer.from(body);
  const socket = net.connect(port, '127.0.0.1');
  socket.write(
    `POST /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${bytes.length}\r\nConnection: close\r\n\r\n`,
  );
  socket.write(bytes.subarray(0, 10));
  const response = new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
    let raw = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (raw += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', ...rest] = raw.split('\r\n\r\n');
      resolve({
        status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1] ?? 0),
        type: /^content-type: (.+)$/im.exec(head)?.[1] ?? '',
        body: rest.join('\r\n\r\n'),
      });
    });
  });
  return { sendRest: () => socket.write(bytes.subarray(10)), response };
}

describe(
  `the server among other processes (${kind === 'pglite' ? 'PGlite' : 'PostgreSQL'})`,
  { timeout: PROCESS_TEST_TIMEOUT },
  () => {
    useCleanup({ pgliteTemplate: kind === 'pglite' });

    test('SIGTERM with a request in flight: the request finishes, new ones are refused, then a clean exit', async () => {
      const env = await environment('sigterm');
      const server = await startServer(env);
      const slow = slowRequest(server.port);
      await sleep(300);
      expect(alive(server)).toBe(true);

      server.child.kill('SIGTERM');
      await waitForOutput(server, /SIGTERM reçu : fin des requêtes en cours/, 5000);
      await sleep(700);
      // Still waiting for our request, no longer listening.
      expect(alive(server)).toBe(true);
      await expect(get(server.port, '/health/live')).rejects.toThrow(/ECONNREFUSED/);

      slow.sendRest();
      const response = await slow.response;
      expect(response.status).toBe(405);
      expect(response.type).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(response.body)).toMatchObject({ code: 'method-not-allowed', status: 405 });

      const exit = await server.stop('SIGTERM');
      expect(exit.code, exit.stderr).toBe(0);
      expect(exit.stdout).toMatch(/maillage arrêté proprement\./);
      if (kind === 'pglite') expect(fs.existsSync(path.join(env.MAILLAGE_DATA_DIR!, 'maillage.lock'))).toBe(false);
    });

    test('data, restored by the CLI or written by the server, survives stops and restarts (checked by db backup)', async () => {
      const source = await environment('source');
      await seedMeta(source, 500);
      const file = path.join(tempDir('backup'), 'sauvegarde.maillage.gz');
      const backup = await cli(['db', 'backup', '--out', file], source);
      expect(backup.code, backup.stderr).toBe(0);
      expect(backup.stdout).toMatch(
        /^Sauvegarde écrite dans .+ : 500 ligne\(s\) de \d+ table\(s\), migration \d{4}_\w+/,
      );
      expect(backup.stderr).toBe('');

      const target = await environment('target');
      const restore = await cli(['db', 'restore', file], target);
      expect(restore.code, restore.stderr).toBe(0);
      expect(restore.stdout).toMatch(/^Restauration terminée dans .+ : 500 ligne\(s\) de \d+ table\(s\)/);
      // Never over existing data.
      const again = await cli(['db', 'restore', file], target);
      expect(expectOneErrorLine(again)).toMatch(/La base cible contient déjà des données \(table maillage_meta\)/);

      // The server writes too: every login attempt is audited, a failed one included (no account needed).
      const requestIds: string[] = [];
      const first = await startServer(target);
      for (let i = 0; i < 3; i++) {
        const login = await postJson(first.port, '/api/auth/login', { email: `inconnu${i}@exemple.fr`, password: 'x' });
        expect(login.status, login.body).toBe(401);
        requestIds.push(JSON.parse(login.body).requestId as string);
      }
      expect((await first.stop('SIGTERM')).code).toBe(0);
      const second = await startServer(target);
      expect((await second.stop('SIGTERM')).code).toBe(0);

      const after = path.join(tempDir('backup-after'), 'apres.maillage.gz');
      expect((await cli(['db', 'backup', '--out', after], target)).code).toBe(0);
      const { audit_event: audit = [], ...others } = backupRows(after);
      const { audit_event: sourceAudit = [], ...sourceOthers } = backupRows(file);
      expect(others).toEqual(sourceOthers);
      expect(others.maillage_meta).toHaveLength(500);
      const written = audit.map((line) => JSON.parse(line) as { action: string; request_id: string });
      expect(written).toHaveLength(sourceAudit.length + 3);
      expect(written.filter((e) => requestIds.includes(e.request_id)).map((e) => e.action)).toEqual([
        'auth.login',
        'auth.login',
        'auth.login',
      ]);
    });

    if (kind === 'pglite') {
      test('a second npm start and CLI commands on a folder the server holds: refused, the server unaffected', async () => {
        const env = await environment('held');
        const server = await startServer(env);
        const lockFile = path.join(env.MAILLAGE_DATA_DIR!, 'maillage.lock');
        expect(readLock(lockFile)?.pid).toBe(server.pid);
        const refusal = new RegExp(
          `^Erreur : Le dossier de données ${env.MAILLAGE_DATA_DIR} est déjà utilisé par un autre processus maillage ` +
            `\\(pid ${server.pid}, « npm start », depuis [^)]+\\) : arrêtez-le d’abord, ou passez par son interface web ou son API\\.$`,
        );
        const out = path.join(tempDir('held-backup'), 'refusee.gz');
        for (const result of [
          await failedStart({ ...env, PORT: String(await freePort()) }),
          await cli(['db', 'migrate'], env),
          await cli(['db', 'backup', '--out', out], env),
        ]) {
          expect(expectOneErrorLine(result)).toMatch(refusal);
        }
        expect(fs.existsSync(out)).toBe(false);
        expect(readLock(lockFile)?.pid).toBe(server.pid);
        expect(alive(server)).toBe(true);
        expect((await get(server.port, '/health/ready')).status).toBe(200);
        expect((await server.stop()).code).toBe(0);
      });

      test('kill -9 of the server leaves a stale lock: the next start takes it over and says so', async () => {
        const env = await environment('stale');
        const first = await startServer(env);
        const killed = await first.stop('SIGKILL');
        expect(killed.signal).toBe('SIGKILL');
        const lockFile = path.join(env.MAILLAGE_DATA_DIR!, 'maillage.lock');
        expect(readLock(lockFile)?.pid).toBe(first.pid);

        const second = await startServer(env);
        expect(second.stderr()).toMatch(/^Verrou laissé par un processus arrêté brutalement : repris\.$/m);
        expect(readLock(lockFile)?.pid).toBe(second.pid);
        expect((await second.stop()).code).toBe(0);
        expect(fs.existsSync(lockFile)).toBe(false);
      });
    } else {
      test('SIGTERM while requests wait on the database: they finish with 200 before it is closed', async () => {
        const env = await environment('sigterm-db');
        const server = await startServer(env);
        const blocker = new pg.Client({ connectionString: env.DATABASE_URL });
        await blocker.connect();
        try {
          // /health/ready reads the migration table: hold it, and its requests wait inside the database.
          await blocker.query('begin');
          await blocker.query('lock table maillage_migration in access exclusive mode');
          const requests = [1, 2, 3].map(() => get(server.port, '/health/ready'));
          // Awaited below; a failure before then must not surface as an unhandled rejection.
          for (const request of requests) request.catch(() => {});
          const deadline = Date.now() + 10_000;
          for (;;) {
            // Inside a transaction, pg_stat_activity is read once and then cached: clear it before each look.
            await blocker.query('select pg_stat_clear_snapshot()');
            const waiting = await blocker.query<{ n: number }>(
              `select count(*)::int as n from pg_stat_activity
             where datname = current_database() and application_name = 'maillage' and wait_event_type = 'Lock'`,
            );
            if (waiting.rows[0]!.n >= 3) break;
            if (Date.now() > deadline) {
              const activity = await blocker.query(
                `select application_name, state, wait_event_type, query from pg_stat_activity where datname = current_database()`,
              );
              throw new Error(`Les requêtes n’attendent pas la base : ${JSON.stringify(activity.rows)}`);
            }
            await sleep(50);
          }
          server.child.kill('SIGTERM');
          await waitForOutput(server, /SIGTERM reçu/, 5000);
          await sleep(500);
          expect(alive(server)).toBe(true);
          await blocker.query('commit');
          for (const response of await Promise.all(requests)) {
            expect(response.status).toBe(200);
            expect(JSON.parse(response.body)).toMatchObject({ status: 'ready' });
          }
        } finally {
          await blocker.end().catch(() => {});
        }
        const exit = await server.stop('SIGTERM');
        expect(exit.code, exit.stderr).toBe(0);
        expect(exit.stdout).toMatch(/maillage arrêté proprement\./);
      });

      test('on PostgreSQL, CLI commands run beside the server, and a kill -9 needs no takeover', async () => {
        const env = await environment('beside');
        await seedMeta(env, 20);
        const server = await startServer(env);
        const migrate = await cli(['db', 'migrate'], env);
        expect(migrate.code, migrate.stderr).toBe(0);
        expect(migrate.stdout).toMatch(/La base est déjà à jour\./);
        const file = path.join(tempDir('beside'), 'pendant.gz');
        const backup = await cli(['db', 'backup', '--out', file], env);
        expect(backup.code, backup.stderr).toBe(0);
        expect(backupRows(file).maillage_meta).toHaveLength(20);
        expect((await get(server.port, '/health/ready')).status).toBe(200);

        expect((await server.stop('SIGKILL')).signal).toBe('SIGKILL');
        const restarted = await startServer(env);
        expect(restarted.stderr()).not.toMatch(/Verrou/);
        expect((await restarted.stop()).code).toBe(0);
      });
    }
  },
);
