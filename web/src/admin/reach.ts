import type { CurrentUser } from '../shell/current-user.ts';
import { ROLE_LABELS, type Role } from '../shell/roles.ts';

/**
 * What the signed-in administrator may do, read from his roles as the server's matrix grants them
 * (src/platform/access/matrix.ts): a national administrator everywhere; an account administrator on the
 * territories of that role; a territorial referent reads the accounts of his territories and changes
 * nothing. This only shapes the pages (which buttons show, which territories are offered): the server
 * decides every call.
 */
export interface AdminReach {
  national: boolean;
  /** Territories where he creates and changes accounts (account administrator). */
  manageTerritoryIds: ReadonlySet<string>;
  /** Territories whose accounts he sees (account administrator, territorial referent). */
  readTerritoryIds: ReadonlySet<string>;
  /** Creates accounts somewhere. */
  canManage: boolean;
  /** Searches the audit log. */
  canAudit: boolean;
}

export function adminReach(user: CurrentUser | null | undefined): AdminReach {
  const grants = user?.grants ?? [];
  const national = grants.some((g) => g.role === 'national-admin');
  const manage = new Set(grants.filter((g) => g.role === 'account-admin').map((g) => g.territoryId));
  const read = new Set(
    grants.filter((g) => g.role === 'account-admin' || g.role === 'territorial-referent').map((g) => g.territoryId),
  );
  return {
    national,
    manageTerritoryIds: manage,
    readTerritoryIds: read,
    canManage: national || manage.size > 0,
    canAudit: national || manage.size > 0,
  };
}

/** Whether he may change this account: it holds a role on one of the territories he manages. */
export function canManageAccount(reach: AdminReach, account: { grants: readonly { territoryId: string }[] }): boolean {
  return reach.national || account.grants.some((g) => reach.manageTerritoryIds.has(g.territoryId));
}

export interface TerritoryChoice {
  id: string;
  name: string;
}

/**
 * The territories to offer: all the named ones for a national administrator; otherwise those of his
 * grants that `ids` lists (known from his session, so nothing else is needed). The server's order for
 * the national list (France, régions, départements, SAS…), by name otherwise.
 */
export function territoryChoices(
  reach: AdminReach,
  user: CurrentUser | null | undefined,
  ids: ReadonlySet<string>,
  allTerritories: readonly TerritoryChoice[] | undefined,
): TerritoryChoice[] {
  if (reach.national) return (allTerritories ?? []).map((t) => ({ id: t.id, name: t.name }));
  const byId = new Map<string, TerritoryChoice>();
  for (const g of user?.grants ?? []) {
    if (ids.has(g.territoryId)) byId.set(g.territoryId, { id: g.territoryId, name: g.territoryName });
  }
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name, 'fr'));
}

/**
 * The profiles he may give: all for a national administrator; the others never offer "Administrateur
 * national", which reaches every territory whatever the territory it is given on.
 */
export function grantableRoles(reach: AdminReach): Role[] {
  const roles = Object.keys(ROLE_LABELS) as Role[];
  return reach.national ? roles : roles.filter((role) => role !== 'national-admin');
}
