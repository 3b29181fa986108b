import { describe, expect, test } from 'vitest';
import { useTestTransaction } from '../db/testing/index.ts';
import { packagedGeodata } from '../platform/territory/geodata-sources.ts';
import { countCommunes, getTerritory, listTerritories } from '../platform/territory/service.ts';
import { FIXTURE_GEODATA } from '../platform/territory/testing/fixture.ts';
import type { DemoContext } from './context.ts';
import { loadDemoIfEmpty } from './load.ts';
import type { DemoStep } from './steps.ts';

/** A step that shows what it was given: its random draws and the demo communes. */
function recordingStep(name: string, seen: { name: string; draws: number[]; communes: string[] }[]): DemoStep {
  return {
    name,
    async run(_db, ctx: DemoContext) {
      const draws = [ctx.random(), ctx.random(), ctx.random()];
      seen.push({ name, draws, communes: ctx.communes.map((c) => c.inseeCode) });
      return [`Étape ${name} : ${ctx.communes.length} communes.`];
    },
  };
}

/** The summary without its duration, which varies. */
const stable = (summary: string) => summary.replace(/\([\d,\s]+s\)/, '(… s)');

describe('demo', () => {
  const t = useTestTransaction();
  let firstLoad: unknown;

  async function snapshot() {
    const territories = await listTerritories(t.db);
    const communes = await Promise.all(
      territories.map(async (x) => (await getTerritory(t.db, x.id, { limit: 5000 })).communes.map((c) => c.inseeCode)),
    );
    return { territories, communes };
  }

  test('loads all communes and the demo territories, then the steps in order; says what it loaded', async () => {
    const seen: { name: string; draws: number[]; communes: string[] }[] = [];
    const result = await loadDemoIfEmpty(t.db, {
      steps: [recordingStep('annuaire', seen), recordingStep('comptes', seen)],
    });
    const geodata = packagedGeodata();
    expect(await countCommunes(t.db)).toBe(geodata.communes.length);

    const territories = await listTerritories(t.db);
    expect(territories.map((x) => [x.kind, x.name])).toEqual([
      ['national', 'France'],
      ['region', 'Centre-Val de Loire'],
      ['departement', 'Loir-et-Cher'],
      ['sas', 'SAS Loir-et-Cher'],
      ['cpts', 'CPTS du Blaisois (démo)'],
      ['dac', 'DAC Loir-et-Cher (démo)'],
    ]);
    const of = (kind: string) => territories.find((x) => x.kind === kind)!;
    const communes41 = geodata.communes.filter((c) => c.departementCode === '41');
    expect(of('national')).toMatchObject({
      communeCount: geodata.communes.length,
      population: geodata.communes.reduce((sum, c) => sum + c.population, 0),
    });
    expect(of('region').communeCount).toBe(geodata.communes.filter((c) => c.regionCode === '24').length);
    for (const kind of ['departement', 'sas', 'dac']) {
      expect(of(kind)).toMatchObject({
        communeCount: communes41.length,
        population: communes41.reduce((sum, c) => sum + c.population, 0),
      });
    }
    expect(of('cpts').communeCount).toBe(geodata.communes.filter((c) => c.epciSiren === '200030385').length);

    // The steps ran in order, each with the demo département's communes and a random stream of its own.
    expect(seen.map((s) => s.name)).toEqual(['annuaire', 'comptes']);
    expect(seen[0]!.communes.sort()).toEqual(communes41.map((c) => c.inseeCode).sort());
    expect(seen[0]!.draws).not.toEqual(seen[1]!.draws);

    const summary = result!.summary;
    expect(summary).toMatch(/^Démo chargée/);
    expect(summary).toContain(`${geodata.communes.length.toLocaleString('fr-FR')} communes de France`);
    expect(summary).toContain(`${geodata.precisionCounts.geonames.toLocaleString('fr-FR')} GeoNames`);
    expect(summary).toContain('CPTS du Blaisois (démo)');
    expect(summary).toContain(`Étape comptes : ${communes41.length} communes.`);

    // Second call: the database holds territories, nothing happens.
    const before = await snapshot();
    expect(await loadDemoIfEmpty(t.db, { steps: [recordingStep('annuaire', seen)] })).toBeUndefined();
    expect(seen).toHaveLength(2);
    expect(await snapshot()).toEqual(before);
  });

  async function fixtureLoad(steps: string[]) {
    const seen: { name: string; draws: number[]; communes: string[] }[] = [];
    const result = await loadDemoIfEmpty(t.db, {
      geodata: FIXTURE_GEODATA,
      steps: steps.map((name) => recordingStep(name, seen)),
    });
    return { summary: stable(result!.summary), seen, ...(await snapshot()) };
  }

  // Each test's transaction is rolled back: the next test loads again into an empty database.
  test('is deterministic: a first load…', async () => {
    firstLoad = await fixtureLoad(['annuaire', 'comptes']);
  });

  test('…and a second one give the same territories, ids, draws and summary', async () => {
    expect(firstLoad).toBeDefined();
    expect(await fixtureLoad(['annuaire', 'comptes'])).toEqual(firstLoad);
  });

  test('a step draws the same numbers whatever steps come before it', async () => {
    const alone = await fixtureLoad(['comptes']);
    const after = firstLoad as Awaited<ReturnType<typeof fixtureLoad>>;
    expect(alone.seen[0]!.draws).toEqual(after.seen.find((s) => s.name === 'comptes')!.draws);
  });
});
