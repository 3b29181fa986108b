import { Migrator, sql, type Kysely, type MigrationResult } from 'kysely';
import type { Executor } from './database.ts';
import { migrations } from './migrations/index.ts';

export const MIGRATION_TABLE = 'maillage_migration';
const MIGRATION_LOCK_TABLE = 'maillage_migration_lock';

export class MigrationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
  /** Applied in the database but unknown to this code: the database belongs to a newer maillage. */
  unknown: string[];
}

export const latestMigration = Object.keys(migrations).at(-1)!;

export async function migrationStatus(db: Executor): Promise<MigrationStatus> {
  const applied = await appliedMigrations(db);
  const known = Object.keys(migrations);
  return {
    applied,
    pending: known.filter((name) => !applied.includes(name)),
    unknown: applied.filter((name) => !known.includes(name)),
  };
}

async function appliedMigrations(db: Executor): Promise<string[]> {
  const exists = await sql<{
    found: string | null;
  }>`select to_regclass(${MIGRATION_TABLE}) as found`.execute(db);
  if (!exists.rows[0]?.found) return [];
  const rows = await sql<{
    name: string;
  }>`select name from ${sql.table(MIGRATION_TABLE)} order by name`.execute(db);
  return rows.rows.map((r) => r.name);
}

/** Applies every pending migration in one transaction; returns the names applied. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const status = await migrationStatus(db);
  if (status.unknown.length > 0) {
    throw new MigrationError(
      `Cette base a été mise à jour par une version plus récente de maillage (migration ${status.unknown.join(', ')} ` +
        `inconnue ici) : installez cette version plus récente. Rien n’a été modifié.`,
    );
  }
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
    // Unless told the schema, Kysely takes another schema's migration tables (a parallel test run's) for ours.
    migrationTableSchema: await currentSchema(db),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw translate(error, results);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

async function currentSchema(db: Kysely<any>): Promise<string> {
  const result = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return result.rows[0]!.schema;
}

function translate(error: unknown, results: MigrationResult[] | undefined): MigrationError {
  const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'inconnue';
  const pgError = error as { code?: string; message?: string };
  if (pgError.code === '42501' && /extension/i.test(pgError.message ?? '')) {
    const name = /extension "?([\w-]+)"?/i.exec(pgError.message ?? '')?.[1] ?? 'earthdistance';
    return new MigrationError(
      `L’extension PostgreSQL « ${name} » manque et seul un superutilisateur peut la créer (PostgreSQL 15 ne la ` +
        `considère pas comme sûre) : exécutez une fois, en tant que postgres, « psql -d VOTRE_BASE -c 'create extension ` +
        `if not exists pg_trgm; create extension if not exists unaccent; create extension if not exists cube; ` +
        `create extension if not exists earthdistance; create extension if not exists btree_gist' », puis relancez ` +
        `« maillage db migrate ». Aucune migration n’a été appliquée.`,
      { cause: error },
    );
  }
  return new MigrationError(
    `La migration ${failed} a échoué et a été annulée, la base est restée dans son état précédent : ${pgError.message ?? String(error)}`,
    { cause: error },
  );
}
