import type { Executor } from '../db/database.ts';

export interface DemoResult {
  /** Printed at start: what the demo holds and how to log in. */
  summary: string;
}

/** Loads the demo territory when the database holds none. Placeholder until the territory slice lands. */
export async function loadDemoIfEmpty(_db: Executor): Promise<DemoResult | undefined> {
  return undefined;
}
