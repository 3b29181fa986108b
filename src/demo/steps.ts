import type { Executor } from '../db/database.ts';
import { directoryDemoStep } from '../directory/demo.ts';
import { accountsDemoStep } from '../platform/accounts/demo.ts';
import { trainingDemoStep } from '../platform/training/demo.ts';
import type { DemoContext } from './context.ts';

/**
 * One module's part of the demo, run after the territories are loaded, in the order of `demoSteps`, inside
 * the demo's transaction. It returns the French lines the start prints about what it loaded.
 */
export interface DemoStep {
  name: string;
  run(db: Executor, ctx: DemoContext): Promise<string[]>;
}

/**
 * The modules' demo steps, in order (the directory before the accounts that refer to its professionals…).
 * Each step gets its own random stream, seeded by its name: adding a step leaves the others' data as it was.
 */
export const demoSteps: DemoStep[] = [directoryDemoStep, accountsDemoStep, trainingDemoStep];
