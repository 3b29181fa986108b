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
