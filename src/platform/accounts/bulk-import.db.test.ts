import { sql } from 'kysely';
import { afterEach, describe, expect, test } from 'vitest';
import type { App } from '../../app.ts';
import { useTestTransaction } from '../../db/testing/index.ts';
import { testApp } from '../../testing/app.ts';
import { createTestTerritory } from '../../testing/fixtures.ts';
import { signIn } from '../../testing/session.ts';

describe('bulk creation of accounts from CSV', () => {
  const t = useTestTransaction();
  let app: App | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function setUp() {
    const t41 = await createTestTerritory(t.db, { kind: 'sas', code: 'B41', name: 'SAS Loir-et-Cher (test)' });
    await createTestTerritory(t.db, { kind: 'sas', code: 'B37', name: 'SAS Indre-et-Loire (test)' });
    app = await testApp(t.db, t.handle.mode, { publicUrl: 'https://sas.exemple.fr' });
    const headers = await signIn(app, t.db, { role: 'account-admin', territoryId: t41 });
    return { headers };
  }

  const CSV = [
    'Email;Prénom;Nom;Profil;Territoire;Identifiant national',
    'a.martin@exemple.fr;Anne;Martin;Médecin régulateur;SAS Loir-et-Cher (test);',
    'b.durand@exemple.fr;Bruno;Durand;osnp-operator;sas loir-et-cher (TEST);',
    'pas-une-adresse;Claire;Petit;Médecin régulateur;SAS Loir-et-Cher (test);',
    'd.roux@exemple.fr;Denis;Roux;Chef de service;SAS Loir-et-Cher (test);',
    'e.blanc@exemple.fr;Emma;Blanc;Effecteur;SAS Indre-et-Loire (test);',
    'f.noir@exemple.fr;Félix;Noir;Effecteur;Territoire inconnu;',
    'a.martin@exemple.fr;Anne;Martin;Médecin régulateur;SAS Loir-et-Cher (test);',
    '',
  ].join('\r\n');

  test('each line is created or refused on its own, with a French reason; created accounts are invited', async () => {
    const { headers } = await setUp();
    const res = await app!.inject({
      method: 'POST',
      url: '/api/accounts/import',
      headers: { ...headers, 'content-type': 'text/csv' },
      payload: CSV,
    });
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report.created).toBe(2);
    expect(report.refused).toBe(5);
    const byLine = Object.fromEntries(report.lines.map((l: { line: number }) => [l.line, l]));
    expect(byLine[2]).toMatchObject({ outcome: 'created', email: 'a.martin@exemple.fr' });
    expect(byLine[3]).toMatchObject({ outcome: 'created' });
    expect(byLine[4].message).toMatch(/Adresse e-mail invalide/);
    expect(byLine[5].message).toMatch(/Profil inconnu « Chef de service »/);
    expect(byLine[6].message).toBe('Vous ne gérez pas les comptes du territoire « SAS Indre-et-Loire (test) ».');
    expect(byLine[7].message).toMatch(/Territoire inconnu « Territoire inconnu »/);
    expect(byLine[8].message).toMatch(/Un compte existe déjà avec l’adresse a\.martin@exemple\.fr/);
    const created = await sql<{ email: string; display_name: string }>`
      select email, display_name from account where email in ('a.martin@exemple.fr', 'b.durand@exemple.fr') order by email`.execute(
      t.db,
    );
    expect(created.rows).toEqual([
      { email: 'a.martin@exemple.fr', display_name: 'Anne Martin' },
      { email: 'b.durand@exemple.fr', display_name: 'Bruno Durand' },
    ]);
    const mails = (await app!.inject('/api/dev/mails')).json();
    expect(mails.filter((m: { kind: string }) => m.kind === 'account-invitation')).toHaveLength(2);
  });

  test('a file without the required columns is refused as a whole, in French', async () => {
    const { headers } = await setUp();
    const res = await app!.inject({
      method: 'POST',
      url: '/api/accounts/import',
      headers: { ...headers, 'content-type': 'text/csv' },
      payload: 'nom,prenom\nMartin,Anne\n',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toMatch(/il manque : email, profil, territoire/);
  });
});
