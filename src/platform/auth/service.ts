import { createHash, randomBytes } from 'node:crypto';
import type { Config } from '../../config.ts';
import type { Executor } from '../../db/database.ts';
import { inTransaction } from '../../db/transaction.ts';
import type { Actor, CallOrigin, Role } from '../access/model.ts';
import { findAccountForLogin, grantsOf, recordFailedLogin, recordSuccessfulLogin } from '../accounts/store.ts';
import { decoyPasswordHash, verifyPassword } from '../accounts/password.ts';
import { audit } from '../audit/service.ts';
import { AppError } from '../errors.ts';
import { findLiveSession, insertSession, revokeAllSessions, revokeSession, touchSession } from './store.ts';

export type AuthSettings = Pick<
  Config,
  'env' | 'sessionIdleMinutes' | 'sessionMaxHours' | 'loginLockAfter' | 'loginLockMinutes'
>;

/** Roles whose accounts must use a second factor in production. */
export const SECOND_FACTOR_ROLES: readonly Role[] = ['national-admin', 'account-admin'];

/**
 * What a session still lacks before it acts: 'verify' (enter the code of the enrolled authenticator),
 * 'enrol' (an administrator in production without a second factor must set one up), or 'none'.
 */
export type SecondFactorStep = 'none' | 'verify' | 'enrol';

export interface OpenedSession {
  /** The cookie's value: shown once, stored only as its SHA-256. */
  token: string;
  csrfToken: string;
  expiresAt: Date;
  accountId: string;
}

/** Touching last_seen_at on every request would write per request; once a minute is enough for idle checks. */
const TOUCH_EVERY_MS = 60_000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/**
 * Local login. Every outcome is audited; the answer never tells whether the e-mail exists, and an unknown
 * e-mail costs the same hashing time as a wrong password.
 */
export async function loginWithPassword(
  db: Executor,
  settings: AuthSettings,
  input: { email: string; password: string; userAgent?: string; origin?: CallOrigin },
): Promise<OpenedSession> {
  const anonymous: Actor = { kind: 'anonymous', origin: input.origin };
  const account = await findAccountForLogin(db, input.email);
  const wrong = new AppError('invalid-credentials', 'Adresse e-mail ou mot de passe incorrect.');

  if (!account || !account.password_hash) {
    await verifyPassword(await decoyPasswordHash(), input.password);
    await audit(db, anonymous, { action: 'auth.login', outcome: 'failure', details: { reason: 'unknown-email' } });
    throw wrong;
  }
  const subject = { objectType: 'account', objectId: account.id };
  if (account.locked_until && account.locked_until > new Date()) {
    await audit(db, anonymous, { action: 'auth.login', outcome: 'denied', ...subject, details: { reason: 'locked' } });
    throw lockedError(account.locked_until);
  }
  if (!(await verifyPassword(account.password_hash, input.password))) {
    const after = await recordFailedLogin(db, account.id, settings.loginLockAfter, settings.loginLockMinutes);
    const nowLocked = after.locked_until !== null && after.locked_until > new Date();
    await audit(db, anonymous, {
      action: 'auth.login',
      outcome: 'failure',
      ...subject,
      details: { reason: 'wrong-password', locked: nowLocked },
    });
    throw nowLocked ? lockedError(after.locked_until!) : wrong;
  }
  if (account.is_demo && settings.env === 'production') {
    await audit(db, anonymous, {
      action: 'auth.login',
      outcome: 'denied',
      ...subject,
      details: { reason: 'demo-in-production' },
    });
    throw new AppError('account-disabled', 'Les comptes de démonstration sont désactivés en production.');
  }
  if (account.status !== 'active') {
    await audit(db, anonymous, {
      action: 'auth.login',
      outcome: 'denied',
      ...subject,
      details: { reason: account.status },
    });
    throw new AppError(
      'account-disabled',
      account.status === 'pending'
        ? 'Votre compte attend la validation d’un administrateur de comptes de votre territoire.'
        : 'Votre compte est désactivé : contactez l’administrateur de comptes de votre territoire.',
    );
  }

  const session: OpenedSession = {
    token: randomBytes(32).toString('base64url'),
    csrfToken: randomBytes(24).toString('base64url'),
    expiresAt: new Date(Date.now() + settings.sessionMaxHours * 3_600_000),
    accountId: account.id,
  };
  await inTransaction(db, async (tx) => {
    await recordSuccessfulLogin(tx, account.id);
    await insertSession(tx, {
      tokenHash: hashToken(session.token),
      accountId: account.id,
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt,
      userAgent: input.userAgent?.slice(0, 200) ?? null,
    });
    const actor: Actor = {
      kind: 'user',
      accountId: account.id,
      displayName: account.display_name,
      grants: [],
      origin: input.origin,
    };
    await audit(tx, actor, { action: 'auth.login', outcome: 'success', ...subject, details: { method: 'password' } });
  });
  return session;
}

function lockedError(until: Date): AppError {
  const minutes = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 60_000));
  return new AppError(
    'account-locked',
    `Trop d’essais infructueux : le compte est verrouillé pendant encore ${minutes} min. Réessayez ensuite, ou demandez ` +
      `une réinitialisation du mot de passe.`,
    [],
    { 'Retry-After': String(minutes * 60) },
  );
}

export interface ResolvedSession {
  /** The full actor; act as it only when `secondFactorStep` is 'none'. */
  actor: Actor & { kind: 'user' };
  csrfToken: string;
  tokenHash: string;
  secondFactorStep: SecondFactorStep;
}

/** The actor behind a session cookie, or undefined when the session is unknown, ended or idle too long. */
export async function resolveSession(
  db: Executor,
  settings: AuthSettings,
  token: string,
  origin?: CallOrigin,
): Promise<ResolvedSession | undefined> {
  const tokenHash = hashToken(token);
  const session = await findLiveSession(db, tokenHash, settings.sessionIdleMinutes);
  if (!session || session.status !== 'active') return undefined;
  if (Date.now() - session.last_seen_at.getTime() > TOUCH_EVERY_MS) await touchSession(db, tokenHash);
  const grants = await grantsOf(db, session.account_id);
  let secondFactorStep: SecondFactorStep = 'none';
  if (session.second_factor_at === null) {
    if (session.totp_enabled_at !== null) secondFactorStep = 'verify';
    else if (settings.env === 'production' && grants.some((g) => SECOND_FACTOR_ROLES.includes(g.role as Role))) {
      secondFactorStep = 'enrol';
    }
  }
  return {
    tokenHash,
    csrfToken: session.csrf_token,
    secondFactorStep,
    actor: {
      kind: 'user',
      accountId: session.account_id,
      displayName: session.display_name,
      ...(session.national_id ? { nationalId: session.national_id } : {}),
      grants: grants.map((g) => ({
        role: g.role as Role,
        territoryId: g.territory_id,
        national: g.territory_kind === 'national',
      })),
      origin,
    },
  };
}

export async function logout(db: Executor, actor: Actor, tokenHash: string): Promise<void> {
  await inTransaction(db, async (tx) => {
    await revokeSession(tx, tokenHash);
    await audit(tx, actor, { action: 'auth.logout', outcome: 'success' });
  });
}

/** Ends every session of the actor's account (a lost laptop, a shared workstation). */
export async function logoutEverywhere(db: Executor, actor: Actor & { kind: 'user' }): Promise<number> {
  return inTransaction(db, async (tx) => {
    const count = await revokeAllSessions(tx, actor.accountId);
    await audit(tx, actor, { action: 'auth.logout-everywhere', outcome: 'success', details: { sessions: count } });
    return count;
  });
}
