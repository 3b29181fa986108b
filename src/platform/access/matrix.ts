import type { Role } from './model.ts';

/**
 * The permission matrix, as data: for each action, the roles allowed and how far their grant reaches.
 *  - 'everywhere': the action is allowed whatever the object's territory (national roles);
 *  - 'territory': only on objects inside a territory the role is held on (a national grant covers all);
 *  - 'self': only on the actor's own account or own professional records.
 * Modules add their actions here; services check them with access/check.ts, never in routes.
 */
export type Reach = 'everywhere' | 'territory' | 'self';

export const ACTIONS = {
  'territory.read': 'Consulter les territoires et les communes',
  'territory.manage': 'Créer et modifier les territoires nommés',
  'account.read-self': 'Consulter son propre compte',
  'account.read': 'Consulter les comptes',
  'account.manage': 'Créer, modifier, désactiver des comptes et attribuer des rôles',
  'account.grant-national': 'Attribuer un rôle national',
  'audit.read': 'Consulter et exporter le journal d’audit',
  'training.read': 'Consulter les guides et vidéos de formation de son profil',
  'training.manage': 'Rédiger, publier et archiver les guides et vidéos de formation',
} as const;

export type Action = keyof typeof ACTIONS;

const ALL_ROLES: Role[] = [
  'national-admin',
  'account-admin',
  'territorial-referent',
  'regulator',
  'osnp-operator',
  'effecteur',
  'structure-manager',
  'coordinator',
  'agency-reader',
];

function everyone(reach: Reach): Partial<Record<Role, Reach>> {
  return Object.fromEntries(ALL_ROLES.map((role) => [role, reach]));
}

export const PERMISSIONS: Record<Action, Partial<Record<Role, Reach>>> = {
  'territory.read': everyone('everywhere'),
  'territory.manage': { 'national-admin': 'everywhere' },
  'account.read-self': everyone('self'),
  'account.read': { 'national-admin': 'everywhere', 'account-admin': 'territory', 'territorial-referent': 'territory' },
  'account.manage': { 'national-admin': 'everywhere', 'account-admin': 'territory' },
  'account.grant-national': { 'national-admin': 'everywhere' },
  'audit.read': { 'national-admin': 'everywhere', 'account-admin': 'territory' },
  // Guides and videos describe the platform, the same in every territory: only a national role edits what every
  // territory reads (an account administrator of one SAS must not rewrite another's guide).
  'training.read': everyone('everywhere'),
  'training.manage': { 'national-admin': 'everywhere' },
};
