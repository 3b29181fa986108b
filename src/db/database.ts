import fs from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { cube } from '@electric-sql/pglite/contrib/cube';
import { earthdistance } from '@electric-sql/pglite/contrib/earthdistance';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { PglitePool } from './pglite-pool.ts';
import type { Database } from './schema.ts';

/** What stores and services run on: the database itself or a transaction a caller opened. */
export type Executor = Kysely<Database>;
export type Tx = Transaction<Database>;

export type DatabaseMode = 'pglite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  mode: DatabaseMode;
  /** Where the data lives, without credentials, for messages and logs. */
  location: string;
  /** The embedded instance, in PGlite mode (dump, amcheck, tests). */
  pglite?: PGlite;
  close(): Promise<void>;
}

/** PostgreSQL major version PGlite 0.5 embeds; a data folder made by another one cannot be opened. */
export const PGLITE_PG_MAJOR = '18';

export const PGLITE_EXTENSIONS = {
  btree_gist,
  cube,
  earthdistance,
  pg_trgm,
  unaccent,
};

/** A database that cannot be opened, with the one French sentence an operator needs. */
export class DatabaseOpenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseOpenError';
  }
}

const OID = { int8: 20, date: 1082, numeric: 1700 } as const;

function int8ToNumber(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`Entier hors de la plage sûre de JavaScript : ${value}`);
  return n;
}

/**
 * Opens the embedded database in `pgdataDir` (created if absent), or in memory when `pgdataDir` is
 * undefined. The caller holds the folder's lock (see lock.ts).
 */
export async function openPglite(
  pgdataDir: string | undefined,
  options: { loadDataDir?: Blob | File } = {},
): Promise<DatabaseHandle> {
  if (pgdataDir !== undefined) checkPgdataVersion(pgdataDir);
  let pglite: PGlite;
  try {
    // Loaded here, not at the top: its WebAssembly module costs ~150 ms that a PostgreSQL start does not need.
    const { PGlite } = await import('@electric-sql/pglite');
    pglite = await PGlite.create({
      ...(pgdataDir !== undefined ? { dataDir: pgdataDir } : {}),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
      extensions: PGLITE_EXTENSIONS,
      // Same JavaScript types as the node-postgres side (see openPostgres).
      parsers: { [OID.date]: (v: string) => v, [OID.int8]: int8ToNumber },
    });
    await pglite.query('select 1');
  } catch (cause) {
    throw new DatabaseOpenError(
      pgdataDir === undefined
        ? `La base embarquée n’a pas pu démarrer : ${describe(cause)}.`
        : `Le dossier de données ${pgdataDir} n’a pas pu être ouvert (fichiers endommagés ou incomplets ?) : ` +
            `${describe(cause)}. Rien n’a été modifié ; restaurez une sauvegarde avec « maillage db restore » ` +
            `dans un autre dossier si besoin.`,
      { cause },
    );
  }
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new PglitePool(pglite) }),
  });
  return {
    db,
    mode: 'pglite',
    location: pgdataDir ?? 'mémoire',
    pglite,
    async close() {
      await db.destroy();
      await pglite.close();
    },
  };
}

function checkPgdataVersion(pgdataDir: string): void {
  const versionFile = path.join(pgdataDir, 'PG_VERSION');
  if (!fs.existsSync(versionFile)) return;
  const version = fs.readFileSync(versionFile, 'utf8').trim();
  if (version !== PGLITE_PG_MAJOR) {
    throw new DatabaseOpenError(
      `Le dossier de données ${pgdataDir} a été créé par PostgreSQL ${version}, ` +
        `or cette version de maillage embarque PostgreSQL ${PGLITE_PG_MAJOR} : ` +
        `utilisez la version de maillage qui l’a créé, faites « maillage db backup », puis restaurez ici. ` +
        `Rien n’a été modifié.`,
    );
  }
}

/**
 * Connects to a PostgreSQL server. `schema` puts every unqualified name in that schema first (the
 * extensions stay in `public`): tests isolate their runs this way.
 */
export async function openPostgres(
  url: string,
  options: { schema?: string; max?: number } = {},
): Promise<DatabaseHandle> {
  const location = redactUrl(url);
  const searchPath = options.schema ? `${quoteIdent(options.schema)},public` : undefined;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: 'maillage',
    connectionTimeoutMillis: 5000,
    ...(searchPath ? { options: `-c search_path=${searchPath}` } : {}),
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === OID.int8) return int8ToNumber;
        if (oid === OID.date) return (v: string) => v;
        return pg.types.getTypeParser(oid, format);
      }) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client that loses its server must not crash the process.
  pool.on('error', () => {});
  try {
    const client = await pool.connect();
    client.release();
  } catch (cause) {
    await pool.end().catch(() => {});
    throw new DatabaseOpenError(`Impossible de joindre PostgreSQL à ${location} : ${describePgError(cause)}.`, {
      cause,
    });
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    mode: 'postgres',
    location,
    async close() {
      await db.destroy();
    },
  };
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'URL illisible';
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function describe(cause: unknown): string {
  // Callers end the sentence themselves: a cause ending in a period would print « info.. ».
  return (cause instanceof Error ? cause.message : String(cause)).replace(/[\s.]+$/, '');
}

function describePgError(cause: unknown): string {
  const code = (cause as { code?: string }).code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connexion refusée (le serveur est-il démarré, le port est-il le bon ?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'nom d’hôte inconnu';
    case '28P01':
    case '28000':
      return 'authentification refusée (utilisateur ou mot de passe)';
    case '3D000':
      return 'la base de données n’existe pas';
    default:
      return describe(cause);
  }
}
