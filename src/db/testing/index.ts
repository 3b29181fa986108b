import fs from 'node:fs';
import type { ControlledTransaction } from 'kysely';
import { afterAll, afterEach, beforeEach, inject } from 'vitest';
import { openPglite, openPostgres, type DatabaseHandle, type Executor } from '../database.ts';
import type { Database } from '../schema.ts';
import { testDatabaseKind } from './target.ts';

export { testDatabaseKind } from './target.ts';

let shared: Promise<DatabaseHandle> | undefined;

/**
 * The worker's database, migrated, shared by every test file of the worker (files run one after the
 * other in a worker). Tests must not commit into it: use `useTestTransaction`.
 */
export function workerDatabase(): Promise<DatabaseHandle> {
  shared ??= (async () => {
    if (testDatabaseKind() === 'postgres') {
      // Each worker has its own migrated schema (global-setup.ts); VITEST_POOL_ID runs from 1 to maxWorkers.
      const worker = process.env.VITEST_POOL_ID ?? '1';
      return openPostgres(inject('postgresUrl'), { schema: `${inject('postgresSchema')}_w${worker}`, max: 4 });
    }
    const template = fs.readFileSync(inject('pgliteTemplate'));
    return openPglite(undefined, { loadDataDir: new Blob([template]) });
  })();
  return shared;
}

/**
 * Gives each test of the file a transaction, rolled back after it: whatever the code under test writes,
 * and whatever transactions it opens (they become savepoints, see inTransaction), leaves nothing behind.
 */
export function useTestTransaction(): {
  readonly db: Executor;
  readonly handle: DatabaseHandle;
} {
  let trx: ControlledTransaction<Database> | undefined;
  let handle: DatabaseHandle | undefined;
  beforeEach(async () => {
    handle = await workerDatabase();
    trx = await handle.db.startTransaction().execute();
  });
  afterEach(async () => {
    await trx?.rollback().execute();
    trx = undefined;
  });
  afterAll(() => {
    // The shared handle stays open for the worker's next files; the process exit closes it.
  });
  return {
    get db() {
      if (!trx) throw new Error('useTestTransaction: pas de transaction hors d’un test.');
      return trx;
    },
    get handle() {
      if (!handle) throw new Error('useTestTransaction: base non ouverte.');
      return handle;
    },
  };
}
