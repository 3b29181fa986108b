import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { App } from '../../../app.ts';
import type { Config } from '../../../config.ts';
import { useTestTransaction } from '../../../db/testing/index.ts';
import { upsertPlace, upsertStructure } from '../../../directory/store.ts';
import { testApp } from '../../../testing/app.ts';
import { createTestTerritory, insertTestCommunes } from '../../../testing/fixtures.ts';
import { systemActor, type Actor, type Role } from '../../access/model.ts';
import { createAccount } from '../../accounts/service.ts';
import { luhnCheckDigit } from '../../identifiers.ts';
import { decidePscEnrolment, listPscEnrolments } from './service.ts';
import {
  browseProvider,
  pscExercise,
  startLocalPsc,
  type LocalPsc,
  type LocalPscClient,
  type PscPerson,
} from './testing/provider.ts';

/**
 * Pro Santé Connect end to end: maillage (driven with inject, as the browser) talks over real HTTP to a real
 * OpenID Connect provider (oidc-provider on 127.0.0.1) for discovery, JWKS, token and UserInfo; the test follows
 * the provider's redirects itself, carrying its cookies. No part of openid-client is mocked.
 */
const PUBLIC_URL = 'http://localhost:3000';

/** The n-th fictitious RPPS (999…, valid key), as PSC's SubjectNameID: 8 + RPPS. */
function nationalId(n: number): string {
  const payload = `999${String(n).padStart(7, '0')}`;
  return `8${payload}${luhnCheckDigit(payload)}`;
}

describe('Pro Santé Connect login', () => {
  const t = useTestTransaction();
  let psc: LocalPsc;
  const apps: App[] = [];

  beforeAll(async () => {
    psc = await startLocalPsc({
      redirectUri: `${PUBLIC_URL}/api/auth/psc/callback`,
      postLogoutRedirectUri: `${PUBLIC_URL}/connexion`,
    });
  });
  afterAll(async () => {
    await psc?.close();
  });
  beforeEach(() => {
    psc.tamper.idToken = null;
    psc.tamper.userinfo = null;
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  async function appWith(client: LocalPscClient | null = psc.jsonClient, overrides: Partial<Config> = {}) {
    const app = await testApp(t.db, t.handle.mode, {
      publicUrl: PUBLIC_URL,
      rateLimitPerMinute: 100_000,
      ...(client ? { pscIssuer: psc.issuer, pscClientId: client.clientId, pscClientSecret: client.clientSecret } : {}),
      ...overrides,
    });
    apps.push(app);
    return app;
  }

  interface Login {
    startLocation: URL;
    flowCookie: string;
    callbackPath: string;
    callback: Awaited<ReturnType<App['inject']>>;
    sessionCookie: string | undefined;
  }

  /** One login as a browser: start at maillage, through the provider, back to maillage's callback. */
  async function login(
    app: App,
    person: PscPerson,
    options: {
      acr?: string;
      retour?: string;
      alterAuthorization?: (url: URL) => void;
      alterCallback?: (url: URL) => void;
      flowCookie?: (own: string) => string | undefined;
      /** A session cookie the browser already holds. */
      session?: string;
    } = {},
  ): Promise<Login> {
    psc.nextLogin(person, options.acr);
    const start = await app.inject({
      url: `/api/auth/psc/start${options.retour ? `?retour=${encodeURIComponent(options.retour)}` : ''}`,
    });
    expect(start.statusCode, start.body).toBe(302);
    const flowCookie = start.cookies.find((c) => c.name === 'maillage_psc')!.value;
    const startLocation = new URL(start.headers.location as string);
    const authorization = new URL(startLocation);
    options.alterAuthorization?.(authorization);
    const callbackUrl = await browseProvider(psc, authorization.href);
    expect(callbackUrl.origin + callbackUrl.pathname).toBe(`${PUBLIC_URL}/api/auth/psc/callback`);
    options.alterCallback?.(callbackUrl);
    const callbackPath = callbackUrl.pathname + callbackUrl.search;
    const cookie = options.flowCookie ? options.flowCookie(flowCookie) : flowCookie;
    const cookies = [
      cookie ? `maillage_psc=${cookie}` : '',
      options.session ? `maillage_session=${options.session}` : '',
    ];
    const callback = await app.inject({
      url: callbackPath,
      headers: cookies.some(Boolean) ? { cookie: cookies.filter(Boolean).join('; ') } : {},
    });
    const sessionCookie = callback.cookies.find((c) => c.name === 'maillage_session' && c.value !== '')?.value;
    return { startLocation, flowCookie, callbackPath, callback, sessionCookie };
  }

  async function pscAudit() {
    const rows = await sql<{
      action: string;
      outcome: string;
      object_id: string | null;
      details: Record<string, unknown>;
    }>`select action, outcome, object_id, details from audit_event where details->>'method' = 'psc' order by seq`.execute(
      t.db,
    );
    return rows.rows;
  }

  /** What a refused login must leave untouched. */
  async function counts() {
    const row = await sql<{ accounts: number; sessions: number; requests: number; psc_sessions: number }>`
      select (select count(*)::int from account) as accounts,
             (select count(*)::int from account_session) as sessions,
             (select count(*)::int from psc_enrolment_request) as requests,
             (select count(*)::int from psc_session) as psc_sessions`.execute(t.db);
    return row.rows[0]!;
  }

  async function territory(kind: string, code: string, name: string, communes: string[] = []): Promise<string> {
    const id = await createTestTerritory(t.db, { kind, code, name });
    for (const insee of communes) {
      await sql`insert into territory_commune (territory_id, insee_code) values (${id}, ${insee})`.execute(t.db);
    }
    return id;
  }

  async function account(
    n: number,
    grants: { role: Role; territoryId: string }[],
    extra: { status?: 'active' | 'disabled' | 'pending'; totp?: boolean } = {},
  ): Promise<string> {
    const id = await createAccount(t.db, systemActor('test'), {
      email: `pro${n}@psc.test`,
      displayName: `Professionnel ${n}`,
      nationalId: nationalId(n),
      grants,
    });
    if (extra.status) await sql`update account set status = ${extra.status} where id = ${id}`.execute(t.db);
    if (extra.totp) {
      await sql`update account set totp_secret = 'JBSWY3DPEHPK3PXP', totp_enabled_at = now() where id = ${id}`.execute(
        t.db,
      );
    }
    return id;
  }

  test('the start sends the browser to PSC with code + PKCE S256, state, nonce, acr_values and scope', async () => {
    const app = await appWith();
    const start = await app.inject({ url: '/api/auth/psc/start?retour=/regulation' });
    expect(start.statusCode).toBe(302);
    const url = new URL(start.headers.location as string);
    expect(url.origin).toBe(psc.issuer);
    const p = url.searchParams;
    expect(p.get('response_type')).toBe('code');
    expect(p.get('client_id')).toBe(psc.jsonClient.clientId);
    expect(p.get('redirect_uri')).toBe(`${PUBLIC_URL}/api/auth/psc/callback`);
    expect(p.get('scope')).toBe('openid scope_all');
    expect(p.get('acr_values')).toBe('eidas1');
    expect(p.get('code_challenge_method')).toBe('S256');
    expect(p.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(p.get('state')).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(p.get('nonce')).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(start.headers['cache-control']).toBe('no-store');
    const cookie = start.cookies.find((c) => c.name === 'maillage_psc')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/api/auth/psc', maxAge: 600 });
    // The state is kept only as its hash, the nonce and verifier only sealed under the browser's cookie.
    const rows = await sql<{
      state_hash: string;
      sealed: string;
    }>`select state_hash, sealed from psc_login_flow`.execute(t.db);
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0]!.state_hash).not.toBe(p.get('state'));
    expect(rows.rows[0]!.sealed).not.toContain(p.get('nonce'));
  });

  test('a known professional gets a session (second factor counted done) and lands where he was going', async () => {
    const sas = await territory('sas', 'S41', 'SAS Loir-et-Cher');
    const accountId = await account(1, [{ role: 'effecteur', territoryId: sas }], { totp: true });
    const app = await appWith();
    const before = await counts();
    const result = await login(app, { nationalId: nationalId(1) }, { retour: '/regulation?onglet=2' });
    expect(result.callback.statusCode).toBe(302);
    expect(result.callback.headers.location).toBe('/regulation?onglet=2');
    expect(result.sessionCookie).toBeDefined();

    const me = await app.inject({
      url: '/api/auth/me',
      headers: { cookie: `maillage_session=${result.sessionCookie}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      accountId,
      nationalId: nationalId(1),
      secondFactorStep: 'none',
      grants: [{ role: 'effecteur', territoryId: sas }],
    });
    const after = await counts();
    expect(after).toEqual({ ...before, sessions: before.sessions + 1, psc_sessions: before.psc_sessions + 1 });
    expect(psc.userinfoContentTypes.at(-1)).toBe('application/json');
    const audit = await pscAudit();
    expect(audit.at(-1)).toMatchObject({
      action: 'auth.login',
      outcome: 'success',
      object_id: accountId,
      details: { method: 'psc', acr: 'eidas1' },
    });
    // Logging in again from the same browser ends the session it had.
    const again = await login(app, { nationalId: nationalId(1) }, { session: result.sessionCookie });
    expect(again.sessionCookie).toBeDefined();
    const old = await app.inject({
      url: '/api/auth/me',
      headers: { cookie: `maillage_session=${result.sessionCookie}` },
    });
    expect(old.statusCode).toBe(401);
    const lastLogin = await sql<{
      last_login_at: Date | null;
    }>`select last_login_at from account where id = ${accountId}`.execute(t.db);
    expect(lastLogin.rows[0]!.last_login_at).not.toBeNull();
  });

  test('UserInfo answered as a signed JWT (application/jwt) is read the same', async () => {
    const sas = await territory('sas', 'S41', 'SAS Loir-et-Cher');
    const accountId = await account(2, [{ role: 'effecteur', territoryId: sas }]);
    const app = await appWith(psc.jwtClient);
    const result = await login(app, { nationalId: nationalId(2) });
    expect(psc.userinfoContentTypes.at(-1)).toBe('application/jwt');
    expect(result.callback.headers.location).toBe('/');
    const me = await app.inject({
      url: '/api/auth/me',
      headers: { cookie: `maillage_session=${result.sessionCookie}` },
    });
    expect(me.json()).toMatchObject({ accountId, secondFactorStep: 'none' });
  });

  test('two logins started in two tabs of one browser both complete', async () => {
    const sas = await territory('sas', 'S41', 'SAS Loir-et-Cher');
    await account(16, [{ role: 'effecteur', territoryId: sas }]);
    const app = await appWith();
    const startA = await app.inject({ url: '/api/auth/psc/start?retour=/a' });
    const cookie = startA.cookies.find((c) => c.name === 'maillage_psc')!.value;
    const startB = await app.inject({
      url: '/api/auth/psc/start?retour=/b',
      headers: { cookie: `maillage_psc=${cookie}` },
    });
    expect(startB.cookies.find((c) => c.name === 'maillage_psc')!.value).toBe(cookie);
    const callbacks: string[] = [];
    for (const start of [startA, startB]) {
      psc.nextLogin({ nationalId: nationalId(16) });
      const url = await browseProvider(psc, start.headers.location as string);
      callbacks.push(url.pathname + url.search);
    }
    for (const [i, path] of [callbacks[1]!, callbacks[0]!].entries()) {
      const callback = await app.inject({ url: path, headers: { cookie: `maillage_psc=${cookie}` } });
      expect(callback.headers.location).toBe(i === 0 ? '/b' : '/a');
      expect(callback.cookies.find((c) => c.name === 'maillage_session')?.value).toBeTruthy();
    }
  });

  test('a return path off the site is ignored', async () => {
    const sas = await territory('sas', 'S41', 'SAS Loir-et-Cher');
    await account(3, [{ role: 'effecteur', territoryId: sas }]);
    const app = await appWith();
    for (const retour of ['https://ailleurs.example/', '//ailleurs.example/x', '/\\ailleurs.example', '/connexion']) {
      const result = await login(app, { nationalId: nationalId(3) }, { retour });
      expect(result.callback.headers.location, retour).toBe('/');
    }
  });

  test('an unknown professional enrols himself: pending account, effecteur request on the territory the directory gives', async () => {
    await insertTestCommunes(t.db, [{ inseeCode: '41018', name: 'Blois', latitude: 47.59, longitude: 1.33 }]);
    const sas = await territory('sas', 'S41', 'SAS Loir-et-Cher', ['41018']);
    const cpts = await territory('cpts', 'C41', 'CPTS du Blaisois', ['41018']);
    const structure = await upsertStructure(t.db, {
      kind: 'practice',
      name: 'Cabinet du Dr Doc',
      nationalId: null,
      finessSite: null,
      finessLegal: null,
      siret: null,
      technicalId: 'R102671',
      parentId: null,
      active: true,
      source: 'annuaire-sante',
    });
    await upsertPlace(t.db, {
      placeKey: 'annuaire-sante:R102671',
      structureId: structure.id,
      name: null,
      addressLines: ['1 rue Noire'],
      postalCode: '41000',
      communeInsee: '41018',
      city: 'Blois',
      latitude: 47.59,
      longitude: 1.33,
      coordinatesPrecision: 'address',
      phone: null,
      active: true,
      source: 'annuaire-sante',
    });
    const app = await appWith();
    const before = await counts();
    const person: PscPerson = { nationalId: nationalId(10), givenName: 'Kit', familyName: 'DOC0042788' };
    const result = await login(app, person);
    expect(result.callback.statusCode).toBe(302);
    expect(result.callback.headers.location).toBe('/connexion/psc-en-attente');
    expect(result.sessionCookie).toBeUndefined();
    expect(await counts()).toEqual({ ...before, accounts: before.accounts + 1, requests: before.requests + 1 });

    const created = await sql<{
      id: string;
      email: string;
      display_name: string;
      status: string;
      password_hash: string | null;
    }>`select id, email, display_name, status, password_hash from account where national_id = ${nationalId(10)}`.execute(
      t.db,
    );
    expect(created.rows[0]).toMatchObject({
      email: `psc-${nationalId(10)}@psc.invalid`,
      display_name: 'Kit DOC0042788',
      status: 'pending',
      password_hash: null,
    });
    const accountId = created.rows[0]!.id;
    const grants = await sql`select * from account_grant where account_id = ${accountId}`.execute(t.db);
    expect(grants.rows).toEqual([]);
    const request = await sql<{
      requested_role: string;
      territory_id: string | null;
      candidate_territory_ids: string[];
      practice: {
        roles: string[];
        exercises: { professionCode: string; activities: { structureTechnicalId: string }[] }[];
      };
      status: string;
    }>`select requested_role, territory_id, candidate_territory_ids, practice, status from psc_enrolment_request
       where account_id = ${accountId}`.execute(t.db);
    expect(request.rows[0]).toMatchObject({ requested_role: 'effecteur', territory_id: sas, status: 'pending' });
    expect([...request.rows[0]!.candidate_territory_ids].sort()).toEqual([sas, cpts].sort());
    expect(request.rows[0]!.practice.roles).toEqual(['10^1.2.250.1.213.1.1.5.5']);
    expect(request.rows[0]!.practice.exercises[0]!.professionCode).toBe('10');
    expect(request.rows[0]!.practice.exercises[0]!.activities[0]!.structureTechnicalId).toBe('R102671');

    const audit = await pscAudit();
    expect(audit.slice(-2)).toMatchObject([
      { action: 'account.self-enrol', outcome: 'success', object_id: accountId, details: { territoryDeduced: true } },
      { action: 'auth.login', outcome: 'denied', object_id: accountId, details: { reason: 'pending-enrolment' } },
    ]);

    // He comes back before the validation: still waiting, no second account.
    const again = await login(app, person);
    expect(again.callback.headers.location).toBe('/connexion/psc-en-attente');
    expect(again.sessionCookie).toBeUndefined();
    expect((await counts()).accounts).toBe(before.accounts + 1);
    expect((await pscAudit()).at(-1)).toMatchObject({ outcome: 'denied', details: { reason: 'pending' } });
  });

  test('an enrolment whose territory cannot be decided waits for the administrator to choose; e-mail from PSC kept', async () => {
    const app = await appWith();
    const result = await login(app, {
      nationalId: nationalId(11),
      email: 'kit.doc@exemple.fr',
      exercices: [pscExercise({ identifiantTechniqueDeLaStructure: 'R999999', codeCommune: '' })],
    });
    expect(result.callback.headers.location).toBe('/connexion/psc-en-attente');
    const row = await sql<{ email: string; territory_id: string | null; candidate_territory_ids: string[] }>`
      select a.email, r.territory_id, r.candidate_territory_ids from account a
      join psc_enrolment_request r on r.account_id = a.id where a.national_id = ${nationalId(11)}`.execute(t.db);
    expect(row.rows[0]).toEqual({ email: 'kit.doc@exemple.fr', territory_id: null, candidate_territory_ids: [] });
  });

  test('an authentication level other than PSC_ACR is refused and audited; nothing else changes', async () => {
    const sas = await territory('sas', 'S41', 'SAS Loir-et-Cher');
    await account(4, [{ role: 'effecteur', territoryId: sas }]);
    const app = await appWith();
    const before = await counts();
    const result = await login(app, { nationalId: nationalId(4) }, { acr: 'eidas2' });
    expect(result.callback.headers.location).toBe('/connexion?psc=niveau-refuse');
    expect(result.sessionCookie).toBeUndefined();
    expect(await counts()).toEqual(before);
    expect((await pscAudit()).at(-1)).toMatchObject({
      action: 'auth.login',
      outcome: 'denied',
      details: { reason: 'acr', acr: 'eidas2', expected: 'eidas1' },
    });
    // Nor does an unknown professional enrol at the wrong level.
    const unknown = await login(app, { nationalId: nationalId(40) }, { acr: 'eidas3' });
    expect(unknown.callback.headers.location).toBe('/connexion?psc=niveau-refuse');
    expect(await counts()).toEqual(before);
  });

  test('a callback replayed is refused: the state is used once', async () => {
    const sas = await territory('sas', 'S41', 'SAS Loir-et-Cher');
    await account(5, [{ role: 'effecteur', territoryId: sas }]);
    const app = await appWith();
    const first = await login(app, { nationalId: nationalId(5) });
    expect(first.sessionCookie).toBeDefined();
    const before = await counts();
    const replay = await app.inject({
      url: first.callbackPath,
      headers: { cookie: `maillage_psc=${first.flowCookie}` },
    });
    expect(replay.statusCode).toBe(302);
    expect(replay.headers.location).toBe('/connexion?psc=echec');
    expect(replay.cookies.find((c) => c.name === 'maillage_session' && c.value !== '')).toBeUndefined();
    expect(await counts()).toEqual(before);
    expect((await pscAudit()).at(-1)).toMatchObject({ outcome: 'failure', details: { reason: 'unknown-state' } });
  });

  test('a tampered state, or none, is refused and nothing changes', async () => {
    const sas = await territory('sas', 'S41', 'SAS Loir-et-Cher');
    await account(6, [{ role: 'effecteur', territoryId: sas }]);
    const app = await appWith();
    const before = await counts();
    const tampered = await login(
      app,
      { nationalId: nationalId(6) },
      { alterCallback: (url) => url.searchParams.set('state', `${url.searchParams.get('state')}x`) },
    );
    expect(tampered.callback.headers.location).toBe('/connexion?psc=echec');
    expect(tampered.sessionCookie).toBeUndefined();
    const none = await login(
      app,
      { nationalId: nationalId(6) },
      { alterCallback: (url) => url.searchParams.delete('state') },
    );
    expect(none.callback.headers.location).toBe('/connexion?psc=echec');
    expect(await counts()).toEqual(before);
    const audit = await pscAudit();
    expect(audit.slice(-2).map((a) => a.details.reason)).toEqual(['unknown-state', 'missing-state']);
  });

  test('a callback carried to another browser (login CSRF) is refused', async () => {
    const sas = await territory('sas', 'S41', 'SAS Loir-et-Cher');
    await account(7, [{ role: 'effecteur', territoryId: sas }]);
    const app = await appWith();
    const before = await counts();
    const otherBrowser = await login(app, { nationalId: nationalId(7) }, { flowCookie: () => 'A'.repeat(43) });
    expect(otherBrowser.callback.headers.location).toBe('/connexion?psc=echec');
    const noCookie = await login(app, { nationalId: nationalId(7) }, { flowCookie: () => undefined });
    expect(noCookie.callback.headers.location).toBe('/connexion?psc=echec');
    expect(await counts()).toEqual(before);
    expect((await pscAudit()).slice(-2).map((a) => [a.outcome, a.details.reason])).toEqual([
      ['denied', 'other-browser'],
      ['denied', 'other-browser'],
    ]);
  });

  test('an ID token with another nonce than the one sent is refused', async () => {
    const sas = await territory('sas', 'S41', 'SAS Loir-et-Cher');
    await account(8, [{ role: 'effecteur', territoryId: sas }]);
    const app = await appWith();
    const before = await counts();
    const result = await login(
      app,
      { nationalId: nationalId(8) },
      { alterAuthorization: (url) => url.searchParams.set('nonce', 'nonce-choisi-par-un-attaquant-0123456789abcdef') },
    );
    expect(result.callback.headers.location).toBe('/connexion?psc=echec');
    expect(await counts()).toEqual(before);
    expect((await pscAudit()).at(-1)).toMatchObject({ outcome: 'failure', details: { reason: 'token-rejected' } });
  });

  test('a forged ID token (signed with another key under the provider’s kid) is refused', async () => {
    const sas = await territory('sas', 'S41', 'SAS Loir-et-Cher');
    await account(9, [{ role: 'effecteur', territoryId: sas }]);
    const app = await appWith();
    const before = await counts();
    psc.tamper.idToken = 'foreign-key';
    const result = await login(app, { nationalId: nationalId(9) });
    expect(result.callback.headers.location).toBe('/connexion?psc=echec');
    expect(result.sessionCookie).toBeUndefined();
    expect(await counts()).toEqual(before);
    expect((await pscAudit()).at(-1)).toMatchObject({ outcome: 'failure', details: { reason: 'token-rejected' } });
  });

  test('an earlier ID token replayed by the token endpoint is refused', async () => {
    const sas = await territory('sas', 'S41', 'SAS Loir-et-Cher');
    await account(12, [{ role: 'effecteur', territoryId: sas }]);
    const app = await appWith();
    expect((await login(app, { nationalId: nationalId(12) })).sessionCookie).toBeDefined();
    const before = await counts();
    psc.tamper.idToken = 'replay-previous';
    const result = await login(app, { nationalId: nationalId(12) });
    expect(result.callback.headers.location).toBe('/connexion?psc=echec');
    expect(await counts()).toEqual(before);
    expect((await pscAudit()).at(-1)).toMatchObject({ outcome: 'failure', details: { reason: 'token-rejected' } });
  });

  test('a UserInfo JWT signed with another key is refused', async () => {
    const sas = await territory('sas', 'S41', 'SAS Loir-et-Cher');
    await account(13, [{ role: 'effecteur', territoryId: sas }]);
    const app = await appWith(psc.jwtClient);
    const before = await counts();
    psc.tamper.userinfo = 'foreign-key';
    const result = await login(app, { nationalId: nationalId(13) });
    expect(result.callback.headers.location).toBe('/connexion?psc=echec');
    expect(await counts()).toEqual(before);
    expect((await pscAudit()).at(-1)).toMatchObject({ outcome: 'failure', details: { reason: 'userinfo-rejected' } });
  });

  test('a disabled account is refused and audited', async () => {
    const sas = await territory('sas', 'S41', 'SAS Loir-et-Cher');
    const accountId = await account(14, [{ role: 'effecteur', territoryId: sas }], { status: 'disabled' });
    const app = await appWith();
    const before = await counts();
    const result = await login(app, { nationalId: nationalId(14) });
    expect(result.callback.headers.location).toBe('/connexion?psc=compte-desactive');
    expect(result.sessionCookie).toBeUndefined();
    expect(await counts()).toEqual(before);
    expect((await pscAudit()).at(-1)).toMatchObject({
      action: 'auth.login',
      outcome: 'denied',
      object_id: accountId,
      details: { reason: 'disabled' },
    });
  });

  test('cancelling at the provider comes back as « annule », audited', async () => {
    const app = await appWith();
    const start = await app.inject({ url: '/api/auth/psc/start' });
    const flowCookie = start.cookies.find((c) => c.name === 'maillage_psc')!.value;
    const state = new URL(start.headers.location as string).searchParams.get('state')!;
    const query = new URLSearchParams({ error: 'access_denied', state, iss: psc.issuer });
    const callback = await app.inject({
      url: `/api/auth/psc/callback?${query}`,
      headers: { cookie: `maillage_psc=${flowCookie}` },
    });
    expect(callback.headers.location).toBe('/connexion?psc=annule');
    expect((await pscAudit()).at(-1)).toMatchObject({ details: { reason: 'token-rejected', error: 'access_denied' } });
  });

  test('logout ends the session and gives PSC’s end-session URL with the ID token as id_token_hint', async () => {
    const sas = await territory('sas', 'S41', 'SAS Loir-et-Cher');
    await account(15, [{ role: 'effecteur', territoryId: sas }]);
    const app = await appWith();
    const result = await login(app, { nationalId: nationalId(15) });
    const idToken = psc.issuedIdTokens.at(-1)!;
    const stored = await sql<{ id_token_sealed: string }>`select id_token_sealed from psc_session`.execute(t.db);
    expect(stored.rows).toHaveLength(1);
    expect(stored.rows[0]!.id_token_sealed).not.toContain(idToken.split('.')[1]!.slice(0, 20));

    const cookie = `maillage_session=${result.sessionCookie}`;
    const me = await app.inject({ url: '/api/auth/me', headers: { cookie } });
    const logout = await app.inject({
      method: 'POST',
      url: '/api/auth/psc/logout',
      headers: { cookie, 'x-csrf-token': me.json().csrfToken },
    });
    expect(logout.statusCode, logout.body).toBe(200);
    const endSession = new URL(logout.json().endSessionUrl);
    expect(endSession.origin + endSession.pathname).toBe(`${psc.issuer}/session/end`);
    expect(endSession.searchParams.get('id_token_hint')).toBe(idToken);
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${PUBLIC_URL}/connexion`);
    expect(endSession.searchParams.get('client_id')).toBe(psc.jsonClient.clientId);
    // The provider accepts the hint (a wrong one gets an error page).
    expect((await fetch(endSession)).status).toBe(200);

    expect((await app.inject({ url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(401);
    expect((await sql`select * from psc_session`.execute(t.db)).rows).toEqual([]);
    expect((await pscAudit()).at(-1)).toMatchObject({
      action: 'auth.logout',
      outcome: 'success',
      details: { pscSession: true, providerLogout: true },
    });
  });

  test('logout of a session opened by password gives no end-session URL; without a session it is 401', async () => {
    const sas = await territory('sas', 'S41', 'SAS Loir-et-Cher');
    await createAccount(t.db, systemActor('test'), {
      email: 'local@psc.test',
      displayName: 'Compte local',
      password: 'une phrase de passe assez longue',
      grants: [{ role: 'regulator', territoryId: sas }],
    });
    const app = await appWith();
    const loginLocal = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'local@psc.test', password: 'une phrase de passe assez longue' },
    });
    const cookie = `maillage_session=${loginLocal.cookies.find((c) => c.name === 'maillage_session')!.value}`;
    const logout = await app.inject({
      method: 'POST',
      url: '/api/auth/psc/logout',
      headers: { cookie, 'x-csrf-token': loginLocal.json().csrfToken },
    });
    expect(logout.json()).toEqual({ endSessionUrl: null });
    expect((await app.inject({ url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/auth/psc/logout' })).statusCode).toBe(401);
  });

  test('without PSC_ISSUER the routes say, in French, that PSC is not configured', async () => {
    const app = await appWith(null);
    expect((await app.inject({ url: '/api/auth/psc/status' })).json()).toEqual({ enabled: false });
    for (const url of ['/api/auth/psc/start', '/api/auth/psc/callback?state=x&code=y']) {
      const res = await app.inject({ url });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({
        code: 'psc-not-configured',
        detail: 'La connexion Pro Santé Connect n’est pas configurée sur cette instance.',
      });
    }
    const configured = await appWith();
    expect((await configured.inject({ url: '/api/auth/psc/status' })).json()).toEqual({ enabled: true });
  });

  test('a provider that does not answer sends the browser back to the login page, nothing stored', async () => {
    const app = await appWith(null, { pscIssuer: 'http://127.0.0.1:9', pscClientId: 'x', pscClientSecret: 'y' });
    const start = await app.inject({ url: '/api/auth/psc/start' });
    expect(start.statusCode).toBe(302);
    expect(start.headers.location).toBe('/connexion?psc=indisponible');
    expect((await sql`select * from psc_login_flow`.execute(t.db)).rows).toEqual([]);
    expect((await pscAudit()).at(-1)).toMatchObject({
      action: 'auth.login',
      outcome: 'failure',
      details: { reason: 'provider-unavailable', error: 'unreachable' },
    });
  });
});

describe('PSC enrolment requests, for account administrators', () => {
  const t = useTestTransaction();

  async function admin(role: Role, territoryId: string, national = false): Promise<Actor> {
    const id = await createAccount(t.db, systemActor('test'), {
      email: `${role}-${territoryId.slice(0, 8)}@admin.test`,
      displayName: `${role} de test`,
      grants: [{ role, territoryId }],
    });
    return { kind: 'user', accountId: id, displayName: role, grants: [{ role, territoryId, national }] };
  }

  async function pendingEnrolment(n: number, territoryId: string | null, candidates: string[] = []): Promise<string> {
    const row = await sql<{ id: string }>`
      insert into account (email, display_name, national_id, status) values
        (${`psc-${n}@psc.invalid`}, ${`Pro ${n}`}, ${`8999000000${n}`}, 'pending') returning id`.execute(t.db);
    const id = row.rows[0]!.id;
    await sql`insert into psc_enrolment_request (account_id, national_id, requested_role, territory_id, candidate_territory_ids, practice)
      values (${id}, ${`8999000000${n}`}, 'effecteur', ${territoryId}, ${candidates}::uuid[], '{"roles":[],"exercises":[]}')`.execute(
      t.db,
    );
    return id;
  }

  async function auditOf(accountId: string) {
    const rows = await sql<{ action: string; outcome: string }>`
      select action, outcome from audit_event where object_id = ${accountId} order by seq`.execute(t.db);
    return rows.rows;
  }

  test('the account administrator of the territory sees and approves: active account, effecteur role', async () => {
    const sas = await createTestTerritory(t.db, { kind: 'sas', code: 'S41', name: 'SAS 41' });
    const other = await createTestTerritory(t.db, { kind: 'sas', code: 'S37', name: 'SAS 37' });
    const accountId = await pendingEnrolment(1, sas);
    const mine = await admin('account-admin', sas);
    const theirs = await admin('account-admin', other);

    expect((await listPscEnrolments(t.db, mine)).map((e) => e.accountId)).toEqual([accountId]);
    expect(await listPscEnrolments(t.db, theirs)).toEqual([]);
    await expect(decidePscEnrolment(t.db, theirs, { accountId, decision: 'approve' })).rejects.toMatchObject({
      code: 'not-found',
    });
    await expect(
      decidePscEnrolment(t.db, await admin('regulator', sas), { accountId, decision: 'approve' }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    expect(await auditOf(accountId)).toEqual([
      { action: 'account.manage', outcome: 'denied' },
      { action: 'account.manage', outcome: 'denied' },
    ]);

    const decided = await decidePscEnrolment(t.db, mine, { accountId, decision: 'approve' });
    expect(decided).toMatchObject({ status: 'approved', territoryId: sas, territoryName: 'SAS 41' });
    const account = await sql<{ status: string }>`select status from account where id = ${accountId}`.execute(t.db);
    expect(account.rows[0]!.status).toBe('active');
    const grants = await sql<{ role: string; territory_id: string }>`
      select role, territory_id from account_grant where account_id = ${accountId}`.execute(t.db);
    expect(grants.rows).toEqual([{ role: 'effecteur', territory_id: sas }]);
    await expect(decidePscEnrolment(t.db, mine, { accountId, decision: 'reject' })).rejects.toMatchObject({
      code: 'conflict',
    });
  });

  test('without a deduced territory: shown to the administrators of the candidates, who must choose one', async () => {
    const a = await createTestTerritory(t.db, { kind: 'sas', code: 'S41', name: 'SAS 41' });
    const b = await createTestTerritory(t.db, { kind: 'sas', code: 'S45', name: 'SAS 45' });
    const elsewhere = await createTestTerritory(t.db, { kind: 'sas', code: 'S37', name: 'SAS 37' });
    const national = await createTestTerritory(t.db, { kind: 'national', code: 'FR-T', name: 'France' });
    const accountId = await pendingEnrolment(2, null, [a, b]);
    const adminA = await admin('account-admin', a);
    expect((await listPscEnrolments(t.db, adminA)).map((e) => e.accountId)).toEqual([accountId]);
    expect(await listPscEnrolments(t.db, await admin('account-admin', elsewhere))).toEqual([]);
    const nationalAdmin = await admin('national-admin', national, true);
    expect((await listPscEnrolments(t.db, nationalAdmin)).map((e) => e.accountId)).toEqual([accountId]);

    await expect(decidePscEnrolment(t.db, adminA, { accountId, decision: 'approve' })).rejects.toMatchObject({
      code: 'validation-failed',
    });
    // He may not approve on a territory he does not manage.
    await expect(
      decidePscEnrolment(t.db, adminA, { accountId, decision: 'approve', territoryId: b }),
    ).rejects.toMatchObject({ code: 'not-found' });
    const decided = await decidePscEnrolment(t.db, adminA, { accountId, decision: 'approve', territoryId: a });
    expect(decided).toMatchObject({ status: 'approved', territoryId: a });
  });

  test('a refusal disables the account', async () => {
    const sas = await createTestTerritory(t.db, { kind: 'sas', code: 'S41', name: 'SAS 41' });
    const accountId = await pendingEnrolment(3, sas);
    const decided = await decidePscEnrolment(t.db, await admin('account-admin', sas), {
      accountId,
      decision: 'reject',
    });
    expect(decided.status).toBe('rejected');
    const account = await sql<{ status: string }>`select status from account where id = ${accountId}`.execute(t.db);
    expect(account.rows[0]!.status).toBe('disabled');
    expect(await auditOf(accountId)).toEqual([{ action: 'account.enrolment-decide', outcome: 'success' }]);
  });
});
