#!/usr/bin/env node
// `npm test`: runs every test tier this machine can run, says loudly why any other cannot, and ends with
// one line `Total: N passed, N failed, N skipped` summed over the tiers.
//
//   unit + db on PGlite   always
//   db on PostgreSQL      when TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) answers
//   e2e in Chromium       when /usr/bin/chromium (or MAILLAGE_CHROMIUM) exists
//
// MAILLAGE_REQUIRE_TIERS=1 (CI) turns a tier that cannot run into a failure.
// Arguments after `--` go to every vitest run (e.g. `npm test -- src/directory`).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = path.join(root, '.test-results');
fs.mkdirSync(resultsDir, { recursive: true });
const requireTiers = process.env.MAILLAGE_REQUIRE_TIERS === '1';
const extraArgs = process.argv.slice(2);
const vitest = path.join(root, 'node_modules/vitest/vitest.mjs');
const DEFAULT_PG = 'postgres://postgres@127.0.0.1:5432/test';
const chromium = process.env.MAILLAGE_CHROMIUM || '/usr/bin/chromium';

const totals = { passed: 0, failed: 0, skipped: 0 };
const summary = [];

function runVitest(name, projects, env) {
  const outputFile = path.join(resultsDir, `${name}.json`);
  fs.rmSync(outputFile, { force: true });
  const args = [
    vitest,
    'run',
    ...projects.flatMap((p) => ['--project', p]),
    ...(extraArgs.length ? ['--passWithNoTests'] : []),
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${outputFile}`,
    ...extraArgs,
  ];
  console.log(`\n━━ Tier ${name} ━━`);
  const started = Date.now();
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  if (!fs.existsSync(outputFile)) {
    totals.failed += 1;
    summary.push(`${name}: did not report (exit ${result.status}) — counted as 1 failure`);
    return;
  }
  const report = JSON.parse(fs.readFileSync(outputFile, 'utf8'));
  const passed = report.numPassedTests;
  const failed = report.numFailedTests + (report.success || report.numFailedTests > 0 ? 0 : 1);
  const skipped = report.numPendingTests + report.numTodoTests;
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
  summary.push(`${name}: ${passed} passed, ${failed} failed, ${skipped} skipped (${seconds} s)`);
}

function countTests(projects, env) {
  const result = spawnSync(
    process.execPath,
    [vitest, 'list', ...projects.flatMap((p) => ['--project', p]), '--json', ...extraArgs],
    {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, ...env, MAILLAGE_TEST_LIST_ONLY: '1' },
    },
  );
  try {
    return JSON.parse(result.stdout).length;
  } catch {
    return 0;
  }
}

function cannotRun(name, projects, why, env) {
  const n = countTests(projects, env);
  const banner = `!! Tier ${name} NOT RUN: ${why}`;
  console.log(`\n${'!'.repeat(banner.length)}\n${banner}\n${'!'.repeat(banner.length)}`);
  if (requireTiers) {
    totals.failed += Math.max(n, 1);
    summary.push(`${name}: required but cannot run (${why}) — ${Math.max(n, 1)} counted as failed`);
  } else {
    totals.skipped += n;
    summary.push(`${name}: NOT RUN (${why}) — ${n} skipped`);
  }
}

async function postgresAnswers(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return error.message || String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

// 1. Unit tests and the database tier on PGlite.
runVitest('unit+pglite', ['unit', 'db'], { MAILLAGE_TEST_DB: 'pglite' });

// 2. The same database tier on a PostgreSQL server.
const pgUrl = process.env.TEST_DATABASE_URL || DEFAULT_PG;
const pgProblem = await postgresAnswers(pgUrl);
if (pgProblem === undefined) {
  runVitest('postgres', ['db'], { MAILLAGE_TEST_DB: 'postgres', TEST_DATABASE_URL: pgUrl });
} else {
  cannotRun(
    'postgres',
    ['db'],
    `no PostgreSQL at ${pgUrl.replace(/:[^:@/]*@/, ':***@')} (${pgProblem}); set TEST_DATABASE_URL`,
    {
      MAILLAGE_TEST_DB: 'postgres',
    },
  );
}

// 3. Browser tests in Chromium.
if (fs.existsSync(chromium)) {
  runVitest('e2e', ['e2e'], { MAILLAGE_CHROMIUM: chromium });
} else {
  cannotRun('e2e', ['e2e'], `no Chromium at ${chromium} (apt-get install -y chromium)`, {});
}

console.log('\n━━ Summary ━━');
for (const line of summary) console.log(`  ${line}`);
console.log(`Total: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
