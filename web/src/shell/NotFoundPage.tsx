import { Link, useLocation } from 'react-router';

export function NotFoundPage() {
  const { pathname } = useLocation();
  return (
    <div className="page prose">
      <title>Page introuvable — maillage</title>
      <h1>Page introuvable</h1>
      <p>
        L’adresse <code>{pathname}</code> ne correspond à aucune page de maillage. Elle a peut-être été mal recopiée, ou
        la page a été déplacée.
      </p>
      <p>
        <Link to="/">Revenir à l’accueil</Link>
      </p>
    </div>
  );
}
