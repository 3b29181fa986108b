import { createHash, randomBytes } from 'node:crypto';
import type { Executor } from '../../../db/database.ts';
import { inTransaction } from '../../../db/transaction.ts';
import { territoriesWhere } from '../../access/check.ts';
import { authorize } from '../../access/guard.ts';
import type { Actor, CallOrigin, Role } from '../../access/model.ts';
import { emailTaken, insertAccount, insertGrant, recordSuccessfulLogin } from '../../accounts/store.ts';
import { audit } from '../../audit/service.ts';
import type { AuditRecord } from '../../audit/model.ts';
import { AppError } from '../../errors.ts';
import { getTerritory, territoriesOfCommune } from '../../territory/service.ts';
import type { TerritoryKind, TerritorySummary } from '../../territory/model.ts';
import { hashToken, type AuthSettings, type OpenedSession } from '../service.ts';
import { insertSession, markSecondFactorDone, revokeSession } from '../store.ts';
import { displayNameOf, readPscIdentity, structureIdsOf } from './claims.ts';
import { classifyProviderError, randomSecrets, type PscClient } from './client.ts';
import {
  PSC_ENROLMENT_ROLE,
  PSC_FLOW_MINUTES,
  PSC_PENDING_PATH,
  PSC_REFUSED_PATH,
  type EnrolmentStatus,
  type PscEnrolment,
  type PscIdentity,
  type PscPractice,
  type PscRefusal,
} from './model.ts';
import { seal, unseal } from './seal.ts';
import {
  communesOfStructures,
  decideEnrolmentRequest,
  deleteEndedPscSessions,
  deleteExpiredLoginFlows,
  deletePscSession,
  findAccountByNationalId,
  findEnrolmentRequest,
  findPscSession,
  insertEnrolmentRequest,
  insertLoginFlow,
  insertPscSession,
  listEnrolmentRequests,
  lockNationalId,
  setPendingAccountStatus,
  takeLoginFlow,
} from './store.ts';

/** Purposes of the sealed values (a value sealed for one never opens as the other). */
const FLOW_PURPOSE = 'login-flow';
const ID_TOKEN_PURPOSE = 'id-token';

/** A browser's flow secret: 32 random bytes, base64url. */
const BROWSER_SECRET = /^[A-Za-z0-9_-]{43}$/;

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/**
 * Where to go after login: a path of this site (`/regulation?x=1`), never another origin (`//ailleurs`,
 * `https://…`, `/\\ailleurs`) nor the login pages; anything else gives the home page.
 */
export function safeReturnPath(value: string | undefined): string {
  if (!value || value.length > 1000 || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) {
    return '/';
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return '/';
  let url: URL;
  try {
    url = new URL(value, 'http://maillage.invalid');
  } catch {
    return '/';
  }
  if (url.origin !== 'http://maillage.invalid') return '/';
  if (url.pathname === '/connexion' || url.pathname.startsWith('/connexion/') || url.pathname.startsWith('/api/')) {
    return '/';
  }
  return `${url.pathname}${url.search}${url.hash}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Start

export type PscLoginStart =
  | {
      kind: 'redirect';
      /** The provider's authorization URL to redirect the browser to. */
      authorizationUrl: URL;
      /** To keep in the browser's flow cookie (the same as received when it was well formed). */
      browserSecret: string;
    }
  | {
      /** The provider's discovery document could not be had: audited, back to the login page. */
      kind: 'unavailable';
      redirectTo: string;
    };

/**
 * Starts a login: fresh state, nonce and PKCE verifier; the row keyed by the state's hash keeps the nonce,
 * verifier and return path sealed under the browser's flow secret, for PSC_FLOW_MINUTES.
 */
export async function startPscLogin(
  db: Executor,
  client: PscClient,
  input: { returnTo?: string; browserSecret?: string; origin?: CallOrigin },
): Promise<PscLoginStart> {
  const browserSecret =
    input.browserSecret && BROWSER_SECRET.test(input.browserSecret)
      ? input.browserSecret
      : randomBytes(32).toString('base64url');
  const secrets = randomSecrets();
  let authorizationUrl: URL;
  try {
    authorizationUrl = await client.authorizationUrl(secrets);
  } catch (error) {
    await audit(
      db,
      { kind: 'anonymous', origin: input.origin },
      {
        action: 'auth.login',
        outcome: 'failure',
        details: { method: 'psc', reason: 'provider-unavailable', error: classifyProviderError(error).code },
      },
    );
    return { kind: 'unavailable', redirectTo: `${PSC_REFUSED_PATH}?psc=indisponible` };
  }
  const stateHash = sha256(secrets.state);
  const payload = JSON.stringify({
    nonce: secrets.nonce,
    codeVerifier: secrets.codeVerifier,
    returnTo: safeReturnPath(input.returnTo),
  });
  await deleteExpiredLoginFlows(db);
  await insertLoginFlow(db, {
    stateHash,
    sealed: seal(browserSecret, FLOW_PURPOSE, stateHash, payload),
    expiresAt: new Date(Date.now() + PSC_FLOW_MINUTES * 60_000),
  });
  return { kind: 'redirect', authorizationUrl, browserSecret };
}

// ---------------------------------------------------------------------------------------------------------------
// Callback

export type PscLoginOutcome =
  | { kind: 'session'; session: OpenedSession; redirectTo: string }
  | { kind: 'pending'; accountId: string; created: boolean; redirectTo: string }
  | { kind: 'refused'; reason: PscRefusal; redirectTo: string };

export interface PscCallback {
  /** The callback's query string, as received (without `?`). */
  rawQuery: string;
  state: string | undefined;
  browserSecret: string | undefined;
  userAgent?: string;
  origin?: CallOrigin;
}

/**
 * Completes a login at the provider's callback. Every outcome is audited as `auth.login` with `method: 'psc'`;
 * refusals change nothing else. In order: the state must name a login under way (single use, not expired) started
 * by this browser; the code is exchanged with the PKCE verifier; the ID token's signature (issuer's JWKS), issuer,
 * audience, expiry and nonce are checked, then its `acr` against PSC_ACR; UserInfo (JSON or signed JWT) gives the
 * identity. Then: an active account with that national id gets a session (PSC is a strong authentication: the
 * second factor counts as done); a disabled one is refused; a pending one waits; an unknown professional enrols
 * himself as effecteur, pending an account administrator's validation.
 */
export async function completePscLogin(
  db: Executor,
  client: PscClient,
  settings: AuthSettings,
  callback: PscCallback,
): Promise<PscLoginOutcome> {
  const anonymous: Actor = { kind: 'anonymous', origin: callback.origin };
  const refuse = async (
    reason: PscRefusal,
    outcome: 'denied' | 'failure',
    details: Record<string, unknown>,
    subject: Pick<AuditRecord, 'objectType' | 'objectId'> = {},
  ): Promise<PscLoginOutcome> => {
    await audit(db, anonymous, {
      action: 'auth.login',
      outcome,
      ...subject,
      details: { method: 'psc', ...details },
    });
    return { kind: 'refused', reason, redirectTo: `${PSC_REFUSED_PATH}?psc=${reason}` };
  };

  // 1. A login under way, started by this browser, used once.
  if (!callback.state || callback.state.length > 512) return refuse('echec', 'failure', { reason: 'missing-state' });
  const stateHash = sha256(callback.state);
  const flow = await takeLoginFlow(db, stateHash);
  if (!flow) return refuse('echec', 'failure', { reason: 'unknown-state' });
  const opened =
    callback.browserSecret && BROWSER_SECRET.test(callback.browserSecret)
      ? unseal(callback.browserSecret, FLOW_PURPOSE, stateHash, flow.sealed)
      : undefined;
  if (opened === undefined) return refuse('echec', 'denied', { reason: 'other-browser' });
  const checks = JSON.parse(opened) as { nonce: string; codeVerifier: string; returnTo: string };

  // 2. Code exchange and ID token checks (openid-client), then the authentication level.
  let tokens;
  try {
    tokens = await client.exchange(new URL(`${client.settings.redirectUri}?${callback.rawQuery}`), {
      state: callback.state,
      nonce: checks.nonce,
      codeVerifier: checks.codeVerifier,
    });
  } catch (error) {
    const { unavailable, cancelled, code } = classifyProviderError(error);
    return refuse(unavailable ? 'indisponible' : cancelled ? 'annule' : 'echec', 'failure', {
      reason: 'token-rejected',
      error: code,
    });
  }
  if (tokens.claims.acr !== client.settings.acr) {
    const acr = typeof tokens.claims.acr === 'string' ? tokens.claims.acr.slice(0, 60) : null;
    return refuse('niveau-refuse', 'denied', { reason: 'acr', acr, expected: client.settings.acr });
  }

  // 3. Who it is.
  let claims: Record<string, unknown>;
  try {
    claims = await client.userInfo(tokens.accessToken, tokens.claims.sub);
  } catch (error) {
    const { unavailable, code } = classifyProviderError(error);
    return refuse(unavailable ? 'indisponible' : 'echec', 'failure', { reason: 'userinfo-rejected', error: code });
  }
  const reading = readPscIdentity(claims);
  if (!reading.ok) return refuse('echec', 'failure', { reason: 'claims-invalid', problem: reading.reason });
  const identity = reading.identity;

  // 4. The account with that national id: one decision per national id at a time.
  return inTransaction(db, async (tx) => {
    await lockNationalId(tx, identity.nationalId);
    const account = await findAccountByNationalId(tx, identity.nationalId, identity.nationalIdAliases);
    const refuseIn = async (reason: PscRefusal, details: Record<string, unknown>, accountId: string) => {
      await audit(tx, anonymous, {
        action: 'auth.login',
        outcome: 'denied',
        objectType: 'account',
        objectId: accountId,
        details: { method: 'psc', ...details },
      });
      return { kind: 'refused', reason, redirectTo: `${PSC_REFUSED_PATH}?psc=${reason}` } as const;
    };

    if (!account) return enrol(tx, identity, anonymous);
    if (account.status === 'disabled') return refuseIn('compte-desactive', { reason: 'disabled' }, account.id);
    if (account.is_demo && settings.env === 'production') {
      return refuseIn('compte-desactive', { reason: 'demo-in-production' }, account.id);
    }
    if (account.status === 'pending') {
      await audit(tx, anonymous, {
        action: 'auth.login',
        outcome: 'denied',
        objectType: 'account',
        objectId: account.id,
        details: { method: 'psc', reason: 'pending' },
      });
      return { kind: 'pending', accountId: account.id, created: false, redirectTo: PSC_PENDING_PATH } as const;
    }

    const session: OpenedSession = {
      token: randomBytes(32).toString('base64url'),
      csrfToken: randomBytes(24).toString('base64url'),
      expiresAt: new Date(Date.now() + settings.sessionMaxHours * 3_600_000),
      accountId: account.id,
    };
    const tokenHash = hashToken(session.token);
    await deleteEndedPscSessions(tx);
    await recordSuccessfulLogin(tx, account.id);
    await insertSession(tx, {
      tokenHash,
      accountId: account.id,
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt,
      userAgent: callback.userAgent?.slice(0, 200) ?? null,
    });
    // Pro Santé Connect authenticates with a CPS card or the e-CPS app: a strong authentication in itself.
    await markSecondFactorDone(tx, tokenHash);
    await insertPscSession(tx, {
      sessionTokenHash: tokenHash,
      idTokenSealed: seal(session.token, ID_TOKEN_PURPOSE, tokenHash, tokens.idToken),
    });
    const actor: Actor = {
      kind: 'user',
      accountId: account.id,
      displayName: account.display_name,
      nationalId: identity.nationalId,
      grants: [],
      origin: callback.origin,
    };
    await audit(tx, actor, {
      action: 'auth.login',
      outcome: 'success',
      objectType: 'account',
      objectId: account.id,
      details: { method: 'psc', acr: tokens.claims.acr },
    });
    return { kind: 'session', session, redirectTo: checks.returnTo } as const;
  });
}

/** Territory kinds, from the one an effecteur's role is best held on. The national territory is never deduced. */
const PREFERRED_KINDS: readonly TerritoryKind[] = ['sas', 'departement', 'cpts', 'dac', 'other', 'region'];

/** At most this many communes are looked at (a professional practises in a handful of places). */
const MAX_COMMUNES = 20;

/**
 * The territory of an effecteur's role, from his places of practice: the communes where the directory places the
 * structures PSC names (FINESS, SIRET, technical id) — or, when the directory knows none, the communes PSC gives —
 * then the named territories containing them. The one territory of the most fitting kind is proposed; when two
 * territories of that kind compete, none is, and the administrator chooses among the candidates.
 */
export async function deduceTerritory(
  db: Executor,
  practice: PscPractice,
): Promise<{ territoryId: string | null; candidateTerritoryIds: string[] }> {
  const ids = structureIdsOf(practice);
  let communes = await communesOfStructures(db, ids);
  if (communes.length === 0) communes = ids.communes;
  const territories = new Map<string, TerritorySummary>();
  for (const commune of communes.slice(0, MAX_COMMUNES)) {
    let found: TerritorySummary[];
    try {
      found = await territoriesOfCommune(db, commune);
    } catch (error) {
      if (error instanceof AppError && error.code === 'not-found') continue;
      throw error;
    }
    for (const territory of found) if (territory.kind !== 'national') territories.set(territory.id, territory);
  }
  const candidates = [...territories.values()];
  const candidateTerritoryIds = candidates.map((t) => t.id);
  for (const kind of PREFERRED_KINDS) {
    const ofKind = candidates.filter((t) => t.kind === kind);
    if (ofKind.length === 1) return { territoryId: ofKind[0]!.id, candidateTerritoryIds };
    if (ofKind.length > 1) return { territoryId: null, candidateTerritoryIds };
  }
  return { territoryId: null, candidateTerritoryIds };
}

/**
 * The e-mail of a self-enrolled account: PSC's when it gives a free one, else a placeholder in the reserved
 * `.invalid` domain (RFC 2606: no mail can ever be delivered there), `psc-<national id>@psc.invalid`, which the
 * administrator replaces when validating.
 */
async function enrolmentEmail(db: Executor, identity: PscIdentity): Promise<string> {
  if (identity.email && !(await emailTaken(db, identity.email))) return identity.email;
  const readable = /^[0-9A-Z]+$/.test(identity.nationalId);
  const placeholder = readable
    ? `psc-${identity.nationalId.toLowerCase()}@psc.invalid`
    : `psc-${sha256(identity.nationalId).slice(0, 16).toLowerCase()}@psc.invalid`;
  if (!(await emailTaken(db, placeholder))) return placeholder;
  return `psc-${randomBytes(8).toString('hex')}@psc.invalid`;
}

/** A first PSC login: a pending account without any role, and its enrolment request as effecteur. */
async function enrol(tx: Executor, identity: PscIdentity, anonymous: Actor): Promise<PscLoginOutcome> {
  const { territoryId, candidateTerritoryIds } = await deduceTerritory(tx, identity.practice);
  const accountId = await insertAccount(tx, {
    email: await enrolmentEmail(tx, identity),
    display_name: displayNameOf(identity),
    given_name: identity.givenName,
    family_name: identity.familyName,
    national_id: identity.nationalId,
    password_hash: null,
    status: 'pending',
  });
  await insertEnrolmentRequest(tx, {
    accountId,
    nationalId: identity.nationalId,
    requestedRole: PSC_ENROLMENT_ROLE,
    territoryId,
    candidateTerritoryIds,
    practice: identity.practice,
  });
  const subject = { objectType: 'account', objectId: accountId };
  await audit(tx, anonymous, {
    action: 'account.self-enrol',
    outcome: 'success',
    ...subject,
    ...(territoryId ? { territoryId } : {}),
    details: {
      method: 'psc',
      role: PSC_ENROLMENT_ROLE,
      territoryDeduced: territoryId !== null,
      candidateTerritories: candidateTerritoryIds.length,
      nationalIdAnomalies: identity.nationalIdAnomalies.length,
    },
  });
  await audit(tx, anonymous, {
    action: 'auth.login',
    outcome: 'denied',
    ...subject,
    details: { method: 'psc', reason: 'pending-enrolment' },
  });
  return { kind: 'pending', accountId, created: true, redirectTo: PSC_PENDING_PATH };
}

// ---------------------------------------------------------------------------------------------------------------
// Logout

/**
 * Ends the session and, when it was opened through PSC, gives the provider's end-session URL with the session's
 * ID token as `id_token_hint`, for the browser to go to. The ID token opens only with the session cookie's token.
 */
export async function logoutFromPsc(
  db: Executor,
  client: PscClient | null,
  session: { tokenHash: string; owner: Actor & { kind: 'user' } },
  sessionToken: string | undefined,
): Promise<{ endSessionUrl: string | null }> {
  const sealed = await findPscSession(db, session.tokenHash);
  const idToken =
    sealed && sessionToken ? unseal(sessionToken, ID_TOKEN_PURPOSE, session.tokenHash, sealed) : undefined;
  let endSessionUrl: string | null = null;
  if (client && idToken) {
    try {
      endSessionUrl = (await client.endSessionUrl(idToken))?.href ?? null;
    } catch {
      endSessionUrl = null; // The provider is unreachable: the local session ends all the same.
    }
  }
  await inTransaction(db, async (tx) => {
    await revokeSession(tx, session.tokenHash);
    await deletePscSession(tx, session.tokenHash);
    await audit(tx, session.owner, {
      action: 'auth.logout',
      outcome: 'success',
      details: { method: 'psc', pscSession: sealed !== undefined, providerLogout: endSessionUrl !== null },
    });
  });
  return { endSessionUrl };
}

// ---------------------------------------------------------------------------------------------------------------
// Enrolment requests, for the account administrators (the admin space's pages come with its slice)

function toEnrolment(row: NonNullable<Awaited<ReturnType<typeof findEnrolmentRequest>>>): PscEnrolment {
  return {
    accountId: row.account_id,
    displayName: row.display_name,
    email: row.email,
    nationalId: row.national_id,
    requestedRole: row.requested_role as Role,
    territoryId: row.territory_id,
    territoryName: row.territory_name,
    candidateTerritoryIds: row.candidate_territory_ids,
    practice: row.practice,
    status: row.status,
    requestedAt: row.requested_at,
    decidedAt: row.decided_at,
  };
}

/**
 * The enrolment requests an actor may decide: on the territories where he manages accounts (a request without a
 * deduced territory shows to the administrators of its candidate territories, and to national administrators).
 */
export async function listPscEnrolments(
  db: Executor,
  actor: Actor,
  status: EnrolmentStatus = 'pending',
): Promise<PscEnrolment[]> {
  await authorize(db, actor, 'account.manage');
  const rows = await listEnrolmentRequests(db, { status, territoryIds: territoriesWhere(actor, 'account.manage') });
  return rows.map(toEnrolment);
}

/**
 * Approves (the account becomes active with the effecteur role on the chosen territory, or the deduced one) or
 * refuses (the account is disabled) a pending enrolment. Refusals of rights are audited (by the guard) and change
 * nothing.
 */
export async function decidePscEnrolment(
  db: Executor,
  actor: Actor,
  input: { accountId: string; decision: 'approve' | 'reject'; territoryId?: string },
): Promise<PscEnrolment> {
  // Who may decide any enrolment at all, before saying whether this one exists.
  await authorize(db, actor, 'account.manage', { objectType: 'account', objectId: input.accountId });
  const request = await findEnrolmentRequest(db, input.accountId);
  if (!request) throw new AppError('not-found', 'Cette demande d’inscription est introuvable.');
  const subject = { objectType: 'account', objectId: input.accountId };
  // Refusals (403, or 404 for another territory's request) are audited by the guard.
  await authorize(
    db,
    actor,
    'account.manage',
    { territoryIds: request.territory_id ? [request.territory_id] : request.candidate_territory_ids, ...subject },
    'Cette demande d’inscription',
  );
  if (request.status !== 'pending') {
    throw new AppError('conflict', 'Cette demande d’inscription a déjà été traitée.');
  }

  let territoryId: string | null = request.territory_id;
  if (input.decision === 'approve') {
    territoryId = input.territoryId ?? request.territory_id;
    if (!territoryId) {
      throw new AppError(
        'validation-failed',
        'Choisissez le territoire sur lequel valider ce professionnel : aucun n’a pu être déduit de ses lieux d’exercice.',
        [{ field: 'territoryId', message: 'Champ obligatoire.' }],
      );
    }
    const territory = await getTerritory(db, territoryId, { limit: 1 });
    if (territory.kind === 'national') {
      throw new AppError(
        'validation-failed',
        'Un effecteur exerce sur un territoire : choisissez un SAS, un département ou une CPTS, pas le national.',
        [{ field: 'territoryId', message: 'Territoire national refusé.' }],
      );
    }
    await authorize(db, actor, 'account.manage', { territoryIds: [territoryId], ...subject }, 'Ce territoire');
  }

  await inTransaction(db, async (tx) => {
    const decided = await decideEnrolmentRequest(tx, {
      accountId: input.accountId,
      status: input.decision === 'approve' ? 'approved' : 'rejected',
      territoryId,
      decidedBy: actor.kind === 'user' ? actor.accountId : null,
    });
    const updated =
      decided &&
      (await setPendingAccountStatus(tx, input.accountId, input.decision === 'approve' ? 'active' : 'disabled'));
    if (!updated) throw new AppError('conflict', 'Cette demande d’inscription a déjà été traitée.');
    if (input.decision === 'approve') {
      await insertGrant(tx, {
        accountId: input.accountId,
        role: request.requested_role as Role,
        territoryId: territoryId!,
        grantedBy: actor.kind === 'user' ? actor.accountId : null,
      });
    }
    await audit(tx, actor, {
      action: 'account.enrolment-decide',
      outcome: 'success',
      objectType: 'account',
      objectId: input.accountId,
      ...(territoryId ? { territoryId } : {}),
      details: { method: 'psc', decision: input.decision, role: request.requested_role },
    });
  });
  const after = await findEnrolmentRequest(db, input.accountId);
  return toEnrolment(after!);
}
