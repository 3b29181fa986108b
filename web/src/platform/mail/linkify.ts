/** A piece of a mail's text: plain text, or a link of this site that may be followed. */
export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

// Candidates only; each is then parsed and checked. Trailing punctuation belongs to the sentence.
const URL_CANDIDATE = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?»)\]]+$/;

/**
 * Splits a plain-text mail into text and links. Only http(s) URLs of `origin` (this site) become links;
 * anything else stays text. The result is rendered as React text nodes and anchors, never as HTML.
 */
export function splitLinks(text: string, origin: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  const pushText = (value: string) => {
    if (value === '') return;
    const previous = parts[parts.length - 1];
    if (previous?.kind === 'text') previous.text += value;
    else parts.push({ kind: 'text', text: value });
  };
  for (const match of text.matchAll(URL_CANDIDATE)) {
    const candidate = match[0].replace(TRAILING_PUNCTUATION, '');
    const start = match.index;
    pushText(text.slice(last, start));
    const href = sameOriginHref(candidate, origin);
    if (href === undefined) pushText(candidate);
    else parts.push({ kind: 'link', text: candidate, href });
    last = start + candidate.length;
  }
  pushText(text.slice(last));
  return parts;
}

function sameOriginHref(candidate: string, origin: string): string | undefined {
  try {
    const url = new URL(candidate);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    if (url.username !== '' || url.password !== '') return undefined;
    return url.origin === new URL(origin).origin ? url.href : undefined;
  } catch {
    return undefined;
  }
}
