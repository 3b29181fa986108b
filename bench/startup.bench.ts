import { spawn } from 'node:child_process';
import os from 'node:os';
import { serverEntry, webStale, type Entry, type Fixture } from './fixtures.ts';
import { freePort, ROOT, round, sleep, spawnServer, stats, untilReady, type ServerProcess, type Stats } from './lib.ts';

/**
 * Cold start: from spawning the process to the first 200 of /health/ready, on an existing database, a new
 * Node process each run (no warm module cache besides the OS's file cache). The server's own figure (time
 * since main() began, printed in « maillage est prêt … (X s, … ») is kept beside it to show how much is
 * module loading.
 */
export interface StartupResult {
  mode: 'pglite' | 'postgres';
  runsMs: number[];
  wallMs: Stats;
  /** What the server prints: from main() to listening, without loading the modules. */
  serverReportedMs: Stats;
  targetMs: number;
  /** Judged on p95; « en médiane seulement » when only the median is within the target. */
  verdict: 'atteint' | 'atteint en médiane seulement' | 'non atteint';
  /** Runs thrown away because npm start rebuilt the web app during them. */
  discardedRuns: number;
  loadAverage: { before: number[]; after: number[] };
}

async function readyLine(server: ServerProcess): Promise<number | undefined> {
  for (let i = 0; i < 200; i++) {
    const own = /maillage est prêt sur \S+ \(([\d.]+) s/.exec(server.output());
    if (own) return Number(own[1]) * 1000;
    await sleep(10);
  }
  return undefined;
}

export const STARTUP_TARGET_MS = { pglite: 5000, postgres: 2000 } as const;

export async function benchStartup(fixture: Fixture, entry: Entry, runs: number): Promise<StartupResult> {
  const before = os.loadavg().map((l) => round(l));
  const runsMs: number[] = [];
  const reported: number[] = [];
  let discarded = 0;
  for (let i = 0; i < runs; i++) {
    // Sources edited since the last build: npm start would rebuild inside the measured start. Build first.
    if (entry.web === 'built' && webStale()) {
      const rebuilt = serverEntry();
      if (rebuilt.web !== 'built') throw new Error(`web/dist ne se construit plus : ${rebuilt.note}`);
    }
    const port = await freePort();
    const since = performance.now();
    const server = spawnServer(entry.args, { ...fixture.env, PORT: String(port) });
    let failure: unknown;
    try {
      const elapsed = round(await untilReady(server, port, since, 120_000), 0);
      if (/Construction de l’application web/.test(server.output())) {
        // A source changed between the check and the start: this run measured a build. Not kept.
        if (++discarded > 3)
          throw new Error('web/dist reconstruit à chaque démarrage : sources modifiées sans cesse ?');
        i--;
      } else {
        runsMs.push(elapsed);
        // The ready line may reach us just after the first 200.
        const own = await readyLine(server);
        if (own !== undefined) reported.push(own);
      }
    } catch (error) {
      failure = error;
    }
    const code = await server.stop();
    if (failure) throw failure;
    if (code !== 0) throw new Error(`Arrêt anormal (code ${code}) :\n${server.output()}`);
  }
  const wall = stats(runsMs);
  const target = STARTUP_TARGET_MS[fixture.mode];
  return {
    mode: fixture.mode,
    runsMs,
    wallMs: wall,
    serverReportedMs: stats(reported),
    targetMs: target,
    verdict: wall.p95 <= target ? 'atteint' : wall.median <= target ? 'atteint en médiane seulement' : 'non atteint',
    discardedRuns: discarded,
    loadAverage: { before, after: os.loadavg().map((l) => round(l)) },
  };
}

export interface ImportBreakdown {
  /** Spawn to exit of a process that only loads the modules. */
  processMs: Stats;
  /** Median per group of modules, in load order. */
  groupsMs: Record<string, number>;
  /** Node itself and the tsx loader: the process time not spent in the groups. */
  nodeAndTsxMs: number;
}

/** Where a cold start's time goes before main() runs: a fresh process loading main.ts's modules, `runs` times. */
export async function benchImports(runs: number): Promise<ImportBreakdown> {
  const totals: number[] = [];
  const groups: Record<string, number[]> = {};
  for (let i = 0; i < runs; i++) {
    const since = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/imports.ts'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    totals.push(performance.now() - since);
    if (code !== 0) throw new Error(`bench/imports.ts : code ${code}`);
    for (const [name, ms] of Object.entries(JSON.parse(out) as Record<string, number>)) (groups[name] ??= []).push(ms);
  }
  const groupsMs = Object.fromEntries(Object.entries(groups).map(([name, values]) => [name, stats(values).median]));
  const processMs = stats(totals.map((v) => round(v, 0)));
  return {
    processMs,
    groupsMs,
    nodeAndTsxMs: round(processMs.median - Object.values(groupsMs).reduce((a, b) => a + b, 0), 0),
  };
}
