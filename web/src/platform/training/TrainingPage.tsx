import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { formatDate } from '../../format.ts';
import { useCurrentUser } from '../../shell/current-user.ts';
import { ErrorNotice } from '../../shell/ErrorNotice.tsx';
import { ROLE_LABELS } from '../../shell/roles.ts';
import {
  AUDIENCE_LABELS,
  AUDIENCES,
  audienceText,
  guidesQuery,
  managesTraining,
  matchesWords,
  videosQuery,
  type Audience,
  type GuideSummary,
} from './api.ts';
import { VideoCard } from './VideoCard.tsx';

/** Typing pauses this long before the search runs: results follow the typing without a request per key. */
export const SEARCH_DELAY_MS = 250;

/**
 * `/formation`: the guides of my profiles (all of them, drafts included, for those who write them), searched as
 * I type, and the videos. The search stays in the address (`?q=`), so coming back from a guide keeps it.
 */
export default function TrainingPage() {
  const { data: user } = useCurrentUser();
  const manager = managesTraining(user);
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const audience = (AUDIENCES as string[]).includes(params.get('profil') ?? '')
    ? (params.get('profil') as Audience)
    : undefined;
  const [typed, setTyped] = useState(q);

  // The address follows the typing after a pause (replace: the back button leaves the page, not each letter).
  useEffect(() => {
    if (typed.trim() === q) return;
    const timer = setTimeout(() => {
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          if (typed.trim()) next.set('q', typed.trim());
          else next.delete('q');
          return next;
        },
        { replace: true },
      );
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [typed, q, setParams]);

  const guides = useQuery(guidesQuery({ q, audience }));
  const videos = useQuery(videosQuery());
  const roles = [...new Set(user?.grants.map((grant) => ROLE_LABELS[grant.role]) ?? [])];
  const shownVideos = (videos.data ?? []).filter(
    (video) =>
      (q === '' || matchesWords(`${video.title} ${video.description}`, q)) &&
      (audience === undefined || video.audience.includes(audience) || video.audience.includes('tous')),
  );

  return (
    <div className="page training">
      <h1>Formation</h1>
      <div className="prose">
        <p>
          Les guides d’utilisation {manager ? 'de tous les profils' : `de votre profil (${roles.join(', ')})`} et les
          vidéos de formation : ce que fait maillage aujourd’hui, et ce qui arrive. Chaque guide s’imprime.
        </p>
      </div>
      {manager && (
        <p className="actions">
          <Link to="/formation/gestion" className="button">
            Gérer la formation
          </Link>
        </p>
      )}

      <form
        role="search"
        aria-label="Recherche dans la formation"
        className="form training__search"
        onSubmit={(event) => event.preventDefault()}
      >
        <SearchField value={typed} onChange={setTyped} />
        {manager && (
          <AudienceFilter
            value={audience}
            onChange={(value) =>
              setParams(
                (current) => {
                  const next = new URLSearchParams(current);
                  if (value) next.set('profil', value);
                  else next.delete('profil');
                  return next;
                },
                { replace: true },
              )
            }
          />
        )}
      </form>

      <section aria-labelledby="guides-titre" className="training__section">
        <h2 id="guides-titre">Guides</h2>
        <p className="muted" role="status">
          {guides.isPending ? 'Chargement des guides…' : guides.data ? resultsSentence(guides.data.length, q) : ''}
        </p>
        {guides.isError && <ErrorNotice error={guides.error} />}
        {guides.data && guides.data.length > 0 && (
          <ul className="guide-list" aria-busy={guides.isFetching}>
            {guides.data.map((guide) => (
              <GuideItem key={guide.id} guide={guide} manager={manager} />
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="videos-titre" className="training__section">
        <h2 id="videos-titre">Vidéos</h2>
        {videos.isPending && <p className="muted">Chargement des vidéos…</p>}
        {videos.isError && <ErrorNotice error={videos.error} />}
        {videos.data &&
          (shownVideos.length === 0 ? (
            <p className="muted">
              {videos.data.length === 0
                ? 'Aucune vidéo de formation pour votre profil pour l’instant.'
                : 'Aucune vidéo ne correspond à la recherche.'}
            </p>
          ) : (
            <ul className="video-list">
              {shownVideos.map((video) => (
                <li key={video.id}>
                  <VideoCard video={video} headingLevel="h3" showAudience={manager} />
                </li>
              ))}
            </ul>
          ))}
      </section>
    </div>
  );
}

function resultsSentence(count: number, q: string): string {
  const found = count === 0 ? 'Aucun guide' : count === 1 ? '1 guide' : `${count} guides`;
  return q ? `${found} pour « ${q} ».` : `${found}.`;
}

function SearchField({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Rechercher dans les guides et les vidéos</label>
      <input
        id={id}
        className="input"
        type="search"
        name="q"
        autoComplete="off"
        spellCheck={false}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-describedby={`${id}-aide`}
      />
      <p className="field__hint" id={`${id}-aide`}>
        Les résultats s’affichent pendant la frappe ; accents et majuscules n’y changent rien.
      </p>
    </div>
  );
}

function AudienceFilter({ value, onChange }: { value?: Audience; onChange: (value?: Audience) => void }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Guides destinés au profil</label>
      <select
        id={id}
        className="input"
        value={value ?? ''}
        onChange={(event) => onChange((event.target.value || undefined) as Audience | undefined)}
      >
        <option value="">tous les guides</option>
        {AUDIENCES.filter((a) => a !== 'tous').map((a) => (
          <option key={a} value={a}>
            {AUDIENCE_LABELS[a]}
          </option>
        ))}
      </select>
    </div>
  );
}

function GuideItem({ guide, manager }: { guide: GuideSummary; manager: boolean }) {
  return (
    <li className="guide-item">
      <h3>
        <Link to={`/formation/guides/${guide.slug}`}>{guide.title}</Link>
      </h3>
      <p className="muted">
        Pour : {audienceText(guide.audience)} · mis à jour le {formatDate(guide.updatedAt)}
        {manager && !guide.published && (
          <>
            {' · '}
            <strong className="training-draft">brouillon</strong>
          </>
        )}
      </p>
      {guide.excerpt && <p className="guide-item__excerpt">{guide.excerpt}</p>}
    </li>
  );
}
