import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { Executor } from '../../db/database.ts';
import { inTransaction } from '../../db/transaction.ts';
import { decide } from '../access/check.ts';
import { authorize } from '../access/guard.ts';
import type { Actor } from '../access/model.ts';
import { audit } from '../audit/service.ts';
import { AppError, type FieldError } from '../errors.ts';
import { keepVideo, receiveVideo, tooLarge, videoPath, type VideoStorage } from './files.ts';
import {
  AUDIENCES,
  EVERYONE,
  GUIDE_LIMITS,
  VIDEO_LIMITS,
  type Audience,
  type Guide,
  type GuideSummary,
  type Video,
} from './model.ts';
import { guideContentHash, loadShippedGuides, type ShippedGuide } from './shipped.ts';
import {
  findGuide,
  findGuidesBySlugs,
  findVideo,
  findVideoCaptions,
  insertGuide,
  insertVideo,
  listGuides as listGuideRows,
  listVideos as listVideoRows,
  setGuideArchived,
  setVideoArchived,
  slugTaken,
  updateGuide as updateGuideRow,
  updateVideo as updateVideoRow,
  type ArchiveFilter,
  type Visibility,
} from './store.ts';
import { excerpt, isUuid, searchWords, slugify } from './text.ts';

/*
 * The training space's use cases. Everyone signed in reads the guides and videos aimed at one of his profiles
 * (or at everyone); a national administrator manages them all, drafts and archives included. Something aimed at
 * other profiles, a draft or an archive answers 404 to a reader, as if it did not exist. Every change is
 * audited; nothing is deleted (archived, restorable; every earlier version of a guide's text is kept).
 */

const GUIDE = 'Ce guide';
const VIDEO = 'Cette vidéo';

function isManager(actor: Actor): boolean {
  return decide(actor, 'training.manage') === 'allowed';
}

/** The audiences whose content the actor reads: his profiles and "tous"; everything for a manager. */
function visibility(actor: Actor): Visibility {
  if (isManager(actor)) return 'all';
  if (actor.kind !== 'user') return [];
  return [EVERYONE, ...new Set(actor.grants.map((grant) => grant.role))];
}

function canSee(actor: Actor, item: { audience: string[]; archived_at: Date | null; published?: boolean }): boolean {
  const reach = visibility(actor);
  if (reach === 'all') return true;
  return item.archived_at === null && item.published !== false && item.audience.some((a) => reach.includes(a));
}

function author(actor: Actor): { id: string | null; label: string } {
  switch (actor.kind) {
    case 'user':
      return { id: actor.accountId, label: actor.displayName };
    case 'system':
      return { id: null, label: `maillage (${actor.reason})` };
    case 'anonymous':
      return { id: null, label: 'anonyme' };
  }
}

// ── Validation ───────────────────────────────────────────────────────────────────────────────────────

function invalid(field: string, message: string): AppError {
  return new AppError('validation-failed', message, [{ field, message }]);
}

/** `tous` stands alone (it already means every profile); duplicates go; the order is the registry's. */
export function normaliseAudience(audience: readonly string[], field = 'audience'): Audience[] {
  const unknown = audience.filter((a) => !AUDIENCES.includes(a as Audience));
  if (unknown.length > 0) throw invalid(field, `Profil(s) inconnu(s) : ${unknown.join(', ')}.`);
  if (audience.length === 0) throw invalid(field, 'Choisissez au moins un profil, ou « tous ».');
  if (audience.includes(EVERYONE)) return [EVERYONE];
  return AUDIENCES.filter((a) => audience.includes(a));
}

function cleanTitle(title: string, field = 'title'): string {
  const clean = title.replace(/\s+/g, ' ').trim();
  if (clean.length === 0) throw invalid(field, 'Donnez un titre.');
  if (clean.length > GUIDE_LIMITS.title) throw invalid(field, `Au plus ${GUIDE_LIMITS.title} caractères.`);
  return clean;
}

/** Markdown as typed, line ends normalised; a NUL character (which PostgreSQL refuses) is an error, not a 500. */
function cleanBody(body: string): string {
  if (body.includes('\u0000')) throw invalid('bodyMarkdown', 'Le texte contient un caractère nul : retirez-le.');
  const clean = body.replace(/\r\n?/g, '\n');
  if (clean.length > GUIDE_LIMITS.body) {
    throw invalid('bodyMarkdown', `Le texte dépasse ${GUIDE_LIMITS.body.toLocaleString('fr-FR')} caractères.`);
  }
  return clean;
}

// ── Guides ───────────────────────────────────────────────────────────────────────────────────────────

type GuideRow = NonNullable<Awaited<ReturnType<typeof findGuide>>>;

function guideSummary(row: GuideRow, words: readonly string[] | null): GuideSummary {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    audience: row.audience as Audience[],
    published: row.published,
    archived: row.archived_at !== null,
    shipped: row.shipped_hash !== null,
    version: row.version,
    updatedAt: row.updated_at.toISOString(),
    updatedBy: row.updated_by_label,
    excerpt: words === null ? null : excerpt(row.body_markdown, words),
  };
}

export interface GuideSearch {
  /** Words to find in the title or the text, accents and case aside. */
  q?: string;
  /** Only guides aimed at this profile (or at everyone). */
  audience?: Audience;
  /** Managers: 'only' lists the archives, 'include' everything. */
  archived?: ArchiveFilter;
  limit?: number;
}

export async function listGuides(db: Executor, actor: Actor, search: GuideSearch = {}): Promise<GuideSummary[]> {
  await authorize(db, actor, 'training.read');
  const archived = search.archived ?? 'exclude';
  if (archived !== 'exclude') await authorize(db, actor, 'training.manage');
  const words = searchWords(search.q ?? '');
  const rows = await listGuideRows(db, {
    visibleTo: visibility(actor),
    includeDrafts: isManager(actor),
    archived,
    words,
    audience: search.audience,
    limit: Math.min(Math.max(search.limit ?? 100, 1), 200),
  });
  return rows.map((row) => guideSummary(row, words));
}

async function loadGuide(db: Executor, ref: string): Promise<GuideRow> {
  const row = await findGuide(db, isUuid(ref) ? { id: ref, slug: ref } : { slug: ref });
  if (!row) throw new AppError('not-found', `${GUIDE} est introuvable.`);
  return row;
}

/** One guide, by id or address, with its Markdown text (rendered by the web app, never stored as HTML). */
export async function getGuide(db: Executor, actor: Actor, ref: string): Promise<Guide> {
  await authorize(db, actor, 'training.read');
  const row = await loadGuide(db, ref);
  if (!canSee(actor, row)) throw new AppError('not-found', `${GUIDE} est introuvable.`);
  return { ...guideSummary(row, null), bodyMarkdown: row.body_markdown };
}

export interface NewGuide {
  title: string;
  audience: string[];
  bodyMarkdown: string;
  published?: boolean;
}

async function freeSlug(db: Executor, title: string): Promise<string> {
  const base = slugify(title);
  for (let n = 1; n < 1000; n += 1) {
    const slug = n === 1 ? base : `${base}-${n}`;
    if (!(await slugTaken(db, slug))) return slug;
  }
  return `${base}-${randomUUID().slice(0, 8)}`;
}

export async function createGuide(db: Executor, actor: Actor, input: NewGuide): Promise<Guide> {
  await authorize(db, actor, 'training.manage');
  const title = cleanTitle(input.title);
  const audience = normaliseAudience(input.audience);
  const body = cleanBody(input.bodyMarkdown);
  const by = author(actor);
  const id = await inTransaction(db, async (tx) => {
    const id = await insertGuide(tx, {
      slug: await freeSlug(tx, title),
      title,
      audience,
      body_markdown: body,
      published: input.published ?? false,
      shipped_hash: null,
      updated_by: by.id,
      updated_by_label: by.label,
      archived_at: null,
      archived_by: null,
    });
    await audit(tx, actor, {
      action: 'training.guide.create',
      outcome: 'success',
      objectType: 'training-guide',
      objectId: id,
      details: { audience, published: input.published ?? false },
    });
    return id;
  });
  return getGuide(db, actor, id);
}

export interface GuideChanges {
  /** The version the edit started from: refused (409) if someone saved another since. */
  version: number;
  title?: string;
  audience?: string[];
  bodyMarkdown?: string;
  published?: boolean;
}

export async function updateGuide(db: Executor, actor: Actor, ref: string, input: GuideChanges): Promise<Guide> {
  await authorize(db, actor, 'training.manage');
  const row = await loadGuide(db, ref);
  if (row.archived_at !== null) {
    throw new AppError('conflict', 'Ce guide est archivé : restaurez-le avant de le modifier.');
  }
  const changes: { title?: string; audience?: Audience[]; body_markdown?: string; published?: boolean } = {};
  if (input.title !== undefined && cleanTitle(input.title) !== row.title) changes.title = cleanTitle(input.title);
  if (input.audience !== undefined) {
    const audience = normaliseAudience(input.audience);
    if (audience.join() !== row.audience.join()) changes.audience = audience;
  }
  if (input.bodyMarkdown !== undefined && cleanBody(input.bodyMarkdown) !== row.body_markdown) {
    changes.body_markdown = cleanBody(input.bodyMarkdown);
  }
  if (input.published !== undefined && input.published !== row.published) changes.published = input.published;
  if (input.version !== row.version) throw staleVersion(row);
  if (Object.keys(changes).length === 0) return getGuide(db, actor, row.id);

  const by = author(actor);
  await inTransaction(db, async (tx) => {
    const saved = await updateGuideRow(tx, row.id, input.version, {
      ...changes,
      updated_by: by.id,
      updated_by_label: by.label,
    });
    if (!saved) throw staleVersion(await loadGuide(tx, row.id));
    await audit(tx, actor, {
      action: 'training.guide.update',
      outcome: 'success',
      objectType: 'training-guide',
      objectId: row.id,
      details: {
        fields: Object.keys(changes).map((k) => (k === 'body_markdown' ? 'bodyMarkdown' : k)),
        version: row.version + 1,
        ...(changes.published !== undefined ? { published: changes.published } : {}),
      },
    });
  });
  return getGuide(db, actor, row.id);
}

function staleVersion(current: GuideRow): AppError {
  return new AppError(
    'conflict',
    `Ce guide a été modifié entre-temps par ${current.updated_by_label} (version ${current.version}) : ` +
      'rechargez-le, reportez vos changements, puis enregistrez de nouveau. Votre texte n’a pas été enregistré.',
    [{ field: 'version', message: `Version actuelle : ${current.version}.` }],
  );
}

/** Archives (hides from every list, keeps everything, restorable) or restores a guide. */
export async function setGuideArchive(db: Executor, actor: Actor, ref: string, archived: boolean): Promise<Guide> {
  await authorize(db, actor, 'training.manage');
  const row = await loadGuide(db, ref);
  await inTransaction(db, async (tx) => {
    if (!(await setGuideArchived(tx, row.id, author(actor).id, archived))) {
      throw new AppError('conflict', archived ? 'Ce guide est déjà archivé.' : 'Ce guide n’est pas archivé.');
    }
    await audit(tx, actor, {
      action: archived ? 'training.guide.archive' : 'training.guide.restore',
      outcome: 'success',
      objectType: 'training-guide',
      objectId: row.id,
    });
  });
  return getGuide(db, actor, row.id);
}

// ── Shipped guides ───────────────────────────────────────────────────────────────────────────────────

export type ShippedStatus = 'absent' | 'current' | 'update-available' | 'modified-here' | 'archived' | 'slug-taken';

export const SHIPPED_STATUS_LABELS: Record<ShippedStatus, string> = {
  absent: 'pas encore importé',
  current: 'à jour',
  'update-available': 'nouvelle version livrée',
  'modified-here': 'modifié ici : conservé tel quel',
  archived: 'archivé ici : conservé tel quel',
  'slug-taken': 'adresse déjà prise par un guide écrit ici',
};

function shippedStatus(file: ShippedGuide, row: GuideRow | undefined): ShippedStatus {
  if (!row) return 'absent';
  if (row.shipped_hash === null) return 'slug-taken';
  if (row.archived_at !== null) return 'archived';
  const current = guideContentHash({ title: row.title, audience: row.audience, bodyMarkdown: row.body_markdown });
  if (current === guideContentHash(file)) return 'current';
  // Unchanged here since the last import: the new shipped version replaces it. Edited here: the edit wins.
  return current === row.shipped_hash ? 'update-available' : 'modified-here';
}

export interface ShippedGuideState {
  slug: string;
  title: string;
  audience: Audience[];
  status: ShippedStatus;
  statusLabel: string;
  guideId: string | null;
}

/** The guides shipped with this version of maillage, and where each stands in the database. */
export async function shippedGuidesState(
  db: Executor,
  actor: Actor,
  files: ShippedGuide[] = loadShippedGuides(),
): Promise<ShippedGuideState[]> {
  await authorize(db, actor, 'training.manage');
  const rows = new Map(
    (
      await findGuidesBySlugs(
        db,
        files.map((f) => f.slug),
      )
    ).map((r) => [r.slug, r]),
  );
  return files.map((file) => {
    const status = shippedStatus(file, rows.get(file.slug));
    return {
      slug: file.slug,
      title: file.title,
      audience: file.audience,
      status,
      statusLabel: SHIPPED_STATUS_LABELS[status],
      guideId: rows.get(file.slug)?.id ?? null,
    };
  });
}

/**
 * Brings the shipped guides in: creates the missing ones (published), replaces those not edited here since their
 * last import (the previous text goes to the revisions), and leaves alone those edited or archived here.
 */
export async function importShippedGuides(
  db: Executor,
  actor: Actor,
  files: ShippedGuide[] = loadShippedGuides(),
): Promise<ShippedGuideState[]> {
  const before = await shippedGuidesState(db, actor, files);
  const by = author(actor);
  const label = by.id === null ? 'maillage (guide livré)' : `${by.label} (guide livré importé)`;
  await inTransaction(db, async (tx) => {
    const rows = new Map(
      (
        await findGuidesBySlugs(
          tx,
          files.map((f) => f.slug),
        )
      ).map((r) => [r.slug, r]),
    );
    for (const file of files) {
      const row = rows.get(file.slug);
      const status = shippedStatus(file, row);
      const hash = guideContentHash(file);
      if (status === 'absent') {
        const id = await insertGuide(tx, {
          slug: file.slug,
          title: file.title,
          audience: file.audience,
          body_markdown: file.bodyMarkdown,
          published: true,
          shipped_hash: hash,
          updated_by: by.id,
          updated_by_label: label,
          archived_at: null,
          archived_by: null,
        });
        await audit(tx, actor, {
          action: 'training.guide.import',
          outcome: 'success',
          objectType: 'training-guide',
          objectId: id,
          details: { slug: file.slug, status },
        });
      } else if (status === 'update-available' && row) {
        await updateGuideRow(tx, row.id, row.version, {
          title: file.title,
          audience: file.audience,
          body_markdown: file.bodyMarkdown,
          shipped_hash: hash,
          updated_by: by.id,
          updated_by_label: label,
        });
        await audit(tx, actor, {
          action: 'training.guide.import',
          outcome: 'success',
          objectType: 'training-guide',
          objectId: row.id,
          details: { slug: file.slug, status, version: row.version + 1 },
        });
      }
    }
  });
  const after = await shippedGuidesState(db, actor, files);
  // Report what each one was before, with the id it has now.
  return before.map((state, i) => ({ ...state, guideId: after[i]!.guideId }));
}

// ── Videos ───────────────────────────────────────────────────────────────────────────────────────────

type VideoRow = NonNullable<Awaited<ReturnType<typeof findVideo>>>;

function videoView(row: VideoRow): Video {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    audience: row.audience as Audience[],
    mime: row.mime,
    sizeBytes: row.size_bytes,
    durationSeconds: row.duration_seconds,
    hasCaptions: row.has_captions,
    archived: row.archived_at !== null,
    uploadedAt: row.uploaded_at.toISOString(),
    uploadedBy: row.uploaded_by_label,
    contentUrl: `/api/training/videos/${row.id}/content`,
    captionsUrl: row.has_captions ? `/api/training/videos/${row.id}/captions` : null,
  };
}

export async function listVideos(db: Executor, actor: Actor, archived: ArchiveFilter = 'exclude'): Promise<Video[]> {
  await authorize(db, actor, 'training.read');
  if (archived !== 'exclude') await authorize(db, actor, 'training.manage');
  const rows = await listVideoRows(db, { visibleTo: visibility(actor), archived });
  return rows.map(videoView);
}

async function loadVideo(db: Executor, actor: Actor, id: string): Promise<VideoRow> {
  const row = await findVideo(db, id);
  if (!row || !canSee(actor, row)) throw new AppError('not-found', `${VIDEO} est introuvable.`);
  return row;
}

export async function getVideo(db: Executor, actor: Actor, id: string): Promise<Video> {
  await authorize(db, actor, 'training.read');
  return videoView(await loadVideo(db, actor, id));
}

export interface VideoDetails {
  title: string;
  audience: string[];
  description?: string;
  durationSeconds?: number | null;
}

function cleanVideoDetails(input: Partial<VideoDetails>) {
  const fields: FieldError[] = [];
  const out: { title?: string; audience?: Audience[]; description?: string; duration_seconds?: number | null } = {};
  if (input.title !== undefined) out.title = cleanTitle(input.title);
  if (input.audience !== undefined) out.audience = normaliseAudience(input.audience);
  if (input.description !== undefined) {
    out.description = input.description.replace(/\r\n?/g, '\n').trim();
    if (out.description.length > VIDEO_LIMITS.description || out.description.includes('\u0000')) {
      fields.push({ field: 'description', message: `Au plus ${VIDEO_LIMITS.description} caractères.` });
    }
  }
  if (input.durationSeconds !== undefined) out.duration_seconds = input.durationSeconds;
  if (fields.length > 0) throw new AppError('validation-failed', fields[0]!.message, fields);
  return out;
}

/**
 * Receives a video: rights and details checked before a byte is read, then the body streamed to disk (size
 * limit, format recognised from the first bytes), renamed into place, and only then recorded — no transaction
 * is open while bytes arrive.
 */
export async function uploadVideo(
  db: Executor,
  actor: Actor,
  storage: VideoStorage,
  details: VideoDetails,
  /** The request body as a stream; null when the request did not send the file as such. */
  body: AsyncIterable<Uint8Array> | null,
  declaredLength?: number,
): Promise<Video> {
  await authorize(db, actor, 'training.manage');
  if (body === null) {
    throw new AppError(
      'unsupported-media-type',
      'Envoyez le fichier vidéo tel quel, comme corps de la requête (type video/mp4, video/webm ou application/octet-stream).',
    );
  }
  const clean = cleanVideoDetails(details);
  if (declaredLength !== undefined && declaredLength > storage.videoMaxBytes) throw tooLarge(storage);
  const received = await receiveVideo(body, storage);
  const id = randomUUID();
  const fileName = `${id}.${received.extension}`;
  const kept = await keepVideo(storage, received, fileName);
  const by = author(actor);
  try {
    await inTransaction(db, async (tx) => {
      await insertVideo(tx, {
        id,
        title: clean.title!,
        description: clean.description ?? '',
        audience: clean.audience!,
        file_name: fileName,
        mime: received.mime,
        size_bytes: received.size,
        sha256: received.sha256,
        duration_seconds: clean.duration_seconds ?? null,
        captions_vtt: null,
        uploaded_by: by.id,
        uploaded_by_label: by.label,
        archived_at: null,
        archived_by: null,
      });
      await audit(tx, actor, {
        action: 'training.video.upload',
        outcome: 'success',
        objectType: 'training-video',
        objectId: id,
        details: { mime: received.mime, sizeBytes: received.size, sha256: received.sha256, audience: clean.audience },
      });
    });
  } catch (error) {
    await fs.promises.rm(kept, { force: true });
    throw error;
  }
  return getVideo(db, actor, id);
}

export async function updateVideo(
  db: Executor,
  actor: Actor,
  id: string,
  changes: Partial<VideoDetails>,
): Promise<Video> {
  await authorize(db, actor, 'training.manage');
  const row = await loadVideo(db, actor, id);
  const clean = cleanVideoDetails(changes);
  await inTransaction(db, async (tx) => {
    await updateVideoRow(tx, row.id, clean);
    await audit(tx, actor, {
      action: 'training.video.update',
      outcome: 'success',
      objectType: 'training-video',
      objectId: row.id,
      details: { fields: Object.keys(changes) },
    });
  });
  return getVideo(db, actor, id);
}

/** Attaches (or, with null, removes) French WebVTT captions. */
export async function setVideoCaptions(db: Executor, actor: Actor, id: string, vtt: string | null): Promise<Video> {
  await authorize(db, actor, 'training.manage');
  const row = await loadVideo(db, actor, id);
  let captions: string | null = null;
  if (vtt !== null) {
    captions = vtt.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
    if (!/^WEBVTT([ \t].*)?(\n|$)/.test(captions) || captions.includes('\u0000')) {
      throw new AppError(
        'unsupported-media-type',
        'Ce fichier n’est pas un sous-titrage WebVTT (il doit commencer par « WEBVTT ») : exportez les sous-titres au format .vtt.',
      );
    }
  }
  await inTransaction(db, async (tx) => {
    await updateVideoRow(tx, row.id, { captions_vtt: captions });
    await audit(tx, actor, {
      action: captions === null ? 'training.video.captions-remove' : 'training.video.captions',
      outcome: 'success',
      objectType: 'training-video',
      objectId: row.id,
      details: captions === null ? {} : { bytes: Buffer.byteLength(captions) },
    });
  });
  return getVideo(db, actor, id);
}

export async function getVideoCaptions(db: Executor, actor: Actor, id: string): Promise<string> {
  await authorize(db, actor, 'training.read');
  await loadVideo(db, actor, id);
  const vtt = await findVideoCaptions(db, id);
  if (vtt === null) throw new AppError('not-found', 'Cette vidéo n’a pas de sous-titres.');
  return vtt;
}

export async function setVideoArchive(db: Executor, actor: Actor, id: string, archived: boolean): Promise<Video> {
  await authorize(db, actor, 'training.manage');
  const row = await loadVideo(db, actor, id);
  await inTransaction(db, async (tx) => {
    if (!(await setVideoArchived(tx, row.id, author(actor).id, archived))) {
      throw new AppError('conflict', archived ? 'Cette vidéo est déjà archivée.' : 'Cette vidéo n’est pas archivée.');
    }
    await audit(tx, actor, {
      action: archived ? 'training.video.archive' : 'training.video.restore',
      outcome: 'success',
      objectType: 'training-video',
      objectId: row.id,
    });
  });
  return getVideo(db, actor, id);
}

/** What the forms check before sending: the same limits the server enforces. */
export async function trainingLimits(db: Executor, actor: Actor, storage: VideoStorage) {
  await authorize(db, actor, 'training.read');
  return {
    videoMaxBytes: storage.videoMaxBytes,
    captionsMaxBytes: VIDEO_LIMITS.captions,
    guideMaxCharacters: GUIDE_LIMITS.body,
    titleMaxCharacters: GUIDE_LIMITS.title,
  };
}

export interface VideoFile {
  path: string;
  size: number;
  mime: string;
  /** Strong: a video's file never changes once uploaded (a new file is a new video). */
  etag: string;
  lastModified: string;
  downloadName: string;
}

/** The file of a video the actor may watch, for the streaming route. */
export async function openVideoFile(db: Executor, actor: Actor, storage: VideoStorage, id: string): Promise<VideoFile> {
  await authorize(db, actor, 'training.read');
  const row = await loadVideo(db, actor, id);
  const filePath = videoPath(storage, row.file_name);
  const stat = await fs.promises.stat(filePath).catch(() => null);
  if (!stat || stat.size !== row.size_bytes) {
    throw new AppError(
      'not-found',
      'Le fichier de cette vidéo manque sur le serveur : signalez-le à l’administrateur national, qui la déposera de nouveau.',
    );
  }
  return {
    path: filePath,
    size: row.size_bytes,
    mime: row.mime,
    etag: `"${row.sha256.slice(0, 32)}"`,
    lastModified: row.uploaded_at.toUTCString(),
    downloadName: `${slugify(row.title)}.${row.mime === 'video/mp4' ? 'mp4' : 'webm'}`,
  };
}
