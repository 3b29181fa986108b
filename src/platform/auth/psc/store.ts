import { sql } from 'kysely';
import type { Executor } from '../../../db/database.ts';
import type { Role } from '../../access/model.ts';
import type { EnrolmentStatus, PscPractice } from './model.ts';

// ---------------------------------------------------------------------------------------------------------------
// Logins under way

export async function insertLoginFlow(
  db: Executor,
  flow: { stateHash: string; sealed: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('psc_login_flow')
    .values({ state_hash: flow.stateHash, sealed: flow.sealed, expires_at: flow.expiresAt })
    .execute();
}

/**
 * Takes a login under way out of the table, atomically: of two callbacks with one state (a replay, a double
 * click), only one gets the row. Undefined when unknown, already used or expired.
 */
export async function takeLoginFlow(db: Executor, stateHash: string): Promise<{ sealed: string } | undefined> {
  const row = await db
    .deleteFrom('psc_login_flow')
    .where('state_hash', '=', stateHash)
    .returning(['sealed', 'expires_at'])
    .executeTakeFirst();
  if (!row || row.expires_at.getTime() <= Date.now()) return undefined;
  return { sealed: row.sealed };
}

/** Forgets logins abandoned at the provider (called at each start: the table stays small). */
export async function deleteExpiredLoginFlows(db: Executor): Promise<void> {
  await db
    .deleteFrom('psc_login_flow')
    .where('expires_at', '<', sql<Date>`now()`)
    .execute();
}

// ---------------------------------------------------------------------------------------------------------------
// Sessions opened through PSC

export async function insertPscSession(
  db: Executor,
  session: { sessionTokenHash: string; idTokenSealed: string },
): Promise<void> {
  await db
    .insertInto('psc_session')
    .values({ session_token_hash: session.sessionTokenHash, id_token_sealed: session.idTokenSealed })
    .execute();
}

export async function findPscSession(db: Executor, sessionTokenHash: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('psc_session')
    .select('id_token_sealed')
    .where('session_token_hash', '=', sessionTokenHash)
    .executeTakeFirst();
  return row?.id_token_sealed;
}

export async function deletePscSession(db: Executor, sessionTokenHash: string): Promise<void> {
  await db.deleteFrom('psc_session').where('session_token_hash', '=', sessionTokenHash).execute();
}

/** The sealed ID tokens of sessions that ended (revoked or past their lifetime) serve no logout any more. */
export async function deleteEndedPscSessions(db: Executor): Promise<void> {
  await db
    .deleteFrom('psc_session')
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('account_session as s')
          .select(sql`1`.as('one'))
          .whereRef('s.token_hash', '=', 'psc_session.session_token_hash')
          .where((eb) => eb.or([eb('s.revoked_at', 'is not', null), eb('s.expires_at', '<', sql<Date>`now()`)])),
      ),
    )
    .execute();
}

// ---------------------------------------------------------------------------------------------------------------
// Accounts, as a PSC login reads them

/**
 * Serialises, until the end of the transaction, the PSC logins of one national id: two first logins at once
 * (two tabs) create one account, not a unique-key failure.
 */
export async function lockNationalId(db: Executor, nationalId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`maillage-psc:${nationalId}`}))`.execute(db);
}

/**
 * The account of a national id, stored with its prefix (`8` + RPPS) or, as some were typed, without (`aliases`: the
 * bare RPPS or ADELI); the prefixed one wins if both exist.
 */
export function findAccountByNationalId(db: Executor, nationalId: string, aliases: string[] = []) {
  return db
    .selectFrom('account')
    .select(['id', 'display_name', 'status', 'is_demo'])
    .where('national_id', 'in', [nationalId, ...aliases])
    .orderBy(sql`national_id = ${nationalId}`, 'desc')
    .limit(1)
    .executeTakeFirst();
}

// ---------------------------------------------------------------------------------------------------------------
// Enrolment requests

export async function insertEnrolmentRequest(
  db: Executor,
  request: {
    accountId: string;
    nationalId: string;
    requestedRole: Role;
    territoryId: string | null;
    candidateTerritoryIds: string[];
    practice: PscPractice;
  },
): Promise<void> {
  await db
    .insertInto('psc_enrolment_request')
    .values({
      account_id: request.accountId,
      national_id: request.nationalId,
      requested_role: request.requestedRole,
      territory_id: request.territoryId,
      candidate_territory_ids: request.candidateTerritoryIds,
      practice: JSON.stringify(request.practice),
    })
    .execute();
}

function enrolmentQuery(db: Executor) {
  return db
    .selectFrom('psc_enrolment_request as r')
    .innerJoin('account as a', 'a.id', 'r.account_id')
    .leftJoin('territory as t', 't.id', 'r.territory_id')
    .select([
      'r.account_id',
      'r.national_id',
      'r.requested_role',
      'r.territory_id',
      'r.candidate_territory_ids',
      'r.practice',
      'r.status',
      'r.requested_at',
      'r.decided_at',
      'a.display_name',
      'a.email',
      't.name as territory_name',
    ]);
}

/**
 * Enrolment requests in a status, limited to those whose territory — or, when none was deduced, one of whose
 * candidate territories — is in `territoryIds` ('all': every request, with or without a territory).
 */
export function listEnrolmentRequests(
  db: Executor,
  filter: { status: EnrolmentStatus; territoryIds: 'all' | string[] },
) {
  return enrolmentQuery(db)
    .where('r.status', '=', filter.status)
    .$if(filter.territoryIds !== 'all', (qb) => {
      const ids = filter.territoryIds as string[];
      if (ids.length === 0) return qb.where(sql<boolean>`false`);
      return qb.where((eb) =>
        eb.or([
          eb('r.territory_id', 'in', ids),
          eb.and([
            eb('r.territory_id', 'is', null),
            sql<boolean>`r.candidate_territory_ids && ${sql.val(ids)}::uuid[]`,
          ]),
        ]),
      );
    })
    .orderBy('r.requested_at')
    .execute();
}

export function findEnrolmentRequest(db: Executor, accountId: string) {
  return enrolmentQuery(db).where('r.account_id', '=', accountId).executeTakeFirst();
}

/** Records the decision on a pending request; false when it was no longer pending (decided meanwhile). */
export async function decideEnrolmentRequest(
  db: Executor,
  decision: {
    accountId: string;
    status: 'approved' | 'rejected';
    territoryId: string | null;
    decidedBy: string | null;
  },
): Promise<boolean> {
  const row = await db
    .updateTable('psc_enrolment_request')
    .set({
      status: decision.status,
      territory_id: decision.territoryId,
      decided_at: sql<Date>`now()`,
      decided_by: decision.decidedBy,
    })
    .where('account_id', '=', decision.accountId)
    .where('status', '=', 'pending')
    .returning('account_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Activates (approval) or disables (refusal) the pending account of an enrolment request. */
export async function setPendingAccountStatus(
  db: Executor,
  accountId: string,
  status: 'active' | 'disabled',
): Promise<boolean> {
  const row = await db
    .updateTable('account')
    .set({ status, updated_at: sql<Date>`now()` })
    .where('id', '=', accountId)
    .where('status', '=', 'pending')
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// The directory, read only: where the structures of the places of practice are

/**
 * The communes of the directory's active places belonging to the active structures with these identifiers
 * (FINESS of the site, SIRET, Annuaire Santé technical id). Read only; the directory module owns these tables.
 */
export async function communesOfStructures(
  db: Executor,
  ids: { finess: string[]; siret: string[]; technicalIds: string[] },
): Promise<string[]> {
  if (ids.finess.length + ids.siret.length + ids.technicalIds.length === 0) return [];
  const rows = await db
    .selectFrom('directory_structure as s')
    .innerJoin('directory_place as p', 'p.structure_id', 's.id')
    .select('p.commune_insee')
    .distinct()
    .where('s.active', '=', true)
    .where('p.active', '=', true)
    .where('p.commune_insee', 'is not', null)
    .where((eb) =>
      eb.or([
        ...(ids.finess.length > 0 ? [eb('s.finess_site', 'in', ids.finess)] : []),
        ...(ids.siret.length > 0 ? [eb('s.siret', 'in', ids.siret)] : []),
        ...(ids.technicalIds.length > 0 ? [eb('s.technical_id', 'in', ids.technicalIds)] : []),
      ]),
    )
    .orderBy('p.commune_insee')
    .execute();
  return rows.map((r) => r.commune_insee!).filter((c) => c !== null);
}
