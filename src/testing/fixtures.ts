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
