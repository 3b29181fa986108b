import type { Role } from '../../shell/roles.ts';

/**
 * The demo accounts the server creates at first start outside production (src/platform/accounts/demo.ts,
 * which a unit test compares with this list), offered on the login page so a newcomer can try each profile.
 */
export const DEMO_PASSWORD = 'demo-maillage-41';

export const DEMO_ACCOUNTS: readonly { role: Role; email: string }[] = [
  { role: 'regulator', email: 'regulateur@demo.maillage.test' },
  { role: 'osnp-operator', email: 'osnp@demo.maillage.test' },
  { role: 'effecteur', email: 'effecteur@demo.maillage.test' },
  { role: 'structure-manager', email: 'structure@demo.maillage.test' },
  { role: 'coordinator', email: 'coordination@demo.maillage.test' },
  { role: 'territorial-referent', email: 'referent@demo.maillage.test' },
  { role: 'agency-reader', email: 'ars@demo.maillage.test' },
  { role: 'account-admin', email: 'admin.comptes@demo.maillage.test' },
  { role: 'national-admin', email: 'admin.national@demo.maillage.test' },
];
