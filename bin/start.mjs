#!/usr/bin/env node
// `npm start`: builds the web app when its sources are newer than the build, then serves the platform.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(root, 'web/dist/index.html');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

const sources = [
  path.join(root, 'web/src'),
  path.join(root, 'web/public'),
  path.join(root, 'web/index.html'),
  path.join(root, 'web/vite.config.ts'),
];
const sourcesMtime = Math.max(
  ...sources
    .filter((p) => fs.existsSync(p))
    .map((p) => (fs.statSync(p).isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs)),
);
if (
  fs.existsSync(path.join(root, 'web/index.html')) &&
  (!fs.existsSync(built) || fs.statSync(built).mtimeMs < sourcesMtime)
) {
  console.log('Construction de l’application web…');
  const result = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
    {
      cwd: root,
      stdio: 'inherit',
      // React's production build whatever NODE_ENV the server runs with.
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  if (result.status !== 0) {
    console.error('Erreur : la construction de l’application web a échoué (voir ci-dessus).');
    process.exit(1);
  }
}

register();
await import('../src/main.ts');
