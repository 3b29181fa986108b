import { useQuery } from '@tanstack/react-query';
import { formatTime } from '../format.ts';
import { ErrorNotice } from '../shell/ErrorNotice.tsx';
import { metaQuery, readinessQuery } from './queries.ts';

const DATABASE_LABELS = { pglite: 'PostgreSQL embarqué (PGlite)', postgres: 'serveur PostgreSQL' } as const;
const ENVIRONMENT_LABELS: Record<string, string> = {
  development: 'développement et démonstration',
  production: 'production',
  test: 'test',
};

/** "État du service": version, database mode and readiness, the state said in words, colour only helping. */
export function ServiceStatus() {
  const meta = useQuery(metaQuery);
  const readiness = useQuery(readinessQuery);
  // A failed check is a check too: an unreachable server shows when it was last tried, not last reached.
  const lastCheck = Math.max(readiness.dataUpdatedAt, readiness.errorUpdatedAt);

  return (
    <section className="panel" aria-labelledby="etat-du-service">
      <h2 id="etat-du-service">État du service</h2>
      {readiness.isError ? (
        <ErrorNotice error={readiness.error} />
      ) : (
        <p className={`status status--${readiness.data?.status ?? 'pending'}`}>
          {readiness.data === undefined ? (
            'Vérification en cours…'
          ) : readiness.data.status === 'ready' ? (
            <>
              <strong>Le service est prêt</strong> : la base de données répond et son schéma est à jour.
            </>
          ) : (
            <>
              <strong>Le service n’est pas prêt</strong> :{' '}
              {readiness.data.detail ?? 'la base de données ne répond pas ou son schéma n’est pas à jour.'}
            </>
          )}
        </p>
      )}
      {meta.isError ? (
        <ErrorNotice error={meta.error} />
      ) : (
        <dl className="facts">
          <dt>Version</dt>
          <dd>{meta.data?.version ?? '…'}</dd>
          <dt>Base de données</dt>
          <dd>{meta.data ? DATABASE_LABELS[meta.data.database] : '…'}</dd>
          <dt>Environnement</dt>
          <dd>{meta.data ? (ENVIRONMENT_LABELS[meta.data.environment] ?? meta.data.environment) : '…'}</dd>
          <dt>Dernière vérification</dt>
          <dd>{lastCheck > 0 ? `à ${formatTime(lastCheck)}` : '…'}</dd>
        </dl>
      )}
      <p className="actions">
        <button
          type="button"
          className="button"
          onClick={() => void readiness.refetch()}
          disabled={readiness.isFetching}
        >
          {readiness.isFetching ? 'Vérification…' : 'Vérifier maintenant'}
        </button>
      </p>
    </section>
  );
}
