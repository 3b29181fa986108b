import type { ColumnType, Generated } from 'kysely';
import { ROLES, type Role } from '../access/model.ts';

/**
 * The training space: user guides (Markdown, stored as text and never as HTML) and videos (files on disk,
 * metadata here), each aimed at one or more profiles, or at everyone. Guides and videos are national: they
 * describe the platform, which is the same in every territory.
 */

/** The audience value meaning "every profile", present and future. */
export const EVERYONE = 'tous';
export type Audience = Role | typeof EVERYONE;
export const AUDIENCES: readonly Audience[] = [EVERYONE, ...ROLES];

type TextArray = ColumnType<string[], string[], string[]>;

export interface TrainingTables {
  training_guide: {
    id: Generated<string>;
    /** Stable address of the guide (`/formation/guides/<slug>`); a shipped guide's is its file name. */
    slug: string;
    title: string;
    audience: TextArray;
    body_markdown: string;
    published: boolean;
    /** Increases at each change; an edit names the version it started from (two editors never overwrite). */
    version: Generated<number>;
    /** For a guide shipped with maillage: the hash of its content as last imported (null: written here). */
    shipped_hash: string | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
    updated_by: string | null;
    updated_by_label: string;
    archived_at: Date | null;
    archived_by: string | null;
  };
  /** Every earlier version of a guide, written when it is replaced: an edit never loses text. */
  training_guide_revision: {
    guide_id: string;
    version: number;
    title: string;
    audience: TextArray;
    body_markdown: string;
    published: boolean;
    saved_at: Date;
    saved_by: string | null;
    saved_by_label: string;
  };
  training_video: {
    id: string;
    title: string;
    description: string;
    audience: TextArray;
    /** `<id>.mp4` or `<id>.webm` in the videos folder: never a name a client chose. */
    file_name: string;
    mime: VideoMime;
    size_bytes: number;
    sha256: string;
    duration_seconds: number | null;
    /** WebVTT captions (French), for people who cannot hear the video. */
    captions_vtt: string | null;
    uploaded_at: Generated<Date>;
    uploaded_by: string | null;
    uploaded_by_label: string;
    updated_at: Generated<Date>;
    archived_at: Date | null;
    archived_by: string | null;
  };
}

export type VideoMime = 'video/mp4' | 'video/webm';

export interface GuideSummary {
  id: string;
  slug: string;
  title: string;
  audience: Audience[];
  published: boolean;
  archived: boolean;
  shipped: boolean;
  version: number;
  updatedAt: string;
  updatedBy: string;
  /** With a search: a few words of plain text around the first match. */
  excerpt: string | null;
}

export interface Guide extends GuideSummary {
  bodyMarkdown: string;
}

export interface Video {
  id: string;
  title: string;
  description: string;
  audience: Audience[];
  mime: VideoMime;
  sizeBytes: number;
  durationSeconds: number | null;
  hasCaptions: boolean;
  archived: boolean;
  uploadedAt: string;
  uploadedBy: string;
  contentUrl: string;
  captionsUrl: string | null;
}

/** Limits of what a guide may hold. */
export const GUIDE_LIMITS = { title: 200, body: 200_000, audience: AUDIENCES.length } as const;
export const VIDEO_LIMITS = { title: 200, description: 2_000, captions: 512 * 1024 } as const;
