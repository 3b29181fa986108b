import type { Executor } from '../../db/database.ts';
import { inTransaction } from '../../db/transaction.ts';
import { territoriesWhere } from '../access/check.ts';
import { authorize } from '../access/guard.ts';
import { ROLE_LABELS, type Actor, type Role } from '../access/model.ts';
import { audit } from '../audit/service.ts';
import { revokeAllSessions } from '../auth/store.ts';
import { AppError } from '../errors.ts';
import type { AccountStatus } from './model.ts';
import { authorizeGrant, EMAIL } from './service.ts';
import {
  deleteGrant,
  emailTaken,
  insertGrant,
  listAccounts,
  setAccountStatus,
  territoryIdsOfAccount,
  updateAccountProfile,
  usageByProfile,
} from './store.ts';

/* The administration space's use cases. Each checks the actor's reach over the account's territories:
   another territory's account answers 404, as if it did not exist. */

export interface AccountSearch {
  role?: Role;
  territoryId?: string;
  status?: AccountStatus;
  q?: string;
  connected?: 'never' | 'this-week' | 'ever';
  limit?: number;
  offset?: number;
}

type AccountRow = Awaited<ReturnType<typeof listAccounts>>[number];

function toView(r: AccountRow) {
  return {
    id: r.id,
    email: r.email,
    displayName: r.display_name,
    nationalId: r.national_id,
    status: r.status,
    isDemo: r.is_demo,
    secondFactorEnabled: r.totp_enabled_at !== null,
    lockedUntil: r.locked_until && r.locked_until > new Date() ? r.locked_until.toISOString() : null,
    createdAt: r.created_at.toISOString(),
    lastLoginAt: r.last_login_at?.toISOString() ?? null,
    grants: r.grants.map((g) => ({
      role: g.role,
      roleLabel: ROLE_LABELS[g.role],
      territoryId: g.territory_id,
      territoryName: g.territory_name,
    })),
  };
}

export type AccountView = ReturnType<typeof toView>;

export async function searchAccounts(db: Executor, actor: Actor, search: AccountSearch): Promise<AccountView[]> {
  await authorize(db, actor, 'account.read');
  const rows = await listAccounts(db, {
    ...search,
    scope: territoriesWhere(actor, 'account.read'),
    limit: Math.min(Math.max(search.limit ?? 100, 1), 500),
    offset: Math.max(search.offset ?? 0, 0),
  });
  return rows.map(toView);
}

async function authorizeOnAccount(
  db: Executor,
  actor: Actor,
  action: 'account.read' | 'account.manage',
  accountId: string,
) {
  const territoryIds = await territoryIdsOfAccount(db, accountId);
  await authorize(db, actor, action, { territoryIds, objectType: 'account', objectId: accountId }, 'Ce compte');
}

export async function getAccount(db: Executor, actor: Actor, accountId: string): Promise<AccountView> {
  await authorizeOnAccount(db, actor, 'account.read', accountId);
  const [row] = await listAccounts(db, { scope: 'all', id: accountId, limit: 1, offset: 0 });
  if (!row) throw new AppError('not-found', 'Ce compte est introuvable.');
  return toView(row);
}

export interface AccountChanges {
  email?: string;
  displayName?: string;
  givenName?: string | null;
  familyName?: string | null;
  nationalId?: string | null;
}

export async function updateAccount(
  db: Executor,
  actor: Actor,
  accountId: string,
  changes: AccountChanges,
): Promise<AccountView> {
  await authorizeOnAccount(db, actor, 'account.manage', accountId);
  if (changes.email !== undefined) {
    const email = changes.email.trim();
    if (!EMAIL.test(email))
      throw new AppError('validation-failed', 'Adresse e-mail invalide.', [
        { field: 'email', message: 'Adresse e-mail invalide.' },
      ]);
    const current = await getAccount(db, actor, accountId);
    if (current.email.toLowerCase() !== email.toLowerCase() && (await emailTaken(db, email))) {
      throw new AppError('conflict', `Un compte existe déjà avec l’adresse ${email}.`, [
        { field: 'email', message: 'Adresse déjà utilisée.' },
      ]);
    }
  }
  if (changes.displayName !== undefined && changes.displayName.trim().length < 2) {
    throw new AppError('validation-failed', 'Le nom affiché doit compter au moins 2 caractères.', [
      { field: 'displayName', message: 'Au moins 2 caractères.' },
    ]);
  }
  await inTransaction(db, async (tx) => {
    await updateAccountProfile(tx, accountId, {
      ...(changes.email !== undefined ? { email: changes.email.trim() } : {}),
      ...(changes.displayName !== undefined ? { display_name: changes.displayName.trim() } : {}),
      ...(changes.givenName !== undefined ? { given_name: changes.givenName } : {}),
      ...(changes.familyName !== undefined ? { family_name: changes.familyName } : {}),
      ...(changes.nationalId !== undefined ? { national_id: changes.nationalId } : {}),
    });
    await audit(tx, actor, {
      action: 'account.update',
      outcome: 'success',
      objectType: 'account',
      objectId: accountId,
      details: { fields: Object.keys(changes) },
    });
  });
  return getAccount(db, actor, accountId);
}

/**
 * Deactivates (every open session ends at once) or reactivates an account. A pending self-enrolment is decided
 * through its request (decidePscEnrolment), which grants the profile too. An administrator cannot deactivate
 * his own account (someone must remain able to act).
 */
export async function changeAccountStatus(
  db: Executor,
  actor: Actor,
  accountId: string,
  status: 'active' | 'disabled',
) {
  await authorizeOnAccount(db, actor, 'account.manage', accountId);
  if (actor.kind === 'user' && actor.accountId === accountId && status === 'disabled') {
    throw new AppError(
      'conflict',
      'Vous ne pouvez pas désactiver votre propre compte : demandez-le à un autre administrateur.',
    );
  }
  const before = await getAccount(db, actor, accountId);
  if (before.status === 'pending') {
    throw new AppError(
      'conflict',
      'Ce compte attend la validation de son inscription : validez-la ou refusez-la depuis la liste des inscriptions, ' +
        'qui lui attribue aussi son profil.',
    );
  }
  await inTransaction(db, async (tx) => {
    await setAccountStatus(tx, accountId, status);
    const ended = status === 'disabled' ? await revokeAllSessions(tx, accountId) : 0;
    await audit(tx, actor, {
      action:
        status === 'disabled' ? 'account.disable' : before.status === 'pending' ? 'account.validate' : 'account.enable',
      outcome: 'success',
      objectType: 'account',
      objectId: accountId,
      details: { previous: before.status, endedSessions: ended },
    });
  });
  return getAccount(db, actor, accountId);
}

export async function grantRole(
  db: Executor,
  actor: Actor,
  accountId: string,
  grant: { role: Role; territoryId: string },
) {
  await authorizeOnAccount(db, actor, 'account.manage', accountId);
  await authorizeGrant(db, actor, grant);
  await inTransaction(db, async (tx) => {
    await insertGrant(tx, { accountId, ...grant, grantedBy: actor.kind === 'user' ? actor.accountId : null });
    await audit(tx, actor, {
      action: 'account.grant',
      outcome: 'success',
      objectType: 'account',
      objectId: accountId,
      territoryId: grant.territoryId,
      details: { role: grant.role },
    });
  });
  return getAccount(db, actor, accountId);
}

export async function revokeRole(
  db: Executor,
  actor: Actor,
  accountId: string,
  grant: { role: Role; territoryId: string },
) {
  await authorizeOnAccount(db, actor, 'account.manage', accountId);
  await authorizeGrant(db, actor, grant);
  await inTransaction(db, async (tx) => {
    if (!(await deleteGrant(tx, { accountId, ...grant }))) {
      throw new AppError('not-found', 'Ce compte n’a pas ce rôle sur ce territoire.');
    }
    await audit(tx, actor, {
      action: 'account.revoke',
      outcome: 'success',
      objectType: 'account',
      objectId: accountId,
      territoryId: grant.territoryId,
      details: { role: grant.role },
    });
  });
  return getAccount(db, actor, accountId);
}

/** Usage by profile as the pilots reported it: accounts ever connected, never connected, connected this week. */
export async function accountUsage(db: Executor, actor: Actor) {
  await authorize(db, actor, 'account.read');
  const rows = await usageByProfile(db, territoriesWhere(actor, 'account.read'));
  return rows.map((r) => ({
    role: r.role,
    roleLabel: ROLE_LABELS[r.role],
    territoryId: r.territory_id,
    territoryName: r.territory_name,
    accounts: r.accounts,
    everConnected: r.ever_connected,
    neverConnected: r.never_connected,
    connectedThisWeek: r.connected_this_week,
  }));
}
