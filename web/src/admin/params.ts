import { parisWallClock } from '../format.ts';
import { ROLE_LABELS, type Role } from '../shell/roles.ts';
import { CONNECTED_LABELS, STATUS_LABELS, type Connected } from './labels.ts';
import type { AccountSearch, AccountStatus, AuditSearch } from './queries.ts';

/*
 * The filters of the lists live in the address (`?profil=regulator&connexion=never`), so back, forward,
 * reload and a copied link all show the same list. Reading is forgiving: a value the page does not know
 * (an edited address, a role since renamed) is ignored rather than sent to the server.
 */

export const ACCOUNTS_PAGE_SIZE = 100;
export const AUDIT_PAGE_SIZE = 100;

export const ACCOUNT_SORT_KEYS = ['nom', 'email', 'profils', 'statut', 'connexion', 'double-auth', 'verrou'] as const;
export type AccountSortKey = (typeof ACCOUNT_SORT_KEYS)[number];

export interface AccountFilters {
  role?: Role;
  territoryId?: string;
  status?: AccountStatus;
  connected?: Connected;
  q?: string;
  /** 1 for the first hundred accounts. */
  page: number;
  sort: AccountSortKey;
  descending: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

function oneOf<T extends string>(value: string | null, allowed: Record<T, unknown> | readonly T[]): T | undefined {
  if (value === null) return undefined;
  const keys: readonly string[] = Array.isArray(allowed) ? allowed : Object.keys(allowed);
  return keys.includes(value) ? (value as T) : undefined;
}

function positiveInteger(value: string | null): number | undefined {
  if (value === null || !/^\d{1,9}$/.test(value)) return undefined;
  const number = Number(value);
  return number >= 1 ? number : undefined;
}

function text(value: string | null, maxLength: number): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed.slice(0, maxLength) : undefined;
}

export function readAccountFilters(params: URLSearchParams): AccountFilters {
  const territory = params.get('territoire');
  return {
    role: oneOf(params.get('profil'), ROLE_LABELS),
    territoryId: territory !== null && isUuid(territory) ? territory : undefined,
    status: oneOf(params.get('statut'), STATUS_LABELS),
    connected: oneOf(params.get('connexion'), CONNECTED_LABELS),
    q: text(params.get('q'), 100),
    page: positiveInteger(params.get('page')) ?? 1,
    sort: oneOf(params.get('tri'), ACCOUNT_SORT_KEYS) ?? 'nom',
    descending: params.get('ordre') === 'decroissant',
  };
}

/** The address of these filters; defaults are left out, so the plain list is `/administration/comptes`. */
export function writeAccountFilters(filters: AccountFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.role) params.set('profil', filters.role);
  if (filters.territoryId) params.set('territoire', filters.territoryId);
  if (filters.status) params.set('statut', filters.status);
  if (filters.connected) params.set('connexion', filters.connected);
  if (filters.q) params.set('q', filters.q);
  if (filters.page > 1) params.set('page', String(filters.page));
  if (filters.sort !== 'nom') params.set('tri', filters.sort);
  if (filters.descending) params.set('ordre', 'decroissant');
  return params;
}

/**
 * The server's search for a page of the list. One more than a page is asked, to know whether a next
 * page exists without counting.
 */
export function accountSearch(filters: AccountFilters): AccountSearch {
  return {
    ...(filters.role && { role: filters.role }),
    ...(filters.territoryId && { territoryId: filters.territoryId }),
    ...(filters.status && { status: filters.status }),
    ...(filters.connected && { connected: filters.connected }),
    ...(filters.q && { q: filters.q }),
    limit: ACCOUNTS_PAGE_SIZE + 1,
    offset: (filters.page - 1) * ACCOUNTS_PAGE_SIZE,
  };
}

export interface AuditFilters {
  action?: string;
  /** The account who acted. */
  actor?: string;
  patient?: string;
  /** The object acted on (an account's id…). */
  object?: string;
  /** First day, `YYYY-MM-DD`, Paris time. */
  from?: string;
  /** Last day, included. */
  to?: string;
  /** Older than this event (paging). */
  before?: number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function readAuditFilters(params: URLSearchParams): AuditFilters {
  const day = (value: string | null) => (value !== null && DAY.test(value) ? value : undefined);
  return {
    action: text(params.get('action'), 100),
    actor: text(params.get('auteur'), 100),
    patient: text(params.get('patient'), 100),
    object: text(params.get('objet'), 200),
    from: day(params.get('du')),
    to: day(params.get('au')),
    before: positiveInteger(params.get('avant')),
  };
}

export function writeAuditFilters(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.action) params.set('action', filters.action);
  if (filters.actor) params.set('auteur', filters.actor);
  if (filters.patient) params.set('patient', filters.patient);
  if (filters.object) params.set('objet', filters.object);
  if (filters.from) params.set('du', filters.from);
  if (filters.to) params.set('au', filters.to);
  if (filters.before) params.set('avant', String(filters.before));
  return params;
}

/** The server's search: days become instants at midnight in Paris, the last day included. */
export function auditSearch(filters: AuditFilters, limit = AUDIT_PAGE_SIZE): AuditSearch {
  return {
    ...(filters.action && { action: filters.action }),
    ...(filters.actor && { actor: filters.actor }),
    ...(filters.patient && { patient: filters.patient }),
    ...(filters.object && { object: filters.object }),
    ...(filters.from && { from: parisDayStart(filters.from).toISOString() }),
    ...(filters.to && { to: parisDayStart(nextDay(filters.to)).toISOString() }),
    ...(filters.before && { before: filters.before }),
    limit,
  };
}

/** The address of the CSV export of a search: its filters, from the most recent event (no paging). */
export function auditCsvHref(filters: AuditFilters): string {
  const search = auditSearch({ ...filters, before: undefined }, 1000);
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(search)) params.set(key, String(value));
  return `/api/audit/events.csv?${params.toString()}`;
}

/** Midnight in Paris at the start of a `YYYY-MM-DD` day, whatever the browser's time zone. */
export function parisDayStart(day: string): Date {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(year, month - 1, date);
  let instant = wall;
  // Paris is one or two hours ahead of UTC; two corrections settle on the right offset, even on the
  // days the clocks change (they change at night, never at midnight).
  for (let pass = 0; pass < 2; pass += 1) {
    const clock = parisWallClock(instant);
    const shown = Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute);
    instant += wall - shown;
  }
  return new Date(instant);
}

function nextDay(day: string): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, date + 1)).toISOString().slice(0, 10);
}
