import { Link, useRouteError } from 'react-router';
import { ApiError } from '../api/client.ts';
import { ErrorNotice } from './ErrorNotice.tsx';

/** What a page that failed to load or render shows instead, inside the frame when the frame still works. */
export function RouteError() {
  const error = useRouteError();
  return (
    <div className="page prose">
      <title>Erreur — maillage</title>
      <h1>Cette page n’a pas pu s’afficher</h1>
      {error instanceof ApiError ? (
        <ErrorNotice error={error} />
      ) : (
        // Most often a page's code that no longer exists on the server after an update: reloading fetches the new one.
        <p>Rechargez la page ; si l’erreur persiste, signalez-la à votre référent maillage.</p>
      )}
      <p className="actions">
        <button type="button" className="button" onClick={() => window.location.reload()}>
          Recharger la page
        </button>
        <Link to="/">Revenir à l’accueil</Link>
      </p>
    </div>
  );
}
