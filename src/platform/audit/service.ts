import type { Executor } from '../../db/database.ts';
import type { Actor } from '../access/model.ts';
import type { AuditRecord } from './model.ts';
import { insertAuditEvent } from './store.ts';

/**
 * Appends one event to the audit log. Call it inside the use case's transaction for what succeeded
 * (the event commits with the change, or neither does), and on the database itself, before throwing,
 * for what was refused (so a refusal is recorded although nothing else is written).
 */
export async function audit(db: Executor, actor: Actor, record: AuditRecord): Promise<void> {
  await insertAuditEvent(db, {
    actor_kind: actor.kind,
    actor_account_id: actor.kind === 'user' ? actor.accountId : null,
    actor_label: actorLabel(actor),
    action: record.action,
    outcome: record.outcome,
    object_type: record.objectType ?? null,
    object_id: record.objectId ?? null,
    patient_id: record.patientId ?? null,
    territory_id: record.territoryId ?? null,
    client_address: actor.origin?.clientAddress ?? null,
    request_id: actor.origin?.requestId ?? null,
    reason: record.reason ?? null,
    details: JSON.stringify(record.details ?? {}),
  });
}

function actorLabel(actor: Actor): string {
  switch (actor.kind) {
    case 'user':
      return actor.displayName;
    case 'system':
      return `système : ${actor.reason}`;
    case 'anonymous':
      return 'anonyme';
  }
}
