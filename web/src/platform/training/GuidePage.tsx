import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/client.ts';
import { formatDate } from '../../format.ts';
import { useCurrentUser } from '../../shell/current-user.ts';
import { ErrorNotice } from '../../shell/ErrorNotice.tsx';
import { audienceText, guideQuery, managesTraining } from './api.ts';
import { parseMarkdown, plainInline } from './markdown.ts';
import { MarkdownView, type LinkProps } from './MarkdownView.tsx';

/**
 * `/formation/guides/:ref`: one guide, rendered from its Markdown, with its contents when it is long, and a print
 * button (the print style sheet keeps the guide only: no header, navigation or buttons).
 */
export default function GuidePage() {
  const { ref = '' } = useParams();
  const { data: user } = useCurrentUser();
  const guide = useQuery(guideQuery(ref));
  const blocks = useMemo(() => (guide.data ? parseMarkdown(guide.data.bodyMarkdown) : []), [guide.data]);
  const contents = blocks.filter((block) => block.type === 'heading' && block.level === 2);

  if (guide.isPending) return <p className="page">Chargement du guide…</p>;
  if (guide.isError) {
    const missing = guide.error instanceof ApiError && guide.error.status === 404;
    return (
      <div className="page prose">
        <h1>{missing ? 'Guide introuvable' : 'Guide indisponible'}</h1>
        {missing ? (
          <p>Ce guide n’existe pas, ou il n’est pas destiné à votre profil.</p>
        ) : (
          <ErrorNotice error={guide.error} />
        )}
        <p>
          <Link to="/formation">Revenir à la formation</Link>
        </p>
      </div>
    );
  }

  const data = guide.data;
  return (
    <article className="page guide" aria-labelledby="guide-titre">
      <title>{`${data.title} — maillage`}</title>
      <p className="no-print">
        <Link to="/formation">← Tous les guides</Link>
      </p>
      <h1 id="guide-titre">{data.title}</h1>
      <p className="muted">
        Pour : {audienceText(data.audience)} · version {data.version}, mise à jour le {formatDate(data.updatedAt)}
      </p>
      {(!data.published || data.archived) && (
        <p className="notice notice--info">
          {data.archived
            ? 'Ce guide est archivé : seuls les gestionnaires de la formation le voient.'
            : 'Ce guide est un brouillon : seuls les gestionnaires de la formation le voient tant qu’il n’est pas publié.'}
        </p>
      )}
      <p className="actions no-print">
        <button type="button" className="button" onClick={() => window.print()}>
          Imprimer ce guide
        </button>
        {managesTraining(user) && (
          <Link to={`/formation/gestion/guides/${data.slug}`} className="button">
            Modifier ce guide
          </Link>
        )}
      </p>
      {contents.length >= 3 && (
        <nav className="guide__contents no-print" aria-labelledby="sommaire">
          <h2 id="sommaire">Sommaire</h2>
          <ol>
            {contents.map((heading) =>
              heading.type === 'heading' ? (
                <li key={heading.id}>
                  <a href={`#${heading.id}`}>{plainInline(heading.children)}</a>
                </li>
              ) : null,
            )}
          </ol>
        </nav>
      )}
      <div className="prose guide__body">
        <MarkdownView blocks={blocks} renderLink={GuideLink} />
      </div>
    </article>
  );
}

/** Links to the app's own pages stay in the app; the API, other files and other sites are plain links. */
function GuideLink({ href, external, children }: LinkProps) {
  if (!external && href.startsWith('/') && !/^\/(api|fhir|health)(\/|$)/.test(href)) {
    return <Link to={href}>{children}</Link>;
  }
  return external ? (
    <a href={href} rel="noopener noreferrer">
      {children}
      <span className="visually-hidden"> (site externe)</span>
    </a>
  ) : (
    <a href={href}>{children}</a>
  );
}
