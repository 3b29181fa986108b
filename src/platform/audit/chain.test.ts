import { describe, expect, test } from 'vitest';
import { GENESIS_HASH, sealableRun, sealHash, type SealableEvent } from './chain.ts';

const event = (seq: number, over: Partial<SealableEvent> = {}): SealableEvent => ({
  seq,
  occurredAt: '2026-11-23T10:00:00.000Z',
  actorKind: 'user',
  actorAccountId: 'a',
  actorLabel: 'Dr A',
  action: 'auth.login',
  outcome: 'success',
  objectType: null,
  objectId: null,
  patientId: null,
  territoryId: null,
  clientAddress: '127.0.0.1',
  requestId: 'r',
  reason: null,
  details: '{}',
  ...over,
});

describe('audit chain', () => {
  test('the hash depends on every field and on the previous seal', () => {
    const base = sealHash(GENESIS_HASH, [event(1), event(2)]);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(sealHash(GENESIS_HASH, [event(1), event(2)])).toBe(base);
    expect(sealHash(GENESIS_HASH, [event(1), event(2, { outcome: 'failure' })])).not.toBe(base);
    expect(sealHash(GENESIS_HASH, [event(1)])).not.toBe(base);
    expect(sealHash('f'.repeat(64), [event(1), event(2)])).not.toBe(base);
    expect(sealHash(GENESIS_HASH, [event(1, { details: '{"a": 1}' }), event(2)])).not.toBe(base);
  });

  const at = (seq: number, ageMs: number, now = 1_000_000) => ({ seq, occurredAtMs: now - ageMs });

  test('a contiguous run of settled events is sealed', () => {
    expect(sealableRun(10, [at(11, 60_000), at(12, 60_000)], 1_000_000, 30_000).map((e) => e.seq)).toEqual([11, 12]);
  });

  test('a recent hole stops the run: its transaction may still commit', () => {
    expect(sealableRun(10, [at(11, 60_000), at(13, 5_000)], 1_000_000, 30_000).map((e) => e.seq)).toEqual([11]);
  });

  test('an old hole is a rolled-back insert: skipped', () => {
    expect(sealableRun(10, [at(12, 60_000), at(13, 60_000)], 1_000_000, 30_000).map((e) => e.seq)).toEqual([12, 13]);
  });

  test('very young events wait even without a hole', () => {
    expect(sealableRun(10, [at(11, 100)], 1_000_000, 30_000)).toEqual([]);
  });
});
