import type { Executor } from '../../db/database.ts';
import { inTransaction } from '../../db/transaction.ts';
import { assertAllowed } from '../access/check.ts';
import { authorize } from '../access/guard.ts';
import type { Actor, Role } from '../access/model.ts';
import { audit } from '../audit/service.ts';
import { AppError, type FieldError } from '../errors.ts';
import type { Account } from './model.ts';
import { queueAccountInvitation } from '../auth/password-reset.ts';
import { hashPassword, passwordProblem } from './password.ts';
import {
  accountIdsOnTerritories,
  emailTaken,
  findAccountById,
  grantsOf,
  insertAccount,
  insertGrant,
  territoryKind,
} from './store.ts';

export interface NewAccount {
  email: string;
  displayName: string;
  givenName?: string;
  familyName?: string;
  nationalId?: string;
  /** Absent for accounts that log in only through Pro Santé Connect. */
  password?: string;
  /** Reuse an already computed hash (the demo gives every account the same password). */
  passwordHash?: string;
  grants: { role: Role; territoryId: string }[];
  isDemo?: boolean;
  /** Without a password, mail a single-use link to choose one (needs the public URL for the link). */
  invite?: { publicUrl: string };
}

/**
 * May the actor give this role on this territory? He must manage accounts there, and a role on the national
 * territory, or the national administrator's role (both reach everywhere), needs a national administrator. Whether the territory is the national
 * one is read from the database, never taken from the caller.
 */
export async function authorizeGrant(
  db: Executor,
  actor: Actor,
  grant: { role: Role; territoryId: string },
): Promise<void> {
  const kind = await territoryKind(db, grant.territoryId);
  if (!kind) {
    throw new AppError('validation-failed', 'Ce territoire n’existe pas.', [
      { field: 'territoryId', message: 'Territoire inconnu.' },
    ]);
  }
  // The national administrator's role reaches everywhere whatever its territory: it only exists on the national one.
  if (grant.role === 'national-admin' && kind !== 'national') {
    throw new AppError(
      'validation-failed',
      'Le profil d’administrateur national s’attribue sur le territoire national.',
      [{ field: 'territoryId', message: 'Choisissez le territoire national.' }],
    );
  }
  await authorize(db, actor, 'account.manage', { territoryIds: [grant.territoryId] }, 'Ce territoire');
  if (kind === 'national' || grant.role === 'national-admin') await authorize(db, actor, 'account.grant-national');
}

export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Creates an account with its roles. The actor must manage accounts on every territory granted, and only
 * a national administrator grants a role on the national territory (no one raises himself).
 */
export async function createAccount(db: Executor, actor: Actor, input: NewAccount): Promise<string> {
  for (const grant of input.grants) await authorizeGrant(db, actor, grant);
  const fields: FieldError[] = [];
  const email = input.email.trim();
  if (!EMAIL.test(email)) fields.push({ field: 'email', message: 'Adresse e-mail invalide.' });
  if (input.displayName.trim().length < 2) fields.push({ field: 'displayName', message: 'Au moins 2 caractères.' });
  if (input.password !== undefined) {
    const problem = passwordProblem(input.password, [email, input.givenName ?? '', input.familyName ?? '']);
    if (problem) fields.push({ field: 'password', message: problem });
  }
  if (input.grants.length === 0) fields.push({ field: 'grants', message: 'Au moins un rôle sur un territoire.' });
  if (fields.length > 0) {
    throw new AppError(
      'validation-failed',
      `Le compte ne peut être créé : ${fields.map((f) => f.message).join(' ')}`,
      fields,
    );
  }
  if (await emailTaken(db, email)) {
    throw new AppError('conflict', `Un compte existe déjà avec l’adresse ${email}.`, [
      { field: 'email', message: 'Adresse déjà utilisée.' },
    ]);
  }
  const passwordHash = input.passwordHash ?? (input.password !== undefined ? await hashPassword(input.password) : null);
  return inTransaction(db, async (tx) => {
    const id = await insertAccount(tx, {
      email,
      display_name: input.displayName.trim(),
      given_name: input.givenName ?? null,
      family_name: input.familyName ?? null,
      national_id: input.nationalId ?? null,
      password_hash: passwordHash,
      is_demo: input.isDemo ?? false,
    });
    for (const grant of input.grants) {
      await insertGrant(tx, {
        accountId: id,
        role: grant.role,
        territoryId: grant.territoryId,
        grantedBy: actor.kind === 'user' ? actor.accountId : null,
      });
    }
    if (input.invite && passwordHash === null) {
      await queueAccountInvitation(tx, input.invite, { id, email, displayName: input.displayName.trim() });
    }
    await audit(tx, actor, {
      action: 'account.create',
      outcome: 'success',
      objectType: 'account',
      objectId: id,
      details: { roles: input.grants.map((g) => g.role) },
    });
    return id;
  });
}

/** The account behind the actor, with its roles and their territories' names. */
export async function getOwnAccount(db: Executor, actor: Actor): Promise<Account> {
  if (actor.kind !== 'user') throw new AppError('unauthenticated', 'Connectez-vous pour voir votre compte.');
  assertAllowed(actor, 'account.read-self', { ownerAccountId: actor.accountId });
  const row = await findAccountById(db, actor.accountId);
  if (!row) throw new AppError('not-found', 'Votre compte est introuvable.');
  const grants = await grantsOf(db, actor.accountId);
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    givenName: row.given_name,
    familyName: row.family_name,
    nationalId: row.national_id,
    status: row.status,
    isDemo: row.is_demo,
    secondFactorEnabled: row.totp_enabled_at !== null,
    createdAt: row.created_at,
    lastLoginAt: row.last_login_at,
    grants: grants.map((g) => ({ role: g.role as Role, territoryId: g.territory_id, territoryName: g.territory_name })),
  };
}

/** The accounts holding a role on these territories (for scoping what a territorial administrator sees). */
export function accountsOnTerritories(db: Executor, territoryIds: readonly string[]): Promise<string[]> {
  return accountIdsOnTerritories(db, territoryIds);
}
