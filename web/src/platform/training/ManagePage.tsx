import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api, dataOrThrow } from '../../api/client.ts';
import { formatDate } from '../../format.ts';
import { useCurrentUser } from '../../shell/current-user.ts';
import { ErrorNotice } from '../../shell/ErrorNotice.tsx';
import {
  audienceText,
  formatSize,
  guidesQuery,
  limitsQuery,
  parseDuration,
  shippedGuidesQuery,
  tooLargeSentence,
  TRAINING_KEY,
  uploadVideo,
  videosQuery,
  type Audience,
  type GuideSummary,
  type Video,
} from './api.ts';
import { AudienceFieldset } from './AudienceFieldset.tsx';

/**
 * `/formation/gestion` (national administrators): the guides with their state (draft, published, archived),
 * the guides shipped with maillage and their import, the videos with their upload and captions. Nothing is
 * deleted here: archived guides and videos can be restored.
 */
export default function ManagePage() {
  return (
    <div className="page training-manage">
      <p>
        <Link to="/formation">← Formation</Link>
      </p>
      <h1>Gérer la formation</h1>
      <p className="prose">
        Les guides et les vidéos sont les mêmes pour tous les territoires. Chaque changement est écrit au journal
        d’audit ; rien ne s’efface : un guide ou une vidéo archivé se restaure, et chaque version d’un guide est
        conservée.
      </p>
      <GuidesSection />
      <ShippedSection />
      <VideosSection />
    </div>
  );
}

function useStatus() {
  const [status, setStatus] = useState<string>();
  return { status, setStatus };
}

function GuidesSection() {
  const queryClient = useQueryClient();
  const [showArchived, setShowArchived] = useState(false);
  const guides = useQuery(guidesQuery({ archived: showArchived ? 'include' : 'exclude' }));
  const { status, setStatus } = useStatus();
  const change = useMutation({
    mutationFn: async ({
      guide,
      action,
    }: {
      guide: GuideSummary;
      action: 'publish' | 'unpublish' | 'archive' | 'restore';
    }) => {
      const path = { params: { path: { id: guide.id } } };
      if (action === 'archive') return dataOrThrow(api.POST('/api/training/guides/{id}/archive', path));
      if (action === 'restore') return dataOrThrow(api.POST('/api/training/guides/{id}/restore', path));
      return dataOrThrow(
        api.PATCH('/api/training/guides/{id}', {
          ...path,
          body: { version: guide.version, published: action === 'publish' },
        }),
      );
    },
    onSuccess: (guide, { action }) => {
      const done = { publish: 'publié', unpublish: 'repassé en brouillon', archive: 'archivé', restore: 'restauré' };
      setStatus(`« ${guide.title} » : ${done[action]}.`);
      void queryClient.invalidateQueries({ queryKey: [TRAINING_KEY] });
    },
  });

  return (
    <section aria-labelledby="gestion-guides" className="training__section">
      <h2 id="gestion-guides">Guides</h2>
      <p className="actions">
        <Link to="/formation/gestion/guides/nouveau" className="button button--primary">
          Écrire un guide
        </Link>
      </p>
      <div className="checkbox">
        <input
          id="montrer-archives"
          type="checkbox"
          checked={showArchived}
          onChange={(event) => setShowArchived(event.target.checked)}
        />
        <label htmlFor="montrer-archives">Montrer aussi les guides archivés</label>
      </div>
      <p role="status" className="muted">
        {status}
      </p>
      {change.isError && <ErrorNotice error={change.error} />}
      {guides.isError && <ErrorNotice error={guides.error} />}
      {guides.data && (
        <table className="table">
          <caption className="visually-hidden">Guides de formation, leur état et leurs actions</caption>
          <thead>
            <tr>
              <th scope="col">Titre</th>
              <th scope="col">Pour</th>
              <th scope="col">État</th>
              <th scope="col">Mis à jour</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {guides.data.map((guide) => (
              <tr key={guide.id}>
                <td>
                  <Link to={`/formation/gestion/guides/${guide.slug}`}>{guide.title}</Link>
                  {guide.shipped && <span className="muted"> (livré avec maillage)</span>}
                </td>
                <td>{audienceText(guide.audience)}</td>
                <td>{guide.archived ? 'archivé' : guide.published ? 'publié' : 'brouillon'}</td>
                <td>
                  {formatDate(guide.updatedAt)}, version {guide.version}, par {guide.updatedBy}
                </td>
                <td>
                  <span className="actions">
                    {!guide.archived && (
                      <ActionButton
                        label={guide.published ? 'Dépublier' : 'Publier'}
                        target={guide.title}
                        pending={change.isPending}
                        onClick={() => change.mutate({ guide, action: guide.published ? 'unpublish' : 'publish' })}
                      />
                    )}
                    <ActionButton
                      label={guide.archived ? 'Restaurer' : 'Archiver'}
                      target={guide.title}
                      pending={change.isPending}
                      onClick={() => change.mutate({ guide, action: guide.archived ? 'restore' : 'archive' })}
                    />
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** A row's action; its accessible name says which row it acts on ("Publier « Guide du régulateur »"). */
function ActionButton({
  label,
  target,
  pending,
  onClick,
}: {
  label: string;
  target: string;
  pending: boolean;
  onClick: () => void;
}) {
  return (
    <button
      type="button"
      className="link-button"
      aria-disabled={pending}
      onClick={() => {
        if (!pending) onClick();
      }}
    >
      {label}
      <span className="visually-hidden"> « {target} »</span>
    </button>
  );
}

function ShippedSection() {
  const queryClient = useQueryClient();
  const shipped = useQuery(shippedGuidesQuery);
  const { status, setStatus } = useStatus();
  const importGuides = useMutation({
    mutationFn: () => dataOrThrow(api.POST('/api/training/shipped-guides/import')),
    onSuccess: (states) => {
      const added = states.filter((s) => s.status === 'absent').length;
      const updated = states.filter((s) => s.status === 'update-available').length;
      setStatus(
        `Import terminé : ${added} guide(s) ajouté(s), ${updated} mis à jour ; les guides modifiés ici sont conservés.`,
      );
      void queryClient.invalidateQueries({ queryKey: [TRAINING_KEY] });
    },
  });
  const pending = shipped.data?.filter((s) => s.status === 'absent' || s.status === 'update-available') ?? [];

  return (
    <section aria-labelledby="gestion-livres" className="training__section">
      <h2 id="gestion-livres">Guides livrés avec maillage</h2>
      <p className="prose">
        Chaque version de maillage livre un guide par profil, tenu à jour à mesure que la plateforme grandit. L’import
        ajoute ceux qui manquent et met à jour ceux que personne n’a modifiés ici ; un guide modifié ou archivé ici
        reste tel quel.
      </p>
      {shipped.isError && <ErrorNotice error={shipped.error} />}
      {shipped.data && (
        <table className="table">
          <caption className="visually-hidden">Guides livrés avec cette version de maillage et leur état ici</caption>
          <thead>
            <tr>
              <th scope="col">Guide</th>
              <th scope="col">Pour</th>
              <th scope="col">État ici</th>
            </tr>
          </thead>
          <tbody>
            {shipped.data.map((guide) => (
              <tr key={guide.slug}>
                <td>{guide.title}</td>
                <td>{audienceText(guide.audience)}</td>
                <td>{guide.statusLabel}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="actions">
        <button
          type="button"
          className="button"
          aria-disabled={importGuides.isPending || pending.length === 0}
          onClick={() => {
            if (!importGuides.isPending && pending.length > 0) importGuides.mutate();
          }}
        >
          {importGuides.isPending ? 'Import…' : 'Importer les guides livrés'}
        </button>
        {shipped.data && pending.length === 0 && <span className="muted">Tous les guides livrés sont à jour ici.</span>}
      </p>
      <p role="status" className="muted">
        {status}
      </p>
      {importGuides.isError && <ErrorNotice error={importGuides.error} />}
    </section>
  );
}

function VideosSection() {
  const [showArchived, setShowArchived] = useState(false);
  const videos = useQuery(videosQuery(showArchived ? 'include' : 'exclude'));
  return (
    <section aria-labelledby="gestion-videos" className="training__section">
      <h2 id="gestion-videos">Vidéos</h2>
      <UploadForm />
      <h3>Vidéos déposées</h3>
      <div className="checkbox">
        <input
          id="montrer-videos-archivees"
          type="checkbox"
          checked={showArchived}
          onChange={(event) => setShowArchived(event.target.checked)}
        />
        <label htmlFor="montrer-videos-archivees">Montrer aussi les vidéos archivées</label>
      </div>
      {videos.isError && <ErrorNotice error={videos.error} />}
      {videos.data &&
        (videos.data.length === 0 ? (
          <p className="muted">Aucune vidéo pour l’instant.</p>
        ) : (
          <ul className="video-admin-list">
            {videos.data.map((video) => (
              <li key={video.id} className="panel">
                <VideoAdmin video={video} />
              </li>
            ))}
          </ul>
        ))}
    </section>
  );
}

function UploadForm() {
  const id = useId();
  const queryClient = useQueryClient();
  const { data: session } = useCurrentUser();
  const { data: limits } = useQuery(limitsQuery);
  const fileRef = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File>();
  const [title, setTitle] = useState('');
  const [audience, setAudience] = useState<Audience[]>([]);
  const [description, setDescription] = useState('');
  const [duration, setDuration] = useState('');
  const [progress, setProgress] = useState<{ sent: number; total: number }>();
  const [problem, setProblem] = useState<string>();
  const [done, setDone] = useState<string>();
  const abort = useRef<AbortController>(undefined);

  const upload = useMutation({
    mutationFn: (input: { file: File; durationSeconds?: number }) => {
      abort.current = new AbortController();
      return uploadVideo(
        input.file,
        {
          title: title.trim(),
          audience,
          description: description.trim() || undefined,
          durationSeconds: input.durationSeconds,
        },
        session?.csrfToken ?? '',
        (sent, total) => setProgress({ sent, total }),
        abort.current.signal,
      );
    },
    onSuccess: (video) => {
      setDone(`Vidéo « ${video.title} » déposée (${formatSize(video.sizeBytes)}).`);
      setFile(undefined);
      setTitle('');
      setDescription('');
      setDuration('');
      setAudience([]);
      if (fileRef.current) fileRef.current.value = '';
      void queryClient.invalidateQueries({ queryKey: [TRAINING_KEY] });
    },
    onSettled: () => setProgress(undefined),
  });

  const percent = progress && progress.total > 0 ? Math.round((progress.sent / progress.total) * 100) : 0;

  return (
    <form
      className="panel form upload-form"
      noValidate
      aria-labelledby={`${id}-titre`}
      onSubmit={(event) => {
        event.preventDefault();
        if (upload.isPending) return;
        setDone(undefined);
        const seconds = parseDuration(duration);
        if (!file) return setProblem('Choisissez le fichier de la vidéo (MP4 ou WebM).');
        if (limits && file.size > limits.videoMaxBytes) return setProblem(tooLargeSentence(limits.videoMaxBytes));
        if (title.trim() === '') return setProblem('Donnez un titre à la vidéo.');
        if (audience.length === 0) return setProblem('Choisissez au moins un profil, ou « Tous les profils ».');
        if (seconds !== undefined && !(seconds > 0))
          return setProblem('Durée illisible : écrivez-la en minutes et secondes, par exemple 4:30.');
        setProblem(undefined);
        upload.mutate({ file, durationSeconds: seconds });
      }}
    >
      <h3 id={`${id}-titre`}>Déposer une vidéo</h3>
      <div className="field">
        <label htmlFor={`${id}-fichier`}>Fichier vidéo (MP4 ou WebM)</label>
        <input
          ref={fileRef}
          id={`${id}-fichier`}
          type="file"
          name="file"
          accept="video/mp4,video/webm,.mp4,.webm"
          onChange={(event) => {
            const chosen = event.target.files?.[0];
            setFile(chosen);
            if (chosen && title.trim() === '') setTitle(chosen.name.replace(/\.[^.]+$/, '').replace(/[-_]+/g, ' '));
          }}
          aria-describedby={`${id}-fichier-aide`}
        />
        <p className="field__hint" id={`${id}-fichier-aide`}>
          MP4 (H.264) de préférence{limits && `, ${formatSize(limits.videoMaxBytes)} au plus`} ; le format est vérifié
          au contenu du fichier. {file && `${file.name}, ${formatSize(file.size)}.`}
        </p>
      </div>
      <div className="field">
        <label htmlFor={`${id}-nom`}>Titre</label>
        <input
          id={`${id}-nom`}
          className="input"
          maxLength={200}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
        />
      </div>
      <AudienceFieldset value={audience} onChange={setAudience} />
      <div className="field">
        <label htmlFor={`${id}-description`}>Description (facultative)</label>
        <textarea
          id={`${id}-description`}
          className="input"
          rows={3}
          maxLength={2000}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
      </div>
      <div className="field field--short">
        <label htmlFor={`${id}-duree`}>Durée (facultative)</label>
        <input
          id={`${id}-duree`}
          className="input"
          inputMode="numeric"
          value={duration}
          onChange={(e) => setDuration(e.target.value)}
          aria-describedby={`${id}-duree-aide`}
        />
        <p className="field__hint" id={`${id}-duree-aide`}>
          En minutes et secondes, par exemple 4:30.
        </p>
      </div>
      {problem && (
        <p className="notice notice--error" role="alert">
          {problem}
        </p>
      )}
      {upload.isError && !(upload.error instanceof DOMException) && <ErrorNotice error={upload.error} />}
      {upload.isError && upload.error instanceof DOMException && <p role="status">Envoi annulé.</p>}
      {upload.isPending && progress && (
        <div className="upload-progress">
          <label htmlFor={`${id}-progression`}>Envoi de la vidéo</label>
          <progress id={`${id}-progression`} max={100} value={percent}>
            {percent} %
          </progress>
          <span aria-hidden="true">
            {percent} % ({formatSize(progress.sent)} sur {formatSize(progress.total)})
          </span>
        </div>
      )}
      {done && (
        <p className="notice notice--ok" role="status">
          {done}
        </p>
      )}
      <p className="actions">
        <button type="submit" className="button button--primary" aria-disabled={upload.isPending}>
          {upload.isPending ? 'Envoi…' : 'Déposer la vidéo'}
        </button>
        {upload.isPending && (
          <button type="button" className="button" onClick={() => abort.current?.abort()}>
            Annuler l’envoi
          </button>
        )}
      </p>
    </form>
  );
}

function VideoAdmin({ video }: { video: Video }) {
  const id = useId();
  const queryClient = useQueryClient();
  const captionsRef = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState<string>();
  const refresh = () => queryClient.invalidateQueries({ queryKey: [TRAINING_KEY] });
  const path = { params: { path: { id: video.id } } };

  const archive = useMutation({
    mutationFn: () =>
      dataOrThrow(
        video.archived
          ? api.POST('/api/training/videos/{id}/restore', path)
          : api.POST('/api/training/videos/{id}/archive', path),
      ),
    onSuccess: (result) => {
      setStatus(result.archived ? 'Vidéo archivée.' : 'Vidéo restaurée.');
      void refresh();
    },
  });
  const captions = useMutation({
    mutationFn: async (file: File | null) =>
      dataOrThrow(
        file === null
          ? api.DELETE('/api/training/videos/{id}/captions', path)
          : api.PUT('/api/training/videos/{id}/captions', {
              ...path,
              body: await file.text(),
              bodySerializer: (body: string) => body,
              headers: { 'content-type': 'text/vtt' },
            }),
      ),
    onSuccess: (result) => {
      setStatus(result.hasCaptions ? 'Sous-titres joints.' : 'Sous-titres retirés.');
      if (captionsRef.current) captionsRef.current.value = '';
      void refresh();
    },
  });

  return (
    <>
      <h4>{video.title}</h4>
      <p className="muted">
        Pour : {audienceText(video.audience)} · {video.mime === 'video/mp4' ? 'MP4' : 'WebM'},{' '}
        {formatSize(video.sizeBytes)} · déposée le {formatDate(video.uploadedAt)} par {video.uploadedBy} ·{' '}
        {video.archived ? 'archivée' : 'visible'} · {video.hasCaptions ? 'sous-titrée' : 'sans sous-titres'}
      </p>
      <p className="actions">
        <a href={video.contentUrl}>Voir la vidéo</a>
        <button
          type="button"
          className="button"
          aria-disabled={archive.isPending}
          onClick={() => {
            if (!archive.isPending) archive.mutate();
          }}
        >
          {video.archived ? 'Restaurer' : 'Archiver'}
          <span className="visually-hidden"> « {video.title} »</span>
        </button>
      </p>
      <form
        className="captions-form"
        onSubmit={(event) => {
          event.preventDefault();
          const file = captionsRef.current?.files?.[0];
          if (file && !captions.isPending) captions.mutate(file);
        }}
      >
        <label htmlFor={`${id}-vtt`}>Sous-titres WebVTT (.vtt) de « {video.title} »</label>
        <span className="actions">
          <input ref={captionsRef} id={`${id}-vtt`} type="file" accept=".vtt,text/vtt" />
          <button type="submit" className="button" aria-disabled={captions.isPending}>
            Joindre les sous-titres
          </button>
          {video.hasCaptions && (
            <button
              type="button"
              className="link-button"
              onClick={() => {
                if (!captions.isPending) captions.mutate(null);
              }}
            >
              Retirer les sous-titres
            </button>
          )}
        </span>
      </form>
      <p role="status" className="muted">
        {status}
      </p>
      {archive.isError && <ErrorNotice error={archive.error} />}
      {captions.isError && <ErrorNotice error={captions.error} />}
    </>
  );
}
