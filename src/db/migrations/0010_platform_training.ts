import { sql, type Kysely } from 'kysely';

/**
 * The training space: guides (Markdown text, with every earlier version kept) and videos (metadata; the files
 * live in the upload folder). Nothing is deleted: a guide or a video is archived, and can be restored.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table training_guide (
      id uuid primary key default gen_random_uuid(),
      slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 80),
      title text not null check (length(title) between 1 and 200),
      audience text[] not null check (cardinality(audience) between 1 and 20),
      body_markdown text not null check (length(body_markdown) <= 200000),
      published boolean not null default false,
      version integer not null default 1,
      -- Shipped with maillage: the hash of the content last imported, to tell a local edit from an old import.
      shipped_hash text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      updated_by uuid references account (id),
      updated_by_label text not null,
      archived_at timestamptz,
      archived_by uuid references account (id)
    );
    create index training_guide_audience_idx on training_guide using gin (audience);
    -- Accent- and case-insensitive search of title and text (LIKE '%mot%' uses the trigrams).
    create index training_guide_search_idx on training_guide
      using gin (lower(immutable_unaccent(title || ' ' || body_markdown)) gin_trgm_ops);

    create table training_guide_revision (
      guide_id uuid not null references training_guide (id),
      version integer not null,
      title text not null,
      audience text[] not null,
      body_markdown text not null,
      published boolean not null,
      saved_at timestamptz not null,
      saved_by uuid references account (id),
      saved_by_label text not null,
      primary key (guide_id, version)
    );

    create table training_video (
      id uuid primary key,
      title text not null check (length(title) between 1 and 200),
      description text not null default '' check (length(description) <= 2000),
      audience text[] not null check (cardinality(audience) between 1 and 20),
      file_name text not null unique check (file_name ~ '^[0-9a-f-]{36}[.](mp4|webm)$'),
      mime text not null check (mime in ('video/mp4', 'video/webm')),
      size_bytes bigint not null check (size_bytes > 0),
      sha256 text not null,
      duration_seconds integer check (duration_seconds > 0),
      captions_vtt text,
      uploaded_at timestamptz not null default now(),
      uploaded_by uuid references account (id),
      uploaded_by_label text not null,
      updated_at timestamptz not null default now(),
      archived_at timestamptz,
      archived_by uuid references account (id)
    );
    create index training_video_audience_idx on training_video using gin (audience);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table training_video; drop table training_guide_revision; drop table training_guide;`.execute(db);
}
