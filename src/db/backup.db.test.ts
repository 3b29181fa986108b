import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { Migrator, sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { BackupError, MIGRATION_LOCK_TABLE, restoreBackup, verifyBackup, writeBackup } from './backup.ts';
import { openPglite, openPostgres, quoteIdent, type DatabaseHandle, type Executor } from './database.ts';
import { migrateToLatest, migrationStatus, MIGRATION_TABLE } from './migrate.ts';
import { migrations } from './migrations/index.ts';
import { testDatabaseKind } from './testing/index.ts';

/*
 * Backup and restore between real databases. Which legs run depends on the tier, never on a probe:
 * - pglite tier: PGlite → PGlite (no server is assumed there);
 * - postgres tier: PGlite → PostgreSQL 15 (a schema of its own) → PGlite, so a backup crosses versions both ways.
 * The refusal cases restore into the tier's own kind of database.
 */

const kind = testDatabaseKind();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'maillage-backup-test-'));
const opened: DatabaseHandle[] = [];
const schemas: string[] = [];
let admin: DatabaseHandle | undefined;

afterAll(async () => {
  for (const handle of opened.reverse()) await handle.close().catch(() => {});
  if (admin) {
    for (const schema of schemas)
      await sql.raw(`drop schema if exists ${quoteIdent(schema)} cascade`).execute(admin.db);
    await admin.close();
  }
  fs.rmSync(work, { recursive: true, force: true });
});

function track(handle: DatabaseHandle): DatabaseHandle {
  opened.push(handle);
  return handle;
}

/** A migrated PGlite in memory (the worker's template when the tier provides one: ~1 s instead of ~3 s). */
async function migratedPglite(): Promise<DatabaseHandle> {
  const template = kind === 'pglite' ? inject('pgliteTemplate') : '';
  if (template) return track(await openPglite(undefined, { loadDataDir: new Blob([fs.readFileSync(template)]) }));
  const handle = track(await openPglite(undefined));
  await migrateToLatest(handle.db);
  return handle;
}

/** A database that was never migrated, of the tier's kind. */
async function blankTarget(): Promise<DatabaseHandle> {
  if (kind === 'pglite') return track(await openPglite(undefined));
  return postgresSchema();
}

/** A migrated, empty database of the tier's kind. */
async function migratedTarget(): Promise<DatabaseHandle> {
  if (kind === 'pglite') return migratedPglite();
  const handle = await postgresSchema();
  await migrateToLatest(handle.db);
  return handle;
}

async function postgresSchema(): Promise<DatabaseHandle> {
  const url = inject('postgresUrl');
  admin ??= await openPostgres(url, { max: 1 });
  const schema = `maillage_backup_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  await sql.raw(`create schema ${quoteIdent(schema)}`).execute(admin.db);
  schemas.push(schema);
  return track(await openPostgres(url, { schema, max: 2 }));
}

let files = 0;
function fileName(label: string): string {
  return path.join(work, `${++files}-${label}.maillage.gz`);
}

/*
 * Tables only this test knows, created beside the migrated ones: a geo table with a GiST index on
 * geo_earth, an identity, a generated column and every awkward type; a child whose name sorts before its
 * parent's (foreign-key order, not alphabetical) that also references itself; a trigger that would rewrite
 * restored values if it ran during the load.
 */
const PROBE_DDL = `
  create table backup_probe_place (
    id bigint generated always as identity primary key,
    label text not null,
    label_search text generated always as (lower(immutable_unaccent(label))) stored,
    lat double precision not null,
    lon double precision not null,
    seen_at timestamptz,
    details jsonb,
    tags text[],
    amount numeric,
    note text
  );
  create index backup_probe_place_geo_idx on backup_probe_place using gist (geo_earth(lat, lon));
  create table backup_probe_a_visit (
    id serial primary key,
    place_id bigint not null references backup_probe_place (id),
    next_id integer references backup_probe_a_visit (id),
    at timestamptz not null
  );
`;

/** Created in the source after its rows, so it holds a value the trigger would rewrite on insert. */
const PROBE_TRIGGER = `
  create function backup_probe_rewrite() returns trigger language plpgsql as $$
  begin
    new.note := 'réécrit par le déclencheur';
    return new;
  end $$;
  create trigger backup_probe_rewrite before insert on backup_probe_place
    for each row when (new.note = 'à réécrire') execute function backup_probe_rewrite();
`;

const PLACES = 2500;
const VISITS = 1500;

async function createProbeTables(db: Executor): Promise<void> {
  await sql.raw(PROBE_DDL).execute(db);
  await sql.raw(PROBE_TRIGGER).execute(db);
}

/** Rows with the values that break naive exports: accents, quotes, newlines, JSON null, microseconds, DST. */
async function fillSource(db: Executor): Promise<void> {
  await sql`
    insert into maillage_meta (key, value, updated_at) values
      ('texte', '"Hôpital Simone-Veil, Blois — « urgences » \\n l''été"', '2024-03-31 01:59:59.999999+01'),
      ('json-null', 'null', '2024-10-27 02:30:00.000001+02'),
      ('objet', '{"a": [1, 2.5, null, "é"], "b": {"c": true}, "grand": 12345678901234567890}', '1999-12-31 23:59:59+00'),
      ('boom', '0', now())
  `.execute(db);
  // Deterministic pseudo-random points around Blois (47.59 N, 1.33 E), all distinct (2503 is prime).
  await sql`
    insert into backup_probe_place (label, lat, lon, seen_at, details, tags, amount, note)
    select
      case when i % 7 = 0 then 'Cabinet Saint-Gervais-la-Forêt n°' || i else 'Maison de santé d''Onzain ' || i end,
      47.59 + ((i * 7919) % 2503 - 1251) / 5000.0,
      1.33 + ((i * 104729) % 2503 - 1251) / 3750.0,
      case when i % 5 = 0 then null else timestamptz '2025-03-30 00:00:00.123456+01' + i * interval '17 minutes 3.000001 seconds' end,
      case i % 4 when 0 then null when 1 then 'null'::jsonb when 2 then jsonb_build_object('i', i, 'ç', 'à') else '[]'::jsonb end,
      case when i % 3 = 0 then null when i % 3 = 1 then array['généraliste', 'soins non programmés', null] else '{}'::text[] end,
      case when i % 2 = 0 then 1.0000000000000000000001 * i else null end,
      case when i = 3 then 'à réécrire' when i % 11 = 0 then E'ligne 1\\nligne 2\\t« $ »' else null end
    from generate_series(1, ${sql.lit(PLACES)}) as i
  `.execute(db);
  // Visit i points to visit i + 1, stored after it: loaded in batches of 1,000, row 1,000 would miss its target.
  await sql`
    insert into backup_probe_a_visit (id, place_id, next_id, at)
    select i, 1 + (i * 31) % ${sql.lit(PLACES)}, case when i < ${sql.lit(VISITS)} and i % 2 = 0 then i + 1 end,
           timestamptz '2025-01-01 08:00:00+01' + i * interval '1 hour'
    from generate_series(1, ${sql.lit(VISITS)}) as i
  `.execute(db);
  await sql`select setval(pg_get_serial_sequence('backup_probe_a_visit', 'id'), ${sql.lit(VISITS)})`.execute(db);
  // Ids never reused: the sequence is ahead of the rows after a delete.
  await sql`insert into backup_probe_place (label, lat, lon) values ('supprimé', 47, 1)`.execute(db);
  await sql`delete from backup_probe_place where label = 'supprimé'`.execute(db);
  await sql`analyze`.execute(db);
}

/**
 * Every table's rows as text, sorted, timestamps in UTC, with a marker telling SQL NULL from JSON null in
 * json columns (to_jsonb alone writes both as null). Built from information_schema, independently of the
 * code under test.
 */
async function snapshot(db: Kysely<any>): Promise<Record<string, string[]>> {
  return db.transaction().execute(async (tx) => {
    await sql`set local timezone to 'UTC'`.execute(tx);
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE'
        and table_name not in (${MIGRATION_TABLE}, ${MIGRATION_LOCK_TABLE})
      order by table_name
    `.execute(tx);
    const result: Record<string, string[]> = {};
    for (const { table_name: table } of tables.rows) {
      const json = await sql<{ column_name: string }>`
        select column_name from information_schema.columns
        where table_schema = current_schema() and table_name = ${table} and data_type in ('json', 'jsonb')
      `.execute(tx);
      const markers = json.rows.map((c) => `(t.${quoteIdent(c.column_name)} is null)::text`);
      const expression = `to_jsonb(t)::text${markers.length ? ` || ' sql-null:' || concat_ws(',', ${markers.join(', ')})` : ''}`;
      const rows = await sql<{ r: string }>`
        select ${sql.raw(expression)} as r from ${sql.table(table)} t order by 1
      `.execute(tx);
      result[table] = rows.rows.map((row) => row.r);
    }
    return result;
  });
}

/** Index definitions of the current schema, the schema name taken out (test schemas differ). */
async function indexDefinitions(db: Kysely<any>): Promise<string[]> {
  const rows = await sql<{ schema: string; def: string }>`
    select schemaname as schema, indexdef as def from pg_indexes where schemaname = current_schema() order by indexname
  `.execute(db);
  return rows.rows.map((r) =>
    r.def
      .split(`${r.schema}.`)
      .join('')
      .split(`${quoteIdent(r.schema)}.`)
      .join(''),
  );
}

async function nearestPlan(db: Kysely<any>): Promise<{ plan: string; ids: number[] }> {
  const query = sql`
    select id from backup_probe_place
    order by geo_earth(lat, lon) <-> geo_earth(${47.5861}::float8, ${1.3359}::float8)
    limit 5
  `;
  const explain = await sql<{ 'QUERY PLAN': string }>`explain ${query}`.execute(db);
  const ids = await query.execute(db);
  return {
    plan: explain.rows.map((r) => r['QUERY PLAN']).join('\n'),
    ids: (ids.rows as { id: number }[]).map((r) => r.id),
  };
}

async function applied(db: Executor): Promise<string[]> {
  return (await migrationStatus(db)).applied;
}

async function expectSameDatabase(source: DatabaseHandle, target: DatabaseHandle): Promise<void> {
  expect(await snapshot(target.db)).toEqual(await snapshot(source.db));
  expect(await indexDefinitions(target.db)).toEqual(await indexDefinitions(source.db));
  expect(await applied(target.db)).toEqual(await applied(source.db));
  const nearest = await nearestPlan(target.db);
  expect(nearest.plan).toContain('backup_probe_place_geo_idx');
  expect(nearest.ids).toEqual((await nearestPlan(source.db)).ids);
}

describe(`backup and restore (${kind === 'pglite' ? 'PGlite → PGlite' : 'PGlite → PostgreSQL → PGlite'})`, () => {
  let source: DatabaseHandle;
  let sourceFile: string;

  beforeAll(async () => {
    source = await migratedPglite();
    await sql.raw(PROBE_DDL).execute(source.db);
    await fillSource(source.db);
    await sql.raw(PROBE_TRIGGER).execute(source.db);
    sourceFile = fileName('source');
    const summary = await writeBackup(source, sourceFile);
    expect(summary.rows).toBe(4 + PLACES + VISITS);
  });

  test('the header names the format, versions, migration level, mode and every table’s row count', async () => {
    const header = await verifyBackup(sourceFile);
    expect(header).toMatchObject({
      format: 'maillage-backup',
      formatVersion: 1,
      maillageVersion: JSON.parse(fs.readFileSync('package.json', 'utf8')).version,
      migration: Object.keys(migrations).at(-1),
      migrations: Object.keys(migrations),
      mode: 'pglite',
    });
    expect(Date.now() - Date.parse(header.createdAt)).toBeLessThan(10 * 60_000);
    const counts = Object.fromEntries(header.tables.map((t) => [t.name, t.rows]));
    expect(counts).toMatchObject({ maillage_meta: 4, backup_probe_place: PLACES, backup_probe_a_visit: VISITS });
    // Discovered from the catalog: every table the migrations made is there, bookkeeping excluded.
    const tables = await sql<{ name: string }>`
      select tablename as name from pg_tables where schemaname = current_schema() order by 1
    `.execute(source.db);
    expect(header.tables.map((t) => t.name).sort()).toEqual(
      tables.rows.map((r) => r.name).filter((n) => n !== MIGRATION_TABLE && n !== MIGRATION_LOCK_TABLE),
    );
    // Parents before children, whatever the alphabet says.
    const order = header.tables.map((t) => t.name);
    expect(order.indexOf('backup_probe_place')).toBeLessThan(order.indexOf('backup_probe_a_visit'));
    expect(header.tables.find((t) => t.name === 'backup_probe_place')!.columns).not.toContain('label_search');
  });

  test(
    kind === 'pglite'
      ? 'a PGlite backup restores into another PGlite: same rows, same indexes, the GiST index serves nearest-first'
      : 'PGlite → PostgreSQL 15 → PGlite: same rows, same indexes, the GiST index serves nearest-first on both',
    async () => {
      const middle = await migratedTarget();
      await createProbeTables(middle.db);
      const first = await restoreBackup(middle.db, sourceFile);
      expect(first.rows).toBe(4 + PLACES + VISITS);
      await sql`analyze`.execute(middle.db);
      await expectSameDatabase(source, middle);

      let last = middle;
      if (kind === 'postgres') {
        const middleFile = fileName('from-postgres');
        await writeBackup(middle, middleFile);
        expect((await verifyBackup(middleFile)).mode).toBe('postgres');
        last = await migratedPglite();
        await createProbeTables(last.db);
        await restoreBackup(last.db, middleFile);
        await sql`analyze`.execute(last.db);
        await expectSameDatabase(source, last);
      }

      // JSON null and SQL NULL kept apart; the trigger did not rewrite restored rows, and works again after.
      const nulls = await sql<{ sql_null: number; json_null: number; kept: number; rewritten: number }>`
        select count(*) filter (where details is null)::int as sql_null,
               count(*) filter (where details = 'null'::jsonb)::int as json_null,
               count(*) filter (where note = 'à réécrire')::int as kept,
               count(*) filter (where note = 'réécrit par le déclencheur')::int as rewritten
        from backup_probe_place
      `.execute(last.db);
      expect(nulls.rows[0]).toEqual({ sql_null: PLACES / 4, json_null: PLACES / 4, kept: 1, rewritten: 0 });
      const meta = await sql<{ value: unknown }>`select value from maillage_meta where key = 'json-null'`.execute(
        last.db,
      );
      expect(meta.rows).toEqual([{ value: null }]);
      // Sequences: identity and serial go on after the highest id ever given, none reused.
      const next = await sql<{ id: number; note: string }>`
        insert into backup_probe_place (label, lat, lon, note) values ('après', 47.6, 1.3, 'à réécrire') returning id, note
      `.execute(last.db);
      expect(next.rows[0]).toEqual({ id: PLACES + 2, note: 'réécrit par le déclencheur' });
      const visit = await sql<{ id: number }>`
        insert into backup_probe_a_visit (place_id, at) values (1, now()) returning id
      `.execute(last.db);
      expect(visit.rows[0]!.id).toBe(VISITS + 1);
    },
  );

  test('an older backup restores into a never-migrated database, then migrates forward', async () => {
    const names = Object.keys(migrations);
    const old = await blankTarget();
    const migrator = new Migrator({
      db: old.db,
      provider: { getMigrations: async () => migrations },
      migrationTableName: MIGRATION_TABLE,
      migrationLockTableName: MIGRATION_LOCK_TABLE,
      migrationTableSchema: (await sql<{ s: string }>`select current_schema() as s`.execute(old.db)).rows[0]!.s,
    });
    expect((await migrator.migrateTo(names[0]!)).error).toBeUndefined();
    await sql`insert into maillage_meta (key, value) values ('ancienne', '{"niveau": 1}')`.execute(old.db);
    const oldFile = fileName('old-level');
    await writeBackup(old, oldFile);
    expect((await verifyBackup(oldFile)).migration).toBe(names[0]);

    const target = await blankTarget();
    const summary = await restoreBackup(target.db, oldFile);
    expect(summary.migratedForward).toEqual(names.slice(1));
    expect(await applied(target.db)).toEqual(names);
    const rows = await sql<{ key: string; value: unknown }>`select key, value from maillage_meta`.execute(target.db);
    expect(rows.rows).toEqual([{ key: 'ancienne', value: { niveau: 1 } }]);
  });

  test('the Migrator lock table named here is the one migrate.ts uses', async () => {
    const found = await sql<{ t: string | null }>`select to_regclass(${MIGRATION_LOCK_TABLE})::text as t`.execute(
      source.db,
    );
    expect(found.rows[0]!.t).toBe(MIGRATION_LOCK_TABLE);
  });

  describe('refusals: one French sentence, the target untouched', () => {
    let blank: DatabaseHandle;
    beforeAll(async () => {
      blank = await blankTarget();
    });

    async function expectRefused(file: string, message: RegExp): Promise<void> {
      const error = await restoreBackup(blank.db, file).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(BackupError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
      // Not even migrated: every check runs before anything is written.
      expect(await applied(blank.db)).toEqual([]);
    }

    test('a file that is not a backup', async () => {
      const garbage = fileName('garbage');
      fs.writeFileSync(garbage, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)));
      await expectRefused(garbage, /n’est pas une sauvegarde maillage/);
      const text = fileName('gzipped-text');
      fs.writeFileSync(text, zlib.gzipSync('nom;prénom\nDupont;Zoé\n'));
      await expectRefused(text, /n’est pas une sauvegarde maillage/);
      const empty = fileName('empty');
      fs.writeFileSync(empty, '');
      await expectRefused(empty, /n’est pas une sauvegarde maillage/);
      await expectRefused(path.join(work, 'absent.gz'), /n’existe pas/);
    });

    test('a truncated file', async () => {
      const whole = fs.readFileSync(sourceFile);
      for (const keep of [0.5, 0.99]) {
        const cut = fileName(`truncated-${keep}`);
        fs.writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * keep)));
        await expectRefused(cut, /tronqué ou endommagé/);
      }
    });

    test('a corrupted file: a garbled byte, or a row edited and recompressed', async () => {
      const whole = Buffer.from(fs.readFileSync(sourceFile));
      whole[Math.floor(whole.length / 2)]! ^= 0xff;
      const garbled = fileName('garbled');
      fs.writeFileSync(garbled, whole);
      await expectRefused(garbled, /tronqué ou endommagé/);

      // A valid gzip stream whose content no longer matches its checksums.
      const text = zlib.gunzipSync(fs.readFileSync(sourceFile)).toString('utf8');
      expect(text).toContain('Maison de santé d\'Onzain 1"');
      const edited = fileName('edited');
      fs.writeFileSync(
        edited,
        zlib.gzipSync(text.replace('Maison de santé d\'Onzain 1"', 'Maison de santé d\'Onzain 9"')),
      );
      await expectRefused(edited, /ne correspond pas à sa somme de contrôle/);
      const dropped = fileName('dropped-row');
      const lines = text.split('\n');
      const row = lines.findIndex((l) => l.includes('"key": "texte"'));
      fs.writeFileSync(dropped, zlib.gzipSync(lines.filter((_, i) => i !== row).join('\n')));
      await expectRefused(dropped, /somme de contrôle/);
    });

    test('a backup from a newer maillage (unknown migration)', async () => {
      const newer = await migratedPglite();
      await sql`insert into ${sql.table(MIGRATION_TABLE)} (name, timestamp) values ('9999_from_the_future', now())`.execute(
        newer.db,
      );
      await sql`insert into maillage_meta (key, value) values ('futur', 'true')`.execute(newer.db);
      const file = fileName('newer');
      await writeBackup(newer, file);
      await expectRefused(file, /version plus récente de maillage \(migration 9999_from_the_future inconnue ici\)/);
    });

    test('a target that already holds rows: refused, its rows kept', async () => {
      const occupied = await migratedTarget();
      await sql`insert into maillage_meta (key, value) values ('à garder', '"précieux"')`.execute(occupied.db);
      const before = await snapshot(occupied.db);
      const error = await restoreBackup(occupied.db, sourceFile).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackupError);
      expect((error as Error).message).toMatch(/contient déjà des données \(table maillage_meta\)/);
      expect(await snapshot(occupied.db)).toEqual(before);
    });

    test('a failure while loading rolls every row back: the target stays empty, and a retry works', async () => {
      const target = await migratedTarget();
      await createProbeTables(target.db);
      // maillage_meta loads after backup_probe_place's 2,500 rows: those must be undone too.
      await sql`alter table maillage_meta add constraint refuse_boom check (key <> 'boom')`.execute(target.db);
      const error = await restoreBackup(target.db, sourceFile).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackupError);
      expect((error as Error).message).toMatch(/annulée, aucune ligne n’a été chargée/);
      const counts = await sql<{ places: number; meta: number }>`
        select (select count(*)::int from backup_probe_place) as places, (select count(*)::int from maillage_meta) as meta
      `.execute(target.db);
      expect(counts.rows[0]).toEqual({ places: 0, meta: 0 });
      await sql`alter table maillage_meta drop constraint refuse_boom`.execute(target.db);
      await restoreBackup(target.db, sourceFile);
      await expectSameDatabase(source, target);
    });

    test('a backup holding a table the target lacks: refused before any row is loaded', async () => {
      const target = await migratedTarget();
      const error = await restoreBackup(target.db, sourceFile).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackupError);
      expect((error as Error).message).toMatch(/n’a pas la table backup_probe_(place|a_visit)/);
      const meta = await sql<{ n: number }>`select count(*)::int as n from maillage_meta`.execute(target.db);
      expect(meta.rows[0]!.n).toBe(0);
    });
  });
});
