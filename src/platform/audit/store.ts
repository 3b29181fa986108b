import { sql, type Insertable, type Selectable } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { SealableEvent } from './chain.ts';
import type { AuditTables } from './model.ts';

export type AuditEventRow = AuditTables['audit_event'];

export async function insertAuditEvent(db: Executor, row: Insertable<AuditEventRow>): Promise<number> {
  const inserted = await db.insertInto('audit_event').values(row).returning('seq').executeTakeFirstOrThrow();
  return inserted.seq;
}

export interface AuditQuery {
  actorAccountId?: string;
  action?: string;
  patientId?: string;
  objectId?: string;
  from?: Date;
  to?: Date;
  /**
   * 'all', or the reach of a territorial administrator: events tied to these territories, or done by,
   * or about, these accounts (the accounts holding a role there).
   */
  scope: 'all' | { territoryIds: string[]; accountIds: string[] };
  limit: number;
  beforeSeq?: number;
}

export async function findAuditEvents(db: Executor, query: AuditQuery) {
  let q = db.selectFrom('audit_event').selectAll().orderBy('seq', 'desc').limit(query.limit);
  if (query.actorAccountId) q = q.where('actor_account_id', '=', query.actorAccountId);
  if (query.action) q = q.where('action', '=', query.action);
  if (query.patientId) q = q.where('patient_id', '=', query.patientId);
  if (query.objectId) q = q.where('object_id', '=', query.objectId);
  if (query.from) q = q.where('occurred_at', '>=', query.from);
  if (query.to) q = q.where('occurred_at', '<', query.to);
  if (query.beforeSeq) q = q.where('seq', '<', query.beforeSeq);
  if (query.scope !== 'all') {
    const { territoryIds, accountIds } = query.scope;
    if (territoryIds.length === 0 && accountIds.length === 0) return [];
    q = q.where((eb) =>
      eb.or([
        ...(territoryIds.length ? [eb('territory_id', 'in', territoryIds)] : []),
        ...(accountIds.length
          ? [
              eb('actor_account_id', 'in', accountIds),
              eb.and([eb('object_type', '=', 'account'), eb('object_id', 'in', accountIds)]),
            ]
          : []),
      ]),
    );
  }
  return q.execute();
}

export interface AuditEventForSeal {
  seq: number;
  occurredAtMs: number;
  event: SealableEvent;
}

function toSealable(row: Selectable<AuditEventRow> & { details_text: string }): AuditEventForSeal {
  return {
    seq: row.seq,
    occurredAtMs: row.occurred_at.getTime(),
    event: {
      seq: row.seq,
      occurredAt: row.occurred_at.toISOString(),
      actorKind: row.actor_kind,
      actorAccountId: row.actor_account_id,
      actorLabel: row.actor_label,
      action: row.action,
      outcome: row.outcome,
      objectType: row.object_type,
      objectId: row.object_id,
      patientId: row.patient_id,
      territoryId: row.territory_id,
      clientAddress: row.client_address,
      requestId: row.request_id,
      reason: row.reason,
      details: row.details_text,
    },
  };
}

/** Events numbered above `afterSeq` (and up to `upToSeq`), in order, as seals hash them. */
export async function auditEventsForSeal(
  db: Executor,
  range: { afterSeq: number; upToSeq?: number; limit: number },
): Promise<AuditEventForSeal[]> {
  let q = db
    .selectFrom('audit_event')
    .selectAll()
    .select(sql<string>`details::text`.as('details_text'))
    .where('seq', '>', range.afterSeq)
    .orderBy('seq')
    .limit(range.limit);
  if (range.upToSeq !== undefined) q = q.where('seq', '<=', range.upToSeq);
  return (await q.execute()).map(toSealable);
}

export function lastAuditSeal(db: Executor) {
  return db.selectFrom('audit_seal').selectAll().orderBy('last_seq', 'desc').limit(1).executeTakeFirst();
}

export function auditSealsInOrder(db: Executor) {
  return db.selectFrom('audit_seal').selectAll().orderBy('last_seq').execute();
}

export async function insertAuditSeal(
  db: Executor,
  seal: { firstSeq: number; lastSeq: number; eventCount: number; previousHash: string; hash: string },
): Promise<void> {
  await db
    .insertInto('audit_seal')
    .values({
      first_seq: seal.firstSeq,
      last_seq: seal.lastSeq,
      event_count: seal.eventCount,
      previous_hash: seal.previousHash,
      hash: seal.hash,
    })
    .execute();
}

/** One sealer at a time across every node: a transaction-scoped advisory lock, never waited for. */
export async function tryLockSealer(db: Executor): Promise<boolean> {
  const row = await sql<{
    locked: boolean;
  }>`select pg_try_advisory_xact_lock(hashtext('maillage.audit-seal')) as locked`.execute(db);
  return row.rows[0]?.locked === true;
}

export async function countAuditEventsAfter(db: Executor, seq: number): Promise<number> {
  const row = await db
    .selectFrom('audit_event')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('seq', '>', seq)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
