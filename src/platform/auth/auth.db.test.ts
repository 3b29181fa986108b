import { sql } from 'kysely';
import { afterEach, describe, expect, test } from 'vitest';
import type { App } from '../../app.ts';
import { useTestTransaction } from '../../db/testing/index.ts';
import { testApp } from '../../testing/app.ts';
import { createTestTerritory } from '../../testing/fixtures.ts';
import { systemActor } from '../access/model.ts';
import { createAccount } from '../accounts/service.ts';

const PASSWORD = 'vert cheval pile agrafe';

describe('local login, sessions, CSRF, lockout', () => {
  const t = useTestTransaction();
  let app: App | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function setUp(overrides = {}) {
    const territoryId = await createTestTerritory(t.db, { kind: 'sas', code: 'T41', name: 'SAS de test' });
    const accountId = await createAccount(t.db, systemActor('test'), {
      email: 'Regulateur@Exemple.fr',
      displayName: 'Dr Test Régulateur',
      password: PASSWORD,
      grants: [{ role: 'regulator', territoryId }],
    });
    app = await testApp(t.db, t.handle.mode, { loginLockAfter: 3, ...overrides });
    return { territoryId, accountId, app };
  }

  async function login(a: App, email: string, password: string) {
    return a.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  }

  function cookieOf(res: { cookies: { name: string; value: string }[] }) {
    const c = res.cookies.find((x) => x.name === 'maillage_session');
    return c ? `maillage_session=${c.value}` : '';
  }

  async function auditActions(): Promise<string[]> {
    const rows = await sql<{ a: string }>`select action || ':' || outcome as a from audit_event order by seq`.execute(
      t.db,
    );
    return rows.rows.map((r) => r.a);
  }

  test('a good login opens an http-only session; /me gives roles, territories and the CSRF token', async () => {
    const { app, territoryId, accountId } = await setUp();
    const res = await login(app, 'regulateur@exemple.fr', PASSWORD);
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'maillage_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    const body = res.json();
    expect(body).toMatchObject({
      accountId,
      displayName: 'Dr Test Régulateur',
      grants: [{ role: 'regulator', roleLabel: 'Médecin régulateur', territoryId, territoryName: 'SAS de test' }],
    });
    expect(body.csrfToken.length).toBeGreaterThan(20);
    const me = await app.inject({ url: '/api/auth/me', headers: { cookie: cookieOf(res) } });
    expect(me.statusCode).toBe(200);
    expect(me.json().csrfToken).toBe(body.csrfToken);
    expect(await auditActions()).toContain('auth.login:success');
    // Only the token's hash is stored.
    const stored = await sql<{
      n: number;
    }>`select count(*)::int as n from account_session where token_hash = ${cookie.value}`.execute(t.db);
    expect(stored.rows[0]!.n).toBe(0);
  });

  test('wrong password and unknown e-mail get the same answer, and both are audited', async () => {
    const { app } = await setUp();
    const wrong = await login(app, 'regulateur@exemple.fr', 'pas le bon mot de passe');
    const unknown = await login(app, 'personne@exemple.fr', PASSWORD);
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({
        code: 'invalid-credentials',
        detail: 'Adresse e-mail ou mot de passe incorrect.',
      });
    }
    expect((await auditActions()).filter((a) => a === 'auth.login:failure')).toHaveLength(2);
  });

  test('past the threshold the account is locked, even for the right password, and it is audited', async () => {
    const { app } = await setUp({ loginLockAfter: 3, loginLockMinutes: 15 });
    for (let i = 0; i < 2; i++)
      expect((await login(app, 'regulateur@exemple.fr', `faux ${i} mot de passe`)).statusCode).toBe(401);
    const third = await login(app, 'regulateur@exemple.fr', 'faux 3 mot de passe');
    expect(third.statusCode).toBe(429);
    expect(third.json().code).toBe('account-locked');
    expect(third.json().detail).toMatch(/verrouillé pendant encore 15 min/);
    const right = await login(app, 'regulateur@exemple.fr', PASSWORD);
    expect(right.statusCode).toBe(429);
    expect(right.headers['retry-after']).toBeDefined();
    expect(await auditActions()).toContain('auth.login:denied');
  });

  test('no cookie: /me answers 401 problem+json', async () => {
    const { app } = await setUp();
    const res = await app.inject('/api/auth/me');
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'unauthenticated', title: 'Connexion requise' });
  });

  test('state-changing requests need the CSRF token, and a foreign Origin is refused', async () => {
    const { app } = await setUp();
    const res = await login(app, 'regulateur@exemple.fr', PASSWORD);
    const cookie = cookieOf(res);
    const noToken = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().code).toBe('csrf-failed');
    const foreign = await app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie, 'x-csrf-token': res.json().csrfToken, origin: 'https://attaquant.example' },
    });
    expect(foreign.statusCode).toBe(403);
    // Still logged in: nothing changed.
    expect((await app.inject({ url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(200);
  });

  test('logout ends the session; the old cookie no longer works', async () => {
    const { app } = await setUp();
    const res = await login(app, 'regulateur@exemple.fr', PASSWORD);
    const cookie = cookieOf(res);
    const out = await app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie, 'x-csrf-token': res.json().csrfToken },
    });
    expect(out.statusCode).toBe(204);
    expect((await app.inject({ url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(401);
    expect(await auditActions()).toContain('auth.logout:success');
  });

  test('log out everywhere ends every session of the account', async () => {
    const { app } = await setUp();
    const first = await login(app, 'regulateur@exemple.fr', PASSWORD);
    const second = await login(app, 'regulateur@exemple.fr', PASSWORD);
    const out = await app.inject({
      method: 'POST',
      url: '/api/auth/logout-everywhere',
      headers: { cookie: cookieOf(second), 'x-csrf-token': second.json().csrfToken },
    });
    expect(out.json()).toEqual({ endedSessions: 2 });
    expect((await app.inject({ url: '/api/auth/me', headers: { cookie: cookieOf(first) } })).statusCode).toBe(401);
  });

  test('an idle session expires', async () => {
    const { app } = await setUp({ sessionIdleMinutes: 30 });
    const res = await login(app, 'regulateur@exemple.fr', PASSWORD);
    await sql`update account_session set last_seen_at = now() - interval '31 minutes'`.execute(t.db);
    const me = await app.inject({ url: '/api/auth/me', headers: { cookie: cookieOf(res) } });
    expect(me.statusCode).toBe(401);
  });

  test('a session past its absolute lifetime ends even if used', async () => {
    const { app } = await setUp();
    const res = await login(app, 'regulateur@exemple.fr', PASSWORD);
    await sql`update account_session set expires_at = now() - interval '1 second'`.execute(t.db);
    expect((await app.inject({ url: '/api/auth/me', headers: { cookie: cookieOf(res) } })).statusCode).toBe(401);
  });

  test('a disabled account cannot log in, and its open sessions stop working', async () => {
    const { app, accountId } = await setUp();
    const res = await login(app, 'regulateur@exemple.fr', PASSWORD);
    await sql`update account set status = 'disabled' where id = ${accountId}`.execute(t.db);
    expect((await app.inject({ url: '/api/auth/me', headers: { cookie: cookieOf(res) } })).statusCode).toBe(401);
    const again = await login(app, 'regulateur@exemple.fr', PASSWORD);
    expect(again.statusCode).toBe(403);
    expect(again.json().code).toBe('account-disabled');
  });

  test('SQL metacharacters and oversized input in the login are harmless', async () => {
    const { app } = await setUp();
    const res = await login(app, "' or 1=1; drop table account; --", "' or '1'='1");
    expect(res.statusCode).toBe(401);
    const huge = await login(app, 'a'.repeat(300), PASSWORD);
    expect(huge.statusCode).toBe(400);
    expect(huge.json().errors[0].field).toBe('body.email');
    const count = await sql<{ n: number }>`select count(*)::int as n from account`.execute(t.db);
    expect(count.rows[0]!.n).toBe(1);
  });

  test('the audit log refuses updates and deletes, whoever asks', async () => {
    await setUp();
    await expect(sql`update audit_event set action = 'x'`.execute(t.db)).rejects.toThrow(/ajout seul/);
  });

  test('the audit log refuses deletes', async () => {
    await setUp();
    await expect(sql`delete from audit_event`.execute(t.db)).rejects.toThrow(/ajout seul/);
  });
});

describe('creating accounts respects the matrix', () => {
  const t = useTestTransaction();

  test('an account administrator cannot grant national rights nor act on another territory', async () => {
    const t41 = await createTestTerritory(t.db, { kind: 'sas', code: 'A41', name: 'SAS 41' });
    const t37 = await createTestTerritory(t.db, { kind: 'sas', code: 'A37', name: 'SAS 37' });
    const national = await createTestTerritory(t.db, { kind: 'national', code: 'FR-TEST', name: 'France' });
    const admin = {
      kind: 'user' as const,
      accountId: await createAccount(t.db, systemActor('test'), {
        email: 'admin41@exemple.fr',
        displayName: 'Admin 41',
        password: PASSWORD,
        grants: [{ role: 'account-admin', territoryId: t41 }],
      }),
      displayName: 'Admin 41',
      grants: [{ role: 'account-admin' as const, territoryId: t41 }],
    };
    await expect(
      createAccount(t.db, admin, {
        email: 'x@exemple.fr',
        displayName: 'X',
        password: PASSWORD,
        grants: [{ role: 'national-admin', territoryId: national }],
      }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(
      createAccount(t.db, admin, {
        email: 'y@exemple.fr',
        displayName: 'Y',
        password: PASSWORD,
        grants: [{ role: 'regulator', territoryId: t37 }],
      }),
    ).rejects.toMatchObject({ status: 404 });
    const id = await createAccount(t.db, admin, {
      email: 'z@exemple.fr',
      displayName: 'Dr Z',
      password: PASSWORD,
      grants: [{ role: 'regulator', territoryId: t41 }],
    });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('weak passwords and malformed e-mails are refused with French field messages', async () => {
    const t41 = await createTestTerritory(t.db, { kind: 'sas', code: 'B41', name: 'SAS 41' });
    await expect(
      createAccount(t.db, systemActor('test'), {
        email: 'pas-un-email',
        displayName: 'X',
        password: 'password1234',
        grants: [{ role: 'regulator', territoryId: t41 }],
      }),
    ).rejects.toMatchObject({
      code: 'validation-failed',
      fields: [
        { field: 'email', message: 'Adresse e-mail invalide.' },
        { field: 'displayName', message: 'Au moins 2 caractères.' },
        { field: 'password', message: expect.stringMatching(/plus courants/) },
      ],
    });
  });
});
