import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useDeferredValue, useId, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { api, ApiError, dataOrThrow } from '../../api/client.ts';
import { formatDateTime } from '../../format.ts';
import { ErrorNotice } from '../../shell/ErrorNotice.tsx';
import { focusOnMount } from '../auth/helpers.ts';
import { guideQuery, TRAINING_KEY, type Audience, type Guide } from './api.ts';
import { AudienceFieldset } from './AudienceFieldset.tsx';
import { MarkdownView } from './MarkdownView.tsx';

/**
 * `/formation/gestion/guides/nouveau` and `/formation/gestion/guides/:ref`: a guide's title, profiles and
 * Markdown text beside a live preview. Saving names the version the edit started from: if someone saved the
 * guide meanwhile, the server refuses and the text typed here stays on screen.
 */
export default function GuideEditorPage() {
  const { ref } = useParams();
  const guide = useQuery({ ...guideQuery(ref ?? ''), enabled: ref !== undefined });
  if (ref === undefined) return <Editor key="nouveau" />;
  if (guide.isPending) return <p className="page">Chargement du guide…</p>;
  if (guide.isError) {
    return (
      <div className="page prose">
        <h1>Guide introuvable</h1>
        <ErrorNotice error={guide.error} />
        <p>
          <Link to="/formation/gestion">Revenir à la gestion de la formation</Link>
        </p>
      </div>
    );
  }
  return <Editor key={`${guide.data.id}-${guide.data.version}`} guide={guide.data} />;
}

interface Draft {
  title: string;
  audience: Audience[];
  bodyMarkdown: string;
}

function Editor({ guide }: { guide?: Guide }) {
  const id = useId();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft>({
    title: guide?.title ?? '',
    audience: guide?.audience ?? [],
    bodyMarkdown: guide?.bodyMarkdown ?? '',
  });
  const [problem, setProblem] = useState<string>();
  // Saving reloads the page at the guide's new version: the confirmation comes along in the navigation's state.
  const saved = (useLocation().state as { saved?: string } | null)?.saved;
  // The preview follows the typing without slowing it.
  const preview = useDeferredValue(draft.bodyMarkdown);

  const save = useMutation({
    mutationFn: async (publish: boolean | undefined): Promise<Guide> => {
      if (!guide) {
        return dataOrThrow(api.POST('/api/training/guides', { body: { ...draft, published: publish ?? false } }));
      }
      return dataOrThrow(
        api.PATCH('/api/training/guides/{id}', {
          params: { path: { id: guide.id } },
          body: { version: guide.version, ...draft, ...(publish === undefined ? {} : { published: publish }) },
        }),
      );
    },
    onSuccess: async (result) => {
      // Lists are fetched again when next shown; this guide is known already.
      void queryClient.invalidateQueries({ queryKey: [TRAINING_KEY], refetchType: 'none' });
      queryClient.setQueryData(guideQuery(result.slug).queryKey, result);
      const message = `Guide enregistré : version ${result.version}, ${result.published ? 'publié' : 'brouillon'}, le ${formatDateTime(result.updatedAt)}.`;
      // A new guide gets its address; an edited one is shown again at its new version.
      void navigate(`/formation/gestion/guides/${result.slug}`, { replace: true, state: { saved: message } });
    },
  });

  const submit = (publish?: boolean) => {
    if (save.isPending) return;
    if (draft.title.trim() === '') return setProblem('Donnez un titre au guide.');
    if (draft.audience.length === 0) return setProblem('Choisissez au moins un profil, ou « Tous les profils ».');
    setProblem(undefined);
    save.mutate(publish);
  };

  return (
    <div className="page guide-editor">
      <p>
        <Link to="/formation/gestion">← Gestion de la formation</Link>
      </p>
      <h1>{guide ? `Modifier « ${guide.title} »` : 'Écrire un guide'}</h1>
      {guide && (
        <p className="muted">
          Version {guide.version}, {guide.published ? 'publiée' : 'brouillon'}
          {guide.archived && ', archivée'} · enregistrée le {formatDateTime(guide.updatedAt)} par {guide.updatedBy}
          {guide.shipped && ' · guide livré avec maillage : une modification ici sera conservée aux prochains imports'}
        </p>
      )}
      {saved && (
        <p className="notice notice--ok focus-target" role="status" tabIndex={-1} ref={focusOnMount}>
          {saved}
        </p>
      )}

      <form
        className="guide-editor__grid"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          submit(undefined);
        }}
      >
        <div className="panel form">
          <div className="field">
            <label htmlFor={`${id}-titre`}>Titre</label>
            <input
              id={`${id}-titre`}
              className="input"
              name="title"
              maxLength={200}
              value={draft.title}
              onChange={(event) => setDraft((d) => ({ ...d, title: event.target.value }))}
              autoFocus={!guide}
            />
          </div>
          <AudienceFieldset value={draft.audience} onChange={(audience) => setDraft((d) => ({ ...d, audience }))} />
          <div className="field">
            <label htmlFor={`${id}-texte`}>Texte (Markdown)</label>
            <textarea
              id={`${id}-texte`}
              className="input guide-editor__text"
              name="bodyMarkdown"
              rows={24}
              spellCheck
              value={draft.bodyMarkdown}
              onChange={(event) => setDraft((d) => ({ ...d, bodyMarkdown: event.target.value }))}
              aria-describedby={`${id}-syntaxe`}
            />
            <p className="field__hint" id={`${id}-syntaxe`}>
              <code>## Partie</code>, <code>### Sous-partie</code>, <code>- élément</code>, <code>1. étape</code>,{' '}
              <code>**gras**</code>, <code>*italique*</code>, <code>`code`</code>,{' '}
              <code>[texte](/formation/guides/premiers-pas)</code> (liens https ou internes),{' '}
              <code>| tableau | … |</code>. Le HTML s’affiche tel quel.
            </p>
          </div>
          {problem && (
            <p className="notice notice--error" role="alert">
              {problem}
            </p>
          )}
          {save.isError && <ErrorNotice error={save.error} action={<ConflictHint error={save.error} />} />}
          <p className="actions">
            <button type="submit" className="button button--primary" aria-disabled={save.isPending}>
              {save.isPending ? 'Enregistrement…' : 'Enregistrer'}
            </button>
            {(!guide || !guide.published) && (
              <button type="button" className="button" onClick={() => submit(true)} aria-disabled={save.isPending}>
                Enregistrer et publier
              </button>
            )}
            {guide?.published && (
              <button type="button" className="button" onClick={() => submit(false)} aria-disabled={save.isPending}>
                Dépublier (repasser en brouillon)
              </button>
            )}
            {guide && !guide.archived && guide.published && (
              <Link to={`/formation/guides/${guide.slug}`}>Voir le guide publié</Link>
            )}
          </p>
        </div>

        <section className="panel guide-editor__preview" aria-labelledby={`${id}-apercu`}>
          <h2 id={`${id}-apercu`}>Aperçu</h2>
          <p className="muted">Tel que les lecteurs le verront, sous le titre « {draft.title || 'sans titre'} ».</p>
          <div className="prose guide__body">
            <MarkdownView source={preview} />
          </div>
        </section>
      </form>
    </div>
  );
}

function ConflictHint({ error }: { error: unknown }) {
  if (!(error instanceof ApiError) || error.code !== 'conflict') return null;
  return (
    <p>
      Votre texte est toujours ci-dessous : copiez-le, puis{' '}
      <button type="button" className="link-button" onClick={() => window.location.reload()}>
        rechargez la dernière version
      </button>{' '}
      pour y reporter vos changements.
    </p>
  );
}
