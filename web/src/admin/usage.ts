import { ROLE_LABELS, type Role } from '../shell/roles.ts';
import type { UsageRow } from './queries.ts';

export interface UsageCounts {
  accounts: number;
  everConnected: number;
  neverConnected: number;
  connectedThisWeek: number;
}

export interface ProfileUsage extends UsageCounts {
  role: Role;
  roleLabel: string;
}

const ROLE_ORDER = Object.keys(ROLE_LABELS) as Role[];

const zero = (): UsageCounts => ({ accounts: 0, everConnected: 0, neverConnected: 0, connectedThisWeek: 0 });

function add(total: UsageCounts, row: UsageCounts): void {
  total.accounts += row.accounts;
  total.everConnected += row.everConnected;
  total.neverConnected += row.neverConnected;
  total.connectedThisWeek += row.connectedThisWeek;
}

/** The rows by profile in the usual order (national administrator first), then by territory name. */
export function sortUsage(rows: readonly UsageRow[]): UsageRow[] {
  return [...rows].sort(
    (a, b) =>
      ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || a.territoryName.localeCompare(b.territoryName, 'fr'),
  );
}

/** Per profile, all territories together, in the usual order of profiles. */
export function usageByProfile(rows: readonly UsageRow[]): ProfileUsage[] {
  const byRole = new Map<Role, ProfileUsage>();
  for (const row of sortUsage(rows)) {
    let total = byRole.get(row.role);
    if (!total) {
      total = { role: row.role, roleLabel: row.roleLabel, ...zero() };
      byRole.set(row.role, total);
    }
    add(total, row);
  }
  return [...byRole.values()];
}

/**
 * The sum of the rows. An account holding two profiles (or one profile on two territories) counts in
 * each of its rows, so this is a count of roles held, as the rows are.
 */
export function usageTotal(rows: readonly UsageCounts[]): UsageCounts {
  const total = zero();
  for (const row of rows) add(total, row);
  return total;
}

const CSV_HEADER = [
  'profil',
  'territoire',
  'comptes actifs',
  'déjà connectés',
  'jamais connectés',
  'connectés cette semaine',
];

/**
 * The usage table as a CSV file for a spreadsheet: UTF-8 with a byte-order mark (so Excel reads the
 * accents), semicolon-separated as French spreadsheets expect, CRLF line ends, a total line at the end.
 * A cell starting like a formula is neutralised with a leading apostrophe.
 */
export function usageCsv(rows: readonly UsageRow[]): string {
  const sorted = sortUsage(rows);
  const total = usageTotal(sorted);
  const lines = [
    CSV_HEADER,
    ...sorted.map((r) => [
      r.roleLabel,
      r.territoryName,
      r.accounts,
      r.everConnected,
      r.neverConnected,
      r.connectedThisWeek,
    ]),
    ['Total', '', total.accounts, total.everConnected, total.neverConnected, total.connectedThisWeek],
  ];
  return `\uFEFF${lines.map((line) => line.map(csvCell).join(';')).join('\r\n')}\r\n`;
}

export function csvCell(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[;"\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Has the browser save a text as a file, without a round trip to the server. */
export function downloadText(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // After the click has been handled: revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
