import type { AccountSortKey } from './params.ts';
import type { AccountView } from './queries.ts';
import { STATUS_LABELS } from './labels.ts';

const collator = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });

/**
 * The accounts of a page in the order asked. Missing values (never connected, not locked) come last
 * in both directions, so "the most recent logins first" never starts with the accounts that never logged in.
 * Ties keep the server's order (by name).
 */
export function sortAccounts(
  accounts: readonly AccountView[],
  key: AccountSortKey,
  descending: boolean,
): AccountView[] {
  const value = (a: AccountView): string | number | null => {
    switch (key) {
      case 'nom':
        return a.displayName;
      case 'email':
        return a.email;
      case 'profils':
        return a.grants.map((g) => `${g.roleLabel} ${g.territoryName}`).join(' ') || null;
      case 'statut':
        return STATUS_LABELS[a.status];
      case 'connexion':
        return a.lastLoginAt === null ? null : Date.parse(a.lastLoginAt);
      case 'double-auth':
        return a.secondFactorEnabled ? 1 : 0;
      case 'verrou':
        return a.lockedUntil === null ? null : Date.parse(a.lockedUntil);
    }
  };
  return accounts
    .map((account, index) => ({ account, index, value: value(account) }))
    .sort((x, y) => {
      if (x.value === null || y.value === null) {
        if (x.value === y.value) return x.index - y.index;
        return x.value === null ? 1 : -1;
      }
      const order =
        typeof x.value === 'number' && typeof y.value === 'number'
          ? x.value - y.value
          : collator.compare(String(x.value), String(y.value));
      return (descending ? -order : order) || x.index - y.index;
    })
    .map(({ account }) => account);
}
