import type { Executor } from '../db/database.ts';
import type { Geodata } from '../platform/territory/geodata.ts';
import { TERRITORY_KIND_LABELS } from '../platform/territory/model.ts';
import {
  createTerritory,
  getTerritory,
  loadGeodata,
  type GeodataLoadReport,
  type NewTerritory,
} from '../platform/territory/service.ts';
import { seededRandom, seededUuid, type DemoCommune } from './context.ts';

/** The demo département: Loir-et-Cher. */
export const DEMO_DEPARTEMENT = '41';

/** CA de Blois « Agglopolys », around Blois: the perimeter of the fictitious CPTS. */
export const AGGLOPOLYS_SIREN = '200030385';

/** The demo's named territories; the CPTS and the DAC are fictitious and say so. */
export const DEMO_TERRITORIES: readonly NewTerritory[] = [
  { kind: 'national', code: 'FR', name: 'France', perimeter: { allCommunes: true } },
  { kind: 'region', code: '24', name: 'Centre-Val de Loire', perimeter: { regionCode: '24' } },
  {
    kind: 'departement',
    code: DEMO_DEPARTEMENT,
    name: 'Loir-et-Cher',
    perimeter: { departementCode: DEMO_DEPARTEMENT },
  },
  { kind: 'sas', code: DEMO_DEPARTEMENT, name: 'SAS Loir-et-Cher', perimeter: { departementCode: DEMO_DEPARTEMENT } },
  {
    kind: 'cpts',
    code: 'blaisois-demo',
    name: 'CPTS du Blaisois (démo)',
    perimeter: { epciSiren: AGGLOPOLYS_SIREN },
  },
  {
    kind: 'dac',
    code: `${DEMO_DEPARTEMENT}-demo`,
    name: 'DAC Loir-et-Cher (démo)',
    perimeter: { departementCode: DEMO_DEPARTEMENT },
  },
];

export interface DemoTerritoryResult {
  lines: string[];
  /** The demo département's communes, for the modules' steps. */
  communes: DemoCommune[];
}

const n = (value: number) => value.toLocaleString('fr-FR');

/** Loads every commune of France, then the demo's named territories, with ids drawn from `seed`. */
export async function loadDemoTerritories(
  db: Executor,
  geodata: Geodata,
  seed: number,
  onProgress?: (done: number, total: number) => void,
): Promise<DemoTerritoryResult> {
  const report = await loadGeodata(db, geodata, onProgress);
  const random = seededRandom(seed);
  const created = [];
  for (const territory of DEMO_TERRITORIES) {
    created.push(await createTerritory(db, { ...territory, id: seededUuid(random) }));
  }
  const departement = created.find((t) => t.kind === 'departement' && t.code === DEMO_DEPARTEMENT)!;
  const { communes } = await getTerritory(db, departement.id, { limit: 5000 });
  return {
    lines: [
      describeGeodata(report),
      `Territoires : ${created
        .map(
          (t) => `${t.name} (${TERRITORY_KIND_LABELS[t.kind]}, ${n(t.communeCount)} communes, ${n(t.population)} hab.)`,
        )
        .join(' ; ')}.`,
    ],
    communes: communes.map((c) => ({
      inseeCode: c.inseeCode,
      name: c.name,
      postalCodes: c.postalCodes,
      population: c.population,
      latitude: c.latitude,
      longitude: c.longitude,
    })),
  };
}

function describeGeodata(report: GeodataLoadReport): string {
  const p = report.precisionCounts;
  return (
    `${n(report.communes)} communes de France (${report.regions} régions, ${report.departements} départements, ` +
    `${n(report.epcis)} EPCI) ; coordonnées : ${n(p.geonames)} GeoNames, ${n(p['postal-code-neighbour'])} ` +
    `par les communes de même code postal, ${n(p.epci)} au centre de l’EPCI, ${n(p.departement)} au centre du département` +
    (p.official > 0 ? `, ${n(p.official)} officielles` : '') +
    '.'
  );
}
