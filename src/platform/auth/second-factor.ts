import type { Config } from '../../config.ts';
import type { Executor } from '../../db/database.ts';
import { inTransaction } from '../../db/transaction.ts';
import type { Actor } from '../access/model.ts';
import { acceptTotpCounter, findTotpState, recordFailedLogin, setPendingTotpSecret } from '../accounts/store.ts';
import { audit } from '../audit/service.ts';
import { AppError } from '../errors.ts';
import { markSecondFactorDone } from './store.ts';
import type { SecondFactorStep } from './service.ts';
import { generateTotpSecret, matchTotp, otpauthUri } from './totp.ts';

interface SessionRef {
  tokenHash: string;
  owner: Actor & { kind: 'user' };
  secondFactorStep: SecondFactorStep;
}

export interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
  /** The URI as a QR code, an SVG document to show as an image. */
  qrCodeSvg: string;
}

/**
 * Starts setting up an authenticator app: a new secret, not active until a code from it is confirmed.
 * Refused to a session that still has to enter the code of an already enrolled authenticator.
 */
export async function startTotpEnrolment(db: Executor, session: SessionRef): Promise<TotpEnrolment> {
  if (session.secondFactorStep === 'verify') {
    throw new AppError('second-factor-required', 'Saisissez d’abord le code de votre application actuelle.');
  }
  const state = await findTotpState(db, session.owner.accountId);
  if (!state) throw new AppError('not-found', 'Compte introuvable.');
  const secret = generateTotpSecret();
  await inTransaction(db, async (tx) => {
    await setPendingTotpSecret(tx, session.owner.accountId, secret);
    await audit(tx, session.owner, {
      action: 'auth.second-factor-setup',
      outcome: 'success',
      objectType: 'account',
      objectId: session.owner.accountId,
    });
  });
  const uri = otpauthUri(secret, state.email);
  return {
    secret,
    otpauthUri: uri,
    qrCodeSvg: await (await import('qrcode')).default.toString(uri, { type: 'svg', margin: 1 }),
  };
}

/**
 * Checks a code from the authenticator, for the login's second step or to confirm a new enrolment. A code
 * is accepted once; wrong codes count towards the login lockout like wrong passwords.
 */
export async function checkTotpCode(
  db: Executor,
  settings: Pick<Config, 'loginLockAfter' | 'loginLockMinutes'>,
  session: SessionRef,
  code: string,
): Promise<void> {
  const accountId = session.owner.accountId;
  const state = await findTotpState(db, accountId);
  if (state?.locked_until && state.locked_until > new Date()) {
    throw new AppError('account-locked', 'Trop d’essais infructueux : le compte est verrouillé pour quelques minutes.');
  }
  if (!state?.totp_secret) {
    throw new AppError(
      'bad-request',
      'Aucune application d’authentification n’est en cours de configuration pour ce compte.',
    );
  }
  const counter = matchTotp(state.totp_secret, code, Date.now(), state.totp_last_counter);
  const accepted =
    counter !== undefined &&
    (await inTransaction(db, async (tx) => {
      if (!(await acceptTotpCounter(tx, accountId, counter))) return false;
      await markSecondFactorDone(tx, session.tokenHash);
      await audit(tx, session.owner, {
        action: state.totp_enabled_at ? 'auth.second-factor' : 'auth.second-factor-enabled',
        outcome: 'success',
        objectType: 'account',
        objectId: accountId,
      });
      return true;
    }));
  if (!accepted) {
    await recordFailedLogin(db, accountId, settings.loginLockAfter, settings.loginLockMinutes);
    await audit(db, session.owner, {
      action: 'auth.second-factor',
      outcome: 'failure',
      objectType: 'account',
      objectId: accountId,
    });
    throw new AppError(
      'second-factor-invalid',
      'Ce code est incorrect ou a déjà servi : saisissez le code à 6 chiffres affiché maintenant par votre application.',
    );
  }
}
