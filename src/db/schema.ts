/**
 * Every table Kysely may query, as the union of each module's own tables. A module declares its tables in
 * its `model.ts` and only its `store.ts` queries them.
 */
export interface Database {
  maillage_meta: {
    key: string;
    value: unknown;
    updated_at: Date;
  };
}
