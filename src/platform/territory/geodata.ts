import type { Commune, CommuneCodeAlias, CoordinatesPrecision, Departement, Epci, Region } from './model.ts';

/**
 * Builds the commune geodata from what npm ships, without any I/O (geodata-sources.ts reads the packages):
 *
 * - communes: every `commune-actuelle` of @etalab/decoupage-administratif (INSEE's COG), in metropolitan
 *   France, the DROM, Saint-Pierre-et-Miquelon, Saint-Barthélemy and Saint-Martin — the territories under
 *   French health insurance and a regional health agency. The TAAF and Clipperton (no inhabitants),
 *   Wallis-et-Futuna, French Polynesia and New Caledonia (health systems of their own) are left out.
 * - Paris, Lyon and Marseille are one commune each (75056, 69123, 13055), as INSEE counts them; their 45
 *   municipal arrondissements become code aliases of their commune, like the codes of former communes
 *   merged since, so an address coded 75111 or with a pre-merger code still finds its commune.
 * - coordinates, first that applies: the GeoNames cities500 place of the INSEE code ('geonames'); else the
 *   centroid of the GeoNames-located communes sharing one of its postal codes ('postal-code-neighbour');
 *   else the centroid of the located communes of its EPCI ('epci'), else of its département
 *   ('departement'). An official centroid file replaces them later (`maillage import communes-geo`).
 */

// ── Inputs, as the packages spell them ───────────────────────────────────────────────────────────────

export interface DecoupageCommune {
  code: string;
  nom: string;
  type: string;
  departement: string;
  region: string;
  codesPostaux?: string[];
  population?: number;
  /** Arrondissements municipaux: their commune. */
  commune?: string;
  /** Communes déléguées and associées: the current commune they belong to. */
  chefLieu?: string;
  anciensCodes?: string[];
}

export interface DecoupageDepartement {
  code: string;
  nom: string;
  region: string;
}

export interface DecoupageRegion {
  code: string;
  nom: string;
}

export interface DecoupageEpci {
  code: string;
  nom: string;
  type: string;
  membres: { code: string }[];
}

/** One line of codes-postaux. */
export interface PostalCodeEntry {
  codePostal: string;
  codeCommune: string;
}

/** A GeoNames cities500 populated place that names its French commune. */
export interface GeonamesPlace {
  inseeCode: string;
  name: string;
  featureCode: string;
  population: number;
  latitude: number;
  longitude: number;
}

export interface GeodataSources {
  communes: DecoupageCommune[];
  departements: DecoupageDepartement[];
  regions: DecoupageRegion[];
  epcis: DecoupageEpci[];
  postalCodes: PostalCodeEntry[];
  geonames: GeonamesPlace[];
}

// ── Output ───────────────────────────────────────────────────────────────────────────────────────────

export interface Geodata {
  regions: Region[];
  departements: Departement[];
  epcis: Epci[];
  communes: Commune[];
  aliases: CommuneCodeAlias[];
  precisionCounts: Record<Exclude<CoordinatesPrecision, 'official'>, number>;
  /** Communes no rule could place (none with the packages' data): left out of `communes`. */
  unlocated: string[];
}

/** Départements outside the scope (see above). */
export const EXCLUDED_DEPARTEMENTS: ReadonlySet<string> = new Set(['984', '986', '987', '988', '989']);

// ── GeoNames ─────────────────────────────────────────────────────────────────────────────────────────

/** GeoNames files the DROM under their own country codes; the INSEE code sits in admin4 for most. */
const ADMIN4_COUNTRIES = new Set(['FR', 'GP', 'MQ', 'GF', 'RE']);
/** Mayotte and Saint-Pierre-et-Miquelon carry the INSEE code in admin1. */
const ADMIN1_COUNTRIES = new Set(['YT', 'PM']);
/** Single-commune collectivities: the country is the commune. */
const COUNTRY_COMMUNES: Record<string, string> = { BL: '97701', MF: '97801' };

const GEONAMES_INSEE = /^(\d{2}|2[AB])\d{3}$/;

/**
 * Reads the French places of the GeoNames cities500 dump (tab-separated, one place a line: id, name,
 * asciiname, alternate names, latitude, longitude, feature class, feature code, country, cc2, admin1..4,
 * population…). Lines of other countries are skipped before being split, which keeps this fast.
 */
export function parseGeonamesPlaces(text: string): GeonamesPlace[] {
  const places: GeonamesPlace[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (!/\t(FR|GP|MQ|GF|RE|YT|PM|BL|MF)\t/.test(line)) continue;
    const f = line.split('\t');
    if (f.length < 15) continue;
    const country = f[8]!;
    let inseeCode: string | undefined;
    if (ADMIN4_COUNTRIES.has(country)) inseeCode = f[13];
    else if (ADMIN1_COUNTRIES.has(country)) inseeCode = f[10];
    else inseeCode = COUNTRY_COMMUNES[country];
    if (!inseeCode || !GEONAMES_INSEE.test(inseeCode)) continue;
    const latitude = Number(f[4]);
    const longitude = Number(f[5]);
    if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) continue;
    places.push({
      inseeCode,
      name: f[1]!,
      featureCode: f[7]!,
      population: Number(f[14]) || 0,
      latitude,
      longitude,
    });
  }
  return places;
}

/** Lower-case, unaccented, punctuation as single spaces: "Wœrth" and "Woerth" compare equal. */
export function comparableName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/œ/gi, 'oe')
    .replace(/æ/gi, 'ae')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Seats first (capital, then prefecture down to commune seat), plain places next, city sections last. */
function featureRank(code: string): number {
  const ranks: Record<string, number> = { PPLC: 0, PPLA: 1, PPLA2: 2, PPLA3: 3, PPLA4: 4, PPLA5: 5, PPL: 6 };
  return ranks[code] ?? (code === 'PPLX' ? 8 : 7);
}

/**
 * The place that stands for the commune among those GeoNames files under its code (a merged commune
 * lists each former village): the one bearing the commune's name, else the highest-ranked seat, else
 * the most populated.
 */
export function chooseGeonamesPlace(communeName: string, places: readonly GeonamesPlace[]): GeonamesPlace | undefined {
  const name = comparableName(communeName);
  return [...places].sort(
    (a, b) =>
      Number(comparableName(b.name) === name) - Number(comparableName(a.name) === name) ||
      featureRank(a.featureCode) - featureRank(b.featureCode) ||
      b.population - a.population,
  )[0];
}

// ── Build ────────────────────────────────────────────────────────────────────────────────────────────

interface Point {
  latitude: number;
  longitude: number;
}

/** Plain mean of latitudes and longitudes: the points are a few kilometres apart, far from the antimeridian. */
export function centroid(points: readonly Point[]): Point | undefined {
  if (points.length === 0) return undefined;
  let latitude = 0;
  let longitude = 0;
  for (const p of points) {
    latitude += p.latitude;
    longitude += p.longitude;
  }
  return { latitude: round(latitude / points.length), longitude: round(longitude / points.length) };
}

/** Five decimals: about a metre, more than any source here is worth. */
function round(value: number): number {
  return Math.round(value * 1e5) / 1e5;
}

/** The DGCL writes quotes as doubled apostrophes (CA de Blois ''Agglopolys''): French quotes instead. */
export function cleanEpciName(name: string): string {
  return name.replace(/''(.+?)''/g, '« $1 »').trim();
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function buildGeodata(sources: GeodataSources): Geodata {
  const current = sources.communes.filter(
    (c) => c.type === 'commune-actuelle' && !EXCLUDED_DEPARTEMENTS.has(c.departement),
  );
  const byCode = new Map(current.map((c) => [c.code, c]));

  const epciOf = new Map<string, string>();
  const epcis: Epci[] = [];
  for (const epci of sources.epcis) {
    const members = epci.membres.filter((m) => byCode.has(m.code));
    if (members.length === 0) continue;
    epcis.push({ siren: epci.code, name: cleanEpciName(epci.nom), legalForm: epci.type });
    for (const m of members) epciOf.set(m.code, epci.code);
  }

  const aliases = buildAliases(sources.communes, byCode);
  const aliasTarget = new Map(aliases.map((a) => [a.code, a.inseeCode]));

  // Postal codes from the COG's La Poste base; codes-postaux disagrees with it on a few hundred pairs
  // (some far off), so it only fills a commune the COG gives none.
  const fallbackPostalCodes = new Map<string, Set<string>>();
  for (const entry of sources.postalCodes) {
    const code = byCode.has(entry.codeCommune) ? entry.codeCommune : aliasTarget.get(entry.codeCommune);
    if (!code) continue;
    const set = fallbackPostalCodes.get(code) ?? new Set<string>();
    set.add(entry.codePostal);
    fallbackPostalCodes.set(code, set);
  }
  const postalCodesOf = new Map<string, string[]>();
  for (const c of current) {
    const own = c.codesPostaux ?? [];
    const codes = own.length > 0 ? own : [...(fallbackPostalCodes.get(c.code) ?? [])];
    postalCodesOf.set(c.code, [...new Set(codes)].sort());
  }

  const placesByCode = new Map<string, GeonamesPlace[]>();
  for (const place of sources.geonames) if (byCode.has(place.inseeCode)) pushTo(placesByCode, place.inseeCode, place);

  const located = new Map<string, Point & { precision: Exclude<CoordinatesPrecision, 'official'> }>();
  for (const c of current) {
    const place = chooseGeonamesPlace(c.nom, placesByCode.get(c.code) ?? []);
    if (place) {
      located.set(c.code, {
        latitude: round(place.latitude),
        longitude: round(place.longitude),
        precision: 'geonames',
      });
    }
  }

  const geonamesByPostalCode = new Map<string, Point[]>();
  for (const c of current) {
    const point = located.get(c.code);
    if (point) for (const postalCode of postalCodesOf.get(c.code)!) pushTo(geonamesByPostalCode, postalCode, point);
  }
  for (const c of current) {
    if (located.has(c.code)) continue;
    const neighbours = new Set<Point>();
    for (const postalCode of postalCodesOf.get(c.code)!) {
      for (const point of geonamesByPostalCode.get(postalCode) ?? []) neighbours.add(point);
    }
    const point = centroid([...neighbours]);
    if (point) located.set(c.code, { ...point, precision: 'postal-code-neighbour' });
  }

  for (const [precision, groupOf] of [
    ['epci', (c: DecoupageCommune) => epciOf.get(c.code)],
    ['departement', (c: DecoupageCommune) => c.departement],
  ] as const) {
    const pointsByGroup = new Map<string, Point[]>();
    for (const c of current) {
      const group = groupOf(c);
      const point = located.get(c.code);
      if (group !== undefined && point) pushTo(pointsByGroup, group, point);
    }
    const centroids = new Map([...pointsByGroup].map(([group, points]) => [group, centroid(points)!]));
    for (const c of current) {
      const group = groupOf(c);
      if (located.has(c.code) || group === undefined) continue;
      const point = centroids.get(group);
      if (point) located.set(c.code, { ...point, precision });
    }
  }

  const communes: Commune[] = [];
  const unlocated: string[] = [];
  const precisionCounts = { geonames: 0, 'postal-code-neighbour': 0, epci: 0, departement: 0 };
  for (const c of current) {
    const point = located.get(c.code);
    if (!point) {
      unlocated.push(c.code);
      continue;
    }
    precisionCounts[point.precision] += 1;
    communes.push({
      inseeCode: c.code,
      name: c.nom,
      departementCode: c.departement,
      regionCode: c.region,
      epciSiren: epciOf.get(c.code) ?? null,
      postalCodes: postalCodesOf.get(c.code)!,
      population: c.population ?? 0,
      latitude: point.latitude,
      longitude: point.longitude,
      coordinatesPrecision: point.precision,
    });
  }

  const kept = new Set(communes.map((c) => c.inseeCode));
  const departementCodes = new Set(communes.map((c) => c.departementCode));
  const regionCodes = new Set(communes.map((c) => c.regionCode));
  return {
    regions: sources.regions.filter((r) => regionCodes.has(r.code)).map((r) => ({ code: r.code, name: r.nom })),
    departements: sources.departements
      .filter((d) => departementCodes.has(d.code))
      .map((d) => ({ code: d.code, name: d.nom, regionCode: d.region })),
    epcis,
    communes,
    aliases: aliases.filter((a) => kept.has(a.inseeCode)),
    precisionCounts,
    unlocated,
  };
}

/**
 * Codes naming part of a current commune: municipal arrondissements, and communes déléguées, associées
 * or former codes whose code is no longer a current commune's. A code already taken keeps its first meaning;
 * a former code known only from `anciensCodes` has no name of its own in the COG.
 */
function buildAliases(
  all: readonly DecoupageCommune[],
  current: ReadonlyMap<string, DecoupageCommune>,
): CommuneCodeAlias[] {
  const aliases = new Map<string, CommuneCodeAlias>();
  const add = (code: string, inseeCode: string | undefined, kind: CommuneCodeAlias['kind'], name: string | null) => {
    if (!inseeCode || current.has(code) || aliases.has(code) || !current.has(inseeCode)) return;
    aliases.set(code, { code, inseeCode, kind, name });
  };
  for (const c of all)
    if (c.type === 'arrondissement-municipal') add(c.code, c.commune, 'arrondissement-municipal', c.nom);
  for (const c of all) {
    if (c.type === 'commune-deleguee' || c.type === 'commune-associee')
      add(c.code, c.chefLieu, 'ancienne-commune', c.nom);
  }
  for (const c of all) {
    if (c.type === 'commune-actuelle')
      for (const old of c.anciensCodes ?? []) add(old, c.code, 'ancienne-commune', null);
  }
  return [...aliases.values()].sort((a, b) => a.code.localeCompare(b.code));
}
