import type { Insertable } from 'kysely';
import type { Executor } from '../../db/database.ts';
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
  /** Only events tied to these territories ('all' for no restriction). */
  territoryIds: 'all' | string[];
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
  if (query.territoryIds !== 'all') {
    if (query.territoryIds.length === 0) return [];
    q = q.where('territory_id', 'in', query.territoryIds);
  }
  return q.execute();
}
