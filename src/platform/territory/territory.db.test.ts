import { sql } from 'kysely';
import { beforeEach, describe, expect, test } from 'vitest';
import { useTestTransaction } from '../../db/testing/index.ts';
import { AppError } from '../errors.ts';
import {
  createTerritory,
  currentCommuneCodes,
  getCommune,
  getTerritory,
  hasTerritories,
  listTerritories,
  loadGeodata,
  nearestCommunes,
  searchCommunes,
  territoriesOfCommune,
} from './service.ts';
import * as store from './store.ts';
import { FIXTURE_GEODATA, loadFixtureCommunes } from './testing/fixture.ts';

/** Great-circle distance on a sphere of the radius earthdistance uses, computed apart from the database. */
function haversineKm(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const rad = Math.PI / 180;
  const h =
    Math.sin(((b.latitude - a.latitude) * rad) / 2) ** 2 +
    Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(((b.longitude - a.longitude) * rad) / 2) ** 2;
  return 2 * 6378.168 * Math.asin(Math.sqrt(h));
}

const names = (rows: { name: string }[]) => rows.map((r) => r.name);
const codes = (rows: { inseeCode: string }[]) => rows.map((r) => r.inseeCode);

async function expectAppError(promise: Promise<unknown>, code: string, detail?: RegExp): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  if (detail) expect((error as AppError).detail).toMatch(detail);
  return error as AppError;
}

describe('territories: communes', () => {
  const t = useTestTransaction();
  beforeEach(async () => {
    await loadFixtureCommunes(t.db);
  });

  test('the load stores every level and the generated search name', async () => {
    expect(await store.countCommunes(t.db)).toBe(FIXTURE_GEODATA.communes.length);
    const row = await sql<{ search_name: string }>`select search_name from commune where insee_code = '94038'`.execute(
      t.db,
    );
    expect(row.rows[0]!.search_name).toBe('l hay les roses');
    const blois = await getCommune(t.db, '41018');
    expect(blois).toMatchObject({
      name: 'Blois',
      departementName: 'Loir-et-Cher',
      regionName: 'Centre-Val de Loire',
      epciName: 'CA de Blois « Agglopolys »',
      postalCodes: ['41000'],
      coordinatesPrecision: 'geonames',
    });
  });

  test('name search ignores accents, case and punctuation', async () => {
    expect(names(await searchCommunes(t.db, { q: 'VENDOME' }))).toEqual(['Vendôme']);
    expect(names(await searchCommunes(t.db, { q: 'lhay' }))).toEqual([]);
    expect(names(await searchCommunes(t.db, { q: "l'haÿ les" }))).toEqual(["L'Haÿ-les-Roses"]);
    expect(names(await searchCommunes(t.db, { q: 'saint gervais la foret' }))).toEqual(['Saint-Gervais-la-Forêt']);
    // unaccent spells the Œ ligature out.
    expect(codes(await searchCommunes(t.db, { q: 'oeuilly' }))).toEqual(['51410', '02565']);
  });

  test('ranking: exact name, then prefix, then word prefix, then look-alikes; population breaks ties', async () => {
    const saintEtienne = await searchCommunes(t.db, { q: 'Saint-Étienne' });
    expect(names(saintEtienne).slice(0, 2)).toEqual(['Saint-Étienne', 'Saint-Étienne-du-Rouvray']);
    // "st" is how people type Saint.
    expect(names(await searchCommunes(t.db, { q: 'st etienne' })).slice(0, 2)).toEqual([
      'Saint-Étienne',
      'Saint-Étienne-du-Rouvray',
    ]);
    // A word inside the name (word prefix) comes after names starting with the text.
    expect(names(await searchCommunes(t.db, { q: 'roses' }))).toEqual(["L'Haÿ-les-Roses"]);
    // Typos still find the commune, through trigram similarity.
    expect(names(await searchCommunes(t.db, { q: 'Bloiss' }))).toContain('Blois');
    expect(names(await searchCommunes(t.db, { q: 'Orleans' }))[0]).toBe('Orléans');
    // Same name, same similarity: the more populated first.
    const oeuilly = await searchCommunes(t.db, { q: 'Œuilly' });
    expect(oeuilly.map((c) => c.population)).toEqual([...oeuilly.map((c) => c.population)].sort((a, b) => b - a));
  });

  test('a text that starts a code searches postal and INSEE codes', async () => {
    expect(codes(await searchCommunes(t.db, { q: '41350' }))).toEqual(['41295', '41212']);
    expect(codes(await searchCommunes(t.db, { q: '75011' }))).toEqual(['75056']);
    expect(codes(await searchCommunes(t.db, { q: '75 011' }))).toEqual(['75056']);
    // The INSEE code itself, though no postal code is 41018.
    expect(codes(await searchCommunes(t.db, { q: '41018' }))).toEqual(['41018']);
    // A prefix: all of Loir-et-Cher's fixture communes, the most populated first.
    const prefix = await searchCommunes(t.db, { q: '41' });
    expect(codes(prefix)).toEqual(['41018', '41269', '41295', '41212', '41032', '41001']);
    expect(codes(await searchCommunes(t.db, { q: '2A' }))).toEqual(['2A004']);
    expect(codes(await searchCommunes(t.db, { q: '20090' }))).toEqual(['2A004']);
  });

  test('limit, blank and punctuation-only texts', async () => {
    expect(await searchCommunes(t.db, { q: '41', limit: 2 })).toHaveLength(2);
    expect(await searchCommunes(t.db, { q: '   ' })).toEqual([]);
    expect(await searchCommunes(t.db, { q: "-'" })).toEqual([]);
  });

  test('an arrondissement code gives its commune; unknown and malformed codes are refused in French', async () => {
    expect((await getCommune(t.db, '75111')).inseeCode).toBe('75056');
    await expectAppError(getCommune(t.db, '41999'), 'not-found', /Aucune commune ne porte le code INSEE 41999/);
    await expectAppError(getCommune(t.db, '4101'), 'validation-failed', /n’est pas un code INSEE/);
  });

  test('imports resolve codes in bulk: current, arrondissement, unknown', async () => {
    const resolved = await currentCommuneCodes(t.db, ['41018', '75111', '75101', '41999', '41018']);
    expect([...resolved].sort()).toEqual([
      ['41018', '41018'],
      ['75101', '75056'],
      ['75111', '75056'],
    ]);
    expect(await currentCommuneCodes(t.db, [])).toEqual(new Map());
  });

  test('nearest communes: by distance, within the radius', async () => {
    const point = { latitude: 47.586, longitude: 1.335 };
    const byDistance = FIXTURE_GEODATA.communes
      .map((c) => ({ inseeCode: c.inseeCode, km: haversineKm(point, c) }))
      .sort((a, b) => a.km - b.km);
    const near = await nearestCommunes(t.db, { ...point, limit: 3 });
    expect(codes(near)).toEqual(codes(byDistance.slice(0, 3)));
    near.forEach((c, i) => expect(c.distanceKm).toBeCloseTo(byDistance[i]!.km, 0));
    const within = await nearestCommunes(t.db, { ...point, limit: 50, maxDistanceKm: 10 });
    expect(codes(within)).toEqual(codes(byDistance.filter((c) => c.km <= 10)));
    expect(within.length).toBeGreaterThan(1);
    expect(within.length).toBeLessThan(FIXTURE_GEODATA.communes.length);
    await expectAppError(nearestCommunes(t.db, { latitude: 95, longitude: 0 }), 'validation-failed');
  });

  test('a refresh from the packages keeps official coordinates and updates the rest', async () => {
    await store.updateOfficialCoordinates(t.db, [{ inseeCode: '41018', latitude: 47.5861, longitude: 1.3359 }]);
    const refreshed = FIXTURE_GEODATA.communes.map((c) => ({ ...c, population: c.population + 1 }));
    const report = await loadGeodata(t.db, { ...FIXTURE_GEODATA, communes: refreshed });
    expect(report.precisionCounts).toMatchObject({ official: 1, geonames: 11, 'postal-code-neighbour': 2 });
    const blois = await getCommune(t.db, '41018');
    expect(blois).toMatchObject({ latitude: 47.5861, longitude: 1.3359, coordinatesPrecision: 'official' });
    expect(blois.population).toBe(47219 + 1);
  });
});

// On PostgreSQL, test files of other workers share the schema: codes of their own keep their uncommitted
// territories from waiting on each other's unique index.
describe('territories: named territories', () => {
  const t = useTestTransaction();
  beforeEach(async () => {
    await loadFixtureCommunes(t.db);
  });

  test('from a département, an EPCI, a region, a list or all communes; population summed from the communes', async () => {
    expect(await hasTerritories(t.db)).toBe(false);
    const sas = await createTerritory(t.db, {
      kind: 'sas',
      code: 'test-41',
      name: 'SAS Loir-et-Cher',
      perimeter: { departementCode: '41' },
    });
    const fixture41 = FIXTURE_GEODATA.communes.filter((c) => c.departementCode === '41');
    expect(sas).toMatchObject({
      kind: 'sas',
      communeCount: fixture41.length,
      population: fixture41.reduce((sum, c) => sum + c.population, 0),
    });
    const cpts = await createTerritory(t.db, {
      kind: 'cpts',
      code: 'test-blaisois',
      name: 'CPTS du Blaisois',
      perimeter: { epciSiren: '200030385' },
    });
    expect(cpts.communeCount).toBe(4);
    const region = await createTerritory(t.db, {
      kind: 'region',
      code: 'test-24',
      name: 'Centre-Val de Loire',
      perimeter: { regionCode: '24' },
    });
    expect(region.communeCount).toBe(fixture41.length + 1);
    const other = await createTerritory(t.db, {
      kind: 'other',
      code: 'test-deux',
      name: '  Deux communes  ',
      perimeter: { communes: ['41018', '45234', '41018'] },
    });
    expect(other).toMatchObject({ name: 'Deux communes', communeCount: 2, population: 47219 + 116357 });
    const national = await createTerritory(t.db, {
      kind: 'national',
      code: 'test-FR',
      name: 'France',
      perimeter: { allCommunes: true },
    });
    expect(national.communeCount).toBe(FIXTURE_GEODATA.communes.length);
    expect(await hasTerritories(t.db)).toBe(true);

    // The population follows the communes: nothing stored can drift.
    await sql`update commune set population = population + 1000 where insee_code = '41018'`.execute(t.db);
    const [after] = (await listTerritories(t.db, { kind: 'sas' })).filter((x) => x.id === sas.id);
    expect(after!.population).toBe(sas.population + 1000);
  });

  test('list order, a territory with its communes by name, the territories of a commune', async () => {
    const dac = await createTerritory(t.db, {
      kind: 'dac',
      code: 'test-41',
      name: 'DAC 41',
      perimeter: { departementCode: '41' },
    });
    const national = await createTerritory(t.db, {
      kind: 'national',
      code: 'test-FR',
      name: 'France',
      perimeter: { allCommunes: true },
    });
    await createTerritory(t.db, { kind: 'cpts', code: 'test-c', name: 'CPTS', perimeter: { epciSiren: '200030385' } });
    expect((await listTerritories(t.db)).map((x) => x.kind)).toEqual(['national', 'cpts', 'dac']);
    expect((await listTerritories(t.db, { kind: 'dac' })).map((x) => x.id)).toEqual([dac.id]);

    const page = await getTerritory(t.db, dac.id, { limit: 2, offset: 1 });
    expect(page.communeCount).toBe(6);
    expect(names(page.communes)).toEqual(['Blois', 'Chailles']);
    await expectAppError(
      getTerritory(t.db, '00000000-0000-4000-8000-000000000000'),
      'not-found',
      /Aucun territoire n’a l’identifiant/,
    );

    expect((await territoriesOfCommune(t.db, '41018')).map((x) => x.kind)).toEqual(['national', 'cpts', 'dac']);
    expect((await territoriesOfCommune(t.db, '75111')).map((x) => x.id)).toEqual([national.id]);
  });

  test('refusals: duplicate kind and code, unknown communes, empty list, unknown département or EPCI, blank name', async () => {
    await createTerritory(t.db, { kind: 'sas', code: 'test-41', name: 'SAS', perimeter: { departementCode: '41' } });
    await expectAppError(
      createTerritory(t.db, { kind: 'sas', code: 'test-41', name: 'Autre', perimeter: { departementCode: '41' } }),
      'conflict',
      /porte déjà le code « test-41 »/,
    );
    // Same code, another kind: allowed.
    await createTerritory(t.db, { kind: 'dac', code: 'test-41', name: 'DAC', perimeter: { departementCode: '41' } });
    const unknown = await expectAppError(
      createTerritory(t.db, {
        kind: 'other',
        code: 'test-x',
        name: 'X',
        perimeter: { communes: ['41018', '99999', '41998'] },
      }),
      'validation-failed',
      /Ces codes ne désignent aucune commune actuelle : 41998, 99999/,
    );
    expect(unknown.fields).toHaveLength(2);
    await expectAppError(
      createTerritory(t.db, { kind: 'other', code: 'test-y', name: 'Y', perimeter: { communes: [] } }),
      'validation-failed',
    );
    await expectAppError(
      createTerritory(t.db, { kind: 'other', code: 'test-z', name: 'Z', perimeter: { departementCode: '99' } }),
      'not-found',
      /Aucun département n’a le code « 99 »/,
    );
    await expectAppError(
      createTerritory(t.db, { kind: 'other', code: 'test-z', name: 'Z', perimeter: { epciSiren: '123456789' } }),
      'not-found',
      /Aucun EPCI/,
    );
    await expectAppError(
      createTerritory(t.db, { kind: 'other', code: 'test-z', name: ' ', perimeter: { departementCode: '41' } }),
      'validation-failed',
    );
    // The refusals left nothing behind.
    expect((await listTerritories(t.db)).map((x) => x.kind)).toEqual(['sas', 'dac']);
  });

  test('a caller may choose the id (the demo keeps its ids stable)', async () => {
    const id = '2b1c6f3e-8a4d-4f5e-9c7b-1d2e3f405162';
    const created = await createTerritory(t.db, {
      id,
      kind: 'other',
      code: 'test-fixe',
      name: 'Identifiant choisi',
      perimeter: { communes: ['41018'] },
    });
    expect(created.id).toBe(id);
  });
});
