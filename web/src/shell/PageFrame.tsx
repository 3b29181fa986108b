import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import type { PageDefinition } from '../modules.tsx';
import { canOpen } from './access.ts';
import { useCurrentUser } from './current-user.ts';
import { ErrorNotice } from './ErrorNotice.tsx';
import { ROLE_LABELS } from './roles.ts';

/** Gives a page its window title and shows it only to those its access allows. */
export function PageFrame({ page, children }: { page: PageDefinition; children: ReactNode }) {
  const title = <title>{`${page.label} — maillage`}</title>;
  if (page.access === 'public') {
    return (
      <>
        {title}
        {children}
      </>
    );
  }
  return (
    <>
      {title}
      <AccessCheck page={page}>{children}</AccessCheck>
    </>
  );
}

function AccessCheck({ page, children }: { page: PageDefinition; children: ReactNode }) {
  const { pathname, search } = useLocation();
  const user = useCurrentUser();
  if (user.isPending) return <p className="page">Vérification de vos droits…</p>;
  if (user.isError) return <ErrorNotice error={user.error} />;
  if (canOpen(page.access, user.data)) return <>{children}</>;
  if (user.data === null) {
    return (
      <div className="page prose">
        <h1>Connexion requise</h1>
        <p>La page « {page.label} » est réservée aux comptes connectés.</p>
        <p>
          <Link to={`/connexion?retour=${encodeURIComponent(pathname + search)}`}>Se connecter</Link>
        </p>
      </div>
    );
  }
  const roles = typeof page.access === 'string' ? [] : page.access.map((role) => ROLE_LABELS[role]);
  return (
    <div className="page prose">
      <h1>Accès refusé</h1>
      <p>
        La page « {page.label} » est réservée aux profils suivants : {roles.join(', ')}. Si votre travail le demande,
        adressez-vous à l’administrateur des comptes de votre territoire.
      </p>
      <p>
        <Link to="/">Revenir à l’accueil</Link>
      </p>
    </div>
  );
}
