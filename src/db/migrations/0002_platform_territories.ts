import { sql, type Kysely } from 'kysely';

/**
 * Territories: the administrative reference (regions, départements, EPCI, communes) and the named
 * territories (a SAS, a CPTS, a DAC…) that rights and figures are scoped by. A territory's population is
 * always summed from its communes, never stored.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table region (
      code text primary key,
      name text not null
    );

    create table departement (
      code text primary key check (code ~ '^([0-9]{2}|2[AB]|9[78][0-9])$'),
      name text not null,
      region_code text not null references region (code),
      -- Target of the communes' (département, region) reference.
      unique (code, region_code)
    );

    create table epci (
      siren text primary key check (siren ~ '^[0-9]{9}$'),
      name text not null,
      -- CC, CA, CU, METRO, MET69: the legal form, as the DGCL lists it.
      legal_form text not null
    );

    create table commune (
      insee_code text primary key check (insee_code ~ '^([0-9]{2}|2[AB])[0-9]{3}$'),
      name text not null,
      departement_code text not null,
      region_code text not null,
      epci_siren text references epci (siren),
      postal_codes text[] not null default '{}',
      population integer not null check (population >= 0),
      latitude double precision not null check (latitude between -90 and 90),
      longitude double precision not null check (longitude between -180 and 180),
      coordinates_precision text not null
        check (coordinates_precision in ('official', 'geonames', 'postal-code-neighbour', 'epci', 'departement')),
      -- What type-ahead compares: lower-case, unaccented, punctuation as single spaces ("L'Haÿ-les-Roses" → "l hay les roses").
      search_name text generated always as (
        btrim(regexp_replace(lower(immutable_unaccent(name)), '[^a-z0-9]+', ' ', 'g'))
      ) stored,
      -- One check instead of two, and a commune's region is always its département's.
      foreign key (departement_code, region_code) references departement (code, region_code) on update cascade
    );
    create index commune_geo_idx on commune using gist (geo_earth(latitude, longitude));
    -- Type-ahead: names starting with the text on the B-tree, words inside and look-alikes on the trigrams.
    create index commune_search_name_prefix_idx on commune (search_name text_pattern_ops);
    create index commune_search_name_trgm_idx on commune using gin (search_name gin_trgm_ops);
    create index commune_postal_codes_idx on commune using gin (postal_codes);
    create index commune_departement_idx on commune (departement_code);
    create index commune_epci_idx on commune (epci_siren);

    -- Codes that name a part of a current commune: municipal arrondissements of Paris, Lyon and Marseille,
    -- and former communes merged since. Imports of professionals' addresses still carry them.
    create table commune_code_alias (
      code text primary key,
      insee_code text not null references commune (insee_code) on delete cascade,
      kind text not null check (kind in ('arrondissement-municipal', 'ancienne-commune')),
      -- The name the code stood for, when the COG still gives it.
      name text
    );
    create index commune_code_alias_insee_code_idx on commune_code_alias (insee_code);

    create table territory (
      id uuid primary key default gen_random_uuid(),
      kind text not null check (kind in ('national', 'region', 'departement', 'sas', 'cpts', 'dac', 'other')),
      code text not null check (code <> ''),
      name text not null check (name <> ''),
      created_at timestamptz not null default now(),
      constraint territory_kind_code_key unique (kind, code)
    );

    create table territory_commune (
      territory_id uuid not null references territory (id) on delete cascade,
      insee_code text not null references commune (insee_code),
      primary key (territory_id, insee_code)
    );
    create index territory_commune_insee_code_idx on territory_commune (insee_code);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table territory_commune;
    drop table territory;
    drop table commune_code_alias;
    drop table commune;
    drop table epci;
    drop table departement;
    drop table region;
  `.execute(db);
}
