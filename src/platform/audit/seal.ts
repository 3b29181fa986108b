import type { Executor } from '../../db/database.ts';
import { inTransaction } from '../../db/transaction.ts';
import { GENESIS_HASH, sealableRun, sealHash } from './chain.ts';
import {
  auditEventsForSeal,
  auditSealsInOrder,
  countAuditEventsAfter,
  insertAuditSeal,
  lastAuditSeal,
  tryLockSealer,
} from './store.ts';

/** A hole in the numbering older than this is a rolled-back insert. */
export const SEAL_SETTLE_MS = 30_000;
const BATCH = 5_000;

/**
 * Seals what can be sealed now, in batches chained to the previous seal. Only one node seals at a time
 * (advisory lock); the others return at once. Returns the number of events sealed.
 */
export async function sealAuditLog(db: Executor, nowMs = Date.now(), settleMs = SEAL_SETTLE_MS): Promise<number> {
  let sealed = 0;
  for (;;) {
    const count = await inTransaction(db, async (tx) => {
      if (!(await tryLockSealer(tx))) return 0;
      const last = await lastAuditSeal(tx);
      const lastSeq = last?.last_seq ?? 0;
      const candidates = await auditEventsForSeal(tx, { afterSeq: lastSeq, limit: BATCH });
      const run = sealableRun(lastSeq, candidates, nowMs, settleMs);
      if (run.length === 0) return 0;
      const previousHash = last?.hash ?? GENESIS_HASH;
      await insertAuditSeal(tx, {
        firstSeq: lastSeq + 1,
        lastSeq: run.at(-1)!.seq,
        eventCount: run.length,
        previousHash,
        hash: sealHash(
          previousHash,
          run.map((r) => r.event),
        ),
      });
      return run.length;
    });
    sealed += count;
    if (count < BATCH) return sealed;
  }
}

export interface AuditVerification {
  seals: number;
  sealedEvents: number;
  /** Events not sealed yet (recent ones): not protected by the chain until the next seal. */
  unsealedTail: number;
  problems: string[];
}

/** Recomputes every seal from the events and checks the chain; lists each break in French. */
export async function verifyAuditLog(db: Executor): Promise<AuditVerification> {
  const seals = await auditSealsInOrder(db);
  const problems: string[] = [];
  let previousHash = GENESIS_HASH;
  let previousLast = 0;
  let sealedEvents = 0;
  for (const seal of seals) {
    if (seal.previous_hash !== previousHash || seal.first_seq !== previousLast + 1) {
      problems.push(
        `Le sceau n° ${seal.id} (événements ${seal.first_seq} à ${seal.last_seq}) ne suit pas le précédent : chaîne rompue.`,
      );
    }
    const events = await auditEventsForSeal(db, {
      afterSeq: seal.first_seq - 1,
      upToSeq: seal.last_seq,
      limit: 1_000_000,
    });
    if (events.length !== seal.event_count) {
      problems.push(
        `Le sceau n° ${seal.id} couvre ${seal.event_count} événement(s) entre ${seal.first_seq} et ${seal.last_seq}, ` +
          `la base en contient ${events.length} : événement(s) supprimé(s) ou ajouté(s) après coup.`,
      );
    } else if (
      sealHash(
        seal.previous_hash,
        events.map((e) => e.event),
      ) !== seal.hash
    ) {
      problems.push(
        `Les événements ${seal.first_seq} à ${seal.last_seq} ne correspondent plus à leur sceau n° ${seal.id} : contenu modifié.`,
      );
    }
    previousHash = seal.hash;
    previousLast = seal.last_seq;
    sealedEvents += seal.event_count;
  }
  return { seals: seals.length, sealedEvents, unsealedTail: await countAuditEventsAfter(db, previousLast), problems };
}
