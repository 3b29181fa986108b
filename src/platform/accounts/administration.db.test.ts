import { sql } from 'kysely';
import { afterEach, describe, expect, test } from 'vitest';
import type { App } from '../../app.ts';
import { useTestTransaction } from '../../db/testing/index.ts';
import { testApp } from '../../testing/app.ts';
import { createTestTerritory } from '../../testing/fixtures.ts';
import { systemActor, type Role } from '../access/model.ts';
import { hashPassword } from './password.ts';
import { createAccount } from './service.ts';

const PASSWORD = 'administration des comptes';

describe('administration space', () => {
  const t = useTestTransaction();
  let app: App | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function setUp() {
    const t41 = await createTestTerritory(t.db, { kind: 'sas', code: 'D41', name: 'SAS 41' });
    const t37 = await createTestTerritory(t.db, { kind: 'sas', code: 'D37', name: 'SAS 37' });
    const national = await createTestTerritory(t.db, { kind: 'national', code: 'FR-D', name: 'France' });
    const passwordHash = await hashPassword(PASSWORD);
    const make = (email: string, role: Role, territoryId: string) =>
      createAccount(t.db, systemActor('test'), {
        email,
        displayName: email.split('@')[0]!,
        passwordHash,
        grants: [{ role, territoryId }],
      });
    const ids = {
      t41,
      t37,
      national,
      admin41: await make('admin41@exemple.fr', 'account-admin', t41),
      regul41: await make('regul41@exemple.fr', 'regulator', t41),
      regul37: await make('regul37@exemple.fr', 'regulator', t37),
      nat: await make('nat@exemple.fr', 'national-admin', national),
    };
    app = await testApp(t.db, t.handle.mode, { publicUrl: 'https://sas.exemple.fr' });
    return ids;
  }

  async function as(email: string) {
    const res = await app!.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: PASSWORD } });
    return {
      cookie: `maillage_session=${res.cookies.find((c) => c.name === 'maillage_session')!.value}`,
      'x-csrf-token': res.json().csrfToken as string,
    };
  }

  test('an account administrator lists his territory’s accounts only; another territory’s account is 404', async () => {
    const ids = await setUp();
    const headers = await as('admin41@exemple.fr');
    const list = (await app!.inject({ url: '/api/accounts', headers })).json();
    expect(list.map((a: { email: string }) => a.email).sort()).toEqual(['admin41@exemple.fr', 'regul41@exemple.fr']);
    expect((await app!.inject({ url: `/api/accounts/${ids.regul41}`, headers })).statusCode).toBe(200);
    const other = await app!.inject({ url: `/api/accounts/${ids.regul37}`, headers });
    expect(other.statusCode).toBe(404);
    expect(other.json().detail).toBe('Ce compte est introuvable.');
  });

  test('an account administrator cannot give himself national rights: refused, audited, nothing changed', async () => {
    const ids = await setUp();
    const headers = await as('admin41@exemple.fr');
    const res = await app!.inject({
      method: 'POST',
      url: `/api/accounts/${ids.admin41}/grants`,
      headers,
      payload: { role: 'national-admin', territoryId: ids.national },
    });
    expect([403, 404]).toContain(res.statusCode);
    const grants = await sql<{
      role: string;
    }>`select role from account_grant where account_id = ${ids.admin41}`.execute(t.db);
    expect(grants.rows.map((g) => g.role)).toEqual(['account-admin']);
    const denied = await sql<{ n: number }>`
      select count(*)::int as n from audit_event where actor_account_id = ${ids.admin41} and outcome = 'denied'`.execute(
      t.db,
    );
    expect(denied.rows[0]!.n).toBeGreaterThanOrEqual(1);
  });

  test('nor give anyone the national administrator’s role on his own territory (it would reach everywhere)', async () => {
    const ids = await setUp();
    const headers = await as('admin41@exemple.fr');
    const res = await app!.inject({
      method: 'POST',
      url: `/api/accounts/${ids.regul41}/grants`,
      headers,
      payload: { role: 'national-admin', territoryId: ids.t41 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toBe('Le profil d’administrateur national s’attribue sur le territoire national.');
    const asNational = await app!.inject({
      method: 'POST',
      url: `/api/accounts/${ids.regul41}/grants`,
      headers,
      payload: { role: 'national-admin', territoryId: ids.national },
    });
    expect([403, 404]).toContain(asNational.statusCode);
    const grants = await sql<{
      role: string;
    }>`select role from account_grant where account_id = ${ids.regul41}`.execute(t.db);
    expect(grants.rows.map((g) => g.role)).toEqual(['regulator']);
  });

  test('deactivating an account ends its sessions at once; reactivating lets it log in again', async () => {
    const ids = await setUp();
    const regulator = await as('regul41@exemple.fr');
    const admin = await as('admin41@exemple.fr');
    const off = await app!.inject({
      method: 'POST',
      url: `/api/accounts/${ids.regul41}/status`,
      headers: admin,
      payload: { status: 'disabled' },
    });
    expect(off.statusCode).toBe(200);
    expect(off.json().status).toBe('disabled');
    expect((await app!.inject({ url: '/api/auth/me', headers: regulator })).statusCode).toBe(401);
    await app!.inject({
      method: 'POST',
      url: `/api/accounts/${ids.regul41}/status`,
      headers: admin,
      payload: { status: 'active' },
    });
    expect(
      (
        await app!.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { email: 'regul41@exemple.fr', password: PASSWORD },
        })
      ).statusCode,
    ).toBe(200);
    const self = await app!.inject({
      method: 'POST',
      url: `/api/accounts/${ids.admin41}/status`,
      headers: admin,
      payload: { status: 'disabled' },
    });
    expect(self.statusCode).toBe(409);
  });

  test('an account created without password receives an invitation link; XSS in names is stored as text', async () => {
    const ids = await setUp();
    const headers = await as('admin41@exemple.fr');
    const created = await app!.inject({
      method: 'POST',
      url: '/api/accounts',
      headers,
      payload: {
        email: 'nouvelle@exemple.fr',
        displayName: '<script>alert(1)</script> Dr Nouvelle',
        grants: [{ role: 'osnp-operator', territoryId: ids.t41 }],
      },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().displayName).toBe('<script>alert(1)</script> Dr Nouvelle');
    const mails = (await app!.inject('/api/dev/mails')).json();
    expect(mails[0]).toMatchObject({ kind: 'account-invitation', to: 'nouvelle@exemple.fr' });
    expect(mails[0].text).toMatch(/https:\/\/sas\.exemple\.fr\/connexion\/nouveau-mot-de-passe#jeton=/);
  });

  test('usage by profile: accounts ever connected, never connected, connected this week', async () => {
    await setUp();
    await as('regul41@exemple.fr');
    const usage = (await app!.inject({ url: '/api/accounts/usage', headers: await as('nat@exemple.fr') })).json();
    const regulators41 = usage.find(
      (u: { role: string; territoryName: string }) => u.role === 'regulator' && u.territoryName === 'SAS 41',
    );
    expect(regulators41).toMatchObject({ accounts: 1, everConnected: 1, neverConnected: 0, connectedThisWeek: 1 });
    const regulators37 = usage.find(
      (u: { role: string; territoryName: string }) => u.role === 'regulator' && u.territoryName === 'SAS 37',
    );
    expect(regulators37).toMatchObject({ accounts: 1, everConnected: 0, neverConnected: 1, connectedThisWeek: 0 });
  });

  test('filters: by profile, by name without accents, never connected', async () => {
    await setUp();
    const headers = await as('nat@exemple.fr');
    const regulators = (await app!.inject({ url: '/api/accounts?role=regulator', headers })).json();
    expect(regulators).toHaveLength(2);
    const byName = (await app!.inject({ url: '/api/accounts?q=REGUL4', headers })).json();
    expect(byName.map((a: { email: string }) => a.email)).toEqual(['regul41@exemple.fr']);
    const never = (await app!.inject({ url: '/api/accounts?connected=never', headers })).json();
    expect(never.map((a: { email: string }) => a.email)).not.toContain('nat@exemple.fr');
  });
});
