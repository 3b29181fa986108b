import { createHash } from 'node:crypto';

/** What a seal hashes of an event: every column, in a fixed order, as JSON. */
export interface SealableEvent {
  seq: number;
  occurredAt: string;
  actorKind: string;
  actorAccountId: string | null;
  actorLabel: string;
  action: string;
  outcome: string;
  objectType: string | null;
  objectId: string | null;
  patientId: string | null;
  territoryId: string | null;
  clientAddress: string | null;
  requestId: string | null;
  reason: string | null;
  /** jsonb's own text form, which PostgreSQL normalises (key order, spacing). */
  details: string;
}

export const GENESIS_HASH = '0'.repeat(64);

export function sealHash(previousHash: string, events: readonly SealableEvent[]): string {
  const hash = createHash('sha256').update(previousHash);
  for (const e of events) {
    hash.update('\n');
    hash.update(
      JSON.stringify([
        e.seq,
        e.occurredAt,
        e.actorKind,
        e.actorAccountId,
        e.actorLabel,
        e.action,
        e.outcome,
        e.objectType,
        e.objectId,
        e.patientId,
        e.territoryId,
        e.clientAddress,
        e.requestId,
        e.reason,
        e.details,
      ]),
    );
  }
  return hash.digest('hex');
}

/**
 * The events the next seal may cover: a run without holes starting right after the last sealed number.
 * Sequence numbers are taken at insert, so a hole is either a transaction still running (wait for it) or
 * one that rolled back (the number is never used). A hole is taken as rolled back once the event after it
 * is older than `settleMs`: the missing insert came before that event's, so its transaction has been open
 * at least that long. Returns the events to seal (possibly none).
 */
export function sealableRun<E extends { seq: number; occurredAtMs: number }>(
  lastSealedSeq: number,
  candidates: readonly E[],
  nowMs: number,
  settleMs: number,
): E[] {
  const run: E[] = [];
  let expected = lastSealedSeq + 1;
  for (const event of candidates) {
    if (event.seq !== expected && nowMs - event.occurredAtMs < settleMs) break;
    // Events are young too: a transaction that wrote them may still be writing a smaller number.
    if (nowMs - event.occurredAtMs < settleMs / 10) break;
    run.push(event);
    expected = event.seq + 1;
  }
  return run;
}
