#!/usr/bin/env node
// The command line, `npx maillage <command>`: runs the TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
