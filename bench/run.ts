import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchApi, type ApiResult } from './api.bench.ts';
import { DIRECT_ENTRY, FALLBACK_NOTE, prepareFixture, serverEntry, type Fixture } from './fixtures.ts';
import { machine, ROOT } from './lib.ts';
import { benchImports, benchStartup, type ImportBreakdown, type StartupResult } from './startup.bench.ts';

/*
 * `npm run bench [-- --runs 7 --duration 10 --connections 10 --only startup|api --modes pglite,postgres]`
 * Prints the figures and writes them to bench/results/latest.json (BENCHMARKS.md quotes that file).
 */

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    only: { type: 'string' },
    modes: { type: 'string', default: 'pglite,postgres' },
  },
});
const runs = Number(values.runs);
const duration = Number(values.duration);
const connections = Number(values.connections);
const modes = values.modes!.split(',').filter(Boolean) as ('pglite' | 'postgres')[];
for (const mode of modes) {
  if (mode !== 'pglite' && mode !== 'postgres') throw new Error(`--modes : pglite ou postgres, pas « ${mode} ».`);
}

const results: {
  date: string;
  machine: Record<string, unknown>;
  settings: Record<string, unknown>;
  entry: Record<string, { command: string; web: string; note: string }>;
  fixtures: Record<string, unknown>;
  startup: Record<string, StartupResult | { skipped: string }>;
  api: Record<string, ApiResult | { skipped: string }>;
  moduleLoading?: ImportBreakdown;
} = {
  date: new Date().toISOString(),
  machine: machine(),
  settings: { runs, durationS: duration, connections, modes },
  entry: {},
  fixtures: {},
  startup: {},
  api: {},
};

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(value < 10 ? 2 : 0)} ms`;
}

console.log(`maillage — benchmarks (${results.date}, ${String(results.machine.nproc)} cœurs, Node ${process.version})`);

for (const mode of modes) {
  console.log(`\n━━ ${mode === 'pglite' ? 'PGlite (embarqué)' : 'PostgreSQL'} ━━`);
  const prepared = await prepareFixture(mode);
  if ('skipped' in prepared) {
    console.log(`  non mesuré : ${prepared.skipped}`);
    results.startup[mode] = prepared;
    results.api[mode] = prepared;
    continue;
  }
  const fixture: Fixture = prepared;
  results.fixtures[mode] = { location: fixture.location, demo: fixture.demo, notes: fixture.notes };
  console.log(`  base existante : ${fixture.location} (${fixture.demo ? 'avec la démo' : 'sans démo'})`);
  for (const note of fixture.notes) console.log(`  ! ${note}`);
  try {
    if (values.only !== 'api') {
      let entry = serverEntry();
      let startup: StartupResult;
      try {
        startup = await benchStartup(fixture, entry, runs);
      } catch (error) {
        // The web app stopped building mid-way (its sources are being edited): measure without that step.
        entry = {
          args: DIRECT_ENTRY,
          web: 'build-failed',
          note: `${(error as Error).message.split('\n')[0]} ; ${FALLBACK_NOTE}`,
        };
        startup = await benchStartup(fixture, entry, runs);
      }
      results.entry[mode] = { command: `node ${entry.args.join(' ')}`, web: entry.web, note: entry.note };
      console.log(`  démarrage mesuré : node ${entry.args.join(' ')} — ${entry.note}`);
      results.startup[mode] = startup;
      console.log(
        `  démarrage à froid jusqu’à /health/ready 200 : médiane ${ms(startup.wallMs.median)}, p95 ${ms(startup.wallMs.p95)} ` +
          `(${runs} fois ; dont main() → écoute : médiane ${ms(startup.serverReportedMs.median)}) ; ` +
          `cible ${ms(startup.targetMs)} : ${startup.verdict}`,
      );
    }
    if (values.only !== 'startup') {
      const api = await benchApi(fixture, connections, duration);
      results.api[mode] = api;
      const line = (label: string, f: ApiResult['live']) =>
        `  ${label.padEnd(34)} ${String(f.requestsPerSecond).padStart(6)} req/s, latence médiane ${ms(f.latencyMs.median)}, ` +
        `p95 ${ms(f.latencyMs.p95)}${f.errors ? ` — ${f.errors} erreurs` : ''}`;
      console.log(line('GET /health/live (sans base)', api.live));
      console.log(line('GET /health/ready (3 requêtes SQL)', api.ready));
      console.log(line('même SQL sur le pilote', api.driver));
      console.log(
        `  rapport HTTP / pilote : débit ${(api.ratio.throughput * 100).toFixed(1)} %, latence médiane ×${api.ratio.medianLatency}`,
      );
    }
  } finally {
    await fixture.cleanup();
  }
}

if (values.only !== 'api') {
  const imports = await benchImports(5);
  results.moduleLoading = imports;
  console.log(`\n━━ Chargement des modules avant main() (processus neuf, médiane de 5) ━━`);
  console.log(
    `  processus complet ${ms(imports.processMs.median)} (p95 ${ms(imports.processMs.p95)}), dont Node + tsx ${ms(imports.nodeAndTsxMs)}`,
  );
  for (const [name, value] of Object.entries(imports.groupsMs)) console.log(`  ${name.padEnd(56)} ${ms(value)}`);
}

const file = path.join(ROOT, 'bench/results/latest.json');
fs.mkdirSync(path.dirname(file), { recursive: true });
// Formatted as the repository's Prettier wants it, so `npm run lint` stays green after a run.
const prettier = await import('prettier');
const options = (await prettier.resolveConfig(file)) ?? {};
fs.writeFileSync(file, await prettier.format(JSON.stringify(results), { ...options, parser: 'json' }));
console.log(`\nRésultats écrits dans ${path.relative(ROOT, file)}.`);
