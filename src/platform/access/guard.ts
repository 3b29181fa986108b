import type { Executor } from '../../db/database.ts';
import { audit } from '../audit/service.ts';
import { AppError } from '../errors.ts';
import { assertAllowed, type AccessTarget } from './check.ts';
import type { Action } from './matrix.ts';
import type { Actor } from './model.ts';

/**
 * The check every use case starts with: the matrix decides, and a refusal of a logged-in actor (403, or
 * 404 for another territory's object) is written to the audit log before the error goes back. Call it
 * on the database itself, before opening the use case's transaction, so the refusal is kept.
 */
export async function authorize(
  db: Executor,
  actor: Actor,
  action: Action,
  target?: AccessTarget & { objectType?: string; objectId?: string },
  what?: string,
): Promise<void> {
  try {
    assertAllowed(actor, action, target, what);
  } catch (error) {
    if (error instanceof AppError && actor.kind === 'user') {
      await audit(db, actor, {
        action,
        outcome: 'denied',
        objectType: target?.objectType,
        objectId: target?.objectId,
        details: { status: error.status },
      });
    }
    throw error;
  }
}
