/**
 * HTTP range requests (RFC 9110 §14) for streaming videos, so a player seeks without downloading the file.
 *
 * Choices, all allowed by the RFC:
 *  - one byte range → 206 with that part;
 *  - a syntactically valid single range outside the file (`bytes=5000-` on 4,000 bytes, `bytes=-0`) → 416;
 *  - several ranges → the Range header is ignored and the whole file sent (200): browsers never ask for several,
 *    and multipart/byteranges answers would only serve clients trying to make the server work for nothing;
 *  - anything unreadable (another unit, `bytes=9-3`, garbage) → ignored, whole file (200), as §14.2 says a
 *    server MAY (and MUST for an unknown unit).
 */
export type RangeDecision =
  { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

const SINGLE = /^bytes[ \t]*=[ \t]*(\d*)[ \t]*-[ \t]*(\d*)[ \t]*$/i;

/** What to send for this Range header on a representation of `size` bytes (size > 0). */
export function decideRange(header: string | undefined, size: number): RangeDecision {
  if (header === undefined || header.trim() === '') return { kind: 'full' };
  if (header.includes(',')) return { kind: 'full' };
  const match = SINGLE.exec(header.trim());
  if (!match) return { kind: 'full' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'full' };
  // Digits only from here; values past Number.MAX_SAFE_INTEGER are absurd for a file and read as unreadable.
  if (first.length > 15 || last.length > 15) return { kind: 'full' };
  if (first === '') {
    // Suffix range: the last N bytes.
    const suffix = Number(last);
    if (suffix === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(size - suffix, 0), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return { kind: 'full' };
  if (start >= size) return { kind: 'unsatisfiable' };
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  return { kind: 'partial', start, end };
}

/**
 * If-Range: the range applies only if the representation is still the one the client has (strong ETag, or the
 * exact Last-Modified date); otherwise the whole, current file is sent.
 */
export function ifRangeAllows(ifRange: string | undefined, etag: string, lastModified: string): boolean {
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith('W/')) return value === etag;
  return value === lastModified;
}

/** If-None-Match: true when the client's copy is current (answer 304). */
export function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  const weak = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || weak(tag) === weak(etag));
}

export function contentRange(decision: { start: number; end: number }, size: number): string {
  return `bytes ${decision.start}-${decision.end}/${size}`;
}
