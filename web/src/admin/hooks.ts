import { useQuery } from '@tanstack/react-query';
import { useCurrentUser } from '../shell/current-user.ts';
import { territoriesQuery } from './queries.ts';
import { adminReach, territoryChoices, type AdminReach, type TerritoryChoice } from './reach.ts';

/** The signed-in administrator's reach (see reach.ts). */
export function useAdminReach(): AdminReach {
  const { data: user } = useCurrentUser();
  return adminReach(user);
}

/**
 * The territories to offer in a form or a filter: where he manages accounts (`manage`), or where he sees
 * them (`read`). A national administrator is offered every named territory, fetched from the server.
 */
export function useTerritoryChoices(purpose: 'manage' | 'read'): {
  choices: TerritoryChoice[];
  isPending: boolean;
  error: unknown;
} {
  const { data: user } = useCurrentUser();
  const reach = adminReach(user);
  const territories = useQuery({ ...territoriesQuery, enabled: reach.national });
  const ids = purpose === 'manage' ? reach.manageTerritoryIds : reach.readTerritoryIds;
  return {
    choices: territoryChoices(reach, user, ids, territories.data),
    isPending: reach.national && territories.isPending,
    error: territories.error,
  };
}
