import { describe, expect, test } from 'vitest';
import { groupByArea, navigationFor, webModules, type WebModule } from './modules.tsx';
import { canOpen } from './shell/access.ts';
import type { CurrentUser } from './shell/current-user.ts';
import type { Role } from './shell/roles.ts';

const page = () => Promise.resolve({ default: () => null });

const registry: WebModule[] = [
  {
    name: 'platform',
    pages: [
      { path: '/', label: 'Accueil', access: 'public', load: page },
      { path: '/a-propos', label: 'À propos', access: 'public', navigation: 'footer', load: page },
    ],
  },
  {
    name: 'regulation',
    pages: [
      { path: '/appels', label: 'Appels', access: ['regulator', 'osnp-operator'], load: page },
      { path: '/appels/:id', label: 'Appel', access: ['regulator', 'osnp-operator'], navigation: 'none', load: page },
    ],
  },
  { name: 'account', pages: [{ path: '/mon-compte', label: 'Mon compte', access: 'signed-in', load: page }] },
  {
    name: 'dev-tools',
    pages: [
      {
        path: '/dev/outil',
        label: 'Outil de développement',
        access: 'public',
        navigation: 'footer',
        outsideProductionOnly: true,
        load: page,
      },
    ],
  },
];

function userWith(...roles: Role[]): CurrentUser {
  return {
    accountId: 'a1',
    displayName: 'Camille Martin',
    grants: roles.map((role) => ({ role, territoryId: 't41', territoryName: 'SAS 41' })),
  };
}

const labels = (user: CurrentUser | null, place: 'main' | 'footer' = 'main') =>
  navigationFor(registry, user, place).map((p) => p.label);

describe('navigation by role', () => {
  test('anonymous users see the public pages only', () => {
    expect(labels(null)).toEqual(['Accueil']);
    expect(labels(null, 'footer')).toEqual(['À propos']);
  });

  test('a signed-in account sees the pages of its roles and the signed-in pages, never the hidden ones', () => {
    expect(labels(userWith('osnp-operator'))).toEqual(['Accueil', 'Appels', 'Mon compte']);
    expect(labels(userWith('effecteur'))).toEqual(['Accueil', 'Mon compte']);
    expect(labels(userWith('effecteur', 'regulator'))).toEqual(['Accueil', 'Appels', 'Mon compte']);
  });

  test('developers’ pages are listed outside production only, and not before the environment is known', () => {
    expect(navigationFor(registry, null, 'footer', 'development')).toHaveLength(2);
    expect(labels(null, 'footer')).toEqual(['À propos']);
    expect(navigationFor(registry, null, 'footer', 'production').map((p) => p.label)).toEqual(['À propos']);
    expect(navigationFor(registry, null, 'footer', 'test').map((p) => p.label)).toEqual([
      'À propos',
      'Outil de développement',
    ]);
  });

  test('page access', () => {
    expect(canOpen('public', null)).toBe(true);
    expect(canOpen('signed-in', null)).toBe(false);
    expect(canOpen(['regulator'], null)).toBe(false);
    expect(canOpen('signed-in', userWith())).toBe(true);
    expect(canOpen(['regulator'], userWith('coordinator'))).toBe(false);
    expect(canOpen(['regulator'], userWith('coordinator', 'regulator'))).toBe(true);
  });
});

describe('the registry', () => {
  const pages = webModules.flatMap((m) => m.pages);

  test('paths are absolute and unique, labels are set', () => {
    for (const p of pages) {
      expect(p.path, p.label).toMatch(/^\//);
      expect(p.label.trim(), p.path).not.toBe('');
    }
    expect(new Set(pages.map((p) => p.path)).size).toBe(pages.length);
  });

  test('the home page and À propos are open to everyone', () => {
    expect(navigationFor(webModules, null, 'main').map((p) => p.path)).toContain('/');
    expect(navigationFor(webModules, null, 'footer').map((p) => p.path)).toContain('/a-propos');
  });

  test('the login pages are open to everyone and listed nowhere; Mon compte needs a session', () => {
    const byPath = new Map(pages.map((p) => [p.path, p]));
    for (const path of ['/connexion', '/connexion/mot-de-passe-oublie', '/connexion/nouveau-mot-de-passe']) {
      expect(byPath.get(path), path).toMatchObject({ access: 'public', navigation: 'none' });
    }
    expect(byPath.get('/compte')).toMatchObject({ access: 'signed-in', navigation: 'none' });
    expect(byPath.get('/dev/courriels')).toMatchObject({ navigation: 'footer', outsideProductionOnly: true });
  });
});

describe('navigation areas', () => {
  const areaRegistry: WebModule[] = [
    {
      name: 'mixed',
      pages: [
        { path: '/', label: 'Accueil', access: 'public', load: page },
        { path: '/admin/a', label: 'A', access: ['national-admin'], area: 'Administration', load: page },
        { path: '/appels', label: 'Appels', access: ['regulator'], load: page },
        {
          path: '/admin/b',
          label: 'B',
          access: ['national-admin', 'territorial-referent'],
          area: 'Administration',
          load: page,
        },
      ],
    },
  ];
  const entries = (user: CurrentUser | null) =>
    groupByArea(navigationFor(areaRegistry, user, 'main')).map((entry) =>
      entry.kind === 'page' ? entry.page.label : `${entry.label}: ${entry.pages.map((p) => p.label).join(', ')}`,
    );

  test('an area gathers its pages where its first page stands; the others keep their place', () => {
    expect(entries(userWith('national-admin', 'regulator'))).toEqual(['Accueil', 'Administration: A, B', 'Appels']);
  });

  test('an area lists only the pages the user may open, and is absent when none', () => {
    expect(entries(userWith('territorial-referent'))).toEqual(['Accueil', 'Administration: B']);
    expect(entries(userWith('regulator'))).toEqual(['Accueil', 'Appels']);
    expect(entries(null)).toEqual(['Accueil']);
  });

  test('the administration space: accounts and usage for the referent too, the audit log for administrators only', () => {
    const area = (role: Role) =>
      groupByArea(navigationFor(webModules, userWith(role), 'main')).find((e) => e.kind === 'area');
    const labels = (role: Role) => {
      const found = area(role);
      return found?.kind === 'area' ? found.pages.map((p) => p.path) : [];
    };
    expect(labels('national-admin')).toEqual([
      '/administration/comptes',
      '/administration/usage',
      '/administration/audit',
    ]);
    expect(labels('account-admin')).toEqual(labels('national-admin'));
    expect(labels('territorial-referent')).toEqual(['/administration/comptes', '/administration/usage']);
    for (const role of ['regulator', 'osnp-operator', 'effecteur', 'agency-reader'] as const) {
      expect(area(role), role).toBeUndefined();
    }
    const byPath = new Map(webModules.flatMap((m) => m.pages).map((p) => [p.path, p]));
    expect(byPath.get('/administration/comptes/nouveau')).toMatchObject({
      navigation: 'none',
      access: ['national-admin', 'account-admin'],
    });
    expect(byPath.get('/administration/comptes/:id')).toMatchObject({ navigation: 'none' });
  });
});
