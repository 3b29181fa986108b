import type { Executor } from '../../db/database.ts';
import type { Actor } from '../access/model.ts';
import type { AuditRecord } from './model.ts';
import { findAuditEvents, insertAuditEvent } from './store.ts';
import { assertAllowed, territoriesWhere } from '../access/check.ts';
import { accountsOnTerritories } from '../accounts/service.ts';

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

export interface AuditSearch {
  actorAccountId?: string;
  action?: string;
  patientId?: string;
  objectId?: string;
  from?: Date;
  to?: Date;
  beforeSeq?: number;
  limit?: number;
}

/**
 * Searches the audit log within the actor's reach: everything for a national administrator; for an
 * account administrator, what happened on his territories or to / by their accounts. The search itself is
 * audited: who looked at whose traces is a trace too.
 */
export async function searchAuditLog(db: Executor, actor: Actor, search: AuditSearch) {
  assertAllowed(actor, 'audit.read');
  const reach = territoriesWhere(actor, 'audit.read');
  const scope =
    reach === 'all' ? ('all' as const) : { territoryIds: reach, accountIds: await accountsOnTerritories(db, reach) };
  const limit = Math.min(Math.max(search.limit ?? 100, 1), 1000);
  const rows = await findAuditEvents(db, { ...search, limit, scope });
  await audit(db, actor, {
    action: 'audit.search',
    outcome: 'success',
    details: {
      filters: Object.keys(search).filter((k) => search[k as keyof AuditSearch] !== undefined),
      results: rows.length,
    },
  });
  return rows.map((r) => ({
    seq: r.seq,
    occurredAt: r.occurred_at.toISOString(),
    actorKind: r.actor_kind,
    actorAccountId: r.actor_account_id,
    actorLabel: r.actor_label,
    action: r.action,
    outcome: r.outcome,
    objectType: r.object_type,
    objectId: r.object_id,
    patientId: r.patient_id,
    territoryId: r.territory_id,
    clientAddress: r.client_address,
    requestId: r.request_id,
    reason: r.reason,
    details: r.details as Record<string, unknown>,
  }));
}

export type AuditEventView = Awaited<ReturnType<typeof searchAuditLog>>[number];

const CSV_COLUMNS: [keyof AuditEventView, string][] = [
  ['seq', 'numéro'],
  ['occurredAt', 'date'],
  ['actorLabel', 'auteur'],
  ['actorAccountId', 'compte auteur'],
  ['action', 'action'],
  ['outcome', 'résultat'],
  ['objectType', 'type d’objet'],
  ['objectId', 'objet'],
  ['patientId', 'patient'],
  ['territoryId', 'territoire'],
  ['clientAddress', 'adresse'],
  ['requestId', 'requête'],
  ['reason', 'motif'],
  ['details', 'détails'],
];

/** CSV for spreadsheets (semicolon-separated, as French spreadsheet software expects; formulas neutralised). */
export function auditEventsToCsv(events: readonly AuditEventView[]): string {
  const cell = (value: unknown) => {
    let text =
      value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[;"\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [CSV_COLUMNS.map(([, label]) => label).join(';')];
  for (const event of events) lines.push(CSV_COLUMNS.map(([key]) => cell(event[key])).join(';'));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
