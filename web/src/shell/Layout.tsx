import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type RefObject } from 'react';
import { Link, matchPath, NavLink, Outlet, useLocation } from 'react-router';
import { groupByArea, navigationFor, webModules, type PageDefinition } from '../modules.tsx';
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
            {groupByArea(navigationFor(webModules, user, 'main')).map((entry) =>
              entry.kind === 'page' ? (
                <li key={entry.page.path}>
                  <NavLink to={entry.page.path} end={entry.page.path === '/'}>
                    {entry.page.label}
                  </NavLink>
                </li>
              ) : (
                <NavArea key={`area-${entry.label}`} label={entry.label} pages={entry.pages} />
              ),
            )}
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

/**
 * An area of the navigation (Administration): a button that shows or hides the list of its pages, below
 * it, over the content (the disclosure pattern, not a menu: Tab goes through the links). It closes on
 * Escape (focus back on the button), when focus or a click goes elsewhere, and after a page is chosen.
 * The button says when the current page is one of the area's, in words as well as by its bar.
 */
function NavArea({ label, pages }: { label: string; pages: PageDefinition[] }) {
  const [open, setOpen] = useState(false);
  const listId = useId();
  const itemRef = useRef<HTMLLIElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const { pathname } = useLocation();
  const current = pages.some((page) => matchPath({ path: page.path, end: false }, pathname) !== null);

  // A page chosen (or any navigation): the list closes.
  useEffect(() => setOpen(false), [pathname]);

  useEffect(() => {
    if (!open) return;
    const closeIfOutside = (event: Event) => {
      if (event.target instanceof Node && !itemRef.current?.contains(event.target)) setOpen(false);
    };
    document.addEventListener('pointerdown', closeIfOutside);
    document.addEventListener('focusin', closeIfOutside);
    return () => {
      document.removeEventListener('pointerdown', closeIfOutside);
      document.removeEventListener('focusin', closeIfOutside);
    };
  }, [open]);

  return (
    <li
      ref={itemRef}
      className="nav-area"
      onKeyDown={(event) => {
        if (event.key === 'Escape' && open) {
          setOpen(false);
          buttonRef.current?.focus();
        }
      }}
    >
      <button
        ref={buttonRef}
        type="button"
        className={current ? 'nav-area__button nav-area__button--current' : 'nav-area__button'}
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => setOpen((shown) => !shown)}
      >
        {label}
        {current && <span className="visually-hidden"> (rubrique de la page en cours)</span>}
        <span className="nav-area__chevron" aria-hidden="true">
          {open ? '▴' : '▾'}
        </span>
      </button>
      <ul id={listId} className="nav-area__list" hidden={!open}>
        {pages.map((page) => (
          <li key={page.path}>
            <NavLink to={page.path} onClick={() => setOpen(false)}>
              {page.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </li>
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
