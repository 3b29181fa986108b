import { sql, type Kysely } from 'kysely';

/**
 * Extensions and the IMMUTABLE wrappers that indexes use. The wrappers call schema-qualified functions
 * with a fixed search_path, so an index on them survives pg_dump / restore and works from any schema
 * (test runs isolate themselves in schemas).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const extension of ['pg_trgm', 'unaccent', 'cube', 'earthdistance', 'btree_gist']) {
    await sql`create extension if not exists ${sql.id(extension)} with schema public`.execute(db);
  }
  await sql`
    create or replace function immutable_unaccent(value text) returns text
      language sql immutable parallel safe strict
      as $$ select public.unaccent('public.unaccent'::regdictionary, value) $$;

    -- ll_to_earth's own body, schema-qualified: no SET search_path (which made each call ~10x slower, since a
    -- function with a SET clause is never inlined), yet it resolves under the empty search_path of a restore.
    create or replace function geo_earth(lat float8, lon float8) returns public.earth
      language sql immutable parallel safe strict
      as $$ select public.cube(public.cube(public.cube(public.earth() * cos(radians(lat)) * cos(radians(lon))),
        public.earth() * cos(radians(lat)) * sin(radians(lon))), public.earth() * sin(radians(lat)))::public.earth $$;

    create table maillage_meta (
      key text primary key,
      value jsonb not null,
      updated_at timestamptz not null default now()
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table maillage_meta;
    drop function geo_earth(float8, float8);
    drop function immutable_unaccent(text);
  `.execute(db);
}
