/**
 * Who acts. Every service call carries an Actor; services check it against the permission matrix
 * (access/matrix.ts) before touching data. Roles are held on territories.
 */
export const ROLES = [
  'national-admin',
  'account-admin',
  'territorial-referent',
  'regulator',
  'osnp-operator',
  'effecteur',
  'structure-manager',
  'coordinator',
  'agency-reader',
] as const;

export type Role = (typeof ROLES)[number];

/** French labels, as the users name their profiles. */
export const ROLE_LABELS: Record<Role, string> = {
  'national-admin': 'Administrateur national',
  'account-admin': 'Administrateur de comptes',
  'territorial-referent': 'Référent territorial',
  regulator: 'Médecin régulateur',
  'osnp-operator': 'Opérateur OSNP / ARM',
  effecteur: 'Effecteur',
  'structure-manager': 'Gestionnaire de structure',
  coordinator: 'Coordinateur (DAC / CPTS)',
  'agency-reader': 'Lecteur ARS',
};

export interface RoleGrant {
  role: Role;
  /** The territory the role is held on (a département, a SAS, a CPTS…); national roles hold the national one. */
  territoryId: string;
  /** A grant on the national territory covers every territory. */
  national?: boolean;
}

/** Where a call comes from, for the audit log (never for application logs). */
export interface CallOrigin {
  requestId?: string;
  clientAddress?: string;
}

export type Actor =
  | {
      kind: 'user';
      accountId: string;
      displayName: string;
      grants: RoleGrant[];
      /** National professional id (idNat_PS), when the account is a professional's. */
      nationalId?: string;
      origin?: CallOrigin;
    }
  | {
      /** The platform itself: imports, demo loading, scheduled jobs. Audited under its reason. */
      kind: 'system';
      reason: string;
      origin?: CallOrigin;
    }
  | {
      /** Not logged in: may only reach public routes and the login itself. */
      kind: 'anonymous';
      origin?: CallOrigin;
    };

export function systemActor(reason: string): Actor {
  return { kind: 'system', reason };
}
