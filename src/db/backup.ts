import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import zlib from 'node:zlib';
import { Migrator, NO_MIGRATIONS, sql, type Kysely } from 'kysely';
import { OperatorError } from '../platform/operator-errors.ts';
import { quoteIdent, type DatabaseMode, type Executor } from './database.ts';
import { latestMigration, migrateToLatest, migrationStatus, MigrationError, MIGRATION_TABLE } from './migrate.ts';
import { migrations } from './migrations/index.ts';

/*
 * Application-level backup: the migration level and every application table's rows, as JSON, so a backup
 * made on PGlite (PostgreSQL 18) restores into a PostgreSQL 15 server and back. Indexes, functions and
 * constraints are not in the file: the migrations recreate them.
 *
 * The file is gzip over UTF-8 lines:
 *   MAILLAGE-BACKUP 1
 *   {header: format, versions, migration level, mode, date, tables with row counts and columns, sequences}
 *   @begin {"table":"t"}
 *   {one row: to_jsonb(t); json/jsonb columns wrapped in a one-element array, see rowExpression}
 *   @end {"table":"t","rows":n,"sha256":"<hash of this table's row lines>"}
 *   …
 *   @done {"tables":n,"rows":n,"sha256":"<hash of every line above>"}
 * Row lines are the database's own JSON text, never parsed in JavaScript, so numeric and bigint values keep
 * every digit. Tables come in foreign-key order (parents first).
 */

export const BACKUP_FORMAT = 'maillage-backup';
export const BACKUP_FORMAT_VERSION = 1;
const MAGIC = `MAILLAGE-BACKUP ${BACKUP_FORMAT_VERSION}`;
/** Must equal the lock table migrate.ts gives Kysely's Migrator (a test checks it exists after migrating). */
export const MIGRATION_LOCK_TABLE = 'maillage_migration_lock';
// As SQL literals: arrays as query parameters are not serialised alike by node-postgres and PGlite.
const BOOKKEEPING = sql.raw([MIGRATION_TABLE, MIGRATION_LOCK_TABLE].map((n) => `'${n}'`).join(', '));

const FETCH_ROWS = 2000;
const BATCH_ROWS = 1000;
const BATCH_CHARS = 4 * 1024 * 1024;

export interface BackupTable {
  name: string;
  rows: number;
  /** Columns restore writes: every column but generated ones, in table order. */
  columns: string[];
  /** json / jsonb columns, written wrapped so that a JSON null stays distinct from SQL NULL. */
  jsonColumns: string[];
}

export interface BackupSequence {
  name: string;
  /** bigint as text: sequences may pass 2^53. */
  lastValue: string;
  isCalled: boolean;
}

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  maillageVersion: string;
  /** The last migration applied to the saved database, or null for a database never migrated. */
  migration: string | null;
  migrations: string[];
  mode: DatabaseMode;
  createdAt: string;
  tables: BackupTable[];
  sequences: BackupSequence[];
}

export interface Progress {
  start(total: number): void;
  advance(rows: number): void;
  stop(): void;
}

export interface BackupSummary {
  file: string;
  tables: number;
  rows: number;
  bytes: number;
  migration: string | null;
}

export interface RestoreSummary {
  tables: number;
  rows: number;
  header: BackupHeader;
  /** Migrations applied after loading, to bring the backup up to this version of maillage. */
  migratedForward: string[];
}

/** A backup or restore refused or failed, told in one French sentence; nothing was modified. */
export class BackupError extends OperatorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackupError';
  }
}

/** Any database or transaction: backup reads the catalog, not the typed schema. */
type AnyDb = Kysely<any>;

const noProgress: Progress = { start() {}, advance() {}, stop() {} };

function maillageVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

// ---------------------------------------------------------------------------------------------------------
// Catalog

interface TableInfo extends Omit<BackupTable, 'rows'> {
  /** Foreign keys onto itself: its rows go in one statement (see restoreBackup). */
  selfReferencing: boolean;
  hasUserTriggers: boolean;
}

/**
 * The application tables of the current schema, parents before children: every ordinary or partitioned
 * table except the migration bookkeeping, partitions (their parent carries their rows) and tables that
 * belong to an extension. Read from the catalog, so tables added later are covered without code here.
 */
export async function applicationTables(db: AnyDb): Promise<TableInfo[]> {
  const tables = await sql<{ name: string; has_user_triggers: boolean }>`
    select c.relname as name,
           exists (select 1 from pg_trigger g where g.tgrelid = c.oid and not g.tgisinternal) as has_user_triggers
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema()
      and c.relkind in ('r', 'p')
      and not c.relispartition
      and c.relname not in (${BOOKKEEPING})
      and not exists (
        select 1 from pg_depend d
        where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e'
      )
    order by c.relname
  `.execute(db);
  const columns = await sql<{ table_name: string; name: string; generated: boolean; is_json: boolean }>`
    select c.relname as table_name, a.attname as name, a.attgenerated <> '' as generated,
           a.atttypid in ('json'::regtype, 'jsonb'::regtype) as is_json
    from pg_attribute a
    join pg_class c on c.oid = a.attrelid
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and a.attnum > 0 and not a.attisdropped
    order by c.relname, a.attnum
  `.execute(db);
  const foreignKeys = await sql<{ child: string; parent: string }>`
    select distinct c.relname as child, p.relname as parent
    from pg_constraint k
    join pg_class c on c.oid = k.conrelid
    join pg_class p on p.oid = k.confrelid
    join pg_namespace n on n.oid = c.relnamespace
    where k.contype = 'f' and n.nspname = current_schema() and p.relnamespace = c.relnamespace
  `.execute(db);

  const byName = new Map<string, TableInfo>();
  for (const t of tables.rows) {
    byName.set(t.name, {
      name: t.name,
      columns: [],
      jsonColumns: [],
      selfReferencing: false,
      hasUserTriggers: t.has_user_triggers,
    });
  }
  for (const c of columns.rows) {
    const table = byName.get(c.table_name);
    if (!table || c.generated) continue;
    table.columns.push(c.name);
    if (c.is_json) table.jsonColumns.push(c.name);
  }
  const parents = new Map<string, Set<string>>([...byName.keys()].map((name) => [name, new Set<string>()]));
  for (const fk of foreignKeys.rows) {
    if (!byName.has(fk.child) || !byName.has(fk.parent)) continue;
    if (fk.child === fk.parent) byName.get(fk.child)!.selfReferencing = true;
    else parents.get(fk.child)!.add(fk.parent);
  }

  // Kahn's algorithm, alphabetical among the ready ones so the order is stable. A cycle between tables
  // can only load with DEFERRABLE constraints (restore defers them); its tables go last, alphabetically.
  const ordered: TableInfo[] = [];
  const done = new Set<string>();
  while (done.size < byName.size) {
    const ready = [...byName.keys()].filter(
      (name) => !done.has(name) && [...parents.get(name)!].every((p) => done.has(p)),
    );
    const next = ready.length > 0 ? ready : [...byName.keys()].filter((name) => !done.has(name));
    for (const name of ready.length > 0 ? next : next.slice(0, 1)) {
      done.add(name);
      ordered.push(byName.get(name)!);
    }
  }
  return ordered;
}

async function schemaSequences(db: AnyDb): Promise<string[]> {
  const result = await sql<{ name: string }>`
    select c.relname as name
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind = 'S'
      and not exists (
        select 1 from pg_depend d
        join pg_class owner on owner.oid = d.refobjid
        where d.classid = 'pg_class'::regclass and d.objid = c.oid
          and (d.deptype = 'e' or (d.deptype in ('a', 'i') and owner.relname in (${BOOKKEEPING})))
      )
    order by c.relname
  `.execute(db);
  return result.rows.map((r) => r.name);
}

async function currentSchema(db: AnyDb): Promise<string> {
  const result = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return result.rows[0]!.schema;
}

// ---------------------------------------------------------------------------------------------------------
// Backup

/**
 * The JSON of one row: `to_jsonb(t)`, with each json / jsonb column replaced by `[value]` (or null), since
 * `to_jsonb` writes a JSON null and an SQL NULL alike and restore must tell them apart.
 */
function rowExpression(table: Pick<TableInfo, 'jsonColumns'>): string {
  let expression = 'to_jsonb(t)';
  for (const column of table.jsonColumns) {
    const ref = `t.${quoteIdent(column)}`;
    expression += ` || jsonb_build_object(${quoteLiteral(column)}, case when ${ref} is null then null else jsonb_build_array(${ref}) end)`;
  }
  return `(${expression})::text`;
}

function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * Writes the whole database to `file` (gzip), from one consistent snapshot (a repeatable-read, read-only
 * transaction: a PostgreSQL server may go on serving meanwhile). The file appears only once complete.
 */
export async function writeBackup(
  handle: { db: Executor; mode: DatabaseMode },
  file: string,
  progress: Progress = noProgress,
): Promise<BackupSummary> {
  const target = path.resolve(file);
  if (fs.existsSync(target)) {
    throw new BackupError(`Le fichier ${target} existe déjà : choisissez un autre nom, rien n’a été écrasé.`);
  }
  if (!fs.existsSync(path.dirname(target))) {
    throw new BackupError(`Le dossier ${path.dirname(target)} n’existe pas : créez-le ou choisissez un autre chemin.`);
  }
  const partial = `${target}.partiel-${process.pid}`;
  let summary: BackupSummary | undefined;
  try {
    await handle.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(async (tx) => {
        const schema = await currentSchema(tx);
        const tables = await applicationTables(tx);
        const qualified = (name: string) => `${quoteIdent(schema)}.${quoteIdent(name)}`;
        const counted: BackupTable[] = [];
        for (const t of tables) {
          const n = await sql<{ n: string }>`select count(*)::text as n from ${sql.raw(qualified(t.name))}`.execute(tx);
          counted.push({ name: t.name, rows: Number(n.rows[0]!.n), columns: t.columns, jsonColumns: t.jsonColumns });
        }
        const sequences: BackupSequence[] = [];
        for (const name of await schemaSequences(tx)) {
          const s = await sql<{ last_value: string; is_called: boolean }>`
            select last_value::text as last_value, is_called from ${sql.raw(qualified(name))}
          `.execute(tx);
          sequences.push({ name, lastValue: s.rows[0]!.last_value, isCalled: s.rows[0]!.is_called });
        }
        const status = await migrationStatus(tx);
        const header: BackupHeader = {
          format: BACKUP_FORMAT,
          formatVersion: BACKUP_FORMAT_VERSION,
          maillageVersion: maillageVersion(),
          migration: status.applied.at(-1) ?? null,
          migrations: status.applied,
          mode: handle.mode,
          createdAt: new Date().toISOString(),
          tables: counted,
          sequences,
        };
        const totalRows = counted.reduce((sum, t) => sum + t.rows, 0);
        progress.start(totalRows);

        async function* lines(): AsyncGenerator<string> {
          const whole = createHash('sha256');
          const emit = (line: string) => {
            const text = `${line}\n`;
            whole.update(text);
            return text;
          };
          yield emit(MAGIC);
          yield emit(JSON.stringify(header));
          for (const t of tables) {
            yield emit(`@begin ${JSON.stringify({ table: t.name })}`);
            const hash = createHash('sha256');
            let rows = 0;
            await sql
              .raw(
                `declare maillage_backup no scroll cursor for select ${rowExpression(t)} as line from ${qualified(t.name)} t`,
              )
              .execute(tx);
            for (;;) {
              const batch = await sql<{
                line: string;
              }>`fetch forward ${sql.raw(String(FETCH_ROWS))} from maillage_backup`.execute(tx);
              if (batch.rows.length === 0) break;
              let chunk = '';
              for (const { line } of batch.rows) {
                const text = `${line}\n`;
                hash.update(text);
                chunk += text;
              }
              whole.update(chunk);
              rows += batch.rows.length;
              progress.advance(batch.rows.length);
              yield chunk;
            }
            await sql`close maillage_backup`.execute(tx);
            yield emit(`@end ${JSON.stringify({ table: t.name, rows, sha256: hash.digest('hex') })}`);
          }
          yield `@done ${JSON.stringify({ tables: tables.length, rows: totalRows, sha256: whole.digest('hex') })}\n`;
        }

        await pipeline(Readable.from(lines()), zlib.createGzip({ level: 6 }), fs.createWriteStream(partial));
        summary = { file: target, tables: counted.length, rows: totalRows, bytes: 0, migration: header.migration };
      });
    // Flush to disk before the rename, so the name never points to a half-written file.
    const fd = fs.openSync(partial, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(partial, target);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    if (error instanceof OperatorError) throw error;
    throw new BackupError(`La sauvegarde a échoué, aucun fichier n’a été écrit : ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    progress.stop();
  }
  summary!.bytes = fs.statSync(target).size;
  return summary!;
}

// ---------------------------------------------------------------------------------------------------------
// Reading a backup

type BackupEvent =
  | { kind: 'header'; header: BackupHeader }
  | { kind: 'begin'; table: BackupTable }
  | { kind: 'row'; line: string }
  | { kind: 'end'; table: BackupTable };

/** The file's lines, gunzipped; a damaged or cut gzip stream throws BackupError. */
async function* gunzippedLines(file: string): AsyncGenerator<string> {
  const input = fs.createReadStream(file);
  const gunzip = zlib.createGunzip();
  input.on('error', (error) => gunzip.destroy(error));
  input.pipe(gunzip);
  const decoder = new StringDecoder('utf8');
  let carry = '';
  try {
    for await (const chunk of gunzip) {
      const parts = (carry + decoder.write(chunk as Buffer)).split('\n');
      carry = parts.pop()!;
      yield* parts;
    }
  } catch (error) {
    throw new BackupError(
      `Le fichier ${file} est tronqué ou endommagé (${(error as Error).message}) : ` +
        `utilisez une autre copie de la sauvegarde. Rien n’a été modifié.`,
      { cause: error },
    );
  } finally {
    input.destroy();
  }
  carry += decoder.end();
  if (carry !== '') yield carry;
}

function damaged(file: string, why: string): BackupError {
  return new BackupError(
    `Le fichier ${file} est tronqué ou endommagé (${why}) : utilisez une autre copie de la sauvegarde. Rien n’a été modifié.`,
  );
}

function notABackup(file: string): BackupError {
  return new BackupError(
    `Le fichier ${file} n’est pas une sauvegarde maillage (format non reconnu) : ` +
      `donnez un fichier écrit par « maillage db backup ». Rien n’a été modifié.`,
  );
}

function parseControl<T>(file: string, line: string, prefix: string): T {
  try {
    return JSON.parse(line.slice(prefix.length)) as T;
  } catch {
    throw damaged(file, 'ligne de contrôle illisible');
  }
}

function checkHeader(file: string, value: unknown): BackupHeader {
  const h = value as Partial<BackupHeader> | null;
  if (!h || h.format !== BACKUP_FORMAT || typeof h.formatVersion !== 'number') throw notABackup(file);
  if (h.formatVersion > BACKUP_FORMAT_VERSION) {
    throw new BackupError(
      `Le fichier ${file} est au format de sauvegarde ${h.formatVersion}, plus récent que celui de cette version de ` +
        `maillage (${BACKUP_FORMAT_VERSION}) : restaurez-le avec une version plus récente. Rien n’a été modifié.`,
    );
  }
  const tablesOk =
    Array.isArray(h.tables) &&
    h.tables.every(
      (t) =>
        typeof t?.name === 'string' &&
        Number.isSafeInteger(t.rows) &&
        Array.isArray(t.columns) &&
        Array.isArray(t.jsonColumns),
    );
  if (!tablesOk || !Array.isArray(h.migrations) || !Array.isArray(h.sequences) || typeof h.createdAt !== 'string') {
    throw damaged(file, 'en-tête incomplet');
  }
  return h as BackupHeader;
}

/**
 * Reads a backup, checking as it goes: the magic line, the header, each table's rows against its row count
 * and checksum, and the whole stream against the final checksum. Throws BackupError at the first fault.
 */
async function* readBackup(file: string): AsyncGenerator<BackupEvent> {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BackupError(
      code === 'ENOENT'
        ? `Le fichier ${file} n’existe pas.`
        : `Le fichier ${file} ne peut pas être lu (${code ?? (error as Error).message}).`,
    );
  }
  const start = Buffer.alloc(2);
  const read = fs.readSync(fd, start, 0, 2, 0);
  fs.closeSync(fd);
  if (read < 2 || start[0] !== 0x1f || start[1] !== 0x8b) throw notABackup(file);

  const whole = createHash('sha256');
  let lineNumber = 0;
  let header: BackupHeader | undefined;
  let current: { table: BackupTable; rows: number; hash: ReturnType<typeof createHash> } | undefined;
  let tablesSeen = 0;
  let rowsSeen = 0;
  let finished = false;

  for await (const line of gunzippedLines(file)) {
    lineNumber++;
    if (finished) throw damaged(file, 'données après la fin');
    if (lineNumber === 1) {
      if (line !== MAGIC) {
        if (/^MAILLAGE-BACKUP \d+$/.test(line)) {
          throw new BackupError(
            `Le fichier ${file} est d’un format de sauvegarde plus récent que cette version de maillage : ` +
              `restaurez-le avec une version plus récente. Rien n’a été modifié.`,
          );
        }
        throw notABackup(file);
      }
      whole.update(`${line}\n`);
      continue;
    }
    if (lineNumber === 2) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        throw damaged(file, 'en-tête illisible');
      }
      header = checkHeader(file, parsed);
      whole.update(`${line}\n`);
      yield { kind: 'header', header };
      continue;
    }
    if (line.startsWith('@done ')) {
      const done = parseControl<{ tables: number; rows: number; sha256: string }>(file, line, '@done ');
      if (current) throw damaged(file, `table ${current.table.name} non terminée`);
      if (done.sha256 !== whole.digest('hex') || done.tables !== tablesSeen || done.rows !== rowsSeen) {
        throw damaged(file, 'somme de contrôle globale incorrecte');
      }
      if (tablesSeen !== header!.tables.length) throw damaged(file, 'tables manquantes');
      finished = true;
      continue;
    }
    whole.update(`${line}\n`);
    if (line.startsWith('@begin ')) {
      if (current) throw damaged(file, `table ${current.table.name} non terminée`);
      const { table: name } = parseControl<{ table: string }>(file, line, '@begin ');
      const table = header!.tables[tablesSeen];
      if (!table || table.name !== name) throw damaged(file, `table ${name} inattendue`);
      current = { table, rows: 0, hash: createHash('sha256') };
      yield { kind: 'begin', table };
    } else if (line.startsWith('@end ')) {
      const end = parseControl<{ table: string; rows: number; sha256: string }>(file, line, '@end ');
      if (!current || end.table !== current.table.name) throw damaged(file, `fin de table ${end.table} inattendue`);
      if (end.rows !== current.rows || end.rows !== current.table.rows || end.sha256 !== current.hash.digest('hex')) {
        throw damaged(file, `la table ${current.table.name} ne correspond pas à sa somme de contrôle`);
      }
      tablesSeen++;
      rowsSeen += current.rows;
      yield { kind: 'end', table: current.table };
      current = undefined;
    } else if (line.startsWith('{') && current) {
      current.hash.update(`${line}\n`);
      current.rows++;
      yield { kind: 'row', line };
    } else {
      throw damaged(file, `ligne ${lineNumber} inattendue`);
    }
  }
  if (lineNumber === 0) throw notABackup(file);
  if (!finished) throw damaged(file, 'fin du fichier absente');
}

/** Reads the whole file and checks it; returns its header. */
export async function verifyBackup(file: string): Promise<BackupHeader> {
  let header: BackupHeader | undefined;
  for await (const event of readBackup(file)) {
    if (event.kind === 'header') header = event.header;
  }
  return header!;
}

// ---------------------------------------------------------------------------------------------------------
// Restore

/** The first application table holding a row, if any. */
async function firstNonEmptyTable(db: AnyDb, tables: { name: string }[], schema: string): Promise<string | undefined> {
  for (const t of tables) {
    const r = await sql<{ found: boolean }>`
      select exists (select 1 from ${sql.raw(`${quoteIdent(schema)}.${quoteIdent(t.name)}`)}) as found
    `.execute(db);
    if (r.rows[0]!.found) return t.name;
  }
  return undefined;
}

/** Brings an empty database to exactly `level` (up, or down when it is ahead), as Kysely records it. */
async function migrateEmptyDatabaseTo(db: Kysely<any>, level: string | null): Promise<void> {
  if (level === latestMigration) {
    await migrateToLatest(db);
    return;
  }
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
    // As in migrate.ts: without it Kysely may take another schema's migration tables for ours.
    migrationTableSchema: await currentSchema(db),
  });
  const { error, results } = await migrator.migrateTo(level ?? NO_MIGRATIONS);
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'inconnue';
    throw new MigrationError(
      `La base cible n’a pas pu être mise au niveau de la sauvegarde (migration ${failed}) : ` +
        `${(error as Error).message}. Aucune ligne n’a été chargée.`,
      { cause: error },
    );
  }
}

/**
 * Restores `file` into `db`, which must hold no application row. In order: check the whole file; refuse a
 * backup from a newer maillage or a non-empty target; migrate the target to the backup's level; load every
 * row in one transaction (foreign-key order, batches, user triggers off as pg_dump does, sequences set);
 * then migrate forward to this version. A failure while loading rolls every row back: the target stays
 * empty and the restore can be run again.
 */
export async function restoreBackup(
  db: Executor,
  file: string,
  progress: Progress = noProgress,
): Promise<RestoreSummary> {
  const header = await verifyBackup(file);

  const unknown = header.migrations.filter((name) => !(name in migrations));
  if (unknown.length > 0) {
    throw new BackupError(
      `La sauvegarde ${file} vient d’une version plus récente de maillage (migration ${unknown.join(', ')} inconnue ici) : ` +
        `restaurez-la avec cette version ou une plus récente. Rien n’a été modifié.`,
    );
  }
  const status = await migrationStatus(db);
  if (status.unknown.length > 0) {
    throw new BackupError(
      `La base cible a été mise à jour par une version plus récente de maillage (migration ${status.unknown.join(', ')}) : ` +
        `restaurez avec cette version-là, ou dans une base vide. Rien n’a été modifié.`,
    );
  }
  const schema = await currentSchema(db);
  const occupied = await firstNonEmptyTable(db, await applicationTables(db), schema);
  if (occupied) {
    throw new BackupError(
      `La base cible contient déjà des données (table ${occupied}) : la restauration ne remplace jamais des données, ` +
        `restaurez dans une base vide (un nouveau dossier MAILLAGE_DATA_DIR, ou une base PostgreSQL neuve). Rien n’a été modifié.`,
    );
  }

  await migrateEmptyDatabaseTo(db, header.migration);

  const totalRows = header.tables.reduce((sum, t) => sum + t.rows, 0);
  let loadedRows = 0;
  progress.start(totalRows);
  try {
    await db.transaction().execute(async (tx) => {
      const targetTables = await applicationTables(tx);
      const byName = new Map(targetTables.map((t) => [t.name, t]));
      const qualified = (name: string) => `${quoteIdent(schema)}.${quoteIdent(name)}`;

      for (const t of header.tables) {
        const target = byName.get(t.name);
        const missing = target ? t.columns.filter((c) => !target.columns.includes(c)) : [];
        if (!target || missing.length > 0) {
          throw new BackupError(
            `La base cible, au niveau ${header.migration ?? 'initial'}, n’a pas ${target ? `les colonnes ${missing.join(', ')} de la table ${t.name}` : `la table ${t.name}`} ` +
              `que contient la sauvegarde : elle ne peut pas être restaurée ici. Rien n’a été chargé.`,
          );
        }
      }
      // Nobody writes meanwhile (a PostgreSQL server may have other clients), and the target is still empty.
      if (targetTables.length > 0) {
        await sql
          .raw(`lock table ${targetTables.map((t) => qualified(t.name)).join(', ')} in exclusive mode`)
          .execute(tx);
      }
      const occupiedNow = await firstNonEmptyTable(tx, targetTables, schema);
      if (occupiedNow) {
        throw new BackupError(
          `La table ${occupiedNow} a reçu des lignes pendant la restauration (un autre processus écrit-il dans cette base ?) : ` +
            `rien n’a été chargé.`,
        );
      }
      await sql`set constraints all deferred`.execute(tx);
      // Triggers would rewrite restored values or add rows (audit…): off while loading, as pg_dump does.
      const triggered = targetTables.filter((t) => t.hasUserTriggers);
      for (const t of triggered) await sql.raw(`alter table ${qualified(t.name)} disable trigger user`).execute(tx);

      let table: BackupTable | undefined;
      let batch: string[] = [];
      let batchChars = 0;
      const flush = async () => {
        if (!table || batch.length === 0) return;
        await insertRows(tx, qualified(table.name), table, batch);
        progress.advance(batch.length);
        loadedRows += batch.length;
        batch = [];
        batchChars = 0;
      };
      for await (const event of readBackup(file)) {
        if (event.kind === 'begin') {
          table = event.table;
        } else if (event.kind === 'row') {
          batch.push(event.line);
          batchChars += event.line.length;
          // A table referencing itself goes in one statement: its foreign keys are checked at the statement's end.
          const selfReferencing = byName.get(table!.name)!.selfReferencing;
          if (!selfReferencing && (batch.length >= BATCH_ROWS || batchChars >= BATCH_CHARS)) await flush();
        } else if (event.kind === 'end') {
          await flush();
          table = undefined;
        }
      }

      for (const t of triggered) await sql.raw(`alter table ${qualified(t.name)} enable trigger user`).execute(tx);
      await restoreSequences(tx, header.sequences, schema);
    });
  } catch (error) {
    if (error instanceof OperatorError || error instanceof MigrationError) throw error;
    throw new BackupError(
      `La restauration a échoué et a été annulée, aucune ligne n’a été chargée : ${(error as Error).message}`,
      { cause: error },
    );
  } finally {
    progress.stop();
  }

  const migratedForward = await migrateToLatest(db);
  return { tables: header.tables.length, rows: loadedRows, header, migratedForward };
}

/**
 * One batch: the rows' JSON as one jsonb array, each element turned back into a row of the table by
 * `jsonb_populate_record` (the element-wise form of jsonb_populate_recordset, so that the wrapped json
 * columns can be read beside it), generated columns left to the database, identity values kept.
 */
async function insertRows(tx: AnyDb, qualifiedName: string, table: BackupTable, lines: string[]): Promise<void> {
  const columns = table.columns.map(quoteIdent).join(', ');
  const values = table.columns
    .map((column) =>
      table.jsonColumns.includes(column)
        ? // [value] or null; `-> 0` alone would not do: on a JSON scalar (null included) it returns the scalar.
          `case when jsonb_typeof(e.value -> ${quoteLiteral(column)}) = 'array' then e.value -> ${quoteLiteral(column)} -> 0 end`
        : `r.${quoteIdent(column)}`,
    )
    .join(', ');
  const target = sql.raw(qualifiedName);
  await sql`
    insert into ${target} (${sql.raw(columns)}) overriding system value
    select ${sql.raw(values)}
    from jsonb_array_elements(${`[${lines.join(',')}]`}::jsonb) as e(value)
    cross join lateral jsonb_populate_record(null::${target}, e.value) as r
  `.execute(tx);
}

/**
 * Sequences as they were (so ids are never reused, even those of deleted rows), then every serial or
 * identity column's sequence at least at its column's maximum, whatever the file said.
 */
async function restoreSequences(tx: AnyDb, sequences: BackupSequence[], schema: string): Promise<void> {
  const present = new Set(await schemaSequences(tx));
  for (const s of sequences) {
    if (!present.has(s.name)) continue;
    const name = `${quoteIdent(schema)}.${quoteIdent(s.name)}`;
    await sql`select setval(${name}::regclass, ${s.lastValue}::bigint, ${s.isCalled})`.execute(tx);
  }
  const owned = await sql<{ table_name: string; column_name: string; sequence: string }>`
    select c.relname as table_name, a.attname as column_name,
           pg_get_serial_sequence(quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname) as sequence
    from pg_attribute a
    join pg_class c on c.oid = a.attrelid
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${schema} and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
      and pg_get_serial_sequence(quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname) is not null
      and c.relname not in (${BOOKKEEPING})
  `.execute(tx);
  for (const o of owned.rows) {
    const table = `${quoteIdent(schema)}.${quoteIdent(o.table_name)}`;
    const column = quoteIdent(o.column_name);
    await sql
      .raw(
        `select setval(${quoteLiteral(o.sequence)}::regclass, m) from (select max(${column})::bigint as m from ${table}) x ` +
          `where m is not null and m > (select case when is_called then last_value else last_value - 1 end from ${o.sequence})`,
      )
      .execute(tx);
  }
}
