/** Where the `db` test tier runs: PGlite unless MAILLAGE_TEST_DB=postgres. */
export function testDatabaseKind(): 'pglite' | 'postgres' {
  return process.env.MAILLAGE_TEST_DB === 'postgres' ? 'postgres' : 'pglite';
}

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
