import { describe, expect, test, beforeEach } from 'vitest';
import type { Executor } from '../db/database.ts';
import { useTestTransaction } from '../db/testing/index.ts';
import { insertTestCommunes } from '../testing/fixtures.ts';
import { inTransaction } from '../db/transaction.ts';
import { seededRandom, type DemoCommune, type DemoContext } from '../demo/context.ts';
import { finess, luhnIsValid, rpps } from '../platform/identifiers.ts';
import { DEMO_FAMILY_NAME_ENDS, DEMO_FAMILY_NAME_STARTS, directoryDemoStep } from './demo.ts';

/** A small Loir-et-Cher: a few communes with their real codes, rounded coordinates and populations. */
const COMMUNES: DemoCommune[] = [
  { inseeCode: '41018', name: 'Blois', postalCodes: ['41000'], population: 47219, latitude: 47.586, longitude: 1.336 },
  {
    inseeCode: '41194',
    name: 'Romorantin-Lanthenay',
    postalCodes: ['41200'],
    population: 18373,
    latitude: 47.359,
    longitude: 1.741,
  },
  {
    inseeCode: '41269',
    name: 'Vendôme',
    postalCodes: ['41100'],
    population: 15758,
    latitude: 47.793,
    longitude: 1.066,
  },
  { inseeCode: '41295', name: 'Vineuil', postalCodes: ['41350'], population: 8064, latitude: 47.583, longitude: 1.376 },
  { inseeCode: '41136', name: 'Mer', postalCodes: ['41500'], population: 6250, latitude: 47.704, longitude: 1.507 },
  { inseeCode: '41232', name: 'Salbris', postalCodes: ['41300'], population: 4809, latitude: 47.425, longitude: 2.051 },
  {
    inseeCode: '41106',
    name: 'Lamotte-Beuvron',
    postalCodes: ['41600'],
    population: 4504,
    latitude: 47.601,
    longitude: 2.027,
  },
  {
    inseeCode: '41178',
    name: 'Le Plessis-l’Échelle',
    postalCodes: ['41370'],
    population: 57,
    latitude: 47.808,
    longitude: 1.408,
  },
];

function context(seed: number, communes = COMMUNES): DemoContext {
  return { random: seededRandom(seed), communes };
}

/** Everything the demo wrote, by natural keys (ids and timestamps differ from run to run). */
async function snapshot(db: Executor) {
  const professionals = await db
    .selectFrom('directory_professional')
    .select(['national_id', 'family_name', 'given_names', 'profession_code', 'specialty_code', 'civility'])
    .orderBy('national_id')
    .execute();
  const structures = await db
    .selectFrom('directory_structure as s')
    .leftJoin('directory_structure as parent', 'parent.id', 's.parent_id')
    .select(['s.kind', 's.name', 's.finess_site', 's.technical_id', 'parent.name as parent_name'])
    .orderBy('s.name')
    .execute();
  const places = await db
    .selectFrom('directory_place')
    .select(['place_key', 'commune_insee', 'address_lines', 'latitude', 'longitude', 'phone'])
    .orderBy('place_key')
    .execute();
  const roles = await db
    .selectFrom('directory_role as r')
    .innerJoin('directory_professional as p', 'p.id', 'r.professional_id')
    .innerJoin('directory_place as pl', 'pl.id', 'r.place_id')
    .select(['p.national_id', 'pl.place_key', 'r.modalities', 'r.fee_sector', 'r.practice_mode'])
    .orderBy('p.national_id')
    .orderBy('pl.place_key')
    .execute();
  const sas = await db
    .selectFrom('directory_sas_participation as s')
    .innerJoin('directory_professional as p', 'p.id', 's.professional_id')
    .leftJoin('directory_structure as o', 'o.id', 's.organisation_structure_id')
    .select([
      'p.national_id',
      's.enrolled',
      's.organisation_kind',
      'o.name',
      's.accepts_extra_patients',
      's.enrolled_since',
    ])
    .orderBy('p.national_id')
    .execute();
  const notes = await db
    .selectFrom('directory_regulator_note as n')
    .innerJoin('directory_place as pl', 'pl.id', 'n.place_id')
    .select(['pl.place_key', 'n.notes', 'n.regulator_phone', 'n.languages'])
    .orderBy('pl.place_key')
    .execute();
  return { professionals, structures, places, roles, sas, notes };
}

class RolledBack extends Error {}

/** Runs the demo in a savepoint rolled back afterwards, and returns what it wrote. */
async function runAndUndo(db: Executor, ctx: DemoContext) {
  let result: { lines: string[]; data: Awaited<ReturnType<typeof snapshot>> } | undefined;
  await inTransaction(db, async (tx) => {
    const lines = await directoryDemoStep.run(tx, ctx);
    result = { lines, data: await snapshot(tx) };
    throw new RolledBack();
  }).catch((error: unknown) => {
    if (!(error instanceof RolledBack)) throw error;
  });
  return result!;
}

describe('directory demo step', () => {
  const t = useTestTransaction();
  beforeEach(() => insertTestCommunes(t.db, COMMUNES));

  test('is named « annuaire » and loads a territory’s care offer, summed up in French', async () => {
    expect(directoryDemoStep.name).toBe('annuaire');
    const lines = await directoryDemoStep.run(t.db, context(41));
    const data = await snapshot(t.db);

    expect(data.professionals.length).toBeGreaterThanOrEqual(250);
    expect(data.professionals.length).toBeLessThanOrEqual(400);
    const gps = data.professionals.filter((p) => p.profession_code === '10' && p.specialty_code === 'SM54');
    expect(gps.length / data.professionals.length).toBeGreaterThan(0.35);
    for (const code of ['60', '70', '21', '40', '50']) {
      expect(
        data.professionals.some((p) => p.profession_code === code),
        code,
      ).toBe(true);
    }
    expect(
      data.professionals.filter((p) => p.profession_code === '10' && p.specialty_code !== 'SM54').length,
    ).toBeGreaterThan(0);

    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain(`${data.professionals.length} professionnels fictifs`);
    expect(lines[0]).toContain(`${gps.length} médecins généralistes`);
    expect(lines[1]).toContain(`${data.structures.length} structures`);
    expect(lines[1]).toContain(`${data.places.length} lieux`);
    expect(lines[1]).toContain(`${data.roles.length} rôles`);

    const names = data.structures.map((s) => s.name);
    expect(names).toContain('Centre hospitalier de Blois');
    expect(names).toContain('CPTS du Blaisois (démo)');
    expect(names).toContain('SOS Médecins Loir-et-Cher (démo)');
    for (const kind of ['practice', 'msp', 'cds', 'cpts', 'hospital', 'pharmacy', 'sos-medecins', 'mmg'] as const) {
      expect(
        data.structures.some((s) => s.kind === kind),
        kind,
      ).toBe(true);
    }
    const fixedPoints = data.structures.filter((s) => s.kind === 'sos-fixed-point');
    expect(fixedPoints).toHaveLength(2);
    expect(fixedPoints.every((s) => s.parent_name === 'SOS Médecins Loir-et-Cher (démo)')).toBe(true);
    // Every structure but the hospital (a real public hospital's name) says it is a demo.
    expect(data.structures.filter((s) => s.kind !== 'hospital').every((s) => s.name.endsWith('(démo)'))).toBe(true);

    // Every place is in a commune of the territory, placed.
    const codes = new Set(COMMUNES.map((c) => c.inseeCode));
    expect(data.places.every((p) => codes.has(p.commune_insee!) && p.latitude !== null)).toBe(true);
    expect(new Set(names).size).toBe(names.length);
    // Most people work where most people live.
    const inBlois = data.places.filter((p) => p.commune_insee === '41018').length;
    const inSmallest = data.places.filter((p) => p.commune_insee === '41178').length;
    expect(inBlois).toBeGreaterThan(inSmallest);
  });

  test('people are fictitious, their identifiers visibly fake yet well formed', async () => {
    await directoryDemoStep.run(t.db, context(41));
    const data = await snapshot(t.db);
    const nameRe = new RegExp(`^(${DEMO_FAMILY_NAME_STARTS.join('|')})(${DEMO_FAMILY_NAME_ENDS.join('|')})$`);
    for (const p of data.professionals) {
      expect(p.family_name).toMatch(nameRe);
      expect(p.national_id).toMatch(/^8999\d{8}$/);
      expect(rpps.strict(p.national_id.slice(1)).ok).toBe(true);
    }
    const finessNumbers = data.structures.map((s) => s.finess_site).filter((f): f is string => f !== null);
    expect(finessNumbers.length).toBeGreaterThan(5);
    for (const value of finessNumbers) {
      expect(value).toMatch(/^4199\d{5}$/);
      expect(finess.strict(value).ok && luhnIsValid(value)).toBe(true);
    }
    // Phones in ARCEP's range for fiction.
    for (const p of data.places.filter((pl) => pl.phone !== null)) expect(p.phone).toMatch(/^026191\d{4}$/);
    for (const n of data.notes) expect(n.regulator_phone).toMatch(/^026191\d{4}$/);
  });

  test('about half the GPs take part in the SAS, some taking extra patients; a few places have regulator notes', async () => {
    const lines = await directoryDemoStep.run(t.db, context(41));
    const data = await snapshot(t.db);
    const gps = new Set(data.professionals.filter((p) => p.specialty_code === 'SM54').map((p) => p.national_id));
    const enrolled = data.sas.filter((s) => s.enrolled);
    expect(enrolled.every((s) => gps.has(s.national_id))).toBe(true);
    expect(enrolled.length / gps.size).toBeGreaterThan(0.35);
    expect(enrolled.length / gps.size).toBeLessThan(0.65);
    const kinds = new Set(enrolled.map((s) => s.organisation_kind));
    expect(kinds).toEqual(new Set(['individual', 'cpts', 'msp', 'sos']));
    expect(
      enrolled.filter((s) => s.organisation_kind === 'cpts').every((s) => s.name === 'CPTS du Blaisois (démo)'),
    ).toBe(true);
    expect(enrolled.filter((s) => s.organisation_kind === 'individual').every((s) => s.name === null)).toBe(true);
    expect(enrolled.some((s) => s.accepts_extra_patients)).toBe(true);
    expect(enrolled.every((s) => s.enrolled_since !== null)).toBe(true);
    expect(lines[2]).toContain(`SAS : ${enrolled.length} médecins généralistes engagés sur ${gps.size}`);

    expect(data.notes.length).toBeGreaterThanOrEqual(4);
    expect(data.notes.every((n) => n.notes)).toBe(true);
  });

  test('the same seed gives the same data, whatever the order of the communes; another seed, other data', async () => {
    const first = await runAndUndo(t.db, context(7));
    const again = await runAndUndo(t.db, context(7, [...COMMUNES].reverse()));
    expect(again).toEqual(first);
    const other = await runAndUndo(t.db, context(8));
    expect(other.data.professionals).not.toEqual(first.data.professionals);
  });

  test('a territory without communes loads nothing and says so', async () => {
    expect(await directoryDemoStep.run(t.db, context(1, []))).toEqual([
      'Annuaire : aucune commune chargée, aucun professionnel créé.',
    ]);
  });
});
