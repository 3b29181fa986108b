import { sql } from 'kysely';
import type { Executor } from '../../db/database.ts';

export async function insertSession(
  db: Executor,
  session: { tokenHash: string; accountId: string; csrfToken: string; expiresAt: Date; userAgent: string | null },
): Promise<void> {
  await db
    .insertInto('account_session')
    .values({
      token_hash: session.tokenHash,
      account_id: session.accountId,
      csrf_token: session.csrfToken,
      expires_at: session.expiresAt,
      user_agent: session.userAgent,
    })
    .execute();
}

/** A live session: not revoked, within its absolute lifetime and not idle for longer than `idleMinutes`. */
export function findLiveSession(db: Executor, tokenHash: string, idleMinutes: number) {
  return db
    .selectFrom('account_session as s')
    .innerJoin('account as a', 'a.id', 's.account_id')
    .select([
      's.token_hash',
      's.account_id',
      's.csrf_token',
      's.last_seen_at',
      's.expires_at',
      's.second_factor_at',
      'a.totp_enabled_at',
      'a.display_name',
      'a.national_id',
      'a.status',
    ])
    .where('s.token_hash', '=', tokenHash)
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', sql<Date>`now()`)
    .where('s.last_seen_at', '>', sql<Date>`now() - make_interval(mins => ${idleMinutes})`)
    .executeTakeFirst();
}

export async function touchSession(db: Executor, tokenHash: string): Promise<void> {
  await db
    .updateTable('account_session')
    .set({ last_seen_at: sql<Date>`now()` })
    .where('token_hash', '=', tokenHash)
    .execute();
}

export async function revokeSession(db: Executor, tokenHash: string): Promise<void> {
  await db
    .updateTable('account_session')
    .set({ revoked_at: sql<Date>`now()` })
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function revokeAllSessions(db: Executor, accountId: string): Promise<number> {
  const result = await db
    .updateTable('account_session')
    .set({ revoked_at: sql<Date>`now()` })
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function insertPasswordResetToken(
  db: Executor,
  token: { tokenHash: string; accountId: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('password_reset_token')
    .values({ token_hash: token.tokenHash, account_id: token.accountId, expires_at: token.expiresAt })
    .execute();
}

/**
 * Uses a reset token: marks it used and returns its account, atomically, so two concurrent uses of one
 * token cannot both succeed. Undefined when unknown, used or expired.
 */
export async function consumePasswordResetToken(db: Executor, tokenHash: string): Promise<string | undefined> {
  const row = await db
    .updateTable('password_reset_token')
    .set({ used_at: sql<Date>`now()` })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning('account_id')
    .executeTakeFirst();
  return row?.account_id;
}

export function findPasswordResetToken(db: Executor, tokenHash: string) {
  return db
    .selectFrom('password_reset_token')
    .select(['account_id'])
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

export async function markSecondFactorDone(db: Executor, tokenHash: string): Promise<void> {
  await db
    .updateTable('account_session')
    .set({ second_factor_at: sql<Date>`now()` })
    .where('token_hash', '=', tokenHash)
    .execute();
}
