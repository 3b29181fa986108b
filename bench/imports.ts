/*
 * Child process of the startup benchmark: how long loading main.ts's modules takes, by group, in a fresh
 * process (run as `node --import tsx bench/imports.ts`). A group's time includes what it is first to load.
 */
const timings: Record<string, number> = {};
let t = performance.now();
const lap = (name: string) => {
  const now = performance.now();
  timings[name] = Math.round(now - t);
  t = now;
};

await import('@electric-sql/pglite');
lap('PGlite (module WebAssembly)');
await import('../src/db/database.ts');
await import('../src/db/open.ts');
await import('../src/db/migrate.ts');
lap('couche base (Kysely, pg, extensions PGlite, migrations)');
await import('fastify');
lap('Fastify');
await import('../src/app.ts');
lap('application (plugins, modules, routes, schémas)');
await import('../src/demo/load.ts');
await import('../src/platform/accounts/demo.ts');
await import('../src/platform/audit/seal.ts');
await import('../src/platform/mail/sender.ts');
lap('reste des imports de main.ts');

process.stdout.write(`${JSON.stringify(timings)}\n`);
