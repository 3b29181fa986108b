import type { InjectOptions } from 'fastify';
import { sql } from 'kysely';
import { afterAll, describe, expect, test } from 'vitest';
import type { App } from '../../src/app.ts';
import { useTestTransaction } from '../../src/db/testing/index.ts';
import { ROLES, systemActor, type Role } from '../../src/platform/access/model.ts';
import { hashPassword } from '../../src/platform/accounts/password.ts';
import { createAccount } from '../../src/platform/accounts/service.ts';
import { testApp } from '../../src/testing/app.ts';
import { createTestTerritory } from '../../src/testing/fixtures.ts';

/**
 * Walks every HTTP route with every profile and checks the answer against a table of expectations written
 * here, independently of the service's permission matrix (src/platform/access/matrix.ts): if the matrix
 * and this table disagree, one of them is wrong and a person must decide which.
 *
 * - public: anyone, logged in or not;
 * - signed-in: any logged-in profile; anonymous → 401;
 * - roles: only these profiles (→ 403 for the others, 401 anonymous); with `territoryScoped`, an object
 *   of another territory answers 404;
 * - patientData: the route reads or writes patient data and must write an audit row.
 *
 * A route missing from this table fails the test: adding a route means deciding who may call it.
 */
type Access = { access: 'public' } | { access: 'signed-in' } | { access: 'roles'; roles: Role[] };

interface Expectation {
  who: Access;
  /** How to call it (defaults to the route's path as is). `ctx` holds ids created by the set-up. */
  call?: (ctx: Context) => InjectOptions;
  patientData?: boolean;
  /** Statuses that mean "allowed" besides 2xx (e.g. 400 for a body the walk does not fill). */
  allowedAlso?: number[];
  /** Problem codes that mean "reached, but refused for another reason than rights" (a wrong code…). */
  allowedCodes?: string[];
}

interface Context {
  territoryId: string;
  otherTerritoryId: string;
  regulatorAccountId: string;
  effecteurAccountId: string;
}

/** An id no object has: routes on one answer 404 once the caller's rights are checked. */
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

const EXPECTATIONS: Record<string, Expectation> = {
  'GET /health/live': { who: { access: 'public' } },
  'GET /health/ready': { who: { access: 'public' } },
  'GET /api/openapi.json': { who: { access: 'public' } },
  'GET /api/meta': { who: { access: 'public' } },
  'GET /api/problems': { who: { access: 'public' } },
  'GET /api/problems/:code': { who: { access: 'public' }, call: () => ({ url: '/api/problems/not-found' }) },
  'GET /api/docs': { who: { access: 'public' }, allowedAlso: [302] },
  'GET /api/docs/static/*': { who: { access: 'public' }, call: () => ({ url: '/api/docs/static/swagger-ui.css' }) },
  'GET /api/docs/static/index.html': { who: { access: 'public' }, allowedAlso: [302] },
  'GET /api/docs/static/swagger-initializer.js': { who: { access: 'public' } },
  'GET /api/docs/json': { who: { access: 'public' } },
  'GET /api/docs/yaml': { who: { access: 'public' } },
  'GET /': { who: { access: 'public' } },
  // Login and password reset are for people not logged in; the walk sends no credentials.
  'POST /api/auth/login': {
    who: { access: 'public' },
    allowedAlso: [400],
    call: () => ({ method: 'POST', url: '/api/auth/login', payload: {} }),
  },
  'POST /api/auth/password-reset': {
    who: { access: 'public' },
    allowedAlso: [400],
    call: () => ({ method: 'POST', url: '/api/auth/password-reset', payload: {} }),
  },
  'POST /api/auth/password-reset/complete': {
    who: { access: 'public' },
    allowedAlso: [400],
    call: () => ({ method: 'POST', url: '/api/auth/password-reset/complete', payload: {} }),
  },
  'GET /api/auth/me': { who: { access: 'signed-in' } },
  'POST /api/auth/logout': { who: { access: 'signed-in' }, call: () => ({ method: 'POST', url: '/api/auth/logout' }) },
  'POST /api/auth/logout-everywhere': {
    who: { access: 'signed-in' },
    call: () => ({ method: 'POST', url: '/api/auth/logout-everywhere' }),
  },
  'POST /api/auth/second-factor/setup': {
    who: { access: 'signed-in' },
    call: () => ({ method: 'POST', url: '/api/auth/second-factor/setup' }),
  },
  'POST /api/auth/second-factor/verify': {
    who: { access: 'signed-in' },
    // The code is wrong (or no authenticator is being set up): refused, but the route was reachable.
    allowedAlso: [400],
    allowedCodes: ['second-factor-invalid'],
    call: () => ({ method: 'POST', url: '/api/auth/second-factor/verify', payload: { code: '123456' } }),
  },
  // Pro Santé Connect: the browser's way in, for people not logged in. The walk's instance has no PSC_ISSUER, so
  // start and callback answer psc-not-configured; with one, they redirect (302).
  'GET /api/auth/psc/status': { who: { access: 'public' } },
  'GET /api/auth/psc/start': { who: { access: 'public' }, allowedAlso: [302], allowedCodes: ['psc-not-configured'] },
  'GET /api/auth/psc/callback': {
    who: { access: 'public' },
    allowedAlso: [302],
    allowedCodes: ['psc-not-configured'],
  },
  'POST /api/auth/psc/logout': {
    who: { access: 'signed-in' },
    call: () => ({ method: 'POST', url: '/api/auth/psc/logout' }),
  },
  'GET /api/accounts': { who: { access: 'roles', roles: ['national-admin', 'account-admin', 'territorial-referent'] } },
  'GET /api/accounts/usage': {
    who: { access: 'roles', roles: ['national-admin', 'account-admin', 'territorial-referent'] },
  },
  'GET /api/accounts/:id': {
    who: { access: 'roles', roles: ['national-admin', 'account-admin', 'territorial-referent'] },
    call: (ctx) => ({ url: `/api/accounts/${ctx.regulatorAccountId}` }),
  },
  'POST /api/accounts': {
    who: { access: 'roles', roles: ['national-admin', 'account-admin'] },
    call: (ctx) => ({
      method: 'POST',
      url: '/api/accounts',
      payload: {
        email: `nouveau-${Math.random()}@visite.test`,
        displayName: 'Nouveau',
        grants: [{ role: 'regulator', territoryId: ctx.territoryId }],
      },
    }),
  },
  'PATCH /api/accounts/:id': {
    who: { access: 'roles', roles: ['national-admin', 'account-admin'] },
    call: (ctx) => ({
      method: 'PATCH',
      url: `/api/accounts/${ctx.regulatorAccountId}`,
      payload: { displayName: 'regulator' },
    }),
  },
  'POST /api/accounts/:id/status': {
    who: { access: 'roles', roles: ['national-admin', 'account-admin'] },
    call: (ctx) => ({
      method: 'POST',
      url: `/api/accounts/${ctx.effecteurAccountId}/status`,
      payload: { status: 'active' },
    }),
  },
  'POST /api/accounts/:id/grants': {
    who: { access: 'roles', roles: ['national-admin', 'account-admin'] },
    call: (ctx) => ({
      method: 'POST',
      url: `/api/accounts/${ctx.effecteurAccountId}/grants`,
      payload: { role: 'effecteur', territoryId: ctx.territoryId },
    }),
  },
  'DELETE /api/accounts/:id/grants/:role/:territoryId': {
    who: { access: 'roles', roles: ['national-admin', 'account-admin'] },
    // Removing a role the account does not hold: reached, then 404 from the use case.
    allowedAlso: [404],
    call: (ctx) => ({
      method: 'DELETE',
      url: `/api/accounts/${ctx.effecteurAccountId}/grants/coordinator/${ctx.territoryId}`,
    }),
  },
  'POST /api/accounts/import': {
    who: { access: 'roles', roles: ['national-admin', 'account-admin'] },
    call: () => ({
      method: 'POST',
      url: '/api/accounts/import',
      headers: { 'content-type': 'text/csv' },
      payload: 'email;profil;territoire\n',
    }),
  },
  'GET /api/accounts/enrolments': { who: { access: 'roles', roles: ['national-admin', 'account-admin'] } },
  'POST /api/accounts/:id/enrolment': {
    who: { access: 'roles', roles: ['national-admin', 'account-admin'] },
    // No enrolment request for this account: reached, then 404 from the use case.
    allowedAlso: [404],
    call: (ctx) => ({
      method: 'POST',
      url: `/api/accounts/${ctx.effecteurAccountId}/enrolment`,
      payload: { decision: 'reject' },
    }),
  },
  'GET /api/audit/events': { who: { access: 'roles', roles: ['national-admin', 'account-admin'] } },
  'GET /api/audit/events.csv': { who: { access: 'roles', roles: ['national-admin', 'account-admin'] } },
  // Outside production only (this walk runs as development); production answers 404.
  'GET /api/dev/mails': { who: { access: 'public' } },
  'GET /api/territories/communes': {
    who: { access: 'signed-in' },
    call: () => ({ url: '/api/territories/communes?q=blois' }),
  },
  'GET /api/territories/communes/:insee': {
    who: { access: 'signed-in' },
    allowedAlso: [404],
    call: () => ({ url: '/api/territories/communes/41018' }),
  },
  'GET /api/territories': { who: { access: 'signed-in' } },
  'GET /api/territories/:id': {
    who: { access: 'signed-in' },
    call: (ctx) => ({ url: `/api/territories/${ctx.territoryId}` }),
  },
  // Training space: every profile reads the guides and videos aimed at it; national administrators manage them.
  // Guides and videos are national content: no territory scope. Ids unknown to the walk answer 404 once rights pass.
  'GET /api/training/guides': { who: { access: 'signed-in' }, call: () => ({ url: '/api/training/guides?q=visite' }) },
  'POST /api/training/guides': {
    who: { access: 'roles', roles: ['national-admin'] },
    call: () => ({
      method: 'POST',
      url: '/api/training/guides',
      payload: { title: 'Guide de la visite', audience: ['tous'], bodyMarkdown: '## Visite', published: true },
    }),
  },
  'GET /api/training/guides/:id': {
    who: { access: 'signed-in' },
    allowedAlso: [404],
    call: () => ({ url: '/api/training/guides/guide-de-la-visite' }),
  },
  'PATCH /api/training/guides/:id': {
    who: { access: 'roles', roles: ['national-admin'] },
    allowedAlso: [404, 409],
    call: () => ({ method: 'PATCH', url: '/api/training/guides/guide-de-la-visite', payload: { version: 1 } }),
  },
  'POST /api/training/guides/:id/archive': {
    who: { access: 'roles', roles: ['national-admin'] },
    allowedAlso: [404, 409],
    call: () => ({ method: 'POST', url: `/api/training/guides/${UNKNOWN_ID}/archive` }),
  },
  'POST /api/training/guides/:id/restore': {
    who: { access: 'roles', roles: ['national-admin'] },
    allowedAlso: [404, 409],
    call: () => ({ method: 'POST', url: `/api/training/guides/${UNKNOWN_ID}/restore` }),
  },
  'GET /api/training/shipped-guides': { who: { access: 'roles', roles: ['national-admin'] } },
  'POST /api/training/shipped-guides/import': {
    who: { access: 'roles', roles: ['national-admin'] },
    call: () => ({ method: 'POST', url: '/api/training/shipped-guides/import' }),
  },
  'GET /api/training/limits': { who: { access: 'signed-in' } },
  'GET /api/training/videos': { who: { access: 'signed-in' } },
  'POST /api/training/videos': {
    who: { access: 'roles', roles: ['national-admin'] },
    // A JSON body instead of a file: rights pass, then the upload is refused before anything reaches the disk.
    allowedCodes: ['unsupported-media-type'],
    call: () => ({ method: 'POST', url: '/api/training/videos?title=Visite&audience=tous', payload: {} }),
  },
  'GET /api/training/videos/:id': {
    who: { access: 'signed-in' },
    allowedAlso: [404],
    call: () => ({ url: `/api/training/videos/${UNKNOWN_ID}` }),
  },
  'PATCH /api/training/videos/:id': {
    who: { access: 'roles', roles: ['national-admin'] },
    allowedAlso: [404],
    call: () => ({ method: 'PATCH', url: `/api/training/videos/${UNKNOWN_ID}`, payload: { title: 'Visite' } }),
  },
  'POST /api/training/videos/:id/archive': {
    who: { access: 'roles', roles: ['national-admin'] },
    allowedAlso: [404],
    call: () => ({ method: 'POST', url: `/api/training/videos/${UNKNOWN_ID}/archive` }),
  },
  'POST /api/training/videos/:id/restore': {
    who: { access: 'roles', roles: ['national-admin'] },
    allowedAlso: [404],
    call: () => ({ method: 'POST', url: `/api/training/videos/${UNKNOWN_ID}/restore` }),
  },
  'PUT /api/training/videos/:id/captions': {
    who: { access: 'roles', roles: ['national-admin'] },
    allowedAlso: [404],
    call: () => ({
      method: 'PUT',
      url: `/api/training/videos/${UNKNOWN_ID}/captions`,
      headers: { 'content-type': 'text/vtt' },
      payload: 'WEBVTT\n',
    }),
  },
  'DELETE /api/training/videos/:id/captions': {
    who: { access: 'roles', roles: ['national-admin'] },
    allowedAlso: [404],
    call: () => ({ method: 'DELETE', url: `/api/training/videos/${UNKNOWN_ID}/captions` }),
  },
  'GET /api/training/videos/:id/captions': {
    who: { access: 'signed-in' },
    allowedAlso: [404],
    call: () => ({ url: `/api/training/videos/${UNKNOWN_ID}/captions` }),
  },
  'GET /api/training/videos/:id/content': {
    who: { access: 'signed-in' },
    allowedAlso: [404],
    call: () => ({ url: `/api/training/videos/${UNKNOWN_ID}/content`, headers: { range: 'bytes=0-99' } }),
  },
};

function problemCode(body: string): string {
  try {
    return (JSON.parse(body) as { code?: string }).code ?? '';
  } catch {
    return '';
  }
}

/** Routes that are not the API: the built web app's files. */
const NOT_API = (route: string) => route === 'GET /*';

describe('HTTP access matrix, walked route by route and profile by profile', () => {
  const t = useTestTransaction();
  let app: App;
  let ctx: Context;
  const sessions = new Map<Role, Record<string, string>>();

  afterAll(async () => {
    await app?.close();
  });

  async function setUp() {
    await app?.close();
    const territoryId = await createTestTerritory(t.db, { kind: 'sas', code: 'M41', name: 'SAS walk' });
    const otherTerritoryId = await createTestTerritory(t.db, { kind: 'sas', code: 'M37', name: 'SAS other' });
    const national = await createTestTerritory(t.db, { kind: 'national', code: 'FR-M', name: 'France walk' });
    ctx = { territoryId, otherTerritoryId, regulatorAccountId: '', effecteurAccountId: '' };
    app = await testApp(t.db, t.handle.mode, { rateLimitPerMinute: 100_000 });
    const passwordHash = await hashPassword('mot de passe de la visite');
    sessions.clear();
    for (const role of ROLES) {
      const email = `${role}@visite.test`;
      const accountId = await createAccount(t.db, systemActor('test'), {
        email,
        displayName: role,
        passwordHash,
        grants: [
          {
            role,
            territoryId: role === 'national-admin' ? national : territoryId,
          },
        ],
      });
      const login = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email, password: 'mot de passe de la visite' },
      });
      expect(login.statusCode, `login ${role}`).toBe(200);
      if (role === 'regulator') ctx.regulatorAccountId = accountId;
      if (role === 'effecteur') ctx.effecteurAccountId = accountId;
      const cookie = login.cookies.find((c) => c.name === 'maillage_session')!;
      sessions.set(role, { cookie: `maillage_session=${cookie.value}`, 'x-csrf-token': login.json().csrfToken });
    }
  }

  function key(route: { method: string; url: string }) {
    return `${route.method} ${route.url}`;
  }

  test('every route has an expectation, and every expectation a route', async () => {
    await setUp();
    const routes = app.registeredRoutes.map(key).filter((r) => !NOT_API(r));
    const missing = routes.filter((r) => !(r in EXPECTATIONS));
    expect(missing, 'routes without an expectation: decide who may call them').toEqual([]);
    const stale = Object.keys(EXPECTATIONS).filter((r) => !routes.includes(r));
    expect(stale, 'expectations for routes that no longer exist').toEqual([]);
  });

  test('each profile gets exactly what the table says; anonymous callers are asked to log in', async () => {
    await setUp();
    const failures: string[] = [];
    for (const route of app.registeredRoutes.filter((r) => !NOT_API(key(r)))) {
      const expectation = EXPECTATIONS[key(route)];
      if (!expectation) continue;
      const base: InjectOptions = expectation.call?.(ctx) ?? { method: route.method as 'GET', url: route.url };
      const isAllowed = (res: { statusCode: number; body: string }) =>
        (res.statusCode >= 200 && res.statusCode < 300) ||
        (expectation.allowedAlso ?? []).includes(res.statusCode) ||
        (expectation.allowedCodes ?? []).includes(problemCode(res.body));

      const anonymous = await app.inject(base);
      if (expectation.who.access === 'public') {
        if (!isAllowed(anonymous)) failures.push(`${key(route)} anonyme: ${anonymous.statusCode} attendu autorisé`);
      } else if (anonymous.statusCode !== 401) {
        failures.push(`${key(route)} anonyme: ${anonymous.statusCode} attendu 401`);
      }

      for (const role of ROLES) {
        if (key(route).includes('logout')) continue; // walked last, below: it would end the session.
        // A fresh request per profile: some bodies must be unique (a new account's e-mail).
        const request = expectation.call?.(ctx) ?? base;
        const res = await app.inject({ ...request, headers: { ...(request.headers ?? {}), ...sessions.get(role)! } });
        const allowed = expectation.who.access !== 'roles' || expectation.who.roles.includes(role);
        if (allowed && !isAllowed(res)) {
          failures.push(`${key(route)} ${role}: ${res.statusCode} attendu autorisé (${res.body.slice(0, 120)})`);
        }
        if (!allowed) {
          if (res.statusCode !== 403) failures.push(`${key(route)} ${role}: ${res.statusCode} attendu 403`);
          else if (!/[a-zà-ÿ]/.test(res.json().detail ?? ''))
            failures.push(`${key(route)} ${role}: 403 sans phrase claire`);
        }
      }
    }
    for (const role of ROLES) {
      const res = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: sessions.get(role)! });
      if (res.statusCode !== 204) failures.push(`POST /api/auth/logout ${role}: ${res.statusCode}`);
    }
    expect(failures).toEqual([]);
  });

  test('routes that touch patient data write an audit row for each call', async () => {
    await setUp();
    const patientRoutes = Object.entries(EXPECTATIONS).filter(([, e]) => e.patientData);
    for (const [route, expectation] of patientRoutes) {
      const before = await sql<{
        n: number;
      }>`select count(*)::int as n from audit_event where patient_id is not null`.execute(t.db);
      const role = expectation.who.access === 'roles' ? expectation.who.roles[0]! : 'regulator';
      const base = expectation.call?.(ctx) ?? { url: route.split(' ')[1]! };
      await app.inject({ ...base, headers: sessions.get(role)! });
      const after = await sql<{
        n: number;
      }>`select count(*)::int as n from audit_event where patient_id is not null`.execute(t.db);
      expect(after.rows[0]!.n, route).toBeGreaterThan(before.rows[0]!.n);
    }
    // No route handles patient data yet (regulation and coordination come later): the loop above is empty
    // today and checks each such route as soon as it exists.
    expect(patientRoutes.every(([, e]) => e.who.access !== 'public')).toBe(true);
  });
});
