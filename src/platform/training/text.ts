/** Text helpers of the training space: search words, LIKE patterns, excerpts, slugs. Pure. */

/** Lower case without accents, as a French reader compares words ("Régulation" = "regulation"). */
export function fold(text: string): string {
  return text.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').replace(/œ/g, 'oe').replace(/æ/g, 'ae');
}

export const MAX_SEARCH_WORDS = 8;

/** The words of a search, each to be found (AND), deduplicated; punctuation separates words. */
export function searchWords(query: string): string[] {
  const words = query
    .split(/[\s,;:!?()[\]{}"«»“”'’/\\|<>]+/u)
    .map((word) => word.replace(/^[.\-_*#`~]+|[.\-_*#`~]+$/g, ''))
    .filter((word) => word.length > 0)
    .map((word) => word.slice(0, 50));
  const seen = new Set<string>();
  const unique: string[] = [];
  for (const word of words) {
    const key = fold(word);
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(word);
  }
  return unique.slice(0, MAX_SEARCH_WORDS);
}

/** `%word%` for LIKE, the word's own %, _ and \ taken literally. */
export function containsPattern(word: string): string {
  return `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Markdown reduced to its words, for excerpts: no markers, no link targets, spaces collapsed. */
export function plainText(markdown: string): string {
  return markdown
    .replace(/```[^\n]*\n([\s\S]*?)```/g, '$1')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+[.)])\s+/gm, '')
    .replace(/^\s*\|?[\s:|-]+\|[\s:|-]*$/gm, ' ')
    .replace(/[|*_`]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * About `length` characters of the guide's text around the first word found, cut at word boundaries, with
 * "…" where text was left out; the start of the text when no word is found.
 */
export function excerpt(markdown: string, words: readonly string[], length = 180): string {
  let text = plainText(markdown);
  const folded = fold(text);
  // Folding can change lengths (œ → oe); positions are only used to centre the excerpt, so close is enough.
  let at = -1;
  for (const word of words) {
    const found = folded.indexOf(fold(word));
    if (found >= 0 && (at < 0 || found < at)) at = found;
  }
  // Nothing to centre on: the guide's first sentences, without its headings.
  if (at < 0) text = plainText(markdown.replace(/^ {0,3}#{1,6}[ \t].*$/gm, ''));
  let start = at < 0 ? 0 : Math.max(0, at - Math.floor(length / 3));
  if (start > 0) {
    const space = text.indexOf(' ', start);
    start = space >= 0 && space < at ? space + 1 : start;
  }
  let end = Math.min(text.length, start + length);
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end);
    if (space > start) end = space;
  }
  return `${start > 0 ? '… ' : ''}${text.slice(start, end)}${end < text.length ? ' …' : ''}`;
}

/** A readable, stable address from a title: `Guide du médecin régulateur` → `guide-du-medecin-regulateur`. */
export function slugify(title: string): string {
  const slug = fold(title)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 70)
    .replace(/-+$/g, '');
  return slug || 'guide';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
