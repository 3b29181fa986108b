import { sql, type Insertable } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { Role } from '../access/model.ts';
import type { AccountStatus, AccountTables } from './model.ts';

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

/** The accounts holding a role on one of these territories. */
export async function accountIdsOnTerritories(db: Executor, territoryIds: readonly string[]): Promise<string[]> {
  if (territoryIds.length === 0) return [];
  const rows = await db
    .selectFrom('account_grant')
    .select('account_id')
    .distinct()
    .where('territory_id', 'in', territoryIds)
    .execute();
  return rows.map((r) => r.account_id);
}

export interface AccountListFilter {
  /** 'all', or only accounts holding a role on one of these territories. */
  scope: 'all' | readonly string[];
  id?: string;
  role?: Role;
  territoryId?: string;
  status?: AccountStatus;
  /** Part of the name or e-mail, accents and case ignored. */
  q?: string;
  connected?: 'never' | 'this-week' | 'ever';
  limit: number;
  offset: number;
}

/** Start of the current week (Monday 00:00, Europe/Paris), as the pilots counted "connected this week". */
const WEEK_START = sql<Date>`date_trunc('week', now() at time zone 'Europe/Paris') at time zone 'Europe/Paris'`;

export async function listAccounts(db: Executor, filter: AccountListFilter) {
  if (filter.scope !== 'all' && filter.scope.length === 0) return [];
  let q = db
    .selectFrom('account as a')
    .select([
      'a.id',
      'a.email',
      'a.display_name',
      'a.national_id',
      'a.status',
      'a.is_demo',
      'a.totp_enabled_at',
      'a.created_at',
      'a.last_login_at',
      'a.locked_until',
      sql<{ role: Role; territory_id: string; territory_name: string }[]>`coalesce((
        select json_agg(json_build_object('role', g.role, 'territory_id', g.territory_id, 'territory_name', t.name)
                        order by g.role, t.name)
        from account_grant g join territory t on t.id = g.territory_id
        where g.account_id = a.id), '[]'::json)`.as('grants'),
    ])
    .orderBy('a.display_name')
    .orderBy('a.id')
    .limit(filter.limit)
    .offset(filter.offset);
  const scope = filter.scope;
  if (scope !== 'all' || filter.role || filter.territoryId) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('account_grant as g')
          .select(sql`1`.as('one'))
          .whereRef('g.account_id', '=', 'a.id')
          .$if(scope !== 'all', (sub) => sub.where('g.territory_id', 'in', scope as string[]))
          .$if(filter.role !== undefined, (sub) => sub.where('g.role', '=', filter.role!))
          .$if(filter.territoryId !== undefined, (sub) => sub.where('g.territory_id', '=', filter.territoryId!)),
      ),
    );
  }
  if (filter.id) q = q.where('a.id', '=', filter.id);
  if (filter.status) q = q.where('a.status', '=', filter.status);
  if (filter.q) {
    const pattern = `%${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) =>
      eb.or([
        eb(sql`immutable_unaccent(lower(a.display_name))`, 'like', sql`immutable_unaccent(${pattern})`),
        eb(sql`lower(a.email)`, 'like', pattern),
      ]),
    );
  }
  if (filter.connected === 'never') q = q.where('a.last_login_at', 'is', null);
  if (filter.connected === 'ever') q = q.where('a.last_login_at', 'is not', null);
  if (filter.connected === 'this-week') q = q.where('a.last_login_at', '>=', WEEK_START);
  return q.execute();
}

/** Per profile and territory: accounts, ever connected, never connected, connected this week. */
export async function usageByProfile(db: Executor, scope: 'all' | readonly string[]) {
  if (scope !== 'all' && scope.length === 0) return [];
  let q = db
    .selectFrom('account_grant as g')
    .innerJoin('account as a', 'a.id', 'g.account_id')
    .innerJoin('territory as t', 't.id', 'g.territory_id')
    .select([
      'g.role',
      'g.territory_id',
      't.name as territory_name',
      sql<number>`count(distinct a.id)::int`.as('accounts'),
      sql<number>`count(distinct a.id) filter (where a.last_login_at is not null)::int`.as('ever_connected'),
      sql<number>`count(distinct a.id) filter (where a.last_login_at is null)::int`.as('never_connected'),
      sql<number>`count(distinct a.id) filter (where a.last_login_at >= ${WEEK_START})::int`.as('connected_this_week'),
    ])
    .where('a.status', '=', 'active')
    .groupBy(['g.role', 'g.territory_id', 't.name'])
    .orderBy('t.name')
    .orderBy('g.role');
  if (scope !== 'all') q = q.where('g.territory_id', 'in', scope as string[]);
  return q.execute();
}

export async function updateAccountProfile(
  db: Executor,
  id: string,
  fields: {
    email?: string;
    display_name?: string;
    given_name?: string | null;
    family_name?: string | null;
    national_id?: string | null;
  },
): Promise<void> {
  await db
    .updateTable('account')
    .set({ ...fields, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

export async function setAccountStatus(db: Executor, id: string, status: AccountStatus): Promise<void> {
  await db
    .updateTable('account')
    .set({
      status,
      updated_at: sql<Date>`now()`,
      ...(status === 'active' ? { failed_logins: 0, locked_until: null } : {}),
    })
    .where('id', '=', id)
    .execute();
}

export async function deleteGrant(
  db: Executor,
  grant: { accountId: string; role: Role; territoryId: string },
): Promise<boolean> {
  const result = await db
    .deleteFrom('account_grant')
    .where('account_id', '=', grant.accountId)
    .where('role', '=', grant.role)
    .where('territory_id', '=', grant.territoryId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function territoryIdsOfAccount(db: Executor, accountId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('account_grant')
    .select('territory_id')
    .distinct()
    .where('account_id', '=', accountId)
    .execute();
  return rows.map((r) => r.territory_id);
}

export async function territoryKind(db: Executor, territoryId: string): Promise<string | undefined> {
  const row = await db.selectFrom('territory').select('kind').where('id', '=', territoryId).executeTakeFirst();
  return row?.kind;
}
