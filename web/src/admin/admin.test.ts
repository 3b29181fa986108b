import { describe, expect, test } from 'vitest';
import { formatDateTime } from '../format.ts';
import type { CurrentUser } from '../shell/current-user.ts';
import type { Role } from '../shell/roles.ts';
import { actionLabel, detailLines, outcomeLabel } from './labels.ts';
import {
  accountSearch,
  auditCsvHref,
  auditSearch,
  parisDayStart,
  readAccountFilters,
  readAuditFilters,
  writeAccountFilters,
  writeAuditFilters,
} from './params.ts';
import type { AccountView, UsageRow } from './queries.ts';
import { adminReach, canManageAccount, grantableRoles, territoryChoices } from './reach.ts';
import { sortAccounts } from './sorting.ts';
import { csvCell, usageByProfile, usageCsv, usageTotal } from './usage.ts';

const T41 = '35d27dfd-303b-4b53-af82-8a22b9df4147';
const FRANCE = '50299f32-9cc9-4df3-9218-b4e6a86b013a';
const CPTS = '54982f91-ba67-410c-952a-fea2ebbe2748';

describe('account list filters in the address', () => {
  test('read, written back, and turned into the server’s search', () => {
    const params = new URLSearchParams(
      `profil=regulator&territoire=${T41}&statut=disabled&connexion=never&q=%20dupont%20&page=3&tri=connexion&ordre=decroissant`,
    );
    const filters = readAccountFilters(params);
    expect(filters).toEqual({
      role: 'regulator',
      territoryId: T41,
      status: 'disabled',
      connected: 'never',
      q: 'dupont',
      page: 3,
      sort: 'connexion',
      descending: true,
    });
    expect(writeAccountFilters(filters).toString()).toBe(
      `profil=regulator&territoire=${T41}&statut=disabled&connexion=never&q=dupont&page=3&tri=connexion&ordre=decroissant`,
    );
    // One more than a page, to know whether another follows.
    expect(accountSearch(filters)).toEqual({
      role: 'regulator',
      territoryId: T41,
      status: 'disabled',
      connected: 'never',
      q: 'dupont',
      limit: 101,
      offset: 200,
    });
  });

  test('the plain list has a plain address; unknown or malformed values are ignored, not sent', () => {
    const defaults = readAccountFilters(new URLSearchParams(''));
    expect(writeAccountFilters(defaults).toString()).toBe('');
    expect(accountSearch(defaults)).toEqual({ limit: 101, offset: 0 });
    const odd = readAccountFilters(
      new URLSearchParams('profil=chef&territoire=41&statut=supprime&connexion=hier&page=-2&tri=age&q=%20%20'),
    );
    expect(odd).toEqual({ page: 1, sort: 'nom', descending: false });
    expect(readAccountFilters(new URLSearchParams('page=1e3')).page).toBe(1);
  });
});

describe('audit filters in the address', () => {
  test('days are Paris days: from midnight to the next midnight, winter and summer', () => {
    expect(parisDayStart('2026-01-15').toISOString()).toBe('2026-01-14T23:00:00.000Z');
    expect(parisDayStart('2026-07-15').toISOString()).toBe('2026-07-14T22:00:00.000Z');
    // The days the clocks change.
    expect(parisDayStart('2026-03-29').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(parisDayStart('2026-03-30').toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(parisDayStart('2026-10-25').toISOString()).toBe('2026-10-24T22:00:00.000Z');

    const filters = readAuditFilters(
      new URLSearchParams(`action=account.create&auteur=${T41}&objet=abc&du=2026-11-20&au=2026-11-23&avant=120`),
    );
    expect(auditSearch(filters)).toEqual({
      action: 'account.create',
      actor: T41,
      object: 'abc',
      from: '2026-11-19T23:00:00.000Z',
      to: '2026-11-23T23:00:00.000Z',
      before: 120,
      limit: 100,
    });
    expect(writeAuditFilters(filters).toString()).toBe(
      `action=account.create&auteur=${T41}&objet=abc&du=2026-11-20&au=2026-11-23&avant=120`,
    );
  });

  test('the CSV export carries the same filters, from the most recent event, up to 1 000', () => {
    const filters = readAuditFilters(new URLSearchParams(`action=account.create&objet=${T41}&du=2026-11-20&avant=120`));
    const href = new URL(auditCsvHref(filters), 'https://sas.exemple.fr');
    expect(href.pathname).toBe('/api/audit/events.csv');
    expect(Object.fromEntries(href.searchParams)).toEqual({
      action: 'account.create',
      object: T41,
      from: '2026-11-19T23:00:00.000Z',
      limit: '1000',
    });
  });

  test('malformed days and page numbers are ignored', () => {
    expect(readAuditFilters(new URLSearchParams('du=20/11/2026&au=demain&avant=abc'))).toEqual({});
  });
});

function account(overrides: Partial<AccountView>): AccountView {
  return {
    id: crypto.randomUUID(),
    email: 'x@exemple.fr',
    displayName: 'X',
    nationalId: null,
    status: 'active',
    isDemo: false,
    secondFactorEnabled: false,
    lockedUntil: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    lastLoginAt: null,
    grants: [],
    ...overrides,
  };
}

describe('sorting a page of accounts', () => {
  const accounts = [
    account({ displayName: 'Émilie Bernard', lastLoginAt: '2026-11-20T08:00:00.000Z', status: 'disabled' }),
    account({ displayName: 'alain Martin', lastLoginAt: null }),
    account({ displayName: 'Zoé Petit', lastLoginAt: '2026-11-23T08:00:00.000Z', secondFactorEnabled: true }),
    account({ displayName: 'Bruno Durand', lastLoginAt: null, status: 'pending' }),
  ];
  const names = (list: AccountView[]) => list.map((a) => a.displayName);

  test('by name, in French order, accents and case aside', () => {
    expect(names(sortAccounts(accounts, 'nom', false))).toEqual([
      'alain Martin',
      'Bruno Durand',
      'Émilie Bernard',
      'Zoé Petit',
    ]);
    expect(names(sortAccounts(accounts, 'nom', true))).toEqual([
      'Zoé Petit',
      'Émilie Bernard',
      'Bruno Durand',
      'alain Martin',
    ]);
  });

  test('by last login: the never-connected come last both ways, in the server’s order', () => {
    expect(names(sortAccounts(accounts, 'connexion', true))).toEqual([
      'Zoé Petit',
      'Émilie Bernard',
      'alain Martin',
      'Bruno Durand',
    ]);
    expect(names(sortAccounts(accounts, 'connexion', false))).toEqual([
      'Émilie Bernard',
      'Zoé Petit',
      'alain Martin',
      'Bruno Durand',
    ]);
  });

  test('by status in words and by second factor', () => {
    expect(names(sortAccounts(accounts, 'statut', false))).toEqual([
      'alain Martin',
      'Zoé Petit',
      'Émilie Bernard',
      'Bruno Durand',
    ]);
    expect(names(sortAccounts(accounts, 'double-auth', true))[0]).toBe('Zoé Petit');
  });
});

const usageRows: UsageRow[] = [
  row('regulator', 'Médecin régulateur', 'SAS Loir-et-Cher', [3, 2, 1, 1]),
  row('national-admin', 'Administrateur national', 'France', [1, 1, 0, 1]),
  row('regulator', 'Médecin régulateur', 'CPTS du Blaisois', [2, 0, 2, 0]),
  row('osnp-operator', 'Opérateur OSNP / ARM', 'SAS Loir-et-Cher', [4, 4, 0, 3]),
];

function row(role: Role, roleLabel: string, territoryName: string, counts: [number, number, number, number]): UsageRow {
  const [accounts, everConnected, neverConnected, connectedThisWeek] = counts;
  return {
    role,
    roleLabel,
    territoryId: territoryName === 'France' ? FRANCE : territoryName.startsWith('SAS') ? T41 : CPTS,
    territoryName,
    accounts,
    everConnected,
    neverConnected,
    connectedThisWeek,
  };
}

describe('usage by profile', () => {
  test('per profile, in the usual order of profiles, and the total of the rows', () => {
    expect(usageByProfile(usageRows).map((p) => [p.role, p.accounts, p.everConnected, p.neverConnected])).toEqual([
      ['national-admin', 1, 1, 0],
      ['regulator', 5, 2, 3],
      ['osnp-operator', 4, 4, 0],
    ]);
    expect(usageTotal(usageRows)).toEqual({ accounts: 10, everConnected: 7, neverConnected: 3, connectedThisWeek: 5 });
  });

  test('the CSV: BOM, semicolons, CRLF, rows in order, a total line', () => {
    const csv = usageCsv(usageRows);
    expect(
      csv.startsWith(
        '\uFEFFprofil;territoire;comptes actifs;déjà connectés;jamais connectés;connectés cette semaine\r\n',
      ),
    ).toBe(true);
    expect(csv.slice(1).split('\r\n')).toEqual([
      'profil;territoire;comptes actifs;déjà connectés;jamais connectés;connectés cette semaine',
      'Administrateur national;France;1;1;0;1',
      'Médecin régulateur;CPTS du Blaisois;2;0;2;0',
      'Médecin régulateur;SAS Loir-et-Cher;3;2;1;1',
      'Opérateur OSNP / ARM;SAS Loir-et-Cher;4;4;0;3',
      'Total;;10;7;3;5',
      '',
    ]);
  });

  test('a CSV cell is quoted when it must be, and never read as a formula', () => {
    expect(csvCell('CPTS; Nord')).toBe('"CPTS; Nord"');
    expect(csvCell('le "grand" territoire')).toBe('"le ""grand"" territoire"');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell(-2)).toBe('-2');
  });
});

describe('audit events in words', () => {
  test('outcomes and known actions in French; unknown ones as their code', () => {
    expect(outcomeLabel('success')).toBe('Réussi');
    expect(outcomeLabel('denied')).toBe('Refusé');
    expect(outcomeLabel('failure')).toBe('Échec');
    expect(actionLabel('account.create')).toBe('Création de compte');
    expect(actionLabel('dossier.open')).toBeUndefined();
  });

  test('details as key : value lines', () => {
    expect(
      detailLines({
        roles: ['regulator', 'osnp-operator'],
        endedSessions: 2,
        previous: null,
        nested: { a: 1 },
        none: [],
      }),
    ).toEqual([
      'roles : regulator, osnp-operator',
      'endedSessions : 2',
      'previous : —',
      'nested : {"a":1}',
      'none : (aucun)',
    ]);
  });
});

function user(...grants: [Role, string, string][]): CurrentUser {
  return {
    accountId: 'a1',
    displayName: 'Camille',
    grants: grants.map(([role, territoryId, territoryName]) => ({ role, territoryId, territoryName })),
  };
}

describe('what the administrator reaches', () => {
  const all = [
    { id: FRANCE, name: 'France' },
    { id: T41, name: 'SAS Loir-et-Cher' },
    { id: CPTS, name: 'CPTS du Blaisois' },
  ];

  test('a national administrator: every account, every territory, the audit log', () => {
    const national = user(['national-admin', FRANCE, 'France']);
    const reach = adminReach(national);
    expect(reach).toMatchObject({ national: true, canManage: true, canAudit: true });
    expect(canManageAccount(reach, { grants: [{ territoryId: CPTS }] })).toBe(true);
    expect(territoryChoices(reach, national, reach.manageTerritoryIds, all)).toEqual(all);
    expect(grantableRoles(reach)).toContain('national-admin');
  });

  test('an account administrator: the accounts and territories of his role only', () => {
    const admin = user(['account-admin', T41, 'SAS Loir-et-Cher'], ['regulator', CPTS, 'CPTS du Blaisois']);
    const reach = adminReach(admin);
    expect(reach).toMatchObject({ national: false, canManage: true, canAudit: true });
    expect(canManageAccount(reach, { grants: [{ territoryId: CPTS }, { territoryId: T41 }] })).toBe(true);
    expect(canManageAccount(reach, { grants: [{ territoryId: CPTS }] })).toBe(false);
    expect(canManageAccount(reach, { grants: [] })).toBe(false);
    expect(territoryChoices(reach, admin, reach.manageTerritoryIds, all)).toEqual([
      { id: T41, name: 'SAS Loir-et-Cher' },
    ]);
  });

  test('a territorial referent reads and changes nothing; a regulator reaches nothing', () => {
    const referent = adminReach(user(['territorial-referent', T41, 'SAS Loir-et-Cher']));
    expect(referent).toMatchObject({ national: false, canManage: false, canAudit: false });
    expect([...referent.readTerritoryIds]).toEqual([T41]);
    expect(canManageAccount(referent, { grants: [{ territoryId: T41 }] })).toBe(false);
    expect(adminReach(user(['regulator', T41, 'SAS Loir-et-Cher']))).toMatchObject({
      canManage: false,
      canAudit: false,
    });
    expect(adminReach(null).canManage).toBe(false);
  });
});

test('dates in the tables are the French ones of format.ts', () => {
  // The audit table and the account page show instants through formatDateTime (Paris time).
  expect(formatDateTime('2026-11-23T15:54:00.000Z', { now: '2026-11-23T16:00:00.000Z' })).toBe(
    'lundi\u00a023\u00a0nov. à 16\u00a0h\u00a054',
  );
});
