/**
 * Dates and times as the French write them, always in Europe/Paris whatever the browser's time zone:
 * `lundi 24 nov.`, `14 h 30`, `lundi 24 nov. à 14 h 30`, `dans 40 min`, `il y a 3 h`.
 *
 * Each formatted piece uses no-break spaces, so a table cell never wraps inside "14 h 30"; the "à"
 * joining a date and a time is the only place a line may break.
 */

export type Instant = Date | string | number;

export const PARIS_TIME_ZONE = 'Europe/Paris';

const NBSP = '\u00a0';

// Written out rather than taken from Intl, so every browser shows the same abbreviations.
const WEEKDAYS = ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'];
const MONTHS = ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'];

const parisClock = new Intl.DateTimeFormat('en-US', {
  timeZone: PARIS_TIME_ZONE,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  hourCycle: 'h23',
});

/** The wall clock in Paris at an instant. `month` is 1–12, `weekday` 0 (Sunday) – 6. */
export interface ParisWallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
}

export function parisWallClock(value: Instant): ParisWallClock {
  const date = toDate(value);
  const parts: Record<string, number> = {};
  for (const part of parisClock.formatToParts(date)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0 } = parts;
  return { year, month, day, hour, minute, weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay() };
}

/**
 * `lundi 24 nov.`, `jeudi 1er janv.`; the year is added when it is not the current one
 * (`lundi 24 nov. 2025`).
 */
export function formatDate(value: Instant, options: { now?: Instant } = {}): string {
  const clock = parisWallClock(value);
  const thisYear = parisWallClock(options.now ?? new Date()).year;
  const words = [WEEKDAYS[clock.weekday], clock.day === 1 ? '1er' : String(clock.day), MONTHS[clock.month - 1]];
  if (clock.year !== thisYear) words.push(String(clock.year));
  return words.join(NBSP);
}

/** `14 h 30`, `9 h 05`, `0 h 00`. */
export function formatTime(value: Instant): string {
  const { hour, minute } = parisWallClock(value);
  return [String(hour), 'h', String(minute).padStart(2, '0')].join(NBSP);
}

/** `lundi 24 nov. à 14 h 30`. */
export function formatDateTime(value: Instant, options: { now?: Instant } = {}): string {
  return `${formatDate(value, options)} à ${formatTime(value)}`;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * How far an instant is from now: `dans 40 min`, `il y a 3 h`, `dans 2 j`, `il y a 5 mois`. A duration,
 * not a calendar difference: across a daylight-saving change, noon to noon is `23 h` or `25 h`.
 */
export function formatRelative(value: Instant, now: Instant = new Date()): string {
  const difference = toDate(value).getTime() - toDate(now).getTime();
  const future = difference > 0;
  const distance = Math.abs(difference);
  if (distance < MINUTE) return future ? `dans${NBSP}moins${NBSP}d’une${NBSP}minute` : `à${NBSP}l’instant`;
  const phrase = (amount: number, unit: string) =>
    (future ? ['dans', String(amount), unit] : ['il', 'y', 'a', String(amount), unit]).join(NBSP);

  // Rounded to the nearest unit; a value that rounds up to the next unit's size is said in that unit.
  const minutes = Math.round(distance / MINUTE);
  if (minutes < 60) return phrase(minutes, 'min');
  const hours = Math.round(distance / HOUR);
  if (hours < 24) return phrase(hours, 'h');
  const days = Math.round(distance / DAY);
  if (days < 31) return phrase(days, 'j');
  const months = Math.round(distance / (DAY * 30.4375));
  if (months < 12) return phrase(months, 'mois');
  const years = Math.round(distance / (DAY * 365.25));
  return phrase(years, years > 1 ? 'ans' : 'an');
}

function toDate(value: Instant): Date {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new RangeError(`Date invalide : ${String(value)}`);
  return date;
}
