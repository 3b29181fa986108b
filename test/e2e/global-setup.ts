import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The real maillage server the browser tests drive, e.g. http://127.0.0.1:41234. */
    baseUrl: string;
  }
}

const root = path.resolve(import.meta.dirname, '../..');
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;

/**
 * Builds the web app when its sources changed, then starts the real server (`node bin/start.mjs`, as
 * `npm start` does) on a free port with a fresh data folder, and stops it after the run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // `vitest list` (counting tests for a tier that cannot run) needs no server.
  if (process.env.MAILLAGE_TEST_LIST_ONLY) return async () => {};

  buildWebAppIfStale();

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'maillage-e2e-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, [path.join(root, 'bin/start.mjs')], {
    cwd: root,
    env: {
      ...process.env,
      // Development mode, as a newcomer runs it: the demo territory loads into the empty database.
      NODE_ENV: 'development',
      // A fresh embedded database, even when the developer's shell points DATABASE_URL at a server.
      DATABASE_URL: '',
      MAILLAGE_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      // Links in the mails (password reset) point at the address the browser uses, as in a real deployment.
      PUBLIC_URL: baseUrl,
      LOG_LEVEL: 'warn',
      // Every e2e file logs in from 127.0.0.1: the per-address login limit would throttle the suite itself.
      MAILLAGE_LOGIN_RATE_LIMIT: '1000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  server.stdout!.on('data', keep);
  server.stderr!.on('data', (chunk: Buffer) => {
    keep(chunk);
    process.stderr.write(`[serveur] ${chunk.toString()}`);
  });

  const stop = async () => {
    await stopServer(server);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await waitUntilReady(baseUrl, server, output);
  } catch (error) {
    await stop();
    throw error;
  }
  project.provide('baseUrl', baseUrl);
  return stop;
}

function buildWebAppIfStale(): void {
  const built = path.join(root, 'web/dist/index.html');
  const sources = ['web/src', 'web/public', 'web/index.html', 'web/vite.config.ts'].map((p) => path.join(root, p));
  const builtAt = fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0;
  if (builtAt > Math.max(...sources.map(newestMtime))) return;
  const result = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
    // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
    { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } },
  );
  if (result.status !== 0) throw new Error('The web app did not build (see above).');
}

function newestMtime(file: string): number {
  if (!fs.existsSync(file)) return 0;
  const stat = fs.statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...fs.readdirSync(file).map((name) => newestMtime(path.join(file, name))));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function waitUntilReady(baseUrl: string, server: ChildProcess, output: string[]): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(
        `The server stopped before it was ready (exit ${server.exitCode ?? server.signalCode}):\n${output.join('')}`,
      );
    }
    try {
      const response = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`The server was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${output.join('')}`);
}

async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
