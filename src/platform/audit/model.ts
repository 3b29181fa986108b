import type { Generated } from 'kysely';

export type AuditOutcome = 'success' | 'denied' | 'failure';

export interface AuditTables {
  audit_seal: {
    id: Generated<number>;
    first_seq: number;
    last_seq: number;
    event_count: number;
    previous_hash: string;
    hash: string;
    sealed_at: Generated<Date>;
  };
  audit_event: {
    seq: Generated<number>;
    occurred_at: Generated<Date>;
    actor_kind: 'user' | 'system' | 'anonymous';
    actor_account_id: string | null;
    actor_label: string;
    action: string;
    outcome: AuditOutcome;
    object_type: string | null;
    object_id: string | null;
    patient_id: string | null;
    territory_id: string | null;
    client_address: string | null;
    request_id: string | null;
    reason: string | null;
    details: Generated<unknown>;
  };
}

/** What a service records; who and from where come from the request context. */
export interface AuditRecord {
  action: string;
  outcome: AuditOutcome;
  objectType?: string;
  objectId?: string;
  /** Set on every read or write of a patient's data. */
  patientId?: string;
  territoryId?: string;
  /** Why, when the user was asked (e.g. break-glass access). */
  reason?: string;
  /** No patient data here: identifiers and counts only. */
  details?: Record<string, unknown>;
}
