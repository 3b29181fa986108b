import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, dataOrThrow } from '../../api/client.ts';
import { formatDateTime, formatRelative } from '../../format.ts';
import { ErrorNotice } from '../../shell/ErrorNotice.tsx';
import { metaQuery } from '../queries.ts';
import { splitLinks } from './linkify.ts';

const devMailsQuery = queryOptions({
  queryKey: ['dev-mail', 'mails'],
  queryFn: () => dataOrThrow(api.GET('/api/dev/mails')),
  staleTime: 0,
  refetchInterval: 10_000,
});

const STATUS_LABELS: Record<string, string> = {
  pending: 'en attente d’envoi',
  sending: 'envoi en cours',
  sent: 'envoyé',
  failed: 'échec de l’envoi',
};

/**
 * `/dev/courriels`, outside production only: the mails the platform sent lately, with their text, so a
 * newcomer can follow a password reset link without a mail server. Links of this site are clickable.
 */
export default function DevMailsPage() {
  const meta = useQuery(metaQuery);
  const production = meta.data?.environment === 'production';
  const mails = useQuery({ ...devMailsQuery, enabled: meta.data !== undefined && !production });

  return (
    <div className="page dev-mails">
      <h1>Courriels envoyés (développement)</h1>
      {production ? (
        <p>Cette page n’existe qu’en dehors de la production : les courriels y contiennent des liens à usage unique.</p>
      ) : (
        <>
          <p className="prose">
            Les 50 derniers courriels de la plateforme, du plus récent au plus ancien, tels qu’ils partent (ou
            partiraient, sans serveur de messagerie configuré). Les liens vers ce site s’ouvrent d’un clic. La liste se
            met à jour toutes les 10 secondes.
          </p>
          <p className="actions">
            <button
              type="button"
              className="button"
              onClick={() => void mails.refetch()}
              aria-disabled={mails.isFetching}
            >
              {mails.isFetching ? 'Actualisation…' : 'Actualiser'}
            </button>
          </p>
          {meta.isError && <ErrorNotice error={meta.error} />}
          {mails.isError && <ErrorNotice error={mails.error} />}
          {mails.data?.length === 0 && <p>Aucun courriel envoyé pour l’instant.</p>}
          {mails.data && mails.data.length > 0 && (
            <ol className="mail-list" aria-label="Courriels, du plus récent au plus ancien">
              {mails.data.map((mail) => (
                <li key={mail.id}>
                  <article className="panel mail" aria-labelledby={`courriel-${mail.id}`}>
                    <h2 id={`courriel-${mail.id}`}>{mail.subject}</h2>
                    <dl className="mail__facts">
                      <div>
                        <dt>À</dt>
                        <dd>{mail.to}</dd>
                      </div>
                      <div>
                        <dt>Créé</dt>
                        <dd>
                          <time dateTime={mail.createdAt}>
                            {formatDateTime(mail.createdAt)} ({formatRelative(mail.createdAt)})
                          </time>
                        </dd>
                      </div>
                      <div>
                        <dt>État</dt>
                        <dd>
                          {STATUS_LABELS[mail.status] ?? mail.status}
                          {mail.sentAt && ` ${formatDateTime(mail.sentAt)}`}
                          {mail.attempts > 0 && mail.status !== 'sent' && `, ${mail.attempts} essai(s)`}
                          {mail.lastError && ` — ${mail.lastError}`}
                        </dd>
                      </div>
                    </dl>
                    <MailText text={mail.text} />
                  </article>
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </div>
  );
}

/** The mail's plain text as text nodes, with this site's URLs as links: nothing in it is read as HTML. */
function MailText({ text }: { text: string }) {
  return (
    <div className="mail__text">
      {splitLinks(text, window.location.origin).map((part, index) =>
        part.kind === 'link' ? (
          <a key={index} href={part.href}>
            {part.text}
          </a>
        ) : (
          <span key={index}>{part.text}</span>
        ),
      )}
    </div>
  );
}
