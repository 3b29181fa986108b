import { describe, expect, test } from 'vitest';
import { AppError } from '../errors.ts';
import { assertAllowed, decide, territoriesWhere } from './check.ts';
import type { Actor } from './model.ts';

const T41 = '00000000-0000-4000-8000-000000000041';
const T37 = '00000000-0000-4000-8000-000000000037';
const NATIONAL = '00000000-0000-4000-8000-000000000000';

function user(grants: Extract<Actor, { kind: 'user' }>['grants'], accountId = 'a-1'): Actor {
  return { kind: 'user', accountId, displayName: 'Test', grants };
}

describe('access decisions from the matrix', () => {
  const accountAdmin41 = user([{ role: 'account-admin', territoryId: T41 }]);
  const regulator41 = user([{ role: 'regulator', territoryId: T41 }]);
  const nationalAdmin = user([{ role: 'national-admin', territoryId: NATIONAL, national: true }]);

  test('a role that may not act at all is forbidden (403)', () => {
    expect(decide(regulator41, 'account.manage', { territoryIds: [T41] })).toBe('forbidden');
    expect(() => assertAllowed(regulator41, 'account.manage', { territoryIds: [T41] })).toThrowError(
      expect.objectContaining({ code: 'forbidden', status: 403 }),
    );
  });

  test('a role that may act, but not on another territory, gets out-of-scope (404)', () => {
    expect(decide(accountAdmin41, 'account.manage', { territoryIds: [T41] })).toBe('allowed');
    expect(decide(accountAdmin41, 'account.manage', { territoryIds: [T37] })).toBe('out-of-scope');
    let error: unknown;
    try {
      assertAllowed(accountAdmin41, 'account.manage', { territoryIds: [T37] }, 'Ce compte');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(404);
    expect((error as AppError).detail).toBe('Ce compte est introuvable.');
  });

  test('a national grant covers every territory; granting national rights needs a national administrator', () => {
    expect(decide(nationalAdmin, 'account.manage', { territoryIds: [T37] })).toBe('allowed');
    expect(decide(nationalAdmin, 'account.grant-national')).toBe('allowed');
    expect(decide(accountAdmin41, 'account.grant-national')).toBe('forbidden');
  });

  test('self reach: one’s own account only', () => {
    expect(decide(regulator41, 'account.read-self', { ownerAccountId: 'a-1' })).toBe('allowed');
    expect(decide(regulator41, 'account.read-self', { ownerAccountId: 'a-2' })).toBe('out-of-scope');
  });

  test('anonymous callers are asked to log in; the system may do anything', () => {
    expect(() => assertAllowed({ kind: 'anonymous' }, 'territory.read')).toThrowError(
      expect.objectContaining({ code: 'unauthenticated', status: 401 }),
    );
    expect(decide({ kind: 'system', reason: 'import' }, 'account.manage', { territoryIds: [T37] })).toBe('allowed');
  });

  test('list filters: the territories where an action is allowed', () => {
    expect(territoriesWhere(accountAdmin41, 'account.read')).toEqual([T41]);
    expect(territoriesWhere(nationalAdmin, 'account.read')).toBe('all');
    expect(territoriesWhere(regulator41, 'account.read')).toEqual([]);
  });

  test('the refusal names the actor’s profile in French', () => {
    expect(() => assertAllowed(regulator41, 'audit.read')).toThrowError(
      /Votre profil \(Médecin régulateur\) ne permet pas de : consulter et exporter le journal d’audit\./,
    );
  });
});
