import { useEffect, useRef, type RefObject } from 'react';
import { Link, NavLink, Outlet, useLocation } from 'react-router';
import { navigationFor, webModules } from '../modules.tsx';
import { useCurrentUser, type CurrentUser } from './current-user.ts';
import { ROLE_LABELS } from './roles.ts';

/** The frame of every page: skip link, header with the navigation the user's roles allow, main, footer. */
export function Layout() {
  const { data: user = null } = useCurrentUser();
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
            {navigationFor(webModules, user, 'footer').map((page) => (
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

function UserArea({ user }: { user: CurrentUser | null }) {
  if (user === null) {
    return (
      <Link to="/connexion" className="site-header__login">
        Se connecter
      </Link>
    );
  }
  const roles = [...new Set(user.grants.map((grant) => ROLE_LABELS[grant.role] ?? grant.role))];
  return (
    <p className="site-header__user">
      <span className="visually-hidden">Connecté en tant que </span>
      <strong>{user.displayName}</strong>
      {roles.length > 0 && <span className="site-header__roles">{roles.join(', ')}</span>}
    </p>
  );
}

/**
 * After a client-side navigation, focus goes to the new page's content, as a full page load would put a
 * screen reader there; the first load keeps the browser's own order so the skip link stays first.
 */
function useFocusMainOnNavigation(mainRef: RefObject<HTMLElement | null>) {
  const { pathname } = useLocation();
  const shownPath = useRef(pathname);
  useEffect(() => {
    if (shownPath.current === pathname) return;
    shownPath.current = pathname;
    mainRef.current?.focus();
  }, [pathname, mainRef]);
}
