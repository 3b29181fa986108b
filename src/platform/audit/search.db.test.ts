import { afterEach, describe, expect, test } from 'vitest';
import type { App } from '../../app.ts';
import { useTestTransaction } from '../../db/testing/index.ts';
import { testApp } from '../../testing/app.ts';
import { createTestTerritory } from '../../testing/fixtures.ts';
import { systemActor, type Role } from '../access/model.ts';
import { hashPassword } from '../accounts/password.ts';
import { createAccount } from '../accounts/service.ts';
import { audit, auditEventsToCsv } from './service.ts';

const PASSWORD = 'visite du journal audit';

describe('audit search and export', () => {
  const t = useTestTransaction();
  let app: App | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function setUp() {
    const t41 = await createTestTerritory(t.db, { kind: 'sas', code: 'S41', name: 'SAS 41' });
    const t37 = await createTestTerritory(t.db, { kind: 'sas', code: 'S37', name: 'SAS 37' });
    const national = await createTestTerritory(t.db, { kind: 'national', code: 'FR-S', name: 'France' });
    const passwordHash = await hashPassword(PASSWORD);
    const make = (email: string, role: Role, territoryId: string) =>
      createAccount(t.db, systemActor('test'), {
        email,
        displayName: email,
        passwordHash,
        grants: [{ role, territoryId }],
      });
    const ids = {
      national: await make('nat@exemple.fr', 'national-admin', national),
      admin41: await make('admin41@exemple.fr', 'account-admin', t41),
      regul41: await make('regul41@exemple.fr', 'regulator', t41),
      regul37: await make('regul37@exemple.fr', 'regulator', t37),
    };
    app = await testApp(t.db, t.handle.mode);
    return ids;
  }

  async function as(email: string) {
    const res = await app!.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: PASSWORD } });
    return { cookie: `maillage_session=${res.cookies.find((c) => c.name === 'maillage_session')!.value}` };
  }

  test('a national administrator sees everything; an account administrator only his territory’s accounts', async () => {
    const ids = await setUp();
    await as('regul41@exemple.fr');
    await as('regul37@exemple.fr');
    const all = (
      await app!.inject({ url: '/api/audit/events?action=auth.login', headers: await as('nat@exemple.fr') })
    ).json();
    const actors = new Set(all.map((e: { objectId: string }) => e.objectId));
    expect(actors.has(ids.regul41) && actors.has(ids.regul37)).toBe(true);

    const scoped = (
      await app!.inject({ url: '/api/audit/events?action=auth.login', headers: await as('admin41@exemple.fr') })
    ).json();
    const scopedObjects = new Set(scoped.map((e: { objectId: string }) => e.objectId));
    expect(scopedObjects.has(ids.regul41)).toBe(true);
    expect(scopedObjects.has(ids.regul37)).toBe(false);
  });

  test('a regulator may not read the audit log (403, in French), and the search itself is audited', async () => {
    await setUp();
    const refused = await app!.inject({ url: '/api/audit/events', headers: await as('regul41@exemple.fr') });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().detail).toMatch(/ne permet pas de : consulter et exporter le journal d’audit/);
    await app!.inject({ url: '/api/audit/events', headers: await as('nat@exemple.fr') });
    const searches = (
      await app!.inject({ url: '/api/audit/events?action=audit.search', headers: await as('nat@exemple.fr') })
    ).json();
    expect(searches.length).toBeGreaterThanOrEqual(1);
  });

  test('the CSV export opens in a spreadsheet without running formulas', async () => {
    await setUp();
    await audit(t.db, systemActor('test'), {
      action: 'test.csv',
      outcome: 'success',
      reason: '=HYPERLINK("http://x")',
      details: { note: 'a;b' },
    });
    const res = await app!.inject({
      url: '/api/audit/events.csv?action=test.csv',
      headers: await as('nat@exemple.fr'),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'numéro;date;auteur;compte auteur;action;résultat;type d’objet;objet;patient;territoire;adresse;requête;motif;détails',
    );
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(lines[1]).toContain('"{""note"":""a;b""}"');
    expect(auditEventsToCsv([])).toBe('\uFEFF' + lines[0] + '\r\n');
  });
});
