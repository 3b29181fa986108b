import { sql, type Insertable, type Updateable } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { TrainingTables } from './model.ts';
import { containsPattern } from './text.ts';

type GuideRow = TrainingTables['training_guide'];
type VideoRow = TrainingTables['training_video'];

/** Whose content a list shows: everything (a manager), or what is aimed at one of these audiences. */
export type Visibility = 'all' | string[];
export type ArchiveFilter = 'exclude' | 'only' | 'include';

const GUIDE_COLUMNS = [
  'id',
  'slug',
  'title',
  'audience',
  'body_markdown',
  'published',
  'version',
  'shipped_hash',
  'created_at',
  'updated_at',
  'updated_by',
  'updated_by_label',
  'archived_at',
] as const;

const folded = (column: string) => sql`lower(immutable_unaccent(${sql.ref(column)}))`;

export function listGuides(
  db: Executor,
  filter: {
    visibleTo: Visibility;
    includeDrafts: boolean;
    archived: ArchiveFilter;
    /** Each word must be in the title or the text, whatever accents and case. */
    words: readonly string[];
    /** Only guides aimed at this audience (or at everyone). */
    audience?: string;
    limit: number;
  },
) {
  let query = db.selectFrom('training_guide').select(GUIDE_COLUMNS);
  if (filter.visibleTo !== 'all') query = query.where(sql<boolean>`audience && ${filter.visibleTo}::text[]`);
  if (filter.audience !== undefined) {
    query = query.where(sql<boolean>`audience && ${[filter.audience, 'tous']}::text[]`);
  }
  if (!filter.includeDrafts) query = query.where('published', '=', true);
  if (filter.archived === 'exclude') query = query.where('archived_at', 'is', null);
  if (filter.archived === 'only') query = query.where('archived_at', 'is not', null);
  for (const word of filter.words) {
    // The same expression as the trigram index training_guide_search_idx.
    query = query.where(
      sql<boolean>`lower(immutable_unaccent(title || ' ' || body_markdown)) like lower(immutable_unaccent(${containsPattern(word)}))`,
    );
  }
  if (filter.words.length > 0) {
    // Guides whose title holds every word first.
    const inTitle = filter.words.map(
      (word) => sql`${folded('title')} like lower(immutable_unaccent(${containsPattern(word)}))`,
    );
    query = query.orderBy(sql`case when ${sql.join(inTitle, sql` and `)} then 0 else 1 end`);
  }
  return query.orderBy(folded('title')).orderBy('id').limit(filter.limit).execute();
}

/** A guide by its id or its slug. */
export function findGuide(db: Executor, ref: { id?: string; slug: string }) {
  let query = db.selectFrom('training_guide').select(GUIDE_COLUMNS);
  query = ref.id
    ? query.where((eb) => eb.or([eb('id', '=', ref.id!), eb('slug', '=', ref.slug)]))
    : query.where('slug', '=', ref.slug);
  return query.executeTakeFirst();
}

export function findGuidesBySlugs(db: Executor, slugs: readonly string[]) {
  if (slugs.length === 0) return Promise.resolve([]);
  return db.selectFrom('training_guide').select(GUIDE_COLUMNS).where('slug', 'in', slugs).execute();
}

export async function slugTaken(db: Executor, slug: string): Promise<boolean> {
  return (await db.selectFrom('training_guide').select('id').where('slug', '=', slug).executeTakeFirst()) !== undefined;
}

export async function insertGuide(db: Executor, values: Insertable<GuideRow>): Promise<string> {
  const row = await db.insertInto('training_guide').values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Saves the current version among the revisions, then writes the changes as the next version — only if the
 * guide is still at `expectedVersion` (false otherwise: someone else saved in between).
 */
export async function updateGuide(
  db: Executor,
  id: string,
  expectedVersion: number,
  changes: Updateable<GuideRow> & { updated_by: string | null; updated_by_label: string },
): Promise<boolean> {
  const saved = await sql`
    insert into training_guide_revision
      (guide_id, version, title, audience, body_markdown, published, saved_at, saved_by, saved_by_label)
    select id, version, title, audience, body_markdown, published, updated_at, updated_by, updated_by_label
      from training_guide where id = ${id} and version = ${expectedVersion}
  `.execute(db);
  if (Number(saved.numAffectedRows ?? 0) === 0) return false;
  const result = await db
    .updateTable('training_guide')
    .set({ ...changes, version: sql<number>`version + 1`, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function setGuideArchived(db: Executor, id: string, by: string | null, archived: boolean) {
  const result = await db
    .updateTable('training_guide')
    .set(archived ? { archived_at: sql<Date>`now()`, archived_by: by } : { archived_at: null, archived_by: null })
    .where('id', '=', id)
    .where('archived_at', archived ? 'is' : 'is not', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export function countGuideRevisions(db: Executor, id: string) {
  return db
    .selectFrom('training_guide_revision')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('guide_id', '=', id)
    .executeTakeFirstOrThrow();
}

// ── Videos ───────────────────────────────────────────────────────────────────────────────────────────

const VIDEO_COLUMNS = [
  'id',
  'title',
  'description',
  'audience',
  'file_name',
  'mime',
  'size_bytes',
  'sha256',
  'duration_seconds',
  sql<boolean>`captions_vtt is not null`.as('has_captions'),
  'uploaded_at',
  'uploaded_by_label',
  'updated_at',
  'archived_at',
] as const;

export function listVideos(db: Executor, filter: { visibleTo: Visibility; archived: ArchiveFilter }) {
  let query = db.selectFrom('training_video').select(VIDEO_COLUMNS);
  if (filter.visibleTo !== 'all') query = query.where(sql<boolean>`audience && ${filter.visibleTo}::text[]`);
  if (filter.archived === 'exclude') query = query.where('archived_at', 'is', null);
  if (filter.archived === 'only') query = query.where('archived_at', 'is not', null);
  return query.orderBy(folded('title')).orderBy('id').limit(500).execute();
}

export function findVideo(db: Executor, id: string) {
  return db.selectFrom('training_video').select(VIDEO_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export async function findVideoCaptions(db: Executor, id: string): Promise<string | null> {
  const row = await db.selectFrom('training_video').select('captions_vtt').where('id', '=', id).executeTakeFirst();
  return row?.captions_vtt ?? null;
}

export async function insertVideo(db: Executor, values: Insertable<VideoRow>): Promise<void> {
  await db.insertInto('training_video').values(values).execute();
}

export async function updateVideo(db: Executor, id: string, changes: Updateable<VideoRow>): Promise<void> {
  await db
    .updateTable('training_video')
    .set({ ...changes, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

export async function setVideoArchived(db: Executor, id: string, by: string | null, archived: boolean) {
  const result = await db
    .updateTable('training_video')
    .set(archived ? { archived_at: sql<Date>`now()`, archived_by: by } : { archived_at: null, archived_by: null })
    .where('id', '=', id)
    .where('archived_at', archived ? 'is' : 'is not', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
