import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';

/**
 * Serialises demo loads until the caller's transaction ends: two servers starting on one empty PostgreSQL
 * database load the demo once (the second sees the first one's territories).
 */
export async function lockDemoLoading(db: Executor): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('maillage:demo-load'))`.execute(db);
}
