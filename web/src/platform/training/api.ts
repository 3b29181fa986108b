import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { api, ApiError, CSRF_HEADER, dataOrThrow } from '../../api/client.ts';
import type { paths } from '../../api/schema.d.ts';
import type { CurrentUser } from '../../shell/current-user.ts';
import { ROLE_LABELS } from '../../shell/roles.ts';

/** The training space as the API describes it. */
export type GuideSummary =
  paths['/api/training/guides']['get']['responses'][200]['content']['application/json'][number];
export type Guide = paths['/api/training/guides/{id}']['get']['responses'][200]['content']['application/json'];
export type Video = paths['/api/training/videos']['get']['responses'][200]['content']['application/json'][number];
export type ShippedGuide =
  paths['/api/training/shipped-guides']['get']['responses'][200]['content']['application/json'][number];
export type Audience = Guide['audience'][number];
export type ArchiveFilter = 'exclude' | 'only' | 'include';

export const AUDIENCE_LABELS: Record<Audience, string> = { tous: 'Tous les profils', ...ROLE_LABELS };
export const AUDIENCES = Object.keys(AUDIENCE_LABELS) as Audience[];

export function audienceText(audience: readonly Audience[]): string {
  return audience.map((a) => AUDIENCE_LABELS[a]).join(', ');
}

/** Who writes the guides: national administrators (the server checks it on every call). */
export function managesTraining(user: CurrentUser | null | undefined): boolean {
  return user?.grants.some((grant) => grant.role === 'national-admin') ?? false;
}

/** Every query of the training space starts with this key: invalidate it after a change. */
export const TRAINING_KEY = 'training';

export const guidesQuery = (search: { q?: string; audience?: Audience; archived?: ArchiveFilter }) =>
  queryOptions({
    queryKey: [TRAINING_KEY, 'guides', search],
    queryFn: ({ signal }) =>
      dataOrThrow(
        api.GET('/api/training/guides', {
          params: {
            query: {
              ...(search.q ? { q: search.q } : {}),
              ...(search.audience ? { audience: search.audience } : {}),
              ...(search.archived && search.archived !== 'exclude' ? { archived: search.archived } : {}),
            },
          },
          signal,
        }),
      ),
    // While the next results come, the previous ones stay: nothing jumps under the pointer.
    placeholderData: keepPreviousData,
  });

export const guideQuery = (ref: string) =>
  queryOptions({
    queryKey: [TRAINING_KEY, 'guide', ref],
    queryFn: ({ signal }) =>
      dataOrThrow(api.GET('/api/training/guides/{id}', { params: { path: { id: ref } }, signal })),
  });

export const videosQuery = (archived: ArchiveFilter = 'exclude') =>
  queryOptions({
    queryKey: [TRAINING_KEY, 'videos', archived],
    queryFn: ({ signal }) =>
      dataOrThrow(
        api.GET('/api/training/videos', {
          params: { query: archived === 'exclude' ? {} : { archived } },
          signal,
        }),
      ),
  });

export const limitsQuery = queryOptions({
  queryKey: [TRAINING_KEY, 'limits'],
  queryFn: ({ signal }) => dataOrThrow(api.GET('/api/training/limits', { signal })),
  staleTime: Infinity,
});

/** The server's sentence for a video over the limit, said before a byte is sent. */
export function tooLargeSentence(maxBytes: number): string {
  return `La vidéo dépasse la taille permise (${formatSize(maxBytes)}) : raccourcissez-la ou réduisez sa définition, puis déposez-la de nouveau.`;
}

export const shippedGuidesQuery = queryOptions({
  queryKey: [TRAINING_KEY, 'shipped'],
  queryFn: ({ signal }) => dataOrThrow(api.GET('/api/training/shipped-guides', { signal })),
});

/** Lower case without accents, to compare what is typed with titles. */
export function fold(text: string): string {
  return text.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '');
}

/** Every word of `query` in `text`, accents and case aside. */
export function matchesWords(text: string, query: string): boolean {
  const haystack = fold(text);
  return fold(query)
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => haystack.includes(word));
}

export function formatSize(bytes: number): string {
  if (bytes < 1_048_576) return `${Math.max(1, Math.round(bytes / 1024)).toLocaleString('fr-FR')} ko`;
  return `${(bytes / 1_048_576).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} Mo`;
}

export function formatDuration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return minutes === 0 ? `${rest} s` : `${minutes} min${rest > 0 ? ` ${String(rest).padStart(2, '0')} s` : ''}`;
}

/** "1:30", "90", "1 min 30" → seconds; undefined when empty; NaN when unreadable. */
export function parseDuration(text: string): number | undefined {
  const value = text.trim();
  if (value === '') return undefined;
  const clock = /^(\d{1,3}):([0-5]\d)$/.exec(value);
  if (clock) return Number(clock[1]) * 60 + Number(clock[2]);
  if (/^\d{1,5}$/.test(value)) return Number(value);
  const words = /^(\d{1,3})\s*min(?:\s*(\d{1,2})\s*s?)?$/i.exec(value);
  if (words) return Number(words[1]) * 60 + Number(words[2] ?? 0);
  return Number.NaN;
}

export interface UploadDetails {
  title: string;
  audience: Audience[];
  description?: string;
  durationSeconds?: number;
}

/**
 * Sends a video file as the request body, with its details in the address (POST /api/training/videos),
 * reporting the progress of the upload: fetch cannot, XMLHttpRequest can. Resolves with the video, rejects
 * with an ApiError carrying the server's French sentence.
 */
export function uploadVideo(
  file: Blob,
  details: UploadDetails,
  csrfToken: string,
  onProgress: (sent: number, total: number) => void,
  signal?: AbortSignal,
): Promise<Video> {
  const query = new URLSearchParams({ title: details.title });
  for (const audience of details.audience) query.append('audience', audience);
  if (details.description) query.set('description', details.description);
  if (details.durationSeconds !== undefined) query.set('durationSeconds', String(details.durationSeconds));

  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', `/api/training/videos?${query.toString()}`);
    request.setRequestHeader(
      'content-type',
      file.type === 'video/webm' || file.type === 'video/mp4' ? file.type : 'application/octet-stream',
    );
    request.setRequestHeader('accept', 'application/json');
    request.setRequestHeader(CSRF_HEADER, csrfToken);
    request.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    request.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = undefined;
      }
      if (request.status === 201) {
        resolve(body as Video);
        return;
      }
      reject(
        ApiError.fromResponse(
          new Response(null, {
            status: request.status,
            headers: { 'retry-after': request.getResponseHeader('retry-after') ?? '' },
          }),
          body,
        ),
      );
    };
    request.onerror = () => reject(ApiError.unreachable());
    request.onabort = () => reject(new DOMException('Envoi annulé', 'AbortError'));
    signal?.addEventListener('abort', () => request.abort());
    request.send(file);
  });
}
