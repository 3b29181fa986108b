import { sql } from 'kysely';
import { describe, expect, test } from 'vitest';
import { useTestTransaction } from './testing/index.ts';
import { inTransaction } from './transaction.ts';

describe('inTransaction', () => {
  const t = useTestTransaction();

  async function count(): Promise<number> {
    const r = await sql<{
      n: number;
    }>`select count(*)::int as n from maillage_meta where key like 'tx-%'`.execute(t.db);
    return r.rows[0]!.n;
  }

  test('inside a transaction, a failing unit of work is undone alone and the caller goes on', async () => {
    await inTransaction(t.db, async (tx) => {
      await sql`insert into maillage_meta (key, value) values ('tx-a', '1')`.execute(tx);
    });
    await expect(
      inTransaction(t.db, async (tx) => {
        await sql`insert into maillage_meta (key, value) values ('tx-b', '1')`.execute(tx);
        throw new Error('échec volontaire');
      }),
    ).rejects.toThrow('échec volontaire');
    expect(await count()).toBe(1);
    // The surrounding transaction is still usable after the failure.
    await sql`insert into maillage_meta (key, value) values ('tx-c', '1')`.execute(t.db);
    expect(await count()).toBe(2);
  });

  test('the previous test’s rows were rolled back: tests are isolated', async () => {
    expect(await count()).toBe(0);
  });

  test('a constraint violation inside a unit of work leaves the caller’s transaction usable', async () => {
    await sql`insert into maillage_meta (key, value) values ('tx-dup', '1')`.execute(t.db);
    await expect(
      inTransaction(t.db, (tx) => sql`insert into maillage_meta (key, value) values ('tx-dup', '2')`.execute(tx)),
    ).rejects.toThrow();
    expect(await count()).toBe(1);
  });
});
