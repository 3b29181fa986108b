import { describe, expect, test } from 'vitest';
import {
  buildGeodata,
  centroid,
  chooseGeonamesPlace,
  cleanEpciName,
  comparableName,
  parseGeonamesPlaces,
  type DecoupageCommune,
  type GeodataSources,
  type GeonamesPlace,
} from './geodata.ts';
import { packagedGeodata } from './geodata-sources.ts';

/** A cities500 line: the 19 tab-separated GeoNames columns. */
function geonamesLine(p: {
  name: string;
  lat: number;
  lon: number;
  feature?: string;
  country?: string;
  admin1?: string;
  admin4?: string;
  population?: number;
}): string {
  return [
    '1',
    p.name,
    p.name,
    '',
    String(p.lat),
    String(p.lon),
    'P',
    p.feature ?? 'PPL',
    p.country ?? 'FR',
    '',
    p.admin1 ?? '24',
    '41',
    '411',
    p.admin4 ?? '',
    String(p.population ?? 0),
    '',
    '100',
    'Europe/Paris',
    '2020-01-01',
  ].join('\t');
}

describe('GeoNames places', () => {
  test('the INSEE code is read where each country files it; other countries and codes are skipped', () => {
    const text = [
      geonamesLine({ name: 'Blois', lat: 47.59432, lon: 1.32912, admin4: '41018', population: 53660 }),
      geonamesLine({ name: 'Vieux-Habitants', lat: 16.05866, lon: -61.76667, country: 'GP', admin4: '97134' }),
      geonamesLine({ name: 'Mamoudzou', lat: -12.78234, lon: 45.22878, country: 'YT', admin1: '97611' }),
      geonamesLine({ name: 'Gustavia', lat: 17.89618, lon: -62.84978, country: 'BL', admin1: '00' }),
      geonamesLine({ name: 'Bruxelles', lat: 50.85, lon: 4.35, country: 'BE', admin4: '21004' }),
      geonamesLine({ name: 'Sans code', lat: 47, lon: 1, admin4: '' }),
      'ligne tronquée\tFR\t',
    ].join('\n');
    expect(parseGeonamesPlaces(text)).toEqual([
      {
        inseeCode: '41018',
        name: 'Blois',
        featureCode: 'PPL',
        population: 53660,
        latitude: 47.59432,
        longitude: 1.32912,
      },
      {
        inseeCode: '97134',
        name: 'Vieux-Habitants',
        featureCode: 'PPL',
        population: 0,
        latitude: 16.05866,
        longitude: -61.76667,
      },
      {
        inseeCode: '97611',
        name: 'Mamoudzou',
        featureCode: 'PPL',
        population: 0,
        latitude: -12.78234,
        longitude: 45.22878,
      },
      {
        inseeCode: '97701',
        name: 'Gustavia',
        featureCode: 'PPL',
        population: 0,
        latitude: 17.89618,
        longitude: -62.84978,
      },
    ]);
  });

  const place = (name: string, featureCode: string, population: number): GeonamesPlace => ({
    inseeCode: '49023',
    name,
    featureCode,
    population,
    latitude: 47,
    longitude: -1,
  });

  test('the place bearing the commune’s name wins, then the highest seat, then the most populated', () => {
    expect(chooseGeonamesPlace('Wœrth', [place('Froeschwiller', 'PPL', 900), place('Woerth', 'PPL', 800)])?.name).toBe(
      'Woerth',
    );
    expect(
      chooseGeonamesPlace('Vire Normandie', [place('Vaudry', 'PPL', 1559), place('Vire', 'PPLA3', 14603)])?.name,
    ).toBe('Vire');
    expect(
      chooseGeonamesPlace('Beaupréau-en-Mauges', [place('Jallais', 'PPL', 3130), place('Beaupréau', 'PPL', 6932)])
        ?.name,
    ).toBe('Beaupréau');
    // A city section (PPLX) never stands for the commune while another place does.
    expect(chooseGeonamesPlace('X', [place('Quartier', 'PPLX', 90000), place('Bourg', 'PPL', 10)])?.name).toBe('Bourg');
    expect(chooseGeonamesPlace('X', [])).toBeUndefined();
  });

  test('names compare without accents, ligatures, case or punctuation', () => {
    expect(comparableName("L'Haÿ-les-Roses")).toBe('l hay les roses');
    expect(comparableName('Œuilly')).toBe(comparableName('OEUILLY'));
  });
});

test('centroid and EPCI names', () => {
  expect(
    centroid([
      { latitude: 47, longitude: 1 },
      { latitude: 48, longitude: 2 },
    ]),
  ).toEqual({ latitude: 47.5, longitude: 1.5 });
  expect(centroid([])).toBeUndefined();
  expect(cleanEpciName("CA de Blois ''Agglopolys''")).toBe('CA de Blois « Agglopolys »');
});

describe('buildGeodata', () => {
  const commune = (code: string, extra: Partial<DecoupageCommune> = {}): DecoupageCommune => ({
    code,
    nom: `Commune ${code}`,
    type: 'commune-actuelle',
    departement: code.slice(0, 2),
    region: '24',
    codesPostaux: [],
    population: 100,
    ...extra,
  });
  const geonames = (inseeCode: string, latitude: number, longitude: number): GeonamesPlace => ({
    inseeCode,
    name: `Commune ${inseeCode}`,
    featureCode: 'PPL',
    population: 100,
    latitude,
    longitude,
  });

  function sources(over: Partial<GeodataSources>): GeodataSources {
    return {
      communes: [],
      departements: [
        { code: '41', nom: 'Loir-et-Cher', region: '24' },
        { code: '45', nom: 'Loiret', region: '24' },
        { code: '75', nom: 'Paris', region: '11' },
        { code: '987', nom: 'Polynésie française', region: '987' },
      ],
      regions: [
        { code: '24', nom: 'Centre-Val de Loire' },
        { code: '11', nom: 'Île-de-France' },
        { code: '987', nom: 'Polynésie française' },
      ],
      epcis: [],
      postalCodes: [],
      geonames: [],
      ...over,
    };
  }

  test('each commune gets the most precise coordinates that apply, and the counts say which', () => {
    const built = buildGeodata(
      sources({
        communes: [
          commune('41001', { codesPostaux: ['41100'] }),
          commune('41002', { codesPostaux: ['41100'] }),
          commune('41003', { codesPostaux: ['41100', '41200'] }),
          commune('41004', { codesPostaux: ['41200'] }),
          commune('41005', { codesPostaux: ['41300'] }),
          commune('41006', { codesPostaux: ['41400'] }),
          commune('45001', { codesPostaux: ['45000'] }),
          commune('45002', { codesPostaux: ['45999'] }),
        ],
        epcis: [
          { code: '200000001', nom: 'CA A', type: 'CA', membres: [{ code: '41001' }, { code: '41005' }] },
          { code: '200000002', nom: 'CC B', type: 'CC', membres: [{ code: '41006' }] },
        ],
        geonames: [geonames('41001', 47.6, 1.3), geonames('41002', 47.8, 1.1), geonames('45001', 47.9, 1.9)],
      }),
    );
    const by = new Map(built.communes.map((c) => [c.inseeCode, c]));
    expect(by.get('41001')).toMatchObject({ latitude: 47.6, longitude: 1.3, coordinatesPrecision: 'geonames' });
    // The centroid of the GeoNames-located communes sharing one of its postal codes.
    expect(by.get('41003')).toMatchObject({
      latitude: 47.7,
      longitude: 1.2,
      coordinatesPrecision: 'postal-code-neighbour',
    });
    // Only neighbours located by GeoNames count, not neighbours themselves placed by their postal code.
    expect(by.get('41004')).toMatchObject({ coordinatesPrecision: 'departement' });
    // Its EPCI's located communes (41001 only).
    expect(by.get('41005')).toMatchObject({ latitude: 47.6, longitude: 1.3, coordinatesPrecision: 'epci' });
    // An EPCI with no located commune falls through to the département.
    expect(by.get('41006')?.coordinatesPrecision).toBe('departement');
    expect(by.get('45002')).toMatchObject({ latitude: 47.9, longitude: 1.9, coordinatesPrecision: 'departement' });
    expect(built.precisionCounts).toEqual({ geonames: 3, 'postal-code-neighbour': 1, epci: 1, departement: 3 });
    expect(built.unlocated).toEqual([]);
    expect(by.get('41005')?.epciSiren).toBe('200000001');
    expect(by.get('41002')?.epciSiren).toBeNull();
  });

  test('a commune nothing can place is reported, and left out', () => {
    const built = buildGeodata(
      sources({ communes: [commune('41001'), commune('45001')], geonames: [geonames('41001', 47, 1)] }),
    );
    expect(built.communes.map((c) => c.inseeCode)).toEqual(['41001']);
    expect(built.unlocated).toEqual(['45001']);
    expect(built.departements.map((d) => d.code)).toEqual(['41']);
  });

  test('scope: current communes only, outside the COM with their own health systems', () => {
    const built = buildGeodata(
      sources({
        communes: [
          commune('41001'),
          commune('41002', { type: 'commune-deleguee', chefLieu: '41001' }),
          commune('98735', { departement: '987', region: '987' }),
        ],
        geonames: [geonames('41001', 47, 1), geonames('98735', -17.5, -149.5)],
      }),
    );
    expect(built.communes.map((c) => c.inseeCode)).toEqual(['41001']);
    expect(built.regions.map((r) => r.code)).toEqual(['24']);
  });

  test('arrondissements and former communes become aliases of their current commune', () => {
    const built = buildGeodata(
      sources({
        communes: [
          commune('75056', { nom: 'Paris', codesPostaux: ['75001', '75011'], region: '11' }),
          commune('75101', { nom: 'Paris 1er Arrondissement', type: 'arrondissement-municipal', commune: '75056' }),
          commune('41001', { anciensCodes: ['41099'] }),
          commune('41050', { nom: 'Ancienne', type: 'commune-deleguee', chefLieu: '41001' }),
          // The déléguée bearing the new commune's own code is not an alias.
          commune('41001', { type: 'commune-deleguee', chefLieu: '41001' }),
        ],
        geonames: [geonames('75056', 48.85, 2.35), geonames('41001', 47, 1)],
      }),
    );
    expect(built.communes.map((c) => c.inseeCode)).toEqual(['75056', '41001']);
    expect(built.aliases).toEqual([
      { code: '41050', inseeCode: '41001', kind: 'ancienne-commune', name: 'Ancienne' },
      { code: '41099', inseeCode: '41001', kind: 'ancienne-commune', name: null },
      { code: '75101', inseeCode: '75056', kind: 'arrondissement-municipal', name: 'Paris 1er Arrondissement' },
    ]);
  });

  test('postal codes come from the COG; codes-postaux only fills a commune the COG gives none', () => {
    const built = buildGeodata(
      sources({
        communes: [commune('41001', { codesPostaux: ['41100'] }), commune('41002', { codesPostaux: [] })],
        postalCodes: [
          { codePostal: '34260', codeCommune: '41001' },
          { codePostal: '41200', codeCommune: '41002' },
        ],
        geonames: [geonames('41001', 47, 1), geonames('41002', 47, 1)],
      }),
    );
    expect(built.communes.map((c) => c.postalCodes)).toEqual([['41100'], ['41200']]);
  });
});

describe('the packaged geodata (real data)', () => {
  const geodata = packagedGeodata();
  const by = new Map(geodata.communes.map((c) => [c.inseeCode, c]));

  test('every commune in scope is placed; counts add up', () => {
    expect(geodata.unlocated).toEqual([]);
    const counts = geodata.precisionCounts;
    expect(counts.geonames + counts['postal-code-neighbour'] + counts.epci + counts.departement).toBe(
      geodata.communes.length,
    );
    expect(geodata.communes.length).toBeGreaterThan(34_000);
    expect(counts.geonames).toBeGreaterThan(14_000);
    for (const c of geodata.communes) {
      expect(c.latitude).toBeGreaterThanOrEqual(-22);
      expect(c.latitude).toBeLessThanOrEqual(51.2);
    }
    // Metropolitan communes stay in metropolitan France.
    for (const c of geodata.communes.filter((x) => !x.departementCode.startsWith('97'))) {
      expect(c.latitude, c.inseeCode).toBeGreaterThan(41);
      expect(c.longitude, c.inseeCode).toBeGreaterThan(-5.5);
      expect(c.longitude, c.inseeCode).toBeLessThan(10);
    }
  });

  test('Paris, Lyon and Marseille are one commune each; their arrondissements are aliases', () => {
    expect(by.get('75056')?.name).toBe('Paris');
    expect(by.get('75056')?.postalCodes).toContain('75011');
    expect(by.has('75111')).toBe(false);
    const arrondissements = geodata.aliases.filter((a) => a.kind === 'arrondissement-municipal');
    expect(arrondissements).toHaveLength(20 + 9 + 16);
    expect(new Set(arrondissements.map((a) => a.inseeCode))).toEqual(new Set(['75056', '69123', '13055']));
  });

  test('Blois is where GeoNames puts it; the demo EPCI and département are there', () => {
    expect(by.get('41018')).toMatchObject({ coordinatesPrecision: 'geonames', epciSiren: '200030385' });
    expect(by.get('41018')!.latitude).toBeCloseTo(47.59, 1);
    expect(geodata.epcis.find((e) => e.siren === '200030385')?.name).toBe('CA de Blois « Agglopolys »');
    expect(geodata.communes.filter((c) => c.departementCode === '41').length).toBeGreaterThan(250);
  });
});
