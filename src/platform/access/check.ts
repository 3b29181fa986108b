import { AppError } from '../errors.ts';
import { PERMISSIONS, ACTIONS, type Action } from './matrix.ts';
import { ROLE_LABELS, type Actor } from './model.ts';

/** The object an action touches, as far as rights are concerned. */
export interface AccessTarget {
  /** Territories the object belongs to (e.g. every territory containing its commune). */
  territoryIds?: readonly string[];
  /** The account the object belongs to, for 'self' reach. */
  ownerAccountId?: string;
}

export type AccessDecision = 'allowed' | 'forbidden' | 'out-of-scope';

/**
 * Decides from the matrix. 'forbidden': none of the actor's roles may do this at all (answered 403);
 * 'out-of-scope': a role may, but not on this object's territory (answered 404, so ids of another
 * territory's data reveal nothing).
 */
export function decide(actor: Actor, action: Action, target?: AccessTarget): AccessDecision {
  if (actor.kind === 'system') return 'allowed';
  if (actor.kind === 'anonymous') return 'forbidden';
  const allowed = PERMISSIONS[action];
  let anyRole = false;
  for (const grant of actor.grants) {
    const reach = allowed[grant.role];
    if (!reach) continue;
    anyRole = true;
    if (reach === 'everywhere' || !target) return 'allowed';
    if (reach === 'self') {
      if (target.ownerAccountId === undefined || target.ownerAccountId === actor.accountId) return 'allowed';
      continue;
    }
    if (grant.national) return 'allowed';
    if (target.territoryIds === undefined || target.territoryIds.includes(grant.territoryId)) return 'allowed';
  }
  return anyRole ? 'out-of-scope' : 'forbidden';
}

/** Throws the answer the client gets when the matrix says no; `what` names the object for the 404. */
export function assertAllowed(actor: Actor, action: Action, target?: AccessTarget, what = 'Cette ressource'): void {
  const decision = decide(actor, action, target);
  if (decision === 'allowed') return;
  if (actor.kind === 'anonymous') {
    throw new AppError('unauthenticated', 'Connectez-vous pour accéder à cette page.');
  }
  if (decision === 'out-of-scope') {
    throw new AppError('not-found', `${what} est introuvable.`);
  }
  const roles = actor.kind === 'user' ? actor.grants.map((g) => ROLE_LABELS[g.role]) : [];
  throw new AppError(
    'forbidden',
    `Votre profil (${[...new Set(roles)].join(', ') || 'aucun rôle'}) ne permet pas de : ${ACTIONS[action].toLowerCase()}.`,
  );
}

/**
 * The territories where the actor may perform an action, to filter lists in SQL: 'all', or the ids of
 * the territories of the grants that allow it (possibly empty).
 */
export function territoriesWhere(actor: Actor, action: Action): 'all' | string[] {
  if (actor.kind === 'system') return 'all';
  if (actor.kind === 'anonymous') return [];
  const ids = new Set<string>();
  for (const grant of actor.grants) {
    const reach = PERMISSIONS[action][grant.role];
    if (reach === 'everywhere' || (reach && grant.national)) return 'all';
    if (reach === 'territory') ids.add(grant.territoryId);
  }
  return [...ids];
}
