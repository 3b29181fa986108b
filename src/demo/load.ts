import type { Executor } from '../db/database.ts';
import { inTransaction } from '../db/transaction.ts';
import type { Geodata } from '../platform/territory/geodata.ts';
import { packagedGeodata } from '../platform/territory/geodata-sources.ts';
import { hasTerritories } from '../platform/territory/service.ts';
import { seededRandom, type DemoContext } from './context.ts';
import { demoSteps, type DemoStep } from './steps.ts';
import { lockDemoLoading } from './store.ts';
import { loadDemoTerritories } from './territory.ts';

export interface DemoResult {
  /** Printed at start: what the demo holds and how to log in. */
  summary: string;
}

/** The demo's seed: the same demo on every machine, every time. */
export const DEMO_SEED = 41;

export interface DemoOptions {
  /** The modules' steps; the registry by default. */
  steps?: readonly DemoStep[];
  /** The communes to load; those of the installed packages by default. */
  geodata?: Geodata;
  onProgress?: (done: number, total: number) => void;
}

/** A 32-bit FNV-1a hash: a stable seed per step from its name. */
function seedFor(name: string): number {
  let hash = 0x811c9dc5 ^ DEMO_SEED;
  for (const ch of name) {
    hash ^= ch.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Loads the demo, in one transaction, when the database holds no territory; does nothing (undefined)
 * otherwise. Cheap on an existing database: one count.
 */
export async function loadDemoIfEmpty(db: Executor, options: DemoOptions = {}): Promise<DemoResult | undefined> {
  if (await hasTerritories(db)) return undefined;
  const started = performance.now();
  const lines = await inTransaction(db, async (tx) => {
    await lockDemoLoading(tx);
    if (await hasTerritories(tx)) return undefined;
    const territory = await loadDemoTerritories(
      tx,
      options.geodata ?? packagedGeodata(),
      seedFor('territory'),
      options.onProgress,
    );
    const stepLines: string[] = [];
    for (const step of options.steps ?? demoSteps) {
      const ctx: DemoContext = { random: seededRandom(seedFor(step.name)), communes: territory.communes };
      stepLines.push(...(await step.run(tx, ctx)));
    }
    return [...territory.lines, ...stepLines];
  });
  if (!lines) return undefined;
  const seconds = ((performance.now() - started) / 1000).toLocaleString('fr-FR', { maximumFractionDigits: 1 });
  return {
    summary: [`Démo chargée dans la base vide (${seconds} s), données fictives sauf le découpage administratif :`]
      .concat(lines.map((line) => `  • ${line}`))
      .join('\n'),
  };
}
