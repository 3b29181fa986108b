import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AUDIENCES, type Audience } from './model.ts';

/**
 * The user guides shipped with maillage: one Markdown file per guide in `guides/`, its address (slug) being
 * the file name, with a small front matter:
 *
 *     ---
 *     title: Guide du médecin régulateur
 *     roles: regulator
 *     ---
 *
 * `roles`: profile ids separated by commas, or `tous`. Later capabilities update these files; the import
 * (`maillage training import-guides`, the demo, or the management page) brings them into the database.
 */
export const SHIPPED_GUIDES_DIR = path.join(import.meta.dirname, 'guides');

export interface ShippedGuide {
  slug: string;
  title: string;
  audience: Audience[];
  bodyMarkdown: string;
}

export class ShippedGuideError extends Error {
  constructor(fileName: string, problem: string) {
    super(`Guide livré ${fileName} : ${problem}`);
    this.name = 'ShippedGuideError';
  }
}

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export function parseShippedGuide(fileName: string, text: string): ShippedGuide {
  const slug = fileName.replace(/\.md$/, '');
  if (!SLUG.test(slug) || slug.length > 80) {
    throw new ShippedGuideError(fileName, 'nom de fichier invalide (minuscules, chiffres et tirets seulement).');
  }
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(text);
  if (!match) throw new ShippedGuideError(fileName, 'en-tête « --- title / roles --- » absent.');
  const fields = new Map<string, string>();
  for (const line of match[1]!.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const field = /^([a-z]+):\s*(.*)$/.exec(line);
    if (!field) throw new ShippedGuideError(fileName, `ligne d’en-tête illisible : « ${line} ».`);
    fields.set(field[1]!, field[2]!.trim());
  }
  const title = fields.get('title');
  if (!title) throw new ShippedGuideError(fileName, 'titre (title) manquant.');
  const roles = (fields.get('roles') ?? '')
    .split(',')
    .map((role) => role.trim())
    .filter(Boolean);
  if (roles.length === 0) throw new ShippedGuideError(fileName, 'profils (roles) manquants.');
  const unknown = roles.filter((role) => !AUDIENCES.includes(role as Audience));
  if (unknown.length > 0) throw new ShippedGuideError(fileName, `profil(s) inconnu(s) : ${unknown.join(', ')}.`);
  const bodyMarkdown = text.slice(match[0].length).trim() + '\n';
  return { slug, title, audience: roles as Audience[], bodyMarkdown };
}

/** Every shipped guide, in file-name order. */
export function loadShippedGuides(dir: string = SHIPPED_GUIDES_DIR): ShippedGuide[] {
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => parseShippedGuide(name, fs.readFileSync(path.join(dir, name), 'utf8')));
}

/** What identifies a guide's content: a local edit of title, profiles or text changes it. */
export function guideContentHash(guide: { title: string; audience: readonly string[]; bodyMarkdown: string }): string {
  return createHash('sha256')
    .update(JSON.stringify([guide.title, [...guide.audience].sort(), guide.bodyMarkdown]))
    .digest('hex');
}
