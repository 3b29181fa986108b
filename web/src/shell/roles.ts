// The server's role ids, imported as a type only: nothing of the server enters the bundle, and tsc fails
// here when a role is added there without a label here.
import type { Role as ServerRole } from '../../../src/platform/access/model.ts';

export type Role = ServerRole;

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
