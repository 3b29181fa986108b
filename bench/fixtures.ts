import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  adminQuery,
  baseEnv,
  databaseUrl,
  freePort,
  postgresAdminUrl,
  postgresProblem,
  redact,
  ROOT,
  spawnServer,
  tempDir,
  untilReady,
} from './lib.ts';

/**
 * What the benchmarks start: `npm start` (node bin/start.mjs) when the web app is built and current, as an
 * operator's second start finds it. bin/start.mjs rebuilds web/dist first when its sources are newer; the
 * build is done here beforehand, never inside a measured start. If it cannot be built, the server entry
 * is measured without that step, and the results say so.
 */
/** bin/start.mjs without its web build step: for the starts that are not measured, and as a fallback. */
export const DIRECT_ENTRY = ['--import', 'tsx', 'src/main.ts'];

export const FALLBACK_NOTE =
  'démarrage mesuré par « node --import tsx src/main.ts », soit npm start sans son étape de construction';

export interface Entry {
  args: string[];
  web: 'built' | 'absent' | 'build-failed';
  note: string;
}

function newestMtime(target: string): number {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

/** True when bin/start.mjs would rebuild web/dist before serving (same rule as there). */
export function webStale(): boolean {
  if (!fs.existsSync(path.join(ROOT, 'web/index.html'))) return false;
  const built = path.join(ROOT, 'web/dist/index.html');
  const sources = Math.max(
    ...['web/src', 'web/index.html', 'web/vite.config.ts'].map((p) => newestMtime(path.join(ROOT, p))),
  );
  return !fs.existsSync(built) || fs.statSync(built).mtimeMs < sources;
}

export function serverEntry(): Entry {
  const start = ['bin/start.mjs'];
  if (!fs.existsSync(path.join(ROOT, 'web/index.html'))) {
    return { args: start, web: 'absent', note: 'pas d’application web dans le dépôt : rien à construire' };
  }
  const built = path.join(ROOT, 'web/dist/index.html');
  const sources = Math.max(
    ...['web/src', 'web/index.html', 'web/vite.config.ts'].map((p) => newestMtime(path.join(ROOT, p))),
  );
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs >= sources) {
    return { args: start, web: 'built', note: 'web/dist/index.html présent et à jour : npm start ne reconstruit rien' };
  }
  const build = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      'web/vite.config.ts',
      '--logLevel',
      'error',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (build.status === 0 && fs.existsSync(built)) {
    return { args: start, web: 'built', note: 'web/dist reconstruit avant les mesures (sources plus récentes)' };
  }
  return {
    args: DIRECT_ENTRY,
    web: 'build-failed',
    note: `la construction de web/dist a échoué (sources en cours de modification ?) ; ${FALLBACK_NOTE}`,
  };
}

export interface Fixture {
  mode: 'pglite' | 'postgres';
  /** Environment of a start on this database (PORT to be added). */
  env: NodeJS.ProcessEnv;
  dataDir?: string;
  url?: string;
  location: string;
  demo: boolean;
  notes: string[];
  cleanup(): Promise<void>;
}

/**
 * An existing database, as a second start finds it: created, migrated and holding the demo territory by a
 * first start (not measured, without the web build step). Without the demo if loading it fails, and then said.
 */
export async function prepareFixture(mode: 'pglite' | 'postgres'): Promise<Fixture | { skipped: string }> {
  const notes: string[] = [];
  let dataDir: string | undefined;
  let url: string | undefined;
  let reset: () => Promise<void>;
  let cleanup: () => Promise<void>;
  if (mode === 'pglite') {
    const dir = tempDir('pglite');
    dataDir = path.join(dir, 'data');
    reset = async () => fs.rmSync(dataDir!, { recursive: true, force: true });
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  } else {
    const admin = postgresAdminUrl();
    const problem = await postgresProblem(admin);
    if (problem)
      return { skipped: `PostgreSQL ne répond pas à ${redact(admin)} (${problem}) ; réglez BENCH_DATABASE_URL` };
    const name = `maillage_bench_${Date.now().toString(36)}`;
    await adminQuery(admin, `create database ${name}`);
    url = databaseUrl(admin, name);
    reset = async () => {
      await adminQuery(admin, `drop database if exists ${name} with (force)`);
      await adminQuery(admin, `create database ${name}`);
    };
    cleanup = async () => adminQuery(admin, `drop database if exists ${name} with (force)`);
  }
  const env = baseEnv(mode === 'pglite' ? { MAILLAGE_DATA_DIR: dataDir } : { DATABASE_URL: url });

  let demo = true;
  for (const withDemo of [true, false]) {
    const port = await freePort();
    const first = spawnServer(DIRECT_ENTRY, { ...env, PORT: String(port), MAILLAGE_DEMO: String(withDemo) });
    let failure: Error | undefined;
    try {
      await untilReady(first, port, performance.now(), 600_000);
    } catch (error) {
      failure = error as Error;
    } finally {
      await first.stop();
    }
    if (!failure) {
      demo = withDemo;
      break;
    }
    if (!withDemo) {
      await cleanup();
      throw failure;
    }
    notes.push(`le chargement de la démo a échoué, base sans démo : ${failure.message.split('\n')[0]}`);
    // A failed demo may have left rows behind: start again from an empty database.
    await reset();
  }
  const fixtureEnv = { ...env, MAILLAGE_DEMO: String(demo) };
  return {
    mode,
    env: fixtureEnv,
    dataDir,
    url,
    location: mode === 'pglite' ? dataDir! : redact(url!),
    demo,
    notes,
    cleanup,
  };
}
