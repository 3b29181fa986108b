#!/usr/bin/env node
// `npm run bench`: runs the benchmarks of bench/ (TypeScript, through tsx) and writes
// bench/results/latest.json. Options: see bench/run.ts.
import { register } from 'tsx/esm/api';

register();
await import('../bench/run.ts');
