import type { Executor } from '../../db/database.ts';
import type { DemoStep } from '../../demo/steps.ts';
import { ROLE_LABELS, systemActor, type Role } from '../access/model.ts';
import { listDemoAccounts } from './store.ts';
import { listTerritories } from '../territory/service.ts';
import type { TerritoryKind } from '../territory/model.ts';
import { hashPassword } from './password.ts';
import { createAccount } from './service.ts';

/** Every demo account's password: printed at start, refused in production (no demo there). */
export const DEMO_PASSWORD = 'demo-maillage-41';

/** One demo account per role, each on the territory where that role lives in real life. */
export const DEMO_ACCOUNTS: { role: Role; email: string; displayName: string; territoryKind: TerritoryKind }[] = [
  {
    role: 'national-admin',
    email: 'admin.national@demo.maillage.test',
    displayName: 'Alex Démo (admin national)',
    territoryKind: 'national',
  },
  {
    role: 'account-admin',
    email: 'admin.comptes@demo.maillage.test',
    displayName: 'Sacha Démo (admin comptes)',
    territoryKind: 'sas',
  },
  {
    role: 'territorial-referent',
    email: 'referent@demo.maillage.test',
    displayName: 'Dominique Démo (référent)',
    territoryKind: 'sas',
  },
  {
    role: 'regulator',
    email: 'regulateur@demo.maillage.test',
    displayName: 'Dr Camille Démo (régulateur)',
    territoryKind: 'sas',
  },
  { role: 'osnp-operator', email: 'osnp@demo.maillage.test', displayName: 'Charlie Démo (OSNP)', territoryKind: 'sas' },
  {
    role: 'effecteur',
    email: 'effecteur@demo.maillage.test',
    displayName: 'Dr Lou Démo (effecteur)',
    territoryKind: 'sas',
  },
  {
    role: 'structure-manager',
    email: 'structure@demo.maillage.test',
    displayName: 'Noa Démo (gestionnaire MSP)',
    territoryKind: 'cpts',
  },
  {
    role: 'coordinator',
    email: 'coordination@demo.maillage.test',
    displayName: 'Eden Démo (coordinatrice DAC)',
    territoryKind: 'dac',
  },
  { role: 'agency-reader', email: 'ars@demo.maillage.test', displayName: 'Maxime Démo (ARS)', territoryKind: 'region' },
];

async function demoTerritoryIds(db: Executor): Promise<Map<TerritoryKind, string>> {
  const ids = new Map<TerritoryKind, string>();
  for (const territory of await listTerritories(db)) {
    if (!ids.has(territory.kind)) ids.set(territory.kind, territory.id);
  }
  return ids;
}

export const accountsDemoStep: DemoStep = {
  name: 'comptes',
  async run(db) {
    const territories = await demoTerritoryIds(db);
    // One hash for all: nine argon2 hashes would cost a second of start-up for nothing.
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    for (const account of DEMO_ACCOUNTS) {
      const territoryId = territories.get(account.territoryKind);
      if (!territoryId) throw new Error(`Territoire de démonstration manquant : ${account.territoryKind}`);
      await createAccount(db, systemActor('démonstration'), {
        email: account.email,
        displayName: account.displayName,
        passwordHash,
        isDemo: true,
        grants: [{ role: account.role, territoryId }],
      });
    }
    return [`${DEMO_ACCOUNTS.length} comptes de démonstration, un par profil`];
  },
};

function order(email: string): number {
  const index = DEMO_ACCOUNTS.findIndex((a) => a.email === email);
  return index < 0 ? DEMO_ACCOUNTS.length : index;
}

/** The lines `npm start` prints outside production: how to log in to the demo. */
export async function demoAccountsBanner(db: Executor): Promise<string | undefined> {
  const accounts = await listDemoAccounts(db);
  if (accounts.length === 0) return undefined;
  return [
    `  Comptes de démonstration (mot de passe : ${DEMO_PASSWORD}) :`,
    ...accounts
      .sort((a, b) => order(a.email) - order(b.email))
      .map((a) => `    ${(a.role ? ROLE_LABELS[a.role] : '').padEnd(27)} ${a.email}`),
  ].join('\n');
}
