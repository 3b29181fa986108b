import { sql, type Kysely } from 'kysely';

/**
 * The care-offer directory (src/directory/model.ts): professionals, structures, places, roles, SAS participation,
 * regulator notes.
 *
 * - Nothing is deleted: registry records are retired (`active = false`, `retired_at`).
 * - Communes are referenced by INSEE code (text, format checked); the foreign key to the communes table is added
 *   when the territory migration settles its name.
 * - The role carries copies of its professional's profession and specialty, its place's coordinates and its
 *   professional's SAS enrolment, kept by triggers, so the "nearest SAS GPs" query runs on one composite GiST
 *   index (specialty, geo_earth(lat, lon)) in the nearest-first shape of ENGINEERING-NOTES.
 * - Search text (unaccented, lower case, hyphens and apostrophes as spaces) is a stored generated column on
 *   immutable_unaccent, with trigram indexes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table directory_professional (
      id uuid primary key default gen_random_uuid(),
      national_id text not null,
      rpps text,
      adeli text,
      civility text,
      title text,
      family_name text not null,
      given_names text not null default '',
      profession_code text not null,
      profession_label text not null,
      category_code text,
      category_label text,
      specialty_code text,
      specialty_label text,
      active boolean not null default true,
      retired_at timestamptz,
      source text not null,
      last_import_id uuid,
      provenance jsonb not null default '{}',
      search_text text generated always as (
        lower(immutable_unaccent(regexp_replace(family_name || ' ' || given_names, '[-''’]+', ' ', 'g')))
      ) stored,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint directory_professional_national_id_key unique (national_id),
      constraint directory_professional_national_id_check check (national_id <> ''),
      constraint directory_professional_rpps_check check (rpps ~ '^[0-9]{11}$'),
      constraint directory_professional_adeli_check check (adeli ~ '^[0-9A-Z]{9}$'),
      constraint directory_professional_family_name_check check (family_name <> ''),
      constraint directory_professional_retired_check check (active = (retired_at is null))
    );
    create unique index directory_professional_rpps_key on directory_professional (rpps) where rpps is not null;
    create index directory_professional_adeli_idx on directory_professional (adeli) where adeli is not null;
    create index directory_professional_specialty_idx on directory_professional (profession_code, specialty_code);
    create index directory_professional_search_idx on directory_professional using gin (search_text gin_trgm_ops);
    create index directory_professional_import_idx on directory_professional (source, last_import_id) where active;

    create table directory_structure (
      id uuid primary key default gen_random_uuid(),
      kind text not null,
      name text not null,
      national_id text,
      finess_site text,
      finess_legal text,
      siret text,
      technical_id text,
      parent_id uuid references directory_structure (id),
      active boolean not null default true,
      retired_at timestamptz,
      source text not null,
      last_import_id uuid,
      provenance jsonb not null default '{}',
      search_text text generated always as (
        lower(immutable_unaccent(regexp_replace(name, '[-''’]+', ' ', 'g')))
      ) stored,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint directory_structure_kind_check check (kind in (
        'practice', 'msp', 'cds', 'cpts', 'hospital', 'laboratory', 'pharmacy', 'ehpad',
        'sos-medecins', 'sos-fixed-point', 'mmg', 'other'
      )),
      constraint directory_structure_name_check check (name <> ''),
      constraint directory_structure_finess_site_check check (finess_site ~ '^[0-9][0-9A-Z][0-9]{7}$'),
      constraint directory_structure_finess_legal_check check (finess_legal ~ '^[0-9][0-9A-Z][0-9]{7}$'),
      constraint directory_structure_siret_check check (siret ~ '^[0-9]{14}$'),
      constraint directory_structure_identified_check check (
        finess_site is not null or siret is not null or technical_id is not null
      ),
      constraint directory_structure_parent_check check (parent_id <> id),
      constraint directory_structure_fixed_point_check check (kind <> 'sos-fixed-point' or parent_id is not null),
      constraint directory_structure_retired_check check (active = (retired_at is null))
    );
    create unique index directory_structure_finess_site_key on directory_structure (finess_site)
      where finess_site is not null;
    create unique index directory_structure_technical_id_key on directory_structure (technical_id)
      where technical_id is not null;
    create unique index directory_structure_national_id_key on directory_structure (national_id)
      where national_id is not null;
    -- A SIRET can be shared by several FINESS sites: looked up, not unique.
    create index directory_structure_siret_idx on directory_structure (siret) where siret is not null;
    create index directory_structure_finess_legal_idx on directory_structure (finess_legal)
      where finess_legal is not null;
    create index directory_structure_parent_idx on directory_structure (parent_id) where parent_id is not null;
    create index directory_structure_kind_idx on directory_structure (kind) where active;
    create index directory_structure_search_idx on directory_structure using gin (search_text gin_trgm_ops);

    create table directory_place (
      id uuid primary key default gen_random_uuid(),
      place_key text not null,
      structure_id uuid references directory_structure (id),
      name text,
      address_lines text[] not null default '{}',
      postal_code text,
      commune_insee text references commune (insee_code),
      city text,
      latitude double precision,
      longitude double precision,
      coordinates_precision text,
      phone text,
      active boolean not null default true,
      retired_at timestamptz,
      source text not null,
      last_import_id uuid,
      provenance jsonb not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint directory_place_place_key_key unique (place_key),
      constraint directory_place_postal_code_check check (postal_code ~ '^[0-9]{5}$'),
      constraint directory_place_commune_insee_check check (commune_insee ~ '^([0-9]{2}|2[AB])[0-9]{3}$'),
      constraint directory_place_latitude_check check (latitude between -90 and 90),
      constraint directory_place_longitude_check check (longitude between -180 and 180),
      constraint directory_place_coordinates_check check ((latitude is null) = (longitude is null)),
      constraint directory_place_precision_check check (
        coordinates_precision in ('address', 'street', 'locality', 'commune', 'manual')
      ),
      constraint directory_place_located_check check ((latitude is null) = (coordinates_precision is null)),
      constraint directory_place_retired_check check (active = (retired_at is null))
    );
    create index directory_place_structure_idx on directory_place (structure_id) where structure_id is not null;
    create index directory_place_commune_idx on directory_place (commune_insee);
    create index directory_place_geo_idx on directory_place using gist (geo_earth(latitude, longitude));

    create table directory_sas_participation (
      professional_id uuid primary key references directory_professional (id),
      enrolled boolean not null,
      organisation_kind text,
      organisation_structure_id uuid references directory_structure (id),
      accepts_extra_patients boolean not null default false,
      enrolled_since date,
      updated_at timestamptz not null default now(),
      updated_by text not null,
      constraint directory_sas_participation_kind_check check (organisation_kind in ('individual', 'cpts', 'msp', 'sos')),
      constraint directory_sas_participation_enrolled_check check (not enrolled or organisation_kind is not null),
      constraint directory_sas_participation_individual_check check (
        organisation_kind is distinct from 'individual' or organisation_structure_id is null
      ),
      constraint directory_sas_participation_extra_check check (enrolled or not accepts_extra_patients)
    );
    create index directory_sas_participation_structure_idx on directory_sas_participation (organisation_structure_id)
      where organisation_structure_id is not null;

    create table directory_role (
      id uuid primary key default gen_random_uuid(),
      professional_id uuid not null references directory_professional (id),
      structure_id uuid references directory_structure (id),
      place_id uuid references directory_place (id),
      practice_mode text,
      phone text,
      email text,
      modalities text[] not null default '{}',
      fee_sector text,
      active boolean not null default true,
      retired_at timestamptz,
      source text not null,
      last_import_id uuid,
      provenance jsonb not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      profession_code text not null,
      specialty_code text,
      latitude double precision,
      longitude double precision,
      sas_enrolled boolean not null default false,
      constraint directory_role_key unique nulls not distinct (professional_id, structure_id, place_id),
      constraint directory_role_practice_mode_check check (practice_mode in ('liberal', 'salaried', 'volunteer')),
      constraint directory_role_modalities_check check (
        modalities <@ array['office', 'home-visit', 'teleconsultation']::text[]
      ),
      constraint directory_role_fee_sector_check check (fee_sector in ('1', '2', '3', 'non-conventionne')),
      constraint directory_role_retired_check check (active = (retired_at is null))
    );
    create index directory_role_place_idx on directory_role (place_id) where place_id is not null;
    create index directory_role_structure_idx on directory_role (structure_id) where structure_id is not null;
    -- Nearest-first search: the main filter column first, then the point (btree_gist).
    create index directory_role_specialty_geo_idx on directory_role
      using gist (specialty_code, geo_earth(latitude, longitude)) where active;
    create index directory_role_profession_geo_idx on directory_role
      using gist (profession_code, geo_earth(latitude, longitude)) where active;

    create table directory_regulator_note (
      place_id uuid primary key references directory_place (id),
      notes text,
      restrictions text,
      accepts_new_patients boolean,
      patients_note text,
      languages text[] not null default '{}',
      accessibility text,
      home_visit_area text,
      regulator_phone text,
      updated_at timestamptz not null default now(),
      updated_by text not null
    );

    -- The role's copies, recomputed on every write of a role: they cannot drift from their sources.
    create function directory_role_copy_sources() returns trigger language plpgsql as $$
    begin
      select p.profession_code, p.specialty_code into new.profession_code, new.specialty_code
        from directory_professional p where p.id = new.professional_id;
      select pl.latitude, pl.longitude into new.latitude, new.longitude
        from directory_place pl where pl.id = new.place_id;
      new.sas_enrolled := coalesce(
        (select s.enrolled from directory_sas_participation s where s.professional_id = new.professional_id), false);
      return new;
    end $$;
    create trigger directory_role_copy_sources before insert or update on directory_role
      for each row execute function directory_role_copy_sources();

    -- When a source changes, touching its roles makes the trigger above recompute their copies.
    create function directory_professional_refresh_roles() returns trigger language plpgsql as $$
    begin
      update directory_role set professional_id = professional_id where professional_id = new.id;
      return null;
    end $$;
    create trigger directory_professional_refresh_roles after update of profession_code, specialty_code
      on directory_professional for each row
      when (old.profession_code is distinct from new.profession_code
        or old.specialty_code is distinct from new.specialty_code)
      execute function directory_professional_refresh_roles();

    create function directory_place_refresh_roles() returns trigger language plpgsql as $$
    begin
      update directory_role set place_id = place_id where place_id = new.id;
      return null;
    end $$;
    create trigger directory_place_refresh_roles after update of latitude, longitude on directory_place
      for each row
      when (old.latitude is distinct from new.latitude or old.longitude is distinct from new.longitude)
      execute function directory_place_refresh_roles();

    create function directory_sas_participation_refresh_roles() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        update directory_role set professional_id = professional_id where professional_id = old.professional_id;
      else
        update directory_role set professional_id = professional_id
          where professional_id = new.professional_id and sas_enrolled is distinct from new.enrolled;
      end if;
      return null;
    end $$;
    create trigger directory_sas_participation_refresh_roles after insert or update or delete
      on directory_sas_participation for each row execute function directory_sas_participation_refresh_roles();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table directory_regulator_note;
    drop table directory_role;
    drop table directory_sas_participation;
    drop table directory_place;
    drop table directory_structure;
    drop table directory_professional;
    drop function directory_sas_participation_refresh_roles();
    drop function directory_place_refresh_roles();
    drop function directory_professional_refresh_roles();
    drop function directory_role_copy_sources();
  `.execute(db);
}
