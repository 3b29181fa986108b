import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';

/** A named territory with no commune, for tests about rights; its id is returned. */
export async function createTestTerritory(
  db: Executor,
  territory: { kind: string; code: string; name: string },
): Promise<string> {
  const row = await sql<{ id: string }>`
    insert into territory (kind, code, name) values (${territory.kind}, ${territory.code}, ${territory.name}) returning id
  `.execute(db);
  return row.rows[0]!.id;
}

/**
 * Communes for tests that need a few without loading France: each with its département and region,
 * created if missing (real codes, approximate data). `departementCode` is taken from the INSEE code.
 */
export async function insertTestCommunes(
  db: Executor,
  communes: readonly {
    inseeCode: string;
    name: string;
    postalCodes?: string[];
    population?: number;
    latitude: number;
    longitude: number;
  }[],
): Promise<void> {
  for (const commune of communes) {
    const departement = commune.inseeCode.startsWith('97')
      ? commune.inseeCode.slice(0, 3)
      : commune.inseeCode.slice(0, 2);
    await sql`insert into region (code, name) values ('00', 'Région de test') on conflict do nothing`.execute(db);
    await sql`
      insert into departement (code, name, region_code) values (${departement}, ${`Département ${departement}`}, '00')
      on conflict do nothing`.execute(db);
    await sql`
      insert into commune (insee_code, name, departement_code, region_code, postal_codes, population, latitude, longitude, coordinates_precision)
      values (${commune.inseeCode}, ${commune.name}, ${departement}, '00', ${commune.postalCodes ?? []}, ${commune.population ?? 0},
              ${commune.latitude}, ${commune.longitude}, 'geonames')
      on conflict do nothing`.execute(db);
  }
}
