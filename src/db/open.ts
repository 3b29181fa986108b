import path from 'node:path';
import type { Config } from '../config.ts';
import { openPglite, openPostgres, type DatabaseHandle } from './database.ts';
import { acquireDataDirLock, type DataDirLock } from './lock.ts';

export interface OpenedDatabase extends DatabaseHandle {
  lock?: DataDirLock;
}

/** The PGlite cluster lives in `<dataDir>/pgdata`, beside the lock file and nothing else of ours. */
export function pgdataDir(dataDir: string): string {
  return path.join(dataDir, 'pgdata');
}

/**
 * Opens the configured database: the PostgreSQL server of DATABASE_URL, or the embedded one in the data
 * folder, which this process then holds locked until `close()`. `command` names the holder in the lock,
 * so whoever is refused knows who holds it.
 */
export async function openConfiguredDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir'>,
  command: string,
): Promise<OpenedDatabase> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl);
  const lock = acquireDataDirLock(config.dataDir, command);
  try {
    const handle = await openPglite(pgdataDir(config.dataDir));
    return {
      ...handle,
      lock,
      async close() {
        try {
          await handle.close();
        } finally {
          lock.release();
        }
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}
