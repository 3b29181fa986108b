import { sql } from 'kysely';
import type { Executor } from './database.ts';

let savepoints = 0;

/**
 * Runs `work` atomically on the caller's executor. On the database it opens a transaction; inside a
 * transaction (a calling use case, or a test that rolls everything back) it opens a savepoint, so a
 * failure undoes only `work` and never commits the caller's transaction early. Every write goes
 * through here.
 */
export async function inTransaction<T>(executor: Executor, work: (tx: Executor) => Promise<T>): Promise<T> {
  if (!executor.isTransaction) return executor.transaction().execute(work);
  const name = sql.id(`maillage_sp_${++savepoints}`);
  await sql`savepoint ${name}`.execute(executor);
  try {
    const result = await work(executor);
    await sql`release savepoint ${name}`.execute(executor);
    return result;
  } catch (error) {
    await sql`rollback to savepoint ${name}`.execute(executor);
    throw error;
  }
}
