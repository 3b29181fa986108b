import { describe, expect, test } from 'vitest';
import { contentRange, decideRange, ifRangeAllows, notModified } from './range.ts';

describe('Range header (RFC 9110 §14)', () => {
  const size = 1000;

  test('no header, or an empty one: the whole file', () => {
    expect(decideRange(undefined, size)).toEqual({ kind: 'full' });
    expect(decideRange('', size)).toEqual({ kind: 'full' });
  });

  test('first-last, first- (to the end), -suffix (the last bytes)', () => {
    expect(decideRange('bytes=0-99', size)).toEqual({ kind: 'partial', start: 0, end: 99 });
    expect(decideRange('bytes=100-', size)).toEqual({ kind: 'partial', start: 100, end: 999 });
    expect(decideRange('bytes=-100', size)).toEqual({ kind: 'partial', start: 900, end: 999 });
    expect(decideRange('bytes=999-999', size)).toEqual({ kind: 'partial', start: 999, end: 999 });
  });

  test('a last position past the end, or a suffix longer than the file, is cut to the file', () => {
    expect(decideRange('bytes=500-5000', size)).toEqual({ kind: 'partial', start: 500, end: 999 });
    expect(decideRange('bytes=-5000', size)).toEqual({ kind: 'partial', start: 0, end: 999 });
  });

  test('spaces and case, as clients send them', () => {
    expect(decideRange('Bytes = 10 - 20', size)).toEqual({ kind: 'partial', start: 10, end: 20 });
  });

  test('a valid range entirely outside the file is unsatisfiable (416)', () => {
    expect(decideRange('bytes=1000-', size)).toEqual({ kind: 'unsatisfiable' });
    expect(decideRange('bytes=1000-2000', size)).toEqual({ kind: 'unsatisfiable' });
    expect(decideRange('bytes=-0', size)).toEqual({ kind: 'unsatisfiable' });
  });

  test('several ranges are ignored: the whole file (no multipart/byteranges)', () => {
    expect(decideRange('bytes=0-9,20-29', size)).toEqual({ kind: 'full' });
    expect(decideRange('bytes=0-9, 5000-6000', size)).toEqual({ kind: 'full' });
  });

  test('unreadable headers are ignored: the whole file', () => {
    for (const header of ['bytes=9-3', 'items=0-9', 'bytes=abc', 'bytes=-', 'bytes 0-9', 'bytes=0-9x', 'bytes=1e3-']) {
      expect(decideRange(header, size), header).toEqual({ kind: 'full' });
    }
    expect(decideRange('bytes=0-99999999999999999999', size)).toEqual({ kind: 'full' });
  });

  test('Content-Range of a part', () => {
    expect(contentRange({ start: 0, end: 99 }, 1000)).toBe('bytes 0-99/1000');
  });

  test('If-Range: the range applies to the same representation only', () => {
    const etag = '"abc"';
    const date = 'Mon, 01 Jan 2024 10:00:00 GMT';
    expect(ifRangeAllows(undefined, etag, date)).toBe(true);
    expect(ifRangeAllows('"abc"', etag, date)).toBe(true);
    expect(ifRangeAllows('"old"', etag, date)).toBe(false);
    expect(ifRangeAllows('W/"abc"', etag, date)).toBe(false);
    expect(ifRangeAllows(date, etag, date)).toBe(true);
    expect(ifRangeAllows('Tue, 02 Jan 2024 10:00:00 GMT', etag, date)).toBe(false);
  });

  test('If-None-Match', () => {
    expect(notModified(undefined, '"abc"')).toBe(false);
    expect(notModified('"abc"', '"abc"')).toBe(true);
    expect(notModified('"x", W/"abc"', '"abc"')).toBe(true);
    expect(notModified('*', '"abc"')).toBe(true);
    expect(notModified('"other"', '"abc"')).toBe(false);
  });
});
