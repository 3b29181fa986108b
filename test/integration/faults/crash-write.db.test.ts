import { describe, expect, test } from 'vitest';
import {
  baseEnv,
  createDatabase,
  freePort,
  kind,
  sleep,
  spawnNode,
  startServer,
  migratedDataDir,
  PROCESS_TEST_TIMEOUT,
  useCleanup,
  within,
  type Running,
} from './harness.ts';

/*
 * kill -9 in the middle of a write loop, twice, then the server starts on what is left: every number the
 * writer printed (it prints only after COMMIT returned) must be in the database, with no hole, and amcheck
 * must find table and index sound. PGlite runs with fsync off: this covers a process crash, not a power loss.
 */

const WRITER = 'test/integration/faults/write-loop.ts';

function committed(stdout: string): number[] {
  // Only whole lines: the last one may have been cut by the kill.
  return stdout
    .split('\n')
    .slice(0, -1)
    .flatMap((line) => {
      const m = /^committed (\d+)$/.exec(line);
      return m ? [Number(m[1])] : [];
    });
}

async function untilCommitted(writer: Running, count: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (committed(writer.stdout()).length < count) {
    if (writer.child.exitCode !== null || writer.child.signalCode !== null) {
      throw new Error(`L’écrivain s’est arrêté tout seul.\n${writer.stdout().slice(-2000)}\n${writer.stderr()}`);
    }
    if (Date.now() > deadline) throw new Error(`Moins de ${count} écritures en ${ms} ms.\n${writer.stderr()}`);
    await sleep(10);
  }
}

describe(
  `kill -9 during a write loop (${kind === 'pglite' ? 'PGlite' : 'PostgreSQL'})`,
  { timeout: PROCESS_TEST_TIMEOUT },
  () => {
    useCleanup({ pgliteTemplate: kind === 'pglite' });

    test('every committed row survives two kill -9, the database opens, amcheck is clean', async () => {
      const env = baseEnv({
        PORT: String(await freePort()),
        ...(kind === 'pglite'
          ? { MAILLAGE_DATA_DIR: await migratedDataDir('crash') }
          : { DATABASE_URL: await createDatabase() }),
      });

      const printed: number[] = [];
      for (const round of [1, 2]) {
        const writer = spawnNode(['--import', 'tsx', WRITER, 'write'], env);
        // A different point of the loop each run: the kill lands anywhere in a transaction.
        await untilCommitted(writer, 150 + Math.floor(Math.random() * 250), 90_000);
        await sleep(Math.random() * 20);
        writer.child.kill('SIGKILL');
        const result = await within(writer, 10_000, 'écrivain');
        expect(result.signal).toBe('SIGKILL');

        const ready = /^ready (\d+) (\S+)$/m.exec(result.stdout);
        expect(ready, result.stdout.slice(0, 500)).not.toBeNull();
        const resumedAt = Number(ready![1]);
        if (round === 1) {
          expect(resumedAt).toBe(0);
        } else {
          // The restarted writer found everything the first one printed, and at most the one it was committing.
          expect(resumedAt).toBeGreaterThanOrEqual(printed.at(-1)!);
          expect(resumedAt).toBeLessThanOrEqual(printed.at(-1)! + 1);
          if (kind === 'pglite') expect(ready![2]).toBe('stale-lock-taken-over');
        }
        const numbers = committed(result.stdout);
        expect(numbers.length).toBeGreaterThan(100);
        printed.push(...numbers);
      }

      // The application itself starts on the crashed database (PGlite: taking over the dead writer's lock).
      const server = await startServer(env);
      if (kind === 'pglite')
        expect(server.stderr()).toMatch(/Verrou laissé par un processus arrêté brutalement : repris\./);
      const stopped = await server.stop('SIGTERM');
      expect(stopped.code, stopped.stderr).toBe(0);

      const verify = await within(spawnNode(['--import', 'tsx', WRITER, 'verify'], env), 60_000, 'vérification');
      expect(verify.code, verify.stderr).toBe(0);
      const found = JSON.parse(verify.stdout.trim()) as { numbers: number[]; meta: number | null; amcheck: string };
      const present = new Set(found.numbers);
      expect(printed.filter((n) => !present.has(n))).toEqual([]);
      const last = found.numbers.at(-1)!;
      expect(found.numbers).toEqual(Array.from({ length: last }, (_, i) => i + 1));
      expect(last - printed.at(-1)!).toBeLessThanOrEqual(1);
      // Both statements of each transaction, or neither.
      expect(found.meta).toBe(last);
      expect(found.amcheck).toBe('ok');
    });
  },
);
