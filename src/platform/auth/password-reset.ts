import { randomBytes } from 'node:crypto';
import type { Config } from '../../config.ts';
import type { Executor } from '../../db/database.ts';
import { inTransaction } from '../../db/transaction.ts';
import type { Actor, CallOrigin } from '../access/model.ts';
import { hashPassword, passwordProblem } from '../accounts/password.ts';
import { findAccountById, findAccountForLogin, setPasswordHash } from '../accounts/store.ts';
import { audit } from '../audit/service.ts';
import { AppError } from '../errors.ts';
import { enqueueMail } from '../mail/service.ts';
import { hashToken } from './service.ts';
import {
  consumePasswordResetToken,
  findPasswordResetToken,
  insertPasswordResetToken,
  revokeAllSessions,
} from './store.ts';

type ResetSettings = Pick<Config, 'publicUrl' | 'passwordResetMinutes'>;

/** Where the web app's reset page lives; the token rides in the fragment, which no server or proxy logs. */
export const RESET_PAGE = '/connexion/nouveau-mot-de-passe';

/**
 * Sends a single-use reset link to an active account's address. The answer is the same whether the
 * address exists or not, so nobody learns who has an account.
 */
export async function requestPasswordReset(
  db: Executor,
  settings: ResetSettings,
  input: { email: string; origin?: CallOrigin },
): Promise<void> {
  const anonymous: Actor = { kind: 'anonymous', origin: input.origin };
  const account = await findAccountForLogin(db, input.email);
  if (!account || account.status !== 'active') {
    await audit(db, anonymous, {
      action: 'auth.password-reset-request',
      outcome: 'failure',
      details: { reason: account ? account.status : 'unknown-email' },
    });
    return;
  }
  const token = randomBytes(32).toString('base64url');
  const link = `${settings.publicUrl}${RESET_PAGE}#jeton=${token}`;
  await inTransaction(db, async (tx) => {
    await insertPasswordResetToken(tx, {
      tokenHash: hashToken(token),
      accountId: account.id,
      expiresAt: new Date(Date.now() + settings.passwordResetMinutes * 60_000),
    });
    await enqueueMail(tx, {
      kind: 'password-reset',
      to: account.email,
      subject: 'maillage : réinitialisation de votre mot de passe',
      text:
        `Bonjour ${account.display_name},\n\n` +
        `Une réinitialisation du mot de passe de votre compte maillage a été demandée. Pour choisir un nouveau ` +
        `mot de passe, ouvrez ce lien dans les ${settings.passwordResetMinutes} minutes :\n\n${link}\n\n` +
        `Le lien ne sert qu’une fois. Si vous n’avez rien demandé, ignorez ce message : votre mot de passe ` +
        `actuel reste valable.\n\n— maillage`,
    });
    await audit(tx, anonymous, {
      action: 'auth.password-reset-request',
      outcome: 'success',
      objectType: 'account',
      objectId: account.id,
    });
  });
}

/** Days an invitation link (a new account choosing its first password) stays valid. */
export const INVITATION_DAYS = 7;

/**
 * Queues the invitation of a new account created without a password: a single-use link to choose it.
 * Runs inside the creating transaction, so the mail leaves only if the account exists.
 */
export async function queueAccountInvitation(
  tx: Executor,
  settings: Pick<Config, 'publicUrl'>,
  account: { id: string; email: string; displayName: string },
): Promise<void> {
  const token = randomBytes(32).toString('base64url');
  await insertPasswordResetToken(tx, {
    tokenHash: hashToken(token),
    accountId: account.id,
    expiresAt: new Date(Date.now() + INVITATION_DAYS * 24 * 3_600_000),
  });
  await enqueueMail(tx, {
    kind: 'account-invitation',
    to: account.email,
    subject: 'maillage : votre compte a été créé',
    text:
      `Bonjour ${account.displayName},\n\n` +
      `Un compte maillage vient d’être créé pour vous. Pour choisir votre mot de passe, ouvrez ce lien dans les ` +
      `${INVITATION_DAYS} jours :\n\n${settings.publicUrl}${RESET_PAGE}#jeton=${token}\n\n` +
      `Le lien ne sert qu’une fois. Les professionnels de santé peuvent aussi se connecter avec Pro Santé Connect.\n\n— maillage`,
  });
}

/**
 * Sets a new password from a reset link: the link is used up, every open session of the account ends
 * (whoever had the old password is logged out), and the lockout is lifted.
 */
export async function completePasswordReset(
  db: Executor,
  input: { token: string; password: string; origin?: CallOrigin },
): Promise<void> {
  const anonymous: Actor = { kind: 'anonymous', origin: input.origin };
  const tokenHash = hashToken(input.token);
  const invalid = new AppError(
    'reset-link-invalid',
    'Ce lien de réinitialisation est inconnu, déjà utilisé ou expiré : demandez-en un nouveau.',
  );
  const pending = await findPasswordResetToken(db, tokenHash);
  if (!pending) {
    await audit(db, anonymous, {
      action: 'auth.password-reset',
      outcome: 'denied',
      details: { reason: 'invalid-token' },
    });
    throw invalid;
  }
  const account = await findAccountById(db, pending.account_id);
  if (!account) throw invalid;
  const problem = passwordProblem(input.password, [account.email, account.given_name ?? '', account.family_name ?? '']);
  if (problem) throw new AppError('validation-failed', problem, [{ field: 'body.password', message: problem }]);
  const passwordHash = await hashPassword(input.password);

  await inTransaction(db, async (tx) => {
    const accountId = await consumePasswordResetToken(tx, tokenHash);
    if (!accountId) throw invalid;
    await setPasswordHash(tx, accountId, passwordHash);
    const ended = await revokeAllSessions(tx, accountId);
    await audit(tx, anonymous, {
      action: 'auth.password-reset',
      outcome: 'success',
      objectType: 'account',
      objectId: accountId,
      details: { endedSessions: ended },
    });
  });
}
