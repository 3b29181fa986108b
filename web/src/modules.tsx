import type { ComponentType } from 'react';
import { canOpen, type PageAccess } from './shell/access.ts';
import type { CurrentUser } from './shell/current-user.ts';

/**
 * The pages of the web app, by module. A capability plugs its pages in by adding one entry here; the
 * router, the navigation and the page access checks all follow from this list.
 */
export interface PageDefinition {
  /** Absolute path, React Router syntax (`/dossiers/:id`). */
  path: string;
  /** French label: the navigation entry and the window title. */
  label: string;
  access: PageAccess;
  /**
   * Where the page is listed: the main navigation (default), the footer (about the service rather than
   * work), or nowhere (pages reached from another one, such as a detail page).
   */
  navigation?: 'main' | 'footer' | 'none';
  /**
   * The area of the main navigation the page is listed under (`Administration`): the header shows an area
   * as one entry that opens the list of its pages. Pages without one are listed on their own.
   */
  area?: string;
  /** Listed only when the instance is not in production (developers' tools); the page says so there. */
  outsideProductionOnly?: boolean;
  /** The page's component, loaded when first opened so each module stays out of the others' download. */
  load: () => Promise<{ default: ComponentType }>;
}

export interface WebModule {
  name: string;
  pages: PageDefinition[];
}

export const webModules: WebModule[] = [
  {
    name: 'platform',
    pages: [
      { path: '/', label: 'Accueil', access: 'public', load: () => import('./platform/HomePage.tsx') },
      {
        path: '/a-propos',
        label: 'À propos',
        access: 'public',
        navigation: 'footer',
        load: () => import('./platform/AboutPage.tsx'),
      },
    ],
  },
  {
    name: 'auth',
    pages: [
      {
        path: '/connexion',
        label: 'Connexion',
        access: 'public',
        navigation: 'none',
        load: () => import('./platform/auth/LoginPage.tsx'),
      },
      {
        path: '/connexion/mot-de-passe-oublie',
        label: 'Mot de passe oublié',
        access: 'public',
        navigation: 'none',
        load: () => import('./platform/auth/ForgotPasswordPage.tsx'),
      },
      {
        path: '/connexion/psc-en-attente',
        label: 'Inscription en attente',
        access: 'public',
        navigation: 'none',
        load: () => import('./platform/auth/PscPendingPage.tsx'),
      },
      {
        path: '/connexion/nouveau-mot-de-passe',
        label: 'Nouveau mot de passe',
        access: 'public',
        navigation: 'none',
        load: () => import('./platform/auth/NewPasswordPage.tsx'),
      },
      // Reached from the header, next to the account's name.
      {
        path: '/compte',
        label: 'Mon compte',
        access: 'signed-in',
        navigation: 'none',
        load: () => import('./platform/auth/AccountPage.tsx'),
      },
    ],
  },
  {
    name: 'admin',
    pages: [
      {
        path: '/administration/comptes',
        label: 'Comptes',
        access: ['national-admin', 'account-admin', 'territorial-referent'],
        area: 'Administration',
        load: () => import('./admin/AccountsPage.tsx'),
      },
      // Reached from the list of accounts.
      {
        path: '/administration/comptes/nouveau',
        label: 'Nouveau compte',
        access: ['national-admin', 'account-admin'],
        navigation: 'none',
        load: () => import('./admin/NewAccountPage.tsx'),
      },
      {
        path: '/administration/comptes/:id',
        label: 'Compte',
        access: ['national-admin', 'account-admin', 'territorial-referent'],
        navigation: 'none',
        load: () => import('./admin/AccountPage.tsx'),
      },
      {
        path: '/administration/usage',
        label: 'Usage par profil',
        access: ['national-admin', 'account-admin', 'territorial-referent'],
        area: 'Administration',
        load: () => import('./admin/UsagePage.tsx'),
      },
      {
        path: '/administration/audit',
        label: 'Journal d’audit',
        access: ['national-admin', 'account-admin'],
        area: 'Administration',
        load: () => import('./admin/AuditPage.tsx'),
      },
    ],
  },
  {
    name: 'training',
    pages: [
      {
        path: '/formation',
        label: 'Formation',
        access: 'signed-in',
        load: () => import('./platform/training/TrainingPage.tsx'),
      },
      // Reached from Formation: a guide (its own title becomes the window's), and the managers' pages.
      {
        path: '/formation/guides/:ref',
        label: 'Guide de formation',
        access: 'signed-in',
        navigation: 'none',
        load: () => import('./platform/training/GuidePage.tsx'),
      },
      {
        path: '/formation/gestion',
        label: 'Gérer la formation',
        access: ['national-admin'],
        navigation: 'none',
        load: () => import('./platform/training/ManagePage.tsx'),
      },
      {
        path: '/formation/gestion/guides/nouveau',
        label: 'Écrire un guide',
        access: ['national-admin'],
        navigation: 'none',
        load: () => import('./platform/training/GuideEditorPage.tsx'),
      },
      {
        path: '/formation/gestion/guides/:ref',
        label: 'Modifier un guide',
        access: ['national-admin'],
        navigation: 'none',
        load: () => import('./platform/training/GuideEditorPage.tsx'),
      },
    ],
  },
  {
    name: 'dev-mail',
    pages: [
      {
        path: '/dev/courriels',
        label: 'Courriels envoyés (développement)',
        access: 'public',
        navigation: 'footer',
        outsideProductionOnly: true,
        load: () => import('./platform/mail/DevMailsPage.tsx'),
      },
    ],
  },
];

/**
 * The entries of one navigation that this user may open, in registry order. `environment` is the
 * instance's (GET /api/meta); while it is unknown, the pages kept outside production are not listed.
 */
export function navigationFor(
  modules: readonly WebModule[],
  user: CurrentUser | null,
  place: 'main' | 'footer',
  environment?: string,
): PageDefinition[] {
  return modules
    .flatMap((module) => module.pages)
    .filter(
      (page) =>
        (page.navigation ?? 'main') === place &&
        canOpen(page.access, user) &&
        (!page.outsideProductionOnly || (environment !== undefined && environment !== 'production')),
    );
}

/** One entry of the main navigation: a page on its own, or an area and the pages listed under it. */
export type NavigationEntry =
  { kind: 'page'; page: PageDefinition } | { kind: 'area'; label: string; pages: PageDefinition[] };

/**
 * Gathers the pages of an area into one entry, placed where its first page is; the others stay in order.
 * An area none of whose pages the user may open is absent, as its pages are.
 */
export function groupByArea(pages: readonly PageDefinition[]): NavigationEntry[] {
  const entries: NavigationEntry[] = [];
  const areas = new Map<string, { kind: 'area'; label: string; pages: PageDefinition[] }>();
  for (const page of pages) {
    if (page.area === undefined) {
      entries.push({ kind: 'page', page });
      continue;
    }
    let area = areas.get(page.area);
    if (!area) {
      area = { kind: 'area', label: page.area, pages: [] };
      areas.set(page.area, area);
      entries.push(area);
    }
    area.pages.push(page);
  }
  return entries;
}
