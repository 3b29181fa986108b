import type { PGlite, Results } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

/**
 * Presents one PGlite instance to Kysely's PostgresDialect as a pool of one connection.
 *
 * PGlite runs one query at a time and has no sessions: a transaction must own the instance from BEGIN
 * to COMMIT, so `connect()` waits until the previous holder releases it. Never hold a connection across
 * network I/O: everyone else waits.
 */
export class PglitePool implements PostgresPool {
  #tail: Promise<void> = Promise.resolve();
  #ended = false;

  constructor(private readonly pglite: PGlite) {}

  async connect(): Promise<PostgresPoolClient> {
    if (this.#ended) throw new Error('La base embarquée est fermée.');
    let release!: () => void;
    const previous = this.#tail;
    this.#tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    let released = false;
    const pglite = this.pglite;
    const client = {
      async query<R>(sqlText: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
        // Without parameters, use the simple protocol so multi-statement scripts (migrations) run,
        // exactly as node-postgres does.
        const result: Results<R> =
          parameters.length === 0
            ? (((await pglite.exec(sqlText)).at(-1) as Results<R> | undefined) ?? { rows: [], fields: [] })
            : await pglite.query<R>(sqlText, parameters as unknown[]);
        return {
          command: commandOf(sqlText),
          rowCount: result.affectedRows ?? result.rows.length,
          rows: result.rows,
        };
      },
      release() {
        if (released) return;
        released = true;
        release();
      },
    };
    return client as PostgresPoolClient;
  }

  async end(): Promise<void> {
    this.#ended = true;
    await this.#tail;
  }
}

function commandOf(sqlText: string): PostgresQueryResult<unknown>['command'] {
  const first = /^\s*(\w+)/.exec(sqlText)?.[1]?.toUpperCase();
  if (first === 'INSERT' || first === 'UPDATE' || first === 'DELETE' || first === 'MERGE') return first;
  return 'SELECT';
}
