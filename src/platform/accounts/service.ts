import type { Executor } from '../../db/database.ts';
import { inTransaction } from '../../db/transaction.ts';
import { assertAllowed } from '../access/check.ts';
import { ROLE_LABELS, type Actor, type Role } from '../access/model.ts';
import { audit } from '../audit/service.ts';
import { AppError, type FieldError } from '../errors.ts';
import type { Account } from './model.ts';
import { hashPassword, passwordProblem } from './password.ts';
import { emailTaken, findAccountById, grantsOf, insertAccount, insertGrant } from './store.ts';

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
  grants: { role: Role; territoryId: string; national?: boolean }[];
  isDemo?: boolean;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Creates an account with its roles. The actor must manage accounts on every territory granted, and only
 * a national administrator grants a role on the national territory (no one raises himself).
 */
export async function createAccount(db: Executor, actor: Actor, input: NewAccount): Promise<string> {
  for (const grant of input.grants) {
    assertAllowed(actor, 'account.manage', { territoryIds: [grant.territoryId] }, 'Ce territoire');
    if (grant.national) assertAllowed(actor, 'account.grant-national');
  }
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

export function roleLabel(role: Role): string {
  return ROLE_LABELS[role];
}
