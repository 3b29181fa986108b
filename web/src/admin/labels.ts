import type { AccountStatus } from './queries.ts';

/** An account's status in words. */
export const STATUS_LABELS: Record<AccountStatus, string> = {
  active: 'Actif',
  disabled: 'Désactivé',
  pending: 'En attente de validation',
};

/** The filter on the last login, as the pilots count: never, this week, ever. */
export const CONNECTED_LABELS = {
  never: 'Jamais connecté',
  'this-week': 'Connecté cette semaine',
  ever: 'Déjà connecté',
} as const;

export type Connected = keyof typeof CONNECTED_LABELS;

/** The outcome of an audited action in words. */
export const OUTCOME_LABELS: Record<string, string> = {
  success: 'Réussi',
  denied: 'Refusé',
  failure: 'Échec',
};

export function outcomeLabel(outcome: string): string {
  return OUTCOME_LABELS[outcome] ?? outcome;
}

/**
 * The audited actions in French. The code stays the reference (it is what the search and the export
 * use); an action a later module adds shows as its code until it gets a label here.
 */
export const ACTION_LABELS: Record<string, string> = {
  'auth.login': 'Connexion',
  'auth.logout': 'Déconnexion',
  'auth.logout-everywhere': 'Déconnexion de toutes les sessions',
  'auth.password-reset-request': 'Demande de lien de mot de passe',
  'auth.password-reset': 'Nouveau mot de passe',
  'auth.second-factor': 'Code de double authentification',
  'auth.second-factor-setup': 'Activation de la double authentification',
  'account.create': 'Création de compte',
  'account.update': 'Modification de l’identité',
  'account.disable': 'Désactivation de compte',
  'account.enable': 'Réactivation de compte',
  'account.validate': 'Validation d’inscription',
  'account.grant': 'Attribution de profil',
  'account.revoke': 'Retrait de profil',
  'account.self-enrol': 'Inscription par Pro Santé Connect',
  'account.enrolment-decide': 'Décision sur une inscription',
  'account.read': 'Consultation des comptes',
  'account.manage': 'Gestion des comptes',
  'account.grant-national': 'Attribution d’un rôle national',
  'audit.search': 'Recherche dans le journal d’audit',
  'audit.read': 'Consultation du journal d’audit',
};

export function actionLabel(action: string): string | undefined {
  return ACTION_LABELS[action];
}

/**
 * An event's details as `key : value` lines: lists joined by commas, nested objects as JSON, nothing
 * interpreted as markup (React escapes the text).
 */
export function detailLines(details: Record<string, unknown>): string[] {
  return Object.entries(details).map(([key, value]) => `${key} : ${detailValue(value)}`);
}

function detailValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return value.length === 0 ? '(aucun)' : value.map(detailValue).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
