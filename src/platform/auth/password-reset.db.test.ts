import { sql } from 'kysely';
import { afterEach, describe, expect, test } from 'vitest';
import type { App } from '../../app.ts';
import { useTestTransaction } from '../../db/testing/index.ts';
import { testApp } from '../../testing/app.ts';
import { createTestTerritory } from '../../testing/fixtures.ts';
import { systemActor } from '../access/model.ts';
import { createAccount } from '../accounts/service.ts';

const OLD = 'ancien mot de passe solide';
const NEW = 'nouvelle phrase de passe';

describe('password reset by an e-mailed single-use link', () => {
  const t = useTestTransaction();
  let app: App | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function setUp() {
    const territoryId = await createTestTerritory(t.db, { kind: 'sas', code: 'R41', name: 'SAS test' });
    await createAccount(t.db, systemActor('test'), {
      email: 'osnp@exemple.fr',
      displayName: 'Opératrice Test',
      password: OLD,
      grants: [{ role: 'osnp-operator', territoryId }],
    });
    app = await testApp(t.db, t.handle.mode, { publicUrl: 'https://sas.exemple.fr' });
    return app;
  }

  async function requestLink(a: App, email: string) {
    return a.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { email } });
  }

  async function lastLinkToken(a: App): Promise<string> {
    const mails = (await a.inject('/api/dev/mails')).json();
    const text: string = mails[0].text;
    const match = /https:\/\/sas\.exemple\.fr\/connexion\/nouveau-mot-de-passe#jeton=([\w-]+)/.exec(text);
    expect(match, text).not.toBeNull();
    return match![1]!;
  }

  test('the link resets the password, ends open sessions, and cannot be used twice', async () => {
    const a = await setUp();
    const session = await a.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'osnp@exemple.fr', password: OLD },
    });
    const cookie = `maillage_session=${session.cookies.find((c) => c.name === 'maillage_session')!.value}`;

    const asked = await requestLink(a, 'OSNP@exemple.fr');
    expect(asked.statusCode).toBe(202);
    const token = await lastLinkToken(a);

    const done = await a.inject({
      method: 'POST',
      url: '/api/auth/password-reset/complete',
      payload: { token, password: NEW },
    });
    expect(done.statusCode).toBe(204);
    expect((await a.inject({ url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(401);
    expect(
      (await a.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'osnp@exemple.fr', password: OLD } }))
        .statusCode,
    ).toBe(401);
    expect(
      (await a.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'osnp@exemple.fr', password: NEW } }))
        .statusCode,
    ).toBe(200);

    const again = await a.inject({
      method: 'POST',
      url: '/api/auth/password-reset/complete',
      payload: { token, password: 'encore une autre phrase' },
    });
    expect(again.statusCode).toBe(400);
    expect(again.json()).toMatchObject({ code: 'reset-link-invalid' });
    const audit = await sql<{
      a: string;
    }>`select action || ':' || outcome as a from audit_event where action like 'auth.password-reset%' order by seq`.execute(
      t.db,
    );
    expect(audit.rows.map((r) => r.a)).toEqual([
      'auth.password-reset-request:success',
      'auth.password-reset:success',
      'auth.password-reset:denied',
    ]);
  });

  test('an unknown address gets the same answer and no mail', async () => {
    const a = await setUp();
    const known = await requestLink(a, 'osnp@exemple.fr');
    const unknown = await requestLink(a, 'inconnu@exemple.fr');
    expect(unknown.statusCode).toBe(known.statusCode);
    expect(unknown.json()).toEqual(known.json());
    expect((await a.inject('/api/dev/mails')).json()).toHaveLength(1);
  });

  test('an expired link is refused; a weak new password is refused without using the link', async () => {
    const a = await setUp();
    await requestLink(a, 'osnp@exemple.fr');
    const token = await lastLinkToken(a);
    const weak = await a.inject({
      method: 'POST',
      url: '/api/auth/password-reset/complete',
      payload: { token, password: 'password1234' },
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().code).toBe('validation-failed');
    await sql`update password_reset_token set expires_at = now() - interval '1 second'`.execute(t.db);
    const late = await a.inject({
      method: 'POST',
      url: '/api/auth/password-reset/complete',
      payload: { token, password: NEW },
    });
    expect(late.json().code).toBe('reset-link-invalid');
  });

  test('a forged token is refused', async () => {
    const a = await setUp();
    const res = await a.inject({
      method: 'POST',
      url: '/api/auth/password-reset/complete',
      payload: { token: 'x'.repeat(43), password: NEW },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('reset-link-invalid');
  });
});
