/**
 * A small, safe Markdown subset for the training guides, parsed into a tree that markdown-view.tsx turns into
 * React elements — never into an HTML string. What it knows: headings, paragraphs, bullet and numbered lists
 * (nested), block quotes, fenced code, horizontal rules, tables; emphasis, strong, inline code, links, hard
 * line breaks, backslash escapes. Everything else, HTML included, stays text: React escapes it when rendered.
 * Links keep only http(s) and same-site relative targets.
 *
 * Linear in practice: each delimiter search that fails is remembered, so pathological input (thousands of
 * unclosed `**`) costs no more than ordinary text; nesting (quotes in lists in quotes…) stops at MAX_DEPTH.
 */

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'strong'; children: Inline[] }
  | { type: 'em'; children: Inline[] }
  | { type: 'code'; text: string }
  | { type: 'link'; href: string; external: boolean; children: Inline[] }
  | { type: 'break' };

export type Align = 'left' | 'center' | 'right' | null;

export type Block =
  | { type: 'heading'; level: 2 | 3 | 4 | 5 | 6; id: string; children: Inline[] }
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'list'; ordered: boolean; start: number; tight: boolean; items: Block[][] }
  | { type: 'quote'; children: Block[] }
  | { type: 'code'; text: string }
  | { type: 'rule' }
  | { type: 'table'; align: Align[]; header: Inline[][]; rows: Inline[][][] };

export const MAX_DEPTH = 8;

interface Context {
  /** Heading ids already given, for unique anchors. */
  ids: Map<string, number>;
}

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').replace(/\t/g, '    ').split('\n');
  return parseBlocks(lines, { ids: new Map() }, 0);
}

// ── Blocks ───────────────────────────────────────────────────────────────────────────────────────────

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const HEADING = /^ {0,3}(#{1,6})(?:[ ]+(.*?))?(?:[ ]+#+)?[ ]*$/;
const RULE = /^ {0,3}([-*_])(?:[ ]*\1){2,}[ ]*$/;
const QUOTE = /^ {0,3}> ?/;
const LIST_ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])( +|$)/;
const TABLE_DELIMITER = /^ {0,3}\|?[ ]*:?-+:?[ ]*(\|[ ]*:?-+:?[ ]*)*\|?[ ]*$/;

const isBlank = (line: string) => line.trim() === '';

function startsBlock(line: string): boolean {
  if (FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line)) return true;
  const item = LIST_ITEM.exec(line);
  // A list interrupts a paragraph only when it starts at 1 (or is a bullet) and has content.
  return (
    item !== null && line.slice(item[0].length).trim() !== '' && (/^[-*+]$/.test(item[2]!) || /^1[.)]$/.test(item[2]!))
  );
}

function parseBlocks(lines: string[], ctx: Context, depth: number): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (isBlank(line)) {
      i += 1;
      continue;
    }

    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1]!;
      const body: string[] = [];
      i += 1;
      while (
        i < lines.length &&
        !new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}[ ]*$`).test(lines[i]!)
      ) {
        body.push(lines[i]!);
        i += 1;
      }
      i += 1; // the closing fence (or the end)
      blocks.push({ type: 'code', text: body.join('\n') });
      continue;
    }

    const heading = HEADING.exec(line);
    if (heading) {
      const children = parseInline(heading[2] ?? '');
      // The page gives the guide's title its level 1: headings of the text start at 2.
      const level = Math.min(Math.max(heading[1]!.length, 2), 6) as 2 | 3 | 4 | 5 | 6;
      blocks.push({ type: 'heading', level, id: headingId(children, ctx), children });
      i += 1;
      continue;
    }

    if (RULE.test(line)) {
      blocks.push({ type: 'rule' });
      i += 1;
      continue;
    }

    if (QUOTE.test(line) && depth < MAX_DEPTH) {
      const inner: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i]!)) {
        inner.push(lines[i]!.replace(QUOTE, ''));
        i += 1;
      }
      blocks.push({ type: 'quote', children: parseBlocks(inner, ctx, depth + 1) });
      continue;
    }

    if (LIST_ITEM.test(line) && depth < MAX_DEPTH) {
      const list = parseList(lines, i, ctx, depth);
      blocks.push(list.block);
      i = list.next;
      continue;
    }

    if (line.includes('|') && i + 1 < lines.length && TABLE_DELIMITER.test(lines[i + 1]!)) {
      const header = splitRow(line);
      const align = splitRow(lines[i + 1]!).map(alignment);
      if (header.length === align.length) {
        i += 2;
        const rows: Inline[][][] = [];
        while (i < lines.length && !isBlank(lines[i]!) && lines[i]!.includes('|')) {
          const cells = splitRow(lines[i]!);
          rows.push(align.map((_, c) => parseInline(cells[c] ?? '')));
          i += 1;
        }
        blocks.push({ type: 'table', align, header: header.map((cell) => parseInline(cell)), rows });
        continue;
      }
    }

    // A paragraph: up to a blank line or the start of another block.
    const text: string[] = [line];
    i += 1;
    while (i < lines.length && !isBlank(lines[i]!) && !startsBlock(lines[i]!)) {
      text.push(lines[i]!);
      i += 1;
    }
    blocks.push({ type: 'paragraph', children: parseInline(text.map((l) => l.replace(/^ +/, '')).join('\n')) });
  }
  return blocks;
}

function parseList(lines: string[], from: number, ctx: Context, depth: number): { block: Block; next: number } {
  const first = LIST_ITEM.exec(lines[from]!)!;
  const ordered = /\d/.test(first[2]!);
  const kind = (marker: string) => (ordered ? marker.slice(-1) : marker);
  const markerKind = kind(first[2]!);
  const items: string[][] = [];
  let tight = true;
  let i = from;
  let contentIndent = 0;

  while (i < lines.length) {
    const line = lines[i]!;
    const item = LIST_ITEM.exec(line);
    const sameKind = item !== null && /\d/.test(item[2]!) === ordered && kind(item[2]!) === markerKind;
    if (item && sameKind && item[1]!.length < Math.max(contentIndent, 1) + (items.length === 0 ? 4 : 0)) {
      // A new item.
      const spaces = item[3]!.length;
      contentIndent = item[1]!.length + item[2]!.length + (spaces >= 1 && spaces <= 4 ? spaces : 1);
      items.push([line.slice(Math.min(contentIndent, line.length))]);
      i += 1;
      continue;
    }
    if (isBlank(line)) {
      // A blank line continues the list if what follows belongs to it (indented, or another item).
      let j = i + 1;
      while (j < lines.length && isBlank(lines[j]!)) j += 1;
      if (j >= lines.length) break;
      const after = lines[j]!;
      const afterItem = LIST_ITEM.exec(after);
      const indent = after.length - after.trimStart().length;
      const continues =
        indent >= contentIndent ||
        (afterItem !== null && /\d/.test(afterItem[2]!) === ordered && kind(afterItem[2]!) === markerKind);
      if (!continues) break;
      tight = false;
      for (let k = i; k < j; k += 1) items[items.length - 1]!.push('');
      i = j;
      continue;
    }
    const indent = line.length - line.trimStart().length;
    if (indent >= contentIndent) {
      items[items.length - 1]!.push(line.slice(contentIndent));
      i += 1;
      continue;
    }
    // Lazy continuation of the item's paragraph.
    const current = items[items.length - 1]!;
    if (!isBlank(current[current.length - 1] ?? '') && !startsBlock(line) && !(item && !sameKind)) {
      current.push(line.trimStart());
      i += 1;
      continue;
    }
    break;
  }

  const parsed = items.map((item) => parseBlocks(item, ctx, depth + 1));
  if (parsed.some((blocks) => blocks.filter((b) => b.type === 'paragraph').length > 1)) tight = false;
  return {
    block: { type: 'list', ordered, start: ordered ? Number.parseInt(first[2]!, 10) : 1, tight, items: parsed },
    next: i,
  };
}

/** The cells of a table row: split on | outside code spans, \| kept as a pipe. */
function splitRow(line: string): string[] {
  let row = line.trim();
  if (row.startsWith('|')) row = row.slice(1);
  if (row.endsWith('|') && !row.endsWith('\\|')) row = row.slice(0, -1);
  const cells: string[] = [];
  let cell = '';
  let inCode = false;
  for (let i = 0; i < row.length; i += 1) {
    const c = row[i]!;
    if (c === '\\' && row[i + 1] === '|') {
      cell += '|';
      i += 1;
    } else if (c === '`') {
      inCode = !inCode;
      cell += c;
    } else if (c === '|' && !inCode) {
      cells.push(cell.trim());
      cell = '';
    } else {
      cell += c;
    }
  }
  cells.push(cell.trim());
  return cells;
}

function alignment(cell: string): Align {
  const left = cell.startsWith(':');
  const right = cell.endsWith(':');
  return left && right ? 'center' : right ? 'right' : left ? 'left' : null;
}

/** `section-…` from the heading's words: a stable anchor, unique in the guide. */
function headingId(children: Inline[], ctx: Context): string {
  const base =
    'section-' +
    (plainInline(children)
      .toLowerCase()
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'partie');
  const seen = ctx.ids.get(base) ?? 0;
  ctx.ids.set(base, seen + 1);
  return seen === 0 ? base : `${base}-${seen + 1}`;
}

export function plainInline(nodes: readonly Inline[]): string {
  return nodes
    .map((node) => {
      switch (node.type) {
        case 'text':
        case 'code':
          return node.text;
        case 'break':
          return ' ';
        default:
          return plainInline(node.children);
      }
    })
    .join('');
}

// ── Inline ───────────────────────────────────────────────────────────────────────────────────────────

const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/;
const WORD = /[\p{L}\p{N}]/u;

export function parseInline(text: string, depth = 0): Inline[] {
  const out: Inline[] = [];
  let buffer = '';
  // Positions from which a closing delimiter was already searched for in vain.
  const noCloser = new Map<string, number>();
  const flush = () => {
    if (buffer !== '') out.push({ type: 'text', text: buffer });
    buffer = '';
  };
  const findFrom = (key: string, from: number, find: (from: number) => number): number => {
    const failed = noCloser.get(key);
    if (failed !== undefined && from >= failed) return -1;
    const at = find(from);
    if (at < 0) noCloser.set(key, Math.min(failed ?? from, from));
    return at;
  };

  let i = 0;
  while (i < text.length) {
    const c = text[i]!;

    if (c === '\\') {
      const next = text[i + 1];
      if (next === '\n') {
        flush();
        out.push({ type: 'break' });
        i += 2;
        continue;
      }
      if (next !== undefined && PUNCTUATION.test(next)) {
        buffer += next;
        i += 2;
        continue;
      }
    }

    if (c === '\n') {
      // Two spaces before a line end: a hard break; otherwise a space.
      if (buffer.endsWith('  ')) {
        buffer = buffer.replace(/ +$/, '');
        flush();
        out.push({ type: 'break' });
      } else {
        buffer = buffer.replace(/ +$/, '') + ' ';
      }
      i += 1;
      continue;
    }

    if (c === '`') {
      let run = 1;
      while (text[i + run] === '`') run += 1;
      const ticks = '`'.repeat(run);
      const close = findFrom(`code${run}`, i + run, (from) => {
        let at = text.indexOf(ticks, from);
        while (at >= 0 && (text[at + run] === '`' || text[at - 1] === '`')) at = text.indexOf(ticks, at + 1);
        return at;
      });
      if (close >= 0) {
        flush();
        let code = text.slice(i + run, close).replace(/\n/g, ' ');
        if (/^ .*[^ ].* $/.test(code)) code = code.slice(1, -1);
        out.push({ type: 'code', text: code });
        i = close + run;
        continue;
      }
      buffer += ticks;
      i += run;
      continue;
    }

    if (c === '[' && depth < MAX_DEPTH) {
      const link = parseLink(text, i, findFrom);
      if (link) {
        flush();
        const children = parseInline(link.label, depth + 1);
        const href = safeHref(link.target);
        if (href === null) out.push(...children);
        else out.push({ type: 'link', href, external: /^https?:/i.test(href), children });
        i = link.end;
        continue;
      }
    }

    if (c === '<') {
      const auto = /^<(https?:\/\/[^\s<>]+)>/i.exec(text.slice(i, i + 2048));
      if (auto) {
        const href = safeHref(auto[1]!);
        if (href !== null) {
          flush();
          out.push({ type: 'link', href, external: true, children: [{ type: 'text', text: auto[1]! }] });
          i += auto[0].length;
          continue;
        }
      }
    }

    if ((c === '*' || c === '_') && depth < MAX_DEPTH) {
      // ***both***: strong around em.
      if (text[i + 1] === c && text[i + 2] === c && text[i + 3] !== undefined && !/\s/.test(text[i + 3]!)) {
        const triple = c + c + c;
        const close = findFrom(`em${triple}`, i + 3, (from) => closingDelimiter(text, from, triple));
        if (close >= 0 && (c === '*' || i === 0 || !WORD.test(text[i - 1]!))) {
          flush();
          const children = parseInline(text.slice(i + 3, close), depth + 1);
          out.push({ type: 'strong', children: [{ type: 'em', children }] });
          i = close + 3;
          continue;
        }
      }
      const double = text[i + 1] === c;
      const delimiter = double ? c + c : c;
      const after = text[i + delimiter.length];
      const before = text[i - 1];
      const opens =
        after !== undefined &&
        !/\s/.test(after) &&
        after !== c &&
        // `_` inside a word (snake_case) is not emphasis.
        (c === '*' || before === undefined || !WORD.test(before));
      if (opens) {
        const close = findFrom(`em${delimiter}`, i + delimiter.length, (from) =>
          closingDelimiter(text, from, delimiter),
        );
        if (close >= 0) {
          flush();
          const children = parseInline(text.slice(i + delimiter.length, close), depth + 1);
          out.push(double ? { type: 'strong', children } : { type: 'em', children });
          i = close + delimiter.length;
          continue;
        }
      }
      buffer += delimiter;
      i += delimiter.length;
      continue;
    }

    buffer += c;
    i += 1;
  }
  buffer = buffer.replace(/ +$/, '');
  flush();
  return out;
}

/** Where `delimiter` closes an emphasis opened before `from`: after a non-space, not doubled, not mid-word for `_`. */
function closingDelimiter(text: string, from: number, delimiter: string): number {
  const c = delimiter[0]!;
  let at = text.indexOf(delimiter, from);
  while (at >= 0) {
    const before = text[at - 1];
    const after = text[at + delimiter.length];
    const valid =
      at > from &&
      before !== undefined &&
      !/\s/.test(before) &&
      before !== '\\' &&
      (delimiter.length >= 2 || after !== c) &&
      (c === '*' || after === undefined || !WORD.test(after));
    if (valid) return at;
    at = text.indexOf(delimiter, at + 1);
  }
  return -1;
}

/** `[label](target "title")` at `start`: the label, the target, and where it ends. */
function parseLink(
  text: string,
  start: number,
  findFrom: (key: string, from: number, find: (from: number) => number) => number,
): { label: string; target: string; end: number } | null {
  // The matching ], nested brackets allowed, escaped ones skipped; within 500 characters (labels are short).
  if (findFrom('bracket', start + 1, (from) => text.indexOf(']', from)) < 0) return null;
  const close = ((from: number) => {
    let level = 0;
    for (let i = from; i < text.length && i < from + 500; i += 1) {
      const c = text[i];
      if (c === '\\') i += 1;
      else if (c === '[') level += 1;
      else if (c === ']') {
        if (level === 0) return i;
        level -= 1;
      }
    }
    return -1;
  })(start + 1);
  if (close < 0 || text[close + 1] !== '(') return null;
  const rest = text.slice(close + 2, close + 2 + 2048);
  const target = /^[ ]*(<[^<>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:[ ]+"[^"\n]*")?[ ]*\)/.exec(rest);
  if (!target) return null;
  const raw = target[1]!.startsWith('<') ? target[1]!.slice(1, -1) : target[1]!;
  return { label: text.slice(start + 1, close), target: raw, end: close + 2 + target[0].length };
}

/**
 * The link target if it is safe to follow: http(s) absolute URLs, and relative ones on this site (`/formation`,
 * `#section`, `guide`). Anything with another scheme (javascript:, data:, vbscript:…), spaces, control
 * characters, backslashes (browsers read `/\x` as `//x`) or a protocol-relative `//host` is refused: null.
 */
export function safeHref(raw: string): string | null {
  const url = raw.trim();
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here.
  if (url === '' || /[\s\u0000-\u001f\u007f-\u009f\\]/.test(url)) return null;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  if (scheme) {
    if (!/^https?$/i.test(scheme[1]!)) return null;
    try {
      const parsed = new URL(url);
      return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? url : null;
    } catch {
      return null;
    }
  }
  if (url.startsWith('//')) return null;
  // A colon before any / ? # would be read as a scheme by some parsers: refuse it.
  if (/^[^/?#]*:/.test(url)) return null;
  return url;
}
