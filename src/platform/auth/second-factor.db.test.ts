import { afterEach, describe, expect, test } from 'vitest';
import type { App } from '../../app.ts';
import { useTestTransaction } from '../../db/testing/index.ts';
import { testApp } from '../../testing/app.ts';
import { createTestTerritory } from '../../testing/fixtures.ts';
import { systemActor, type Role } from '../access/model.ts';
import { createAccount } from '../accounts/service.ts';
import { totpCode } from './totp.ts';

const PASSWORD = 'phrase de passe du test';

describe('second factor (TOTP)', () => {
  const t = useTestTransaction();
  let app: App | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function setUp(role: Role, env: 'development' | 'production' = 'development') {
    const territoryId = await createTestTerritory(t.db, { kind: 'sas', code: 'F41', name: 'SAS test' });
    await createAccount(t.db, systemActor('test'), {
      email: 'compte@exemple.fr',
      displayName: 'Compte Test',
      password: PASSWORD,
      grants: [{ role, territoryId }],
    });
    app = await testApp(t.db, t.handle.mode, { env });
    return app;
  }

  async function login(a: App) {
    const res = await a.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'compte@exemple.fr', password: PASSWORD },
    });
    const cookie = `maillage_session=${res.cookies.find((c) => c.name === 'maillage_session')!.value}`;
    return { res, headers: { cookie, 'x-csrf-token': res.json().csrfToken as string } };
  }

  async function enrol(a: App, headers: Record<string, string>): Promise<string> {
    const setup = await a.inject({ method: 'POST', url: '/api/auth/second-factor/setup', headers });
    expect(setup.statusCode).toBe(200);
    expect(setup.json().qrCodeSvg).toContain('<svg');
    const secret: string = setup.json().secret;
    const confirm = await a.inject({
      method: 'POST',
      url: '/api/auth/second-factor/verify',
      headers,
      payload: { code: totpCode(secret, Date.now()) },
    });
    expect(confirm.statusCode).toBe(200);
    expect(confirm.json().secondFactorEnabled).toBe(true);
    return secret;
  }

  test('once enrolled, a login waits for the code; a wrong code is refused and audited; the right one opens', async () => {
    const a = await setUp('regulator');
    const first = await login(a);
    expect(first.res.json().secondFactorStep).toBe('none');
    const secret = await enrol(a, first.headers);

    const second = await login(a);
    expect(second.res.json()).toMatchObject({ secondFactorStep: 'verify', grants: [] });
    const blocked = await a.inject({ method: 'POST', url: '/api/auth/logout-everywhere', headers: second.headers });
    expect(blocked.statusCode).toBe(401);
    expect(blocked.json().code).toBe('second-factor-required');

    const wrong = await a.inject({
      method: 'POST',
      url: '/api/auth/second-factor/verify',
      headers: second.headers,
      payload: { code: '000000' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('second-factor-invalid');

    // The enrolment consumed the current step: the next valid code is the following step's (drift window).
    const code = totpCode(secret, Date.now() + 30_000);
    const right = await a.inject({
      method: 'POST',
      url: '/api/auth/second-factor/verify',
      headers: second.headers,
      payload: { code },
    });
    expect(right.statusCode).toBe(200);
    expect(right.json().grants).toHaveLength(1);
    expect((await a.inject({ url: '/api/auth/me', headers: second.headers })).json().secondFactorStep).toBe('none');

    // The same code replayed in another session is refused.
    const third = await login(a);
    const replay = await a.inject({
      method: 'POST',
      url: '/api/auth/second-factor/verify',
      headers: third.headers,
      payload: { code },
    });
    expect(replay.statusCode).toBe(401);
  });

  test('in production an administrator without a second factor must enrol before acting', async () => {
    const a = await setUp('account-admin', 'production');
    const session = await login(a);
    expect(session.res.json()).toMatchObject({ secondFactorStep: 'enrol', grants: [] });
    const me = await a.inject({ url: '/api/auth/me', headers: session.headers });
    expect(me.json().secondFactorStep).toBe('enrol');
    await enrol(a, session.headers);
    expect((await a.inject({ url: '/api/auth/me', headers: session.headers })).json().secondFactorStep).toBe('none');
  });

  test('in production other profiles are offered, not forced, the second factor', async () => {
    const a = await setUp('regulator', 'production');
    const session = await login(a);
    expect(session.res.json().secondFactorStep).toBe('none');
  });
});
