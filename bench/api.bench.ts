import os from 'node:os';
import autocannon from 'autocannon';
import pg from 'pg';
import { openPglite } from '../src/db/database.ts';
import { acquireDataDirLock } from '../src/db/lock.ts';
import { MIGRATION_TABLE } from '../src/db/migrate.ts';
import { pgdataDir } from '../src/db/open.ts';
import { DIRECT_ENTRY, type Fixture } from './fixtures.ts';
import { freePort, round, sleep, spawnServer, stats, untilReady, type Stats } from './lib.ts';

/**
 * A bare API read through the whole stack (HTTP, Fastify, its hooks, Kysely, the driver, the database)
 * against the same SQL run straight on the driver, with the same concurrency, in the same run.
 *
 * The database read is GET /health/ready, which needs no session: `select 1`, then the migration status
 * (`select to_regclass('maillage_migration')`, `select name from "maillage_migration" order by name`).
 * The driver side runs exactly those three statements, one after the other, per iteration.
 */

export interface LoadFigures {
  requestsPerSecond: number;
  latencyMs: { median: number; p95: number; p99: number };
  total: number;
  errors: number;
}

export interface ApiResult {
  mode: 'pglite' | 'postgres';
  connections: number;
  durationS: number;
  live: LoadFigures;
  ready: LoadFigures;
  driver: LoadFigures;
  /** Through the stack ÷ straight on the driver: throughput share kept, and latency multiplier. */
  ratio: { throughput: number; medianLatency: number };
  loadAverage: { before: number[]; after: number[] };
}

function figures(latencies: number[], seconds: number, errors: number): LoadFigures {
  const s: Stats = stats(latencies);
  const sorted = [...latencies].sort((a, b) => a - b);
  const p99 = sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)] ?? 0;
  return {
    requestsPerSecond: round(latencies.length / seconds, 0),
    latencyMs: { median: round(s.median, 2), p95: round(s.p95, 2), p99: round(p99, 2) },
    total: latencies.length,
    errors,
  };
}

async function cannon(port: number, path: string, connections: number, duration: number): Promise<LoadFigures> {
  const latencies: number[] = [];
  let errors = 0;
  const instance = autocannon({
    url: `http://127.0.0.1:${port}${path}`,
    connections,
    duration,
    pipelining: 1,
    timeout: 10,
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode === 200) latencies.push(responseTime);
    else errors++;
  });
  const started = performance.now();
  const result = await instance;
  const seconds = (performance.now() - started) / 1000;
  return figures(latencies, seconds, errors + result.errors + result.timeouts);
}

/** `connections` loops, each running the readiness SQL on the driver until the time is up. */
async function driverLoops(
  connections: number,
  duration: number,
  iteration: () => Promise<void>,
): Promise<LoadFigures> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const end = started + duration * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        try {
          await iteration();
          latencies.push(performance.now() - t);
        } catch {
          errors++;
        }
      }
    }),
  );
  return figures(latencies, (performance.now() - started) / 1000, errors);
}

export async function benchApi(fixture: Fixture, connections: number, duration: number): Promise<ApiResult> {
  const before = os.loadavg().map((l) => round(l));
  const port = await freePort();
  // Started without the web build step: only requests are measured here.
  const server = spawnServer(DIRECT_ENTRY, { ...fixture.env, PORT: String(port) });
  let live: LoadFigures | undefined;
  let ready: LoadFigures | undefined;
  let failure: unknown;
  try {
    await untilReady(server, port, performance.now(), 120_000);
    // Warm-up: JIT, connection pool, PGlite's caches.
    await cannon(port, '/health/ready', connections, 2);
    live = await cannon(port, '/health/live', connections, duration);
    ready = await cannon(port, '/health/ready', connections, duration);
  } catch (error) {
    failure = error;
  }
  const code = await server.stop();
  if (failure || !live || !ready) throw failure ?? new Error('Mesure HTTP incomplète.');
  if (code !== 0) throw new Error(`Arrêt anormal (code ${code}) :\n${server.output()}`);

  // The server is stopped: the driver has the machine (and, for PGlite, the folder) to itself.
  await sleep(500);
  let driver: LoadFigures;
  if (fixture.mode === 'postgres') {
    const pool = new pg.Pool({ connectionString: fixture.url, max: connections });
    // The database is dropped right after (with force): an idle client's late error must not crash the run.
    pool.on('error', () => {});
    try {
      const iteration = async () => {
        await pool.query('select 1');
        await pool.query('select to_regclass($1) as found', [MIGRATION_TABLE]);
        await pool.query(`select name from "${MIGRATION_TABLE}" order by name`);
      };
      await driverLoops(connections, 2, iteration);
      driver = await driverLoops(connections, duration, iteration);
    } finally {
      await pool.end();
    }
  } else {
    const lock = acquireDataDirLock(fixture.dataDir!, 'npm run bench');
    const handle = await openPglite(pgdataDir(fixture.dataDir!));
    try {
      const pglite = handle.pglite!;
      const iteration = async () => {
        await pglite.query('select 1');
        await pglite.query('select to_regclass($1) as found', [MIGRATION_TABLE]);
        await pglite.query(`select name from "${MIGRATION_TABLE}" order by name`);
      };
      await driverLoops(connections, 2, iteration);
      driver = await driverLoops(connections, duration, iteration);
    } finally {
      await handle.close();
      lock.release();
    }
  }

  return {
    mode: fixture.mode,
    connections,
    durationS: duration,
    live,
    ready,
    driver,
    ratio: {
      throughput: round(ready.requestsPerSecond / driver.requestsPerSecond, 3),
      medianLatency: round(ready.latencyMs.median / driver.latencyMs.median, 2),
    },
    loadAverage: { before, after: os.loadavg().map((l) => round(l)) },
  };
}
