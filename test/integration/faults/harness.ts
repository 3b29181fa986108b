import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';
import { quoteIdent } from '../../../src/db/database.ts';
import { testDatabaseKind } from '../../../src/db/testing/index.ts';

/*
 * Real processes for the fault tests: the server (see SERVER) and `node bin/maillage.mjs`, each with a fresh
 * data folder or a PostgreSQL database of its own, on loopback. Everything started here is killed and
 * removed after each test, whatever happened.
 */

export const ROOT = path.resolve(import.meta.dirname, '../../..');

/**
 * The server as `npm start` runs it once the web app is built: bin/start.mjs registers tsx and imports
 * src/main.ts, after rebuilding web/dist when its sources are newer. The tests skip that build step (it
 * belongs to the web tier, takes seconds, and would write web/dist while other tiers run); everything
 * from configuration to shutdown is the same code.
 */
export const SERVER = ['--import', 'tsx', 'src/main.ts'];
export const kind = testDatabaseKind();

const children = new Set<ChildProcess>();
const dirs: string[] = [];
const databases: string[] = [];

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  child: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited (never rejects). */
  exited: Promise<Finished>;
}

/** The environment of an operator's shell: nothing of the test runner's database settings. */
export function baseEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(DATABASE_URL|PORT|HOST|LOG_LEVEL|NODE_ENV|PUBLIC_URL|VITEST.*|MAILLAGE_.*|TEST_DATABASE_URL)$/.test(name))
      continue;
    env[name] = value;
  }
  Object.assign(env, {
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    MAILLAGE_DEMO: 'false',
  });
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

export function spawnNode(args: string[], env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<Finished>((resolve) => {
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, pid: child.pid!, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Waits for `exited`, or kills the process and fails after `ms`. */
export async function within(running: Running, ms: number, what: string): Promise<Finished> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      running.child.kill('SIGKILL');
      reject(new Error(`${what} : pas terminé en ${ms} ms.\nstdout: ${running.stdout()}\nstderr: ${running.stderr()}`));
    }, ms);
  });
  try {
    return await Promise.race([running.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A maillage command line, run to its end. */
export function cli(args: string[], env: NodeJS.ProcessEnv, ms = 60_000): Promise<Finished> {
  return within(spawnNode(['bin/maillage.mjs', ...args], env), ms, `maillage ${args.join(' ')}`);
}

export interface Server extends Running {
  port: number;
  /** Sends `signal` and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<Finished>;
}

/** The server (see SERVER), resolved once it says it is ready and /health/ready answers 200. */
export async function startServer(env: NodeJS.ProcessEnv, ms = 60_000): Promise<Server> {
  const port = Number(env.PORT);
  const running = spawnNode(SERVER, env);
  const deadline = Date.now() + ms;
  while (!/maillage est prêt sur/.test(running.stdout())) {
    const exited = await Promise.race([running.exited, sleep(50).then(() => undefined)]);
    if (exited) {
      throw new Error(
        `Le serveur s’est arrêté au démarrage (code ${exited.code}).\n${exited.stdout}\n${exited.stderr}`,
      );
    }
    if (Date.now() > deadline) {
      running.child.kill('SIGKILL');
      throw new Error(`Le serveur n’a pas démarré en ${ms} ms.\n${running.stdout()}\n${running.stderr()}`);
    }
  }
  const ready = await get(port, '/health/ready');
  expect(ready.status, ready.body).toBe(200);
  return {
    ...running,
    port,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      running.child.kill(signal);
      return within(running, 30_000, `arrêt par ${signal}`);
    },
  };
}

/** A start expected to fail: its result once it has exited. */
export function failedStart(env: NodeJS.ProcessEnv, ms = 60_000): Promise<Finished> {
  return within(spawnNode(SERVER, env), ms, 'npm start');
}

/**
 * What an operator reads after a failure: exactly one line, `Erreur : …`, in French, no stack trace, and a
 * non-zero exit. Returns that line.
 */
export function expectOneErrorLine(result: Finished): string {
  expect(result.code, `${result.stdout}\n${result.stderr}`).not.toBe(0);
  expect(result.code).not.toBeNull();
  const lines = result.stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^Erreur : \S/);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stdout).not.toMatch(/maillage est prêt/);
  return lines[0]!;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function get(port: number, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${urlPath} : pas de réponse en 10 s`)));
    request.on('error', reject);
  });
}

export function postJson(port: number, urlPath: string, body: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(JSON.stringify(body));
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        path: urlPath,
        method: 'POST',
        agent: false,
        timeout: 10_000,
        headers: { 'content-type': 'application/json', 'content-length': payload.length },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    request.on('timeout', () => request.destroy(new Error(`POST ${urlPath} : pas de réponse en 10 s`)));
    request.on('error', reject);
    request.end(payload);
  });
}

export function tempDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `maillage-fault-${label}-`));
  dirs.push(dir);
  return dir;
}

let template: string | undefined;
let templateDir: string | undefined;

/**
 * A new PGlite data folder already created and migrated, as `npm start` finds it on an existing install:
 * a copy of one made once per test file by `maillage db migrate` (creating one costs ~9 s, copying ~0.1 s).
 */
export async function migratedDataDir(label: string): Promise<string> {
  if (!template) throw new Error('migratedDataDir : appelez useCleanup({ pgliteTemplate: true }) dans ce fichier.');
  const dir = path.join(tempDir(label), 'data');
  fs.cpSync(template, dir, { recursive: true });
  return dir;
}

/** Every file under `dir` with its SHA-256, to prove a failed start changed nothing. */
export function fingerprint(dir: string): Map<string, string> {
  const result = new Map<string, string>();
  const walk = (current: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        result.set(path.relative(dir, full), createHash('sha256').update(fs.readFileSync(full)).digest('hex'));
      }
    }
  };
  walk(dir);
  return result;
}

// PostgreSQL: a database per test, since the server process works in the default schema.

function adminUrl(): string {
  return inject('postgresUrl');
}

export async function createDatabase(): Promise<string> {
  const name = `maillage_fault_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    await client.query(`create database ${quoteIdent(name)}`);
  } finally {
    await client.end();
  }
  databases.push(name);
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs `sql` on the database of `url` and returns the rows. */
export async function query<R extends object>(url: string, text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function dropDatabases(): Promise<void> {
  if (databases.length === 0) return;
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    for (const name of databases.splice(0)) {
      await client.query(`drop database if exists ${quoteIdent(name)} with (force)`);
    }
  } finally {
    await client.end();
  }
}

/**
 * Kills what a test left running and removes its folders and databases, even when it failed. With
 * `pgliteTemplate`, first makes the migrated folder migratedDataDir copies (in a hook: it takes ~9 s).
 */
export function useCleanup(options: { pgliteTemplate?: boolean } = {}): void {
  if (options.pgliteTemplate) {
    beforeAll(async () => {
      templateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'maillage-fault-template-'));
      const dir = path.join(templateDir, 'data');
      const result = await cli(['db', 'migrate'], baseEnv({ MAILLAGE_DATA_DIR: dir }), 170_000);
      expect(result.code, result.stderr).toBe(0);
      template = dir;
    }, 180_000);
  }
  afterEach(async () => {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(
      [...children].map(
        (child) =>
          new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('close', () => resolve()))),
      ),
    );
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    await dropDatabases();
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    if (templateDir) fs.rmSync(templateDir, { recursive: true, force: true });
    template = templateDir = undefined;
  });
}

/**
 * Each test starts several Node processes (~1.5 s of module loading each, a few seconds more on a busy
 * 2-core machine): a generous limit, still bounded.
 */
export const PROCESS_TEST_TIMEOUT = 240_000;
