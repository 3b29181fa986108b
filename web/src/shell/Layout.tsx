import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, type RefObject } from 'react';
import { Link, NavLink, Outlet, useLocation } from 'react-router';
import { navigationFor, webModules } from '../modules.tsx';
import { metaQuery } from '../platform/queries.ts';
import { useCurrentUser, type Session } from './current-user.ts';
import { ErrorNotice } from './ErrorNotice.tsx';
import { useLogout } from './logout.ts';
import { ROLE_LABELS } from './roles.ts';

/** The frame of every page: skip link, header with the navigation the user's roles allow, main, footer. */
export function Layout() {
  const { data: user = null } = useCurrentUser();
  const { data: meta } = useQuery(metaQuery);
  const mainRef = useRef<HTMLElement>(null);
  useFocusMainOnNavigation(mainRef);

  return (
    <>
      <a
        className="skip-link"
        href="#contenu"
        onClick={(event) => {
          event.preventDefault();
          mainRef.current?.focus();
        }}
      >
        Aller au contenu
      </a>
      <header className="site-header">
        <Link to="/" className="site-header__brand">
          maillage
        </Link>
        <nav className="site-header__nav" aria-label="Navigation principale">
          <ul>
            {navigationFor(webModules, user, 'main').map((page) => (
              <li key={page.path}>
                <NavLink to={page.path} end={page.path === '/'}>
                  {page.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <UserArea user={user} />
      </header>
      <main id="contenu" tabIndex={-1} ref={mainRef}>
        <Outlet />
      </main>
      <footer className="site-footer">
        <nav aria-label="Informations sur le service">
          <ul>
            {navigationFor(webModules, user, 'footer', meta?.environment).map((page) => (
              <li key={page.path}>
                <NavLink to={page.path}>{page.label}</NavLink>
              </li>
            ))}
            <li>
              <a href="/api/docs">Documentation de l’API</a>
            </li>
          </ul>
        </nav>
      </footer>
    </>
  );
}

function UserArea({ user }: { user: Session | null }) {
  const logout = useLogout();
  if (user === null) {
    return (
      <Link to="/connexion" className="site-header__login">
        Se connecter
      </Link>
    );
  }
  return (
    <div className="site-header__user">
      <p className="site-header__who">
        <span className="visually-hidden">Connecté en tant que </span>
        <strong>{user.displayName}</strong>
        <MainGrant user={user} />
      </p>
      <Link to="/compte" className="site-header__account">
        Mon compte
      </Link>
      <button type="button" className="site-header__logout" onClick={() => logout.mutate()} disabled={logout.isPending}>
        {logout.isPending ? 'Déconnexion…' : 'Se déconnecter'}
      </button>
      {logout.isError && (
        <div className="site-header__error">
          <ErrorNotice error={logout.error} />
        </div>
      )}
    </div>
  );
}

/** The first role and its territory, and how many more the account holds: the whole list is on "Mon compte". */
function MainGrant({ user }: { user: Session }) {
  const [first, ...others] = user.grants;
  if (first === undefined) return null;
  const role = ROLE_LABELS[first.role];
  return (
    <span className="site-header__roles">
      {role} · {first.territoryName}
      {others.length > 0 && ` (+ ${others.length} autre${others.length > 1 ? 's' : ''})`}
    </span>
  );
}

/**
 * After a client-side navigation, focus goes to the new page's content, as a full page load would put a
 * screen reader there; the first load keeps the browser's own order so the skip link stays first. A page
 * that put focus on its first field itself (the login form) keeps it there.
 */
function useFocusMainOnNavigation(mainRef: RefObject<HTMLElement | null>) {
  const { pathname } = useLocation();
  const shownPath = useRef(pathname);
  useEffect(() => {
    if (shownPath.current === pathname) return;
    shownPath.current = pathname;
    const main = mainRef.current;
    if (main && main !== document.activeElement && main.contains(document.activeElement)) return;
    main?.focus();
  }, [pathname, mainRef]);
}
