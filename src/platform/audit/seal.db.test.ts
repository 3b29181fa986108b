import { sql } from 'kysely';
import { describe, expect, test } from 'vitest';
import { useTestTransaction } from '../../db/testing/index.ts';
import { systemActor } from '../access/model.ts';
import { sealAuditLog, verifyAuditLog } from './seal.ts';
import { audit } from './service.ts';

describe('sealing and verifying the audit log', () => {
  const t = useTestTransaction();
  const later = () => Date.now() + 120_000;

  async function write(n: number) {
    for (let i = 0; i < n; i++) {
      await audit(t.db, systemActor('test'), { action: 'test.event', outcome: 'success', details: { i, texte: 'é' } });
    }
  }

  async function untouchable<T>(work: () => Promise<T>): Promise<T> {
    // Only the table's owner can do this; on a server the application must not be it (issue 3, point 5).
    await sql`alter table audit_event disable trigger audit_event_no_update`.execute(t.db);
    try {
      return await work();
    } finally {
      await sql`alter table audit_event enable trigger audit_event_no_update`.execute(t.db);
    }
  }

  test('settled events are sealed in a chain that verifies; recent ones stay in the unsealed tail', async () => {
    await write(5);
    expect(await sealAuditLog(t.db, Date.now())).toBe(0);
    expect((await verifyAuditLog(t.db)).unsealedTail).toBeGreaterThanOrEqual(5);
    expect(await sealAuditLog(t.db, later())).toBeGreaterThanOrEqual(5);
    await write(3);
    expect(await sealAuditLog(t.db, later())).toBe(3);
    const verification = await verifyAuditLog(t.db);
    expect(verification.problems).toEqual([]);
    expect(verification.seals).toBeGreaterThanOrEqual(2);
    expect(verification.unsealedTail).toBe(0);
  });

  test('a changed event breaks its seal', async () => {
    await write(4);
    await sealAuditLog(t.db, later());
    await untouchable(() =>
      sql`update audit_event set outcome = 'failure' where action = 'test.event' and details->>'i' = '2'`.execute(t.db),
    );
    const { problems } = await verifyAuditLog(t.db);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/ne correspondent plus à leur sceau .* contenu modifié/);
  });

  test('a deleted event breaks its seal', async () => {
    await write(4);
    await sealAuditLog(t.db, later());
    await untouchable(() =>
      sql`delete from audit_event where action = 'test.event' and details->>'i' = '1'`.execute(t.db),
    );
    const { problems } = await verifyAuditLog(t.db);
    expect(problems[0]).toMatch(/supprimé\(s\) ou ajouté\(s\)/);
  });

  test('seals themselves cannot be rewritten', async () => {
    await write(2);
    await sealAuditLog(t.db, later());
    await expect(sql`update audit_seal set hash = 'x'`.execute(t.db)).rejects.toThrow(/ajout seul/);
  });

  test('a rolled-back insert leaves a hole that is skipped once settled', async () => {
    await write(1);
    await sql`savepoint hole`.execute(t.db);
    await audit(t.db, systemActor('test'), { action: 'test.rolled-back', outcome: 'success' });
    await sql`rollback to savepoint hole`.execute(t.db);
    await write(1);
    await sealAuditLog(t.db, later());
    const verification = await verifyAuditLog(t.db);
    expect(verification.problems).toEqual([]);
    expect(verification.unsealedTail).toBe(0);
  });
});
