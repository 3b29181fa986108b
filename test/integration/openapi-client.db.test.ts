import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, test } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'maillage-gen-api-'));

afterAll(() => {
  fs.rmSync(fresh, { recursive: true, force: true });
});

test('the web app’s API types are generated from the server’s current OpenAPI document', async () => {
  await promisify(execFile)(process.execPath, [path.join(root, 'bin/gen-api.mjs'), '--out', fresh], { cwd: root });
  for (const file of ['openapi.json', 'schema.d.ts']) {
    const committed = path.join(root, 'web/src/api', file);
    const upToDate =
      fs.existsSync(committed) &&
      fs.readFileSync(committed, 'utf8') === fs.readFileSync(path.join(fresh, file), 'utf8');
    expect(
      upToDate,
      `web/src/api/${file} ne correspond plus aux routes du serveur : lancez « npm run gen:api » et committez le résultat ` +
        `(web/src/api/${file} is out of date: run \`npm run gen:api\`).`,
    ).toBe(true);
  }
}, 120_000);
