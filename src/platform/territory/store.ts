import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../db/database.ts';
import {
  TERRITORY_KINDS,
  type Commune,
  type CommuneCodeAlias,
  type CommuneDetail,
  type CommuneSummary,
  type CoordinatesPrecision,
  type Departement,
  type Epci,
  type NearbyCommune,
  type Region,
  type Territory,
  type TerritoryKind,
  type TerritorySummary,
} from './model.ts';

/** All the SQL of territories. Every function runs on the executor it is given (database or transaction). */

/** Rows per statement in bulk loads: one JSON parameter of about 1 MB. */
const BATCH_SIZE = 5000;

function batches<T>(rows: readonly T[], size = BATCH_SIZE): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

function json(rows: unknown): RawBuilder<unknown> {
  return sql`${JSON.stringify(rows)}::jsonb`;
}

// ── Bulk loads ───────────────────────────────────────────────────────────────────────────────────────

export async function upsertRegions(db: Executor, regions: readonly Region[]): Promise<void> {
  if (regions.length === 0) return;
  await sql`
    insert into region (code, name)
    select code, name from jsonb_to_recordset(${json(regions)}) as r(code text, name text)
    on conflict (code) do update set name = excluded.name where region.name is distinct from excluded.name
  `.execute(db);
}

export async function upsertDepartements(db: Executor, departements: readonly Departement[]): Promise<void> {
  if (departements.length === 0) return;
  await sql`
    insert into departement (code, name, region_code)
    select code, name, "regionCode"
    from jsonb_to_recordset(${json(departements)}) as r(code text, name text, "regionCode" text)
    on conflict (code) do update set name = excluded.name, region_code = excluded.region_code
      where (departement.name, departement.region_code) is distinct from (excluded.name, excluded.region_code)
  `.execute(db);
}

export async function upsertEpcis(db: Executor, epcis: readonly Epci[]): Promise<void> {
  for (const batch of batches(epcis)) {
    await sql`
      insert into epci (siren, name, legal_form)
      select siren, name, "legalForm" from jsonb_to_recordset(${json(batch)}) as r(siren text, name text, "legalForm" text)
      on conflict (siren) do update set name = excluded.name, legal_form = excluded.legal_form
        where (epci.name, epci.legal_form) is distinct from (excluded.name, excluded.legal_form)
    `.execute(db);
  }
}

/**
 * Inserts or refreshes communes. Coordinates imported from an official file are kept: a refresh from the
 * packages must not replace them with approximations.
 */
export async function upsertCommunes(
  db: Executor,
  communes: readonly Commune[],
  onBatch?: (done: number) => void,
): Promise<void> {
  let done = 0;
  for (const batch of batches(communes)) {
    await sql`
      insert into commune (insee_code, name, departement_code, region_code, epci_siren, postal_codes, population,
        latitude, longitude, coordinates_precision)
      select "inseeCode", name, "departementCode", "regionCode", "epciSiren", "postalCodes", population,
        latitude, longitude, "coordinatesPrecision"
      from jsonb_to_recordset(${json(batch)}) as r("inseeCode" text, name text, "departementCode" text,
        "regionCode" text, "epciSiren" text, "postalCodes" text[], population integer, latitude float8,
        longitude float8, "coordinatesPrecision" text)
      on conflict (insee_code) do update set
        name = excluded.name,
        departement_code = excluded.departement_code,
        region_code = excluded.region_code,
        epci_siren = excluded.epci_siren,
        postal_codes = excluded.postal_codes,
        population = excluded.population,
        latitude = case when commune.coordinates_precision = 'official' then commune.latitude else excluded.latitude end,
        longitude = case when commune.coordinates_precision = 'official' then commune.longitude else excluded.longitude end,
        coordinates_precision = case when commune.coordinates_precision = 'official' then 'official'
          else excluded.coordinates_precision end
      -- An unchanged commune is not rewritten: a yearly refresh touches only what the COG changed.
      where (commune.name, commune.departement_code, commune.region_code, commune.epci_siren, commune.postal_codes,
          commune.population)
        is distinct from (excluded.name, excluded.departement_code, excluded.region_code, excluded.epci_siren,
          excluded.postal_codes, excluded.population)
        or (commune.coordinates_precision <> 'official'
          and (commune.latitude, commune.longitude, commune.coordinates_precision)
            is distinct from (excluded.latitude, excluded.longitude, excluded.coordinates_precision))
    `.execute(db);
    done += batch.length;
    onBatch?.(done);
  }
}

export async function upsertCommuneCodeAliases(db: Executor, aliases: readonly CommuneCodeAlias[]): Promise<void> {
  for (const batch of batches(aliases)) {
    await sql`
      insert into commune_code_alias (code, insee_code, kind, name)
      select code, "inseeCode", kind, name
      from jsonb_to_recordset(${json(batch)}) as r(code text, "inseeCode" text, kind text, name text)
      on conflict (code) do update set insee_code = excluded.insee_code, kind = excluded.kind, name = excluded.name
        where (commune_code_alias.insee_code, commune_code_alias.kind, commune_code_alias.name)
          is distinct from (excluded.insee_code, excluded.kind, excluded.name)
    `.execute(db);
  }
}

/** Sets imported coordinates; returns the INSEE codes that matched a commune. */
export async function updateOfficialCoordinates(
  db: Executor,
  rows: readonly { inseeCode: string; latitude: number; longitude: number }[],
): Promise<string[]> {
  if (rows.length === 0) return [];
  const result = await sql<{ insee_code: string }>`
    update commune c set latitude = r.latitude, longitude = r.longitude, coordinates_precision = 'official'
    from jsonb_to_recordset(${json(rows)}) as r("inseeCode" text, latitude float8, longitude float8)
    where c.insee_code = r."inseeCode"
    returning c.insee_code
  `.execute(db);
  return result.rows.map((r) => r.insee_code);
}

// ── Communes ─────────────────────────────────────────────────────────────────────────────────────────

export async function countCommunes(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('commune')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function countCommunesByPrecision(db: Executor): Promise<Record<CoordinatesPrecision, number>> {
  const rows = await db
    .selectFrom('commune')
    .select(['coordinates_precision', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('coordinates_precision')
    .execute();
  const counts: Record<CoordinatesPrecision, number> = {
    official: 0,
    geonames: 0,
    'postal-code-neighbour': 0,
    epci: 0,
    departement: 0,
  };
  for (const row of rows) counts[row.coordinates_precision] = Number(row.n);
  return counts;
}

const SUMMARY_COLUMNS = sql`c.insee_code, c.name, c.departement_code, c.postal_codes, c.population, c.latitude,
  c.longitude, c.coordinates_precision`;

interface SummaryRow {
  insee_code: string;
  name: string;
  departement_code: string;
  postal_codes: string[];
  population: number;
  latitude: number;
  longitude: number;
  coordinates_precision: CoordinatesPrecision;
}

function toSummary(row: SummaryRow): CommuneSummary {
  return {
    inseeCode: row.insee_code,
    name: row.name,
    departementCode: row.departement_code,
    postalCodes: row.postal_codes,
    population: row.population,
    latitude: row.latitude,
    longitude: row.longitude,
    coordinatesPrecision: row.coordinates_precision,
  };
}

export async function findCommuneDetail(db: Executor, inseeCode: string): Promise<CommuneDetail | undefined> {
  const row = await db
    .selectFrom('commune as c')
    .innerJoin('departement as d', 'd.code', 'c.departement_code')
    .innerJoin('region as r', 'r.code', 'c.region_code')
    .leftJoin('epci as e', 'e.siren', 'c.epci_siren')
    .select([
      'c.insee_code',
      'c.name',
      'c.departement_code',
      'c.region_code',
      'c.epci_siren',
      'c.postal_codes',
      'c.population',
      'c.latitude',
      'c.longitude',
      'c.coordinates_precision',
      'd.name as departement_name',
      'r.name as region_name',
      'e.name as epci_name',
    ])
    .where('c.insee_code', '=', inseeCode)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    inseeCode: row.insee_code,
    name: row.name,
    departementCode: row.departement_code,
    regionCode: row.region_code,
    epciSiren: row.epci_siren,
    postalCodes: row.postal_codes,
    population: row.population,
    latitude: row.latitude,
    longitude: row.longitude,
    coordinatesPrecision: row.coordinates_precision,
    departementName: row.departement_name,
    regionName: row.region_name,
    epciName: row.epci_name,
  };
}

/** The current commune a code names: its own, or that of an arrondissement or former commune. */
export async function resolveCommuneCode(db: Executor, code: string): Promise<string | undefined> {
  const row = await sql<{ insee_code: string }>`
    select insee_code from commune where insee_code = ${code}
    union all
    select insee_code from commune_code_alias where code = ${code}
    limit 1
  `.execute(db);
  return row.rows[0]?.insee_code;
}

/** For each code, the current commune it names (itself, or through an alias); unknown codes are absent. */
export async function resolveCommuneCodes(db: Executor, codes: readonly string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const result = await sql<{ code: string; insee_code: string }>`
    select q.code, coalesce(c.insee_code, a.insee_code) as insee_code
    from unnest(${[...new Set(codes)]}::text[]) as q (code)
    left join commune c on c.insee_code = q.code
    left join commune_code_alias a on a.code = q.code
    where c.insee_code is not null or a.insee_code is not null
  `.execute(db);
  return new Map(result.rows.map((r) => [r.code, r.insee_code]));
}

/** The codes of `codes` that name no current commune. */
export async function unknownCommuneCodes(db: Executor, codes: readonly string[]): Promise<string[]> {
  if (codes.length === 0) return [];
  const result = await sql<{ code: string }>`
    select code from unnest(${[...codes]}::text[]) as code
    where not exists (select 1 from commune c where c.insee_code = code)
    order by code
  `.execute(db);
  return result.rows.map((r) => r.code);
}

/** The same normalisation as the generated column `commune.search_name`, applied to a query text. */
function searchText(text: string): RawBuilder<string> {
  return sql<string>`btrim(regexp_replace(lower(immutable_unaccent(${text})), '[^a-z0-9]+', ' ', 'g'))`;
}

/** How a commune's name matches a type-ahead text, best first. */
export type NameMatch = 'prefix' | 'word-prefix' | 'look-alike';

/**
 * Communes whose name matches `text` in one way, closest first (the exact name, then by trigram
 * similarity, then the most populated), leaving out those a better way already matched. One query per
 * way keeps each on its index: the prefix on the text_pattern_ops B-tree, the others on the trigram GIN.
 */
export async function searchCommunesByName(
  db: Executor,
  text: string,
  match: NameMatch,
  limit: number,
): Promise<CommuneSummary[]> {
  const q = searchText(text);
  const prefix = sql`c.search_name like ${q} || '%'`;
  const wordPrefix = sql`c.search_name like '% ' || ${q} || '%'`;
  const where =
    match === 'prefix'
      ? prefix
      : match === 'word-prefix'
        ? sql`${wordPrefix} and not (${prefix})`
        : sql`c.search_name % ${q} and not (${prefix}) and not (${wordPrefix})`;
  const result = await sql<SummaryRow>`
    select ${SUMMARY_COLUMNS}
    from commune c
    where ${where}
    order by c.search_name = ${q} desc, similarity(c.search_name, ${q}) desc, c.population desc, c.insee_code
    limit ${limit}
  `.execute(db);
  return result.rows.map(toSummary);
}

/**
 * Type-ahead by code: `prefix` (2 to 5 characters) starts a postal or an INSEE code. An exact code comes
 * first, then the most populated. A whole code stays on the indexes (GIN of the postal codes, primary
 * key); a shorter prefix scans the table's postal codes (about 30 ms on PGlite), an array overlap with
 * every code the prefix could start being slower still without the index, which the planner won't use.
 */
export async function searchCommunesByCode(db: Executor, prefix: string, limit: number): Promise<CommuneSummary[]> {
  const where =
    prefix.length === 5
      ? sql`c.postal_codes @> array[${prefix}]::text[] or c.insee_code = ${prefix}`
      : sql`c.insee_code between ${prefix.padEnd(5, '0')} and ${prefix.padEnd(5, '9')}
          or exists (select 1 from unnest(c.postal_codes) p where p like ${`${prefix}%`})`;
  const result = await sql<SummaryRow>`
    select ${SUMMARY_COLUMNS}
    from commune c
    where ${where}
    order by (c.insee_code = ${prefix} or ${prefix} = any (c.postal_codes)) desc, c.population desc, c.insee_code
    limit ${limit}
  `.execute(db);
  return result.rows.map(toSummary);
}

/** Nearest first, through the GiST index on geo_earth (see ENGINEERING-NOTES: KNN then the radius check). */
export async function nearestCommunes(
  db: Executor,
  point: { latitude: number; longitude: number },
  limit: number,
  maxDistanceKm: number,
): Promise<NearbyCommune[]> {
  const result = await sql<SummaryRow & { distance_m: number }>`
    select * from (
      select ${SUMMARY_COLUMNS},
        earth_distance(geo_earth(c.latitude, c.longitude), geo_earth(${point.latitude}, ${point.longitude})) as distance_m
      from commune c
      order by geo_earth(c.latitude, c.longitude) <-> geo_earth(${point.latitude}, ${point.longitude})
      limit ${limit}
    ) nearest
    where distance_m <= ${maxDistanceKm * 1000}
    order by distance_m, insee_code
  `.execute(db);
  return result.rows.map((row) => ({ ...toSummary(row), distanceKm: Math.round(row.distance_m / 100) / 10 }));
}

/** Communes of a département, a region or an EPCI; all communes when empty. */
export interface CommuneFilter {
  departementCode?: string;
  regionCode?: string;
  epciSiren?: string;
}

export function findDepartement(db: Executor, code: string) {
  return db
    .selectFrom('departement')
    .select(['code', 'name', 'region_code'])
    .where('code', '=', code)
    .executeTakeFirst();
}

export function findRegion(db: Executor, code: string) {
  return db.selectFrom('region').select(['code', 'name']).where('code', '=', code).executeTakeFirst();
}

export function findEpci(db: Executor, siren: string) {
  return db.selectFrom('epci').select(['siren', 'name', 'legal_form']).where('siren', '=', siren).executeTakeFirst();
}

// ── Named territories ────────────────────────────────────────────────────────────────────────────────

export async function countTerritories(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('territory')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertTerritory(
  db: Executor,
  territory: { id?: string; kind: TerritoryKind; code: string; name: string },
): Promise<Territory> {
  const { id, ...rest } = territory;
  return db
    .insertInto('territory')
    .values(id === undefined ? rest : { id, ...rest })
    .returning(['id', 'kind', 'code', 'name'])
    .executeTakeFirstOrThrow();
}

export async function findTerritoryByKindAndCode(
  db: Executor,
  kind: TerritoryKind,
  code: string,
): Promise<Territory | undefined> {
  return db
    .selectFrom('territory')
    .select(['id', 'kind', 'code', 'name'])
    .where('kind', '=', kind)
    .where('code', '=', code)
    .executeTakeFirst();
}

export async function addTerritoryCommunes(db: Executor, territoryId: string, inseeCodes: readonly string[]) {
  for (const batch of batches(inseeCodes, 20_000)) {
    await sql`
      insert into territory_commune (territory_id, insee_code)
      select ${territoryId}::uuid, code from unnest(${batch}::text[]) as code
      on conflict do nothing
    `.execute(db);
  }
}

/** Adds the communes matching `where` in one statement, without a round trip through the application. */
export async function addTerritoryCommunesWhere(db: Executor, territoryId: string, where: CommuneFilter) {
  let query = db.selectFrom('commune').select([sql<string>`${territoryId}::uuid`.as('territory_id'), 'insee_code']);
  if (where.departementCode !== undefined) query = query.where('departement_code', '=', where.departementCode);
  if (where.regionCode !== undefined) query = query.where('region_code', '=', where.regionCode);
  if (where.epciSiren !== undefined) query = query.where('epci_siren', '=', where.epciSiren);
  await db
    .insertInto('territory_commune')
    .columns(['territory_id', 'insee_code'])
    .expression(query)
    .onConflict((oc) => oc.doNothing())
    .execute();
}

interface SummaryTerritoryRow {
  id: string;
  kind: TerritoryKind;
  code: string;
  name: string;
  commune_count: number;
  population: number;
}

/**
 * Named territories with their commune count and population, summed now from their communes; national
 * first, then regions, départements, SAS, CPTS, DAC, others, by name.
 */
export async function listTerritorySummaries(
  db: Executor,
  filter: { kind?: TerritoryKind; ids?: readonly string[]; containingCommune?: string } = {},
): Promise<TerritorySummary[]> {
  if (filter.ids && filter.ids.length === 0) return [];
  const conditions = [sql`true`];
  if (filter.kind !== undefined) conditions.push(sql`t.kind = ${filter.kind}`);
  if (filter.ids !== undefined) conditions.push(sql`t.id = any (${[...filter.ids]}::uuid[])`);
  if (filter.containingCommune !== undefined) {
    conditions.push(
      sql`exists (select 1 from territory_commune m where m.territory_id = t.id and m.insee_code = ${filter.containingCommune})`,
    );
  }
  const result = await sql<SummaryTerritoryRow>`
    select t.id, t.kind, t.code, t.name,
      count(c.insee_code) as commune_count,
      coalesce(sum(c.population), 0) as population
    from territory t
    left join territory_commune tc on tc.territory_id = t.id
    left join commune c on c.insee_code = tc.insee_code
    where ${sql.join(conditions, sql` and `)}
    group by t.id
    order by array_position(${[...TERRITORY_KINDS]}::text[], t.kind), t.name, t.code
  `.execute(db);
  return result.rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    code: r.code,
    name: r.name,
    communeCount: Number(r.commune_count),
    population: Number(r.population),
  }));
}

/** A page of a territory's communes, by name. */
export async function listTerritoryCommunes(
  db: Executor,
  territoryId: string,
  page: { limit: number; offset: number },
): Promise<CommuneSummary[]> {
  const result = await sql<SummaryRow>`
    select ${SUMMARY_COLUMNS}
    from territory_commune tc
    join commune c on c.insee_code = tc.insee_code
    where tc.territory_id = ${territoryId}
    order by c.search_name, c.insee_code
    limit ${page.limit} offset ${page.offset}
  `.execute(db);
  return result.rows.map(toSummary);
}
