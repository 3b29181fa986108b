import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { migrations } from './index.ts';

test('every migration file is listed, in name order, and names never repeat a number', () => {
  const files = fs
    .readdirSync(import.meta.dirname)
    .filter((f) => /^\d{4}_.+\.ts$/.test(f) && !f.endsWith('.test.ts'))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
  expect(Object.keys(migrations)).toEqual(files);
  const numbers = files.map((f) => f.slice(0, 4));
  expect(new Set(numbers).size).toBe(numbers.length);
});

test('migrations are PostgreSQL 15 SQL: nothing PGlite 18 alone accepts', () => {
  const forbidden = [/uuidv7\s*\(/i, /without\s+overlaps/i, /\bmerge\b[\s\S]*\breturning\b/i, /\bvirtual\b/i];
  for (const file of fs.readdirSync(import.meta.dirname).filter((f) => /^\d{4}_/.test(f))) {
    const text = fs.readFileSync(path.join(import.meta.dirname, file), 'utf8');
    for (const pattern of forbidden) expect(text, `${file} ${pattern}`).not.toMatch(pattern);
  }
});
