import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { formatDate, formatDateTime, formatRelative, formatTime, parisWallClock } from './format.ts';

/** Expected strings are written with plain spaces; the helpers put no-break spaces inside each piece. */
const nb = (text: string) => text.replace(/ /g, '\u00a0');

describe('French dates and times in Europe/Paris', () => {
  // The machine's zone must not matter: run everything as if the browser were in New York.
  const originalZone = process.env.TZ;
  beforeAll(() => {
    process.env.TZ = 'America/New_York';
  });
  afterAll(() => {
    if (originalZone === undefined) delete process.env.TZ;
    else process.env.TZ = originalZone;
  });

  test('a winter afternoon (UTC+1)', () => {
    const instant = '2025-11-24T13:30:00Z';
    const now = '2025-11-20T08:00:00Z';
    expect(formatDate(instant, { now })).toBe(nb('lundi 24 nov.'));
    expect(formatTime(instant)).toBe(nb('14 h 30'));
    expect(formatDateTime(instant, { now })).toBe(`${nb('lundi 24 nov.')} à ${nb('14 h 30')}`);
  });

  test('a summer morning (UTC+2), minutes padded, hours not', () => {
    expect(formatTime('2025-07-14T07:05:00Z')).toBe(nb('9 h 05'));
    expect(formatDate('2025-07-14T07:05:00Z', { now: '2025-01-01T12:00:00Z' })).toBe(nb('lundi 14 juil.'));
  });

  test('late evening in UTC is already the next day in Paris', () => {
    const instant = '2025-11-23T23:30:00Z';
    expect(formatDate(instant, { now: instant })).toBe(nb('lundi 24 nov.'));
    expect(formatTime(instant)).toBe(nb('0 h 30'));
    expect(parisWallClock(instant)).toEqual({ year: 2025, month: 11, day: 24, hour: 0, minute: 30, weekday: 1 });
  });

  test('every month has its French abbreviation', () => {
    const months = Array.from(
      { length: 12 },
      (_, i) => formatDate(Date.UTC(2025, i, 15, 12), { now: '2025-06-01T00:00:00Z' }).split('\u00a0')[2],
    );
    expect(months).toEqual([
      'janv.',
      'févr.',
      'mars',
      'avr.',
      'mai',
      'juin',
      'juil.',
      'août',
      'sept.',
      'oct.',
      'nov.',
      'déc.',
    ]);
  });

  test('the first of the month is written 1er', () => {
    expect(formatDate('2025-11-01T10:00:00Z', { now: '2025-11-01T10:00:00Z' })).toBe(nb('samedi 1er nov.'));
    expect(formatDate('2025-11-02T10:00:00Z', { now: '2025-11-01T10:00:00Z' })).toBe(nb('dimanche 2 nov.'));
  });

  test('the year is written only when it is not the current one', () => {
    const instant = '2025-11-24T13:30:00Z';
    expect(formatDate(instant, { now: '2026-01-02T10:00:00Z' })).toBe(nb('lundi 24 nov. 2025'));
    // New Year's Eve in Paris is already the next year at 23:30 UTC.
    expect(formatDate('2025-12-31T23:30:00Z', { now: '2025-12-31T12:00:00Z' })).toBe(nb('jeudi 1er janv. 2026'));
  });

  test('spring forward, last Sunday of March: 1 h 59 is followed by 3 h 00', () => {
    // 2025-03-30: at 01:00 UTC, Paris goes from 02:00 CET to 03:00 CEST.
    expect(formatTime('2025-03-30T00:59:00Z')).toBe(nb('1 h 59'));
    expect(formatTime('2025-03-30T01:00:00Z')).toBe(nb('3 h 00'));
    expect(formatDate('2025-03-30T01:00:00Z', { now: '2025-03-30T01:00:00Z' })).toBe(nb('dimanche 30 mars'));
    expect(formatTime('2025-03-29T23:00:00Z')).toBe(nb('0 h 00'));
  });

  test('fall back, last Sunday of October: 2 h 30 happens twice, an hour apart', () => {
    // 2025-10-26: at 01:00 UTC, Paris goes from 03:00 CEST back to 02:00 CET.
    expect(formatTime('2025-10-26T00:30:00Z')).toBe(nb('2 h 30'));
    expect(formatTime('2025-10-26T01:30:00Z')).toBe(nb('2 h 30'));
    expect(formatTime('2025-10-26T00:59:00Z')).toBe(nb('2 h 59'));
    expect(formatTime('2025-10-26T01:00:00Z')).toBe(nb('2 h 00'));
    expect(formatDate('2025-10-25T22:30:00Z', { now: '2025-10-26T00:00:00Z' })).toBe(nb('dimanche 26 oct.'));
    expect(formatDate('2025-10-26T22:59:00Z', { now: '2025-10-26T00:00:00Z' })).toBe(nb('dimanche 26 oct.'));
    expect(formatDate('2025-10-26T23:00:00Z', { now: '2025-10-26T00:00:00Z' })).toBe(nb('lundi 27 oct.'));
  });

  test('accepts Date objects and epoch milliseconds, refuses what is not a date', () => {
    expect(formatTime(new Date('2025-11-24T13:30:00Z'))).toBe(nb('14 h 30'));
    expect(formatTime(Date.parse('2025-11-24T13:30:00Z'))).toBe(nb('14 h 30'));
    expect(() => formatTime('hier')).toThrow(RangeError);
  });
});

describe('relative times', () => {
  const now = '2025-11-24T13:30:00Z';
  const at = (minutes: number) => new Date(Date.parse(now) + minutes * 60_000);

  test('under a minute', () => {
    expect(formatRelative(at(-0.5), now)).toBe(nb('à l’instant'));
    expect(formatRelative(now, now)).toBe(nb('à l’instant'));
    expect(formatRelative(at(0.5), now)).toBe(nb('dans moins d’une minute'));
  });

  test('minutes, hours, days, months, years, both ways', () => {
    expect(formatRelative(at(40), now)).toBe(nb('dans 40 min'));
    expect(formatRelative(at(-1), now)).toBe(nb('il y a 1 min'));
    expect(formatRelative(at(-3 * 60), now)).toBe(nb('il y a 3 h'));
    expect(formatRelative(at(2 * 24 * 60), now)).toBe(nb('dans 2 j'));
    expect(formatRelative(at(-90 * 24 * 60), now)).toBe(nb('il y a 3 mois'));
    expect(formatRelative(at(365 * 24 * 60), now)).toBe(nb('dans 1 an'));
    expect(formatRelative(at(-3 * 365 * 24 * 60), now)).toBe(nb('il y a 3 ans'));
  });

  test('rounds to the nearest unit and moves up when a value reaches the next unit', () => {
    expect(formatRelative(at(59.4), now)).toBe(nb('dans 59 min'));
    expect(formatRelative(at(59.6), now)).toBe(nb('dans 1 h'));
    expect(formatRelative(at(-(3 * 60 + 29)), now)).toBe(nb('il y a 3 h'));
    expect(formatRelative(at(-(3 * 60 + 31)), now)).toBe(nb('il y a 4 h'));
    expect(formatRelative(at(23.6 * 60), now)).toBe(nb('dans 1 j'));
    expect(formatRelative(at(30 * 24 * 60), now)).toBe(nb('dans 30 j'));
    expect(formatRelative(at(31 * 24 * 60), now)).toBe(nb('dans 1 mois'));
  });

  test('counts real elapsed time across daylight-saving changes', () => {
    // Saturday noon to Sunday noon in Paris is 23 h in March and 25 h in October.
    expect(formatRelative('2025-03-30T10:00:00Z', '2025-03-29T11:00:00Z')).toBe(nb('dans 23 h'));
    expect(formatRelative('2025-10-26T11:00:00Z', '2025-10-25T10:00:00Z')).toBe(nb('dans 1 j'));
    // 2 h 30 CEST to 2 h 30 CET the same night: an hour went by although the clock shows the same time.
    expect(formatRelative('2025-10-26T00:30:00Z', '2025-10-26T01:30:00Z')).toBe(nb('il y a 1 h'));
  });
});
