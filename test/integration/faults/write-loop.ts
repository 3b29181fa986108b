/*
 * A child process for the crash tests, run as `node --import tsx write-loop.ts <write|verify>` with the
 * configuration of the environment (MAILLAGE_DATA_DIR or DATABASE_URL), like any maillage command.
 *
 * write:  opens the database as the application does (lock, migrations), then commits numbered rows one
 *         transaction at a time — a row in fault_probe and the same number in maillage_meta — and prints
 *         `committed N` only once N is committed. The test kills it with SIGKILL somewhere in the loop.
 * verify: reopens the database and prints, as one JSON line, every number present, the number the meta row
 *         holds, and the result of amcheck on the table and its index.
 */
import { PGlite } from '@electric-sql/pglite';
import { amcheck } from '@electric-sql/pglite/contrib/amcheck';
import { sql } from 'kysely';
import { loadConfig } from '../../../src/config.ts';
import { openPostgres, PGLITE_EXTENSIONS } from '../../../src/db/database.ts';
import { acquireDataDirLock } from '../../../src/db/lock.ts';
import { migrateToLatest } from '../../../src/db/migrate.ts';
import { openConfiguredDatabase, pgdataDir } from '../../../src/db/open.ts';
import { inTransaction } from '../../../src/db/transaction.ts';

const mode = process.argv[2];
const config = loadConfig();
const LIMIT = 200_000;

if (mode === 'write') {
  const database = await openConfiguredDatabase(config, 'test write-loop');
  await migrateToLatest(database.db);
  await sql`
    create table if not exists fault_probe (
      n integer primary key,
      payload text not null,
      at timestamptz not null default now()
    )
  `.execute(database.db);
  const start =
    (await sql<{ m: number | null }>`select max(n) as m from fault_probe`.execute(database.db)).rows[0]!.m ?? 0;
  process.stdout.write(`ready ${start} ${database.lock?.tookOverStale ? 'stale-lock-taken-over' : 'clean'}\n`);
  for (let n = start + 1; n <= start + LIMIT; n++) {
    await inTransaction(database.db, async (tx) => {
      await sql`insert into fault_probe (n, payload) values (${n}, ${`ligne n°${n} `.repeat(20)})`.execute(tx);
      await sql`
        insert into maillage_meta (key, value) values ('fault-last', to_jsonb(${n}::int))
        on conflict (key) do update set value = excluded.value, updated_at = now()
      `.execute(tx);
    });
    process.stdout.write(`committed ${n}\n`);
  }
  await database.close();
} else if (mode === 'verify') {
  const checks = `
    select coalesce(json_agg(n order by n), '[]'::json)::text as numbers,
           (select value::text from maillage_meta where key = 'fault-last') as meta
    from fault_probe
  `;
  let numbers: number[];
  let meta: number | null;
  if (config.databaseUrl) {
    const database = await openPostgres(config.databaseUrl, { max: 1 });
    await sql`create extension if not exists amcheck`.execute(database.db);
    await sql`select bt_index_check('fault_probe_pkey'::regclass, true)`.execute(database.db);
    const heap = await sql`select * from verify_heapam('fault_probe'::regclass)`.execute(database.db);
    if (heap.rows.length > 0) throw new Error(`verify_heapam: ${JSON.stringify(heap.rows)}`);
    const row = (await sql<{ numbers: string; meta: string | null }>`${sql.raw(checks)}`.execute(database.db)).rows[0]!;
    numbers = JSON.parse(row.numbers);
    meta = row.meta === null ? null : Number(row.meta);
    await database.close();
  } else {
    const lock = acquireDataDirLock(config.dataDir, 'test verify');
    const pglite = await PGlite.create({
      dataDir: pgdataDir(config.dataDir),
      extensions: { ...PGLITE_EXTENSIONS, amcheck },
    });
    await pglite.exec('create extension if not exists amcheck');
    await pglite.query(`select bt_index_check('fault_probe_pkey'::regclass, true)`);
    const heap = await pglite.query(`select * from verify_heapam('fault_probe'::regclass)`);
    if (heap.rows.length > 0) throw new Error(`verify_heapam: ${JSON.stringify(heap.rows)}`);
    const row = (await pglite.query<{ numbers: string; meta: string | null }>(checks)).rows[0]!;
    numbers = JSON.parse(row.numbers);
    meta = row.meta === null ? null : Number(row.meta);
    await pglite.close();
    lock.release();
  }
  process.stdout.write(`${JSON.stringify({ numbers, meta, amcheck: 'ok' })}\n`);
} else {
  console.error('usage : write-loop.ts write|verify');
  process.exit(2);
}
