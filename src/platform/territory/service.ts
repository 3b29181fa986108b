import { authorize } from '../access/guard.ts';
import type { Actor } from '../access/model.ts';
import type { Executor } from '../../db/database.ts';
import { inTransaction } from '../../db/transaction.ts';
import { AppError } from '../errors.ts';
import { parseCentroidFile, type CommunesGeoImportReport } from './communes-geo-file.ts';
import { comparableName, type Geodata } from './geodata.ts';
import {
  INSEE_CODE,
  TERRITORY_KIND_LABELS,
  type CommuneDetail,
  type CommuneSummary,
  type CoordinatesPrecision,
  type NearbyCommune,
  type TerritoryKind,
  type TerritorySummary,
} from './model.ts';
import * as store from './store.ts';

/**
 * Territory use cases. Reading communes and territories is reference data; creating a named territory is
 * an administrator's act (the permission check arrives with accounts and roles).
 */

export const SEARCH_LIMIT_DEFAULT = 10;
export const SEARCH_LIMIT_MAX = 50;

/** "st" and "ste" as people type them: the COG always spells Saint and Sainte out. */
export function expandAbbreviations(text: string): string {
  return text.replace(/(?<![\p{L}\p{N}])(st|ste)(?![\p{L}\p{N}])\.?/giu, (word) =>
    word.toLowerCase().startsWith('ste') ? 'sainte' : 'saint',
  );
}

/** A text that starts a postal or INSEE code: digits, or 2A / 2B then digits (Corsica). */
export function isCodePrefix(text: string): boolean {
  return /^(\d{2,5}|2[AB]\d{0,3})$/i.test(text);
}

/**
 * Type-ahead on communes: by the start of a postal or INSEE code when the text is one, else by name,
 * accent- and case-insensitively: names starting with the text (the exact name first), then names with a
 * word starting with it, then look-alikes (typos); within each, by trigram similarity, then population.
 */
export async function searchCommunes(db: Executor, query: { q: string; limit?: number }): Promise<CommuneSummary[]> {
  const limit = Math.min(Math.max(query.limit ?? SEARCH_LIMIT_DEFAULT, 1), SEARCH_LIMIT_MAX);
  const text = query.q.trim();
  if (text === '') return [];
  // "41 000" as some write postal codes.
  const code = text.replace(/\s+/g, '');
  if (isCodePrefix(code)) return store.searchCommunesByCode(db, code.toUpperCase(), limit);
  if (!/[\p{L}\p{N}]/u.test(text)) return [];
  const expanded = expandAbbreviations(text);
  // Trigram look-alikes mean nothing under three letters.
  const matches: store.NameMatch[] =
    comparableName(expanded).length >= 3 ? ['prefix', 'word-prefix', 'look-alike'] : ['prefix', 'word-prefix'];
  const found: CommuneSummary[] = [];
  for (const match of matches) {
    found.push(...(await store.searchCommunesByName(db, expanded, match, limit - found.length)));
    if (found.length >= limit) break;
  }
  return found;
}

function assertInseeCode(code: string): void {
  if (!INSEE_CODE.test(code)) {
    throw new AppError(
      'validation-failed',
      `« ${code} » n’est pas un code INSEE de commune : attendu 5 caractères, comme 41018 ou 2A004.`,
      [{ field: 'inseeCode', message: 'Code INSEE attendu : 5 caractères, comme 41018 ou 2A004.' }],
    );
  }
}

/**
 * A commune by its INSEE code. The code of a municipal arrondissement (75111) or of a former commune gives
 * the current commune it belongs to.
 */
export async function getCommune(db: Executor, inseeCode: string): Promise<CommuneDetail> {
  assertInseeCode(inseeCode);
  const code = await store.resolveCommuneCode(db, inseeCode);
  const commune = code === undefined ? undefined : await store.findCommuneDetail(db, code);
  if (!commune) {
    throw new AppError(
      'not-found',
      `Aucune commune ne porte le code INSEE ${inseeCode} : vérifiez-le (le code INSEE n’est pas le code postal).`,
    );
  }
  return commune;
}

/**
 * For imports carrying INSEE codes (addresses of professionals, FINESS…): the current commune of each
 * code, through municipal arrondissements and former communes; codes naming nothing are absent.
 */
export function currentCommuneCodes(db: Executor, codes: readonly string[]): Promise<Map<string, string>> {
  return store.resolveCommuneCodes(db, codes);
}

export async function nearestCommunes(
  db: Executor,
  query: { latitude: number; longitude: number; limit?: number; maxDistanceKm?: number },
): Promise<NearbyCommune[]> {
  if (!(query.latitude >= -90 && query.latitude <= 90 && query.longitude >= -180 && query.longitude <= 180)) {
    throw new AppError('validation-failed', 'Les coordonnées sont hors des bornes (latitude ±90°, longitude ±180°).');
  }
  const limit = Math.min(Math.max(query.limit ?? 10, 1), 200);
  return store.nearestCommunes(db, query, limit, query.maxDistanceKm ?? 50);
}

export async function hasTerritories(db: Executor): Promise<boolean> {
  return (await store.countTerritories(db)) > 0;
}

export function listTerritories(db: Executor, filter: { kind?: TerritoryKind } = {}): Promise<TerritorySummary[]> {
  return store.listTerritorySummaries(db, filter);
}

export async function getTerritory(
  db: Executor,
  id: string,
  page: { limit?: number; offset?: number } = {},
): Promise<TerritorySummary & { communes: CommuneSummary[] }> {
  const [territory] = await store.listTerritorySummaries(db, { ids: [id] });
  if (!territory) throw new AppError('not-found', `Aucun territoire n’a l’identifiant ${id}.`);
  const communes = await store.listTerritoryCommunes(db, id, {
    limit: Math.min(Math.max(page.limit ?? 1000, 1), 5000),
    offset: Math.max(page.offset ?? 0, 0),
  });
  return { ...territory, communes };
}

/** The named territories a commune belongs to: whose rights and figures cover it. */
export async function territoriesOfCommune(db: Executor, inseeCode: string): Promise<TerritorySummary[]> {
  const commune = await getCommune(db, inseeCode);
  return store.listTerritorySummaries(db, { containingCommune: commune.inseeCode });
}

export type TerritoryPerimeter =
  | { communes: readonly string[] }
  | { departementCode: string }
  | { regionCode: string }
  | { epciSiren: string }
  | { allCommunes: true };

export interface NewTerritory {
  /** Chosen by the caller when it must be stable (the demo's); drawn by the database otherwise. */
  id?: string;
  kind: TerritoryKind;
  code: string;
  name: string;
  perimeter: TerritoryPerimeter;
}

/** Creates a named territory from a list of communes, or from a département, a region or an EPCI as they are today. */
export async function createTerritory(db: Executor, input: NewTerritory): Promise<TerritorySummary> {
  const code = input.code.trim();
  const name = input.name.trim();
  if (code === '' || name === '') {
    throw new AppError('validation-failed', 'Un territoire doit avoir un code et un nom.', [
      ...(code === '' ? [{ field: 'code', message: 'Champ obligatoire.' }] : []),
      ...(name === '' ? [{ field: 'name', message: 'Champ obligatoire.' }] : []),
    ]);
  }
  return inTransaction(db, async (tx) => {
    const perimeter = await checkPerimeter(tx, input.perimeter);
    const taken = () =>
      new AppError(
        'conflict',
        `Un territoire de type ${TERRITORY_KIND_LABELS[input.kind]} porte déjà le code « ${code} » : choisissez-en un autre.`,
      );
    if (await store.findTerritoryByKindAndCode(tx, input.kind, code)) throw taken();
    const territory = await store
      .insertTerritory(tx, { id: input.id, kind: input.kind, code, name })
      // Created meanwhile by another transaction: the unique index says so.
      .catch((error: unknown) => {
        throw (error as { constraint?: string }).constraint === 'territory_kind_code_key' ? taken() : error;
      });
    if ('communes' in perimeter) await store.addTerritoryCommunes(tx, territory.id, perimeter.communes);
    else await store.addTerritoryCommunesWhere(tx, territory.id, perimeter);
    const [summary] = await store.listTerritorySummaries(tx, { ids: [territory.id] });
    return summary!;
  });
}

/** The perimeter as the store takes it, once its communes, département, region or EPCI are known to exist. */
async function checkPerimeter(
  db: Executor,
  perimeter: TerritoryPerimeter,
): Promise<{ communes: readonly string[] } | store.CommuneFilter> {
  if ('communes' in perimeter) {
    const codes = [...new Set(perimeter.communes)];
    if (codes.length === 0) {
      throw new AppError('validation-failed', 'Un territoire doit comprendre au moins une commune.', [
        { field: 'communes', message: 'Au moins une commune.' },
      ]);
    }
    const unknown = await store.unknownCommuneCodes(db, codes);
    if (unknown.length > 0) {
      throw new AppError(
        'validation-failed',
        `${unknown.length === 1 ? 'Ce code ne désigne' : 'Ces codes ne désignent'} aucune commune actuelle : ` +
          `${unknown.slice(0, 10).join(', ')}${unknown.length > 10 ? '…' : ''}.`,
        unknown.slice(0, 10).map((c) => ({ field: 'communes', message: `Code INSEE inconnu : ${c}.` })),
      );
    }
    return { communes: codes };
  }
  if ('allCommunes' in perimeter) return {};
  if ('departementCode' in perimeter) {
    if (!(await store.findDepartement(db, perimeter.departementCode))) {
      throw new AppError('not-found', `Aucun département n’a le code « ${perimeter.departementCode} ».`);
    }
    return { departementCode: perimeter.departementCode };
  }
  if ('regionCode' in perimeter) {
    if (!(await store.findRegion(db, perimeter.regionCode))) {
      throw new AppError('not-found', `Aucune région n’a le code « ${perimeter.regionCode} ».`);
    }
    return { regionCode: perimeter.regionCode };
  }
  if (!(await store.findEpci(db, perimeter.epciSiren))) {
    throw new AppError('not-found', `Aucun EPCI n’a le numéro SIREN « ${perimeter.epciSiren} ».`);
  }
  return { epciSiren: perimeter.epciSiren };
}

// ── Geodata ──────────────────────────────────────────────────────────────────────────────────────────

export interface GeodataLoadReport {
  regions: number;
  departements: number;
  epcis: number;
  communes: number;
  aliases: number;
  /** Precision of the communes' coordinates in the database after the load. */
  precisionCounts: Record<CoordinatesPrecision, number>;
  milliseconds: number;
}

/**
 * Loads or refreshes regions, départements, EPCI and communes, in one transaction. Coordinates imported
 * from an official file stay.
 */
export async function loadGeodata(
  db: Executor,
  geodata: Geodata,
  onProgress?: (done: number, total: number) => void,
): Promise<GeodataLoadReport> {
  const started = performance.now();
  // Rows go in key order: two transactions loading overlapping communes then wait for each other
  // instead of deadlocking.
  const byKey = <T>(rows: readonly T[], key: (row: T) => string) =>
    [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return inTransaction(db, async (tx) => {
    await store.upsertRegions(
      tx,
      byKey(geodata.regions, (r) => r.code),
    );
    await store.upsertDepartements(
      tx,
      byKey(geodata.departements, (d) => d.code),
    );
    await store.upsertEpcis(
      tx,
      byKey(geodata.epcis, (e) => e.siren),
    );
    await store.upsertCommunes(
      tx,
      byKey(geodata.communes, (c) => c.inseeCode),
      (done) => onProgress?.(done, geodata.communes.length),
    );
    await store.upsertCommuneCodeAliases(
      tx,
      byKey(geodata.aliases, (a) => a.code),
    );
    return {
      regions: geodata.regions.length,
      departements: geodata.departements.length,
      epcis: geodata.epcis.length,
      communes: geodata.communes.length,
      aliases: geodata.aliases.length,
      precisionCounts: await store.countCommunesByPrecision(tx),
      milliseconds: Math.round(performance.now() - started),
    };
  });
}

export function countCommunes(db: Executor): Promise<number> {
  return store.countCommunes(db);
}

// ── Official coordinates ─────────────────────────────────────────────────────────────────────────────

/** Lines written per statement, and per progress step. */
const IMPORT_BATCH = 2000;

/**
 * Imports an official commune-centroid file: all of it in one transaction, or nothing. Bad lines stop the
 * import unless `skipBadLines`; codes naming no commune here are reported and skipped.
 */
export async function importCommunesGeo(
  db: Executor,
  bytes: Uint8Array,
  options: { skipBadLines?: boolean; onProgress?: (done: number, total: number) => void } = {},
): Promise<CommunesGeoImportReport> {
  const file = parseCentroidFile(bytes);
  if ((await store.countCommunes(db)) === 0) {
    throw new AppError(
      'unprocessable',
      'La base ne contient encore aucune commune : chargez-les d’abord (« maillage import communes » ou « maillage demo load »).',
    );
  }
  const report: CommunesGeoImportReport = {
    encoding: file.encoding,
    separator: file.separator,
    read: file.lines.length,
    applied: false,
    updated: 0,
    unknownCodes: [],
    badLines: file.badLines,
    repeated: file.repeated,
  };
  if (file.lines.length === 0 || (file.badLines.length > 0 && !options.skipBadLines)) {
    report.unknownCodes = await store.unknownCommuneCodes(
      db,
      file.lines.map((l) => l.inseeCode),
    );
    return report;
  }
  return inTransaction(db, async (tx) => {
    const matched = new Set<string>();
    for (let i = 0; i < file.lines.length; i += IMPORT_BATCH) {
      const batch = file.lines.slice(i, i + IMPORT_BATCH);
      for (const code of await store.updateOfficialCoordinates(tx, batch)) matched.add(code);
      options.onProgress?.(Math.min(i + IMPORT_BATCH, file.lines.length), file.lines.length);
    }
    return {
      ...report,
      applied: true,
      updated: matched.size,
      unknownCodes: file.lines.map((l) => l.inseeCode).filter((code) => !matched.has(code)),
    };
  });
}

/*
 * The same reads as use cases for people (the HTTP routes): each first checks that the actor may read
 * territories (any logged-in profile). Other modules' services call the functions above directly.
 */

export async function searchCommunesFor(db: Executor, actor: Actor, query: { q: string; limit?: number }) {
  await authorize(db, actor, 'territory.read');
  return searchCommunes(db, query);
}

export async function getCommuneWithTerritoriesFor(db: Executor, actor: Actor, inseeCode: string) {
  await authorize(db, actor, 'territory.read');
  const commune = await getCommune(db, inseeCode);
  return { ...commune, territories: await territoriesOfCommune(db, commune.inseeCode) };
}

export async function listTerritoriesFor(db: Executor, actor: Actor, filter: { kind?: TerritoryKind } = {}) {
  await authorize(db, actor, 'territory.read');
  return listTerritories(db, filter);
}

export async function getTerritoryFor(
  db: Executor,
  actor: Actor,
  id: string,
  page: { limit?: number; offset?: number } = {},
) {
  await authorize(db, actor, 'territory.read');
  return getTerritory(db, id, page);
}
