import type { Executor } from '../../db/database.ts';
import { authorize } from '../access/guard.ts';
import { ROLE_LABELS, ROLES, type Actor, type Role } from '../access/model.ts';
import { headerKey, splitFields } from '../csv.ts';
import { AppError } from '../errors.ts';
import { listTerritories } from '../territory/service.ts';
import { createAccount } from './service.ts';

/**
 * Bulk creation of accounts from a spreadsheet export: one account per line, each line created or refused on
 * its own (a bad line never blocks the others), every created account invited by e-mail to choose its password.
 * Columns, found by their header (`;` or `,`): e-mail, nom affiché, prénom, nom, profil (identifier or French
 * label), territoire (name or identifier), identifiant national (optional).
 */
export interface AccountImportLine {
  line: number;
  email: string;
  outcome: 'created' | 'refused';
  /** Why it was refused, in one French sentence. */
  message?: string;
  accountId?: string;
}

const COLUMNS = {
  email: ['email', 'e_mail', 'courriel', 'adresse_e_mail', 'mail'],
  displayName: ['nom_affiche', 'nom_complet', 'display_name'],
  givenName: ['prenom', 'given_name'],
  familyName: ['nom', 'nom_de_famille', 'family_name'],
  role: ['profil', 'role'],
  territory: ['territoire', 'territory'],
  nationalId: ['identifiant_national', 'rpps', 'idnat_ps', 'national_id'],
} as const;

function roleFrom(value: string): Role | undefined {
  const key = headerKey(value);
  return ROLES.find((role) => role === value.trim() || headerKey(ROLE_LABELS[role]) === key);
}

export const MAX_IMPORT_LINES = 2000;

export async function importAccountsCsv(
  db: Executor,
  actor: Actor,
  text: string,
  settings: { publicUrl: string },
): Promise<{ created: number; refused: number; lines: AccountImportLine[] }> {
  await authorize(db, actor, 'account.manage');
  const rows = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = rows[0] ?? '';
  const separator = splitFields(header, ';').length >= splitFields(header, ',').length ? ';' : ',';
  const names = splitFields(header, separator).map(headerKey);
  const column = (key: keyof typeof COLUMNS) => names.findIndex((n) => (COLUMNS[key] as readonly string[]).includes(n));
  const at = {
    email: column('email'),
    displayName: column('displayName'),
    givenName: column('givenName'),
    familyName: column('familyName'),
    role: column('role'),
    territory: column('territory'),
    nationalId: column('nationalId'),
  };
  const missing = (['email', 'role', 'territory'] as const).filter((k) => at[k] < 0);
  if (missing.length > 0) {
    throw new AppError(
      'validation-failed',
      `La première ligne doit nommer les colonnes ; il manque : ${missing.map((k) => COLUMNS[k][0]).join(', ')} ` +
        '(colonnes possibles : email, nom affiché, prénom, nom, profil, territoire, identifiant national).',
    );
  }
  const dataRows = rows
    .slice(1)
    .map((row, i) => ({ row, line: i + 2 }))
    .filter(({ row }) => row.trim() !== '');
  if (dataRows.length > MAX_IMPORT_LINES) {
    throw new AppError(
      'validation-failed',
      `Le fichier compte ${dataRows.length} lignes : ${MAX_IMPORT_LINES} au plus par import.`,
    );
  }

  const territories = await listTerritories(db);
  const territoryFrom = (value: string) =>
    territories.find((t) => t.id === value.trim() || headerKey(t.name) === headerKey(value));

  const lines: AccountImportLine[] = [];
  for (const { row, line } of dataRows) {
    const fields = splitFields(row, separator);
    const get = (index: number) => (index >= 0 ? (fields[index] ?? '').trim() : '');
    const email = get(at.email);
    const refuse = (message: string) => lines.push({ line, email, outcome: 'refused', message });
    const role = roleFrom(get(at.role));
    if (!role) {
      refuse(
        `Profil inconnu « ${get(at.role)} » : utilisez un des profils de maillage (par exemple « Médecin régulateur »).`,
      );
      continue;
    }
    const territory = territoryFrom(get(at.territory));
    if (!territory) {
      refuse(`Territoire inconnu « ${get(at.territory)} » : indiquez son nom tel qu’il apparaît dans maillage.`);
      continue;
    }
    const givenName = get(at.givenName) || undefined;
    const familyName = get(at.familyName) || undefined;
    const displayName = get(at.displayName) || [givenName, familyName].filter(Boolean).join(' ');
    try {
      const accountId = await createAccount(db, actor, {
        email,
        displayName,
        givenName,
        familyName,
        nationalId: get(at.nationalId) || undefined,
        grants: [{ role, territoryId: territory.id }],
        invite: settings,
      });
      lines.push({ line, email, outcome: 'created', accountId });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      refuse(
        error.status === 404 ? `Vous ne gérez pas les comptes du territoire « ${territory.name} ».` : error.detail,
      );
    }
  }
  return {
    created: lines.filter((l) => l.outcome === 'created').length,
    refused: lines.filter((l) => l.outcome === 'refused').length,
    lines,
  };
}
