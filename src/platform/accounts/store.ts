import { sql, type Insertable } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { Role } from '../access/model.ts';
import type { AccountTables } from './model.ts';

type AccountRow = AccountTables['account'];

const PUBLIC_COLUMNS = [
  'id',
  'email',
  'display_name',
  'given_name',
  'family_name',
  'national_id',
  'status',
  'is_demo',
  'totp_enabled_at',
  'created_at',
  'last_login_at',
] as const;

export async function insertAccount(db: Executor, values: Insertable<AccountRow>): Promise<string> {
  const row = await db.insertInto('account').values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export function findAccountById(db: Executor, id: string) {
  return db.selectFrom('account').select(PUBLIC_COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** With the secrets a login needs; only the login use case calls it. */
export function findAccountForLogin(db: Executor, email: string) {
  return db
    .selectFrom('account')
    .select([...PUBLIC_COLUMNS, 'password_hash', 'failed_logins', 'locked_until'])
    .where(sql<string>`lower(email)`, '=', email.trim().toLowerCase())
    .executeTakeFirst();
}

export async function emailTaken(db: Executor, email: string): Promise<boolean> {
  const row = await db
    .selectFrom('account')
    .select('id')
    .where(sql<string>`lower(email)`, '=', email.trim().toLowerCase())
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Counts a failed login atomically (two concurrent failures both count); at `lockAfter` failures the
 * account is locked for `lockMinutes` and the counter starts again.
 */
export async function recordFailedLogin(db: Executor, id: string, lockAfter: number, lockMinutes: number) {
  return db
    .updateTable('account')
    .set({
      failed_logins: sql<number>`case when failed_logins + 1 >= ${lockAfter} then 0 else failed_logins + 1 end`,
      locked_until: sql<Date | null>`case when failed_logins + 1 >= ${lockAfter}
        then now() + make_interval(mins => ${lockMinutes}) else locked_until end`,
    })
    .where('id', '=', id)
    .returning(['failed_logins', 'locked_until'])
    .executeTakeFirstOrThrow();
}

export async function recordSuccessfulLogin(db: Executor, id: string): Promise<void> {
  await db
    .updateTable('account')
    .set({ failed_logins: 0, locked_until: null, last_login_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

export async function insertGrant(
  db: Executor,
  grant: { accountId: string; role: Role; territoryId: string; grantedBy: string | null },
): Promise<void> {
  await db
    .insertInto('account_grant')
    .values({
      account_id: grant.accountId,
      role: grant.role,
      territory_id: grant.territoryId,
      granted_by: grant.grantedBy,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** An account's roles with their territory's name, and whether it is the national territory. */
export function grantsOf(db: Executor, accountId: string) {
  return db
    .selectFrom('account_grant as g')
    .innerJoin('territory as t', 't.id', 'g.territory_id')
    .select(['g.role', 'g.territory_id', 't.name as territory_name', 't.kind as territory_kind'])
    .where('g.account_id', '=', accountId)
    .orderBy('g.role')
    .orderBy('t.name')
    .execute();
}

export async function countAccounts(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('account')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function setPasswordHash(db: Executor, id: string, passwordHash: string): Promise<void> {
  await db
    .updateTable('account')
    .set({ password_hash: passwordHash, failed_logins: 0, locked_until: null, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

export function findTotpState(db: Executor, id: string) {
  return db
    .selectFrom('account')
    .select(['email', 'totp_secret', 'totp_enabled_at', 'totp_last_counter', 'locked_until'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Stores a new, not yet confirmed, second-factor secret (replacing an unconfirmed one). */
export async function setPendingTotpSecret(db: Executor, id: string, secret: string): Promise<void> {
  await db
    .updateTable('account')
    .set({ totp_secret: secret, totp_enabled_at: null, totp_last_counter: null, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

/**
 * Accepts a TOTP time step for the account, atomically: false when that step (or a later one) was already
 * used, so a code seen over a shoulder or replayed is refused. Enables the second factor on first use.
 */
export async function acceptTotpCounter(db: Executor, id: string, counter: number): Promise<boolean> {
  const row = await db
    .updateTable('account')
    .set({
      totp_last_counter: counter,
      totp_enabled_at: sql<Date>`coalesce(totp_enabled_at, now())`,
    })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('totp_last_counter', 'is', null), eb('totp_last_counter', '<', counter)]))
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Demo accounts with their first role, in the order of the roles' list. */
export function listDemoAccounts(db: Executor) {
  return db
    .selectFrom('account as a')
    .leftJoin('account_grant as g', 'g.account_id', 'a.id')
    .select(['a.email', 'g.role'])
    .where('a.is_demo', '=', true)
    .where('a.status', '=', 'active')
    .orderBy('a.created_at')
    .orderBy('a.email')
    .execute();
}
