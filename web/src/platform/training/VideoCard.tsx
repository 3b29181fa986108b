import { formatDate } from '../../format.ts';
import { audienceText, formatDuration, formatSize, type Video } from './api.ts';

/**
 * A training video: the browser's own player (keyboard-operable, seeking by range requests), its French
 * captions when there are some, and what it is about. Nothing plays by itself.
 */
export function VideoCard({
  video,
  headingLevel: Heading,
  showAudience = false,
}: {
  video: Video;
  headingLevel: 'h2' | 'h3';
  showAudience?: boolean;
}) {
  return (
    <article className="video-card panel" aria-labelledby={`video-${video.id}`}>
      <Heading id={`video-${video.id}`}>{video.title}</Heading>
      <video className="video-card__player" controls preload="metadata" aria-labelledby={`video-${video.id}`}>
        <source src={video.contentUrl} type={video.mime} />
        {video.captionsUrl && <track kind="captions" src={video.captionsUrl} srcLang="fr" label="Français" default />}
        <p>
          Votre navigateur ne lit pas cette vidéo : <a href={video.contentUrl}>téléchargez-la</a>.
        </p>
      </video>
      {video.description && <p className="video-card__description">{video.description}</p>}
      <p className="muted">
        {video.durationSeconds !== null && `${formatDuration(video.durationSeconds)} · `}
        {video.mime === 'video/mp4' ? 'MP4' : 'WebM'}, {formatSize(video.sizeBytes)}
        {video.hasCaptions ? ' · sous-titrée' : ' · sans sous-titres'}
        {showAudience && ` · pour : ${audienceText(video.audience)}`}
        {` · ajoutée le ${formatDate(video.uploadedAt)}`}
      </p>
    </article>
  );
}
