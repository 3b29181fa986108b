import { useQuery } from '@tanstack/react-query';
import { ApiError, reachServer } from '../api/client.ts';
import type { Role } from './roles.ts';

/** The signed-in account, as GET /api/auth/me describes it. */
export interface CurrentUser {
  accountId: string;
  displayName: string;
  grants: { role: Role; territoryId: string; territoryName: string }[];
}

/** Invalidate it after a login or a logout so every page sees the new user. */
export const CURRENT_USER_QUERY_KEY = ['current-user'] as const;

/**
 * Who uses the app: the account, or null when nobody is signed in. The one place the web app learns it;
 * navigation and page access follow from it.
 */
export function useCurrentUser() {
  return useQuery({
    queryKey: CURRENT_USER_QUERY_KEY,
    queryFn: fetchCurrentUser,
    staleTime: 5 * 60_000,
  });
}

async function fetchCurrentUser(): Promise<CurrentUser | null> {
  // Plain fetch while /api/auth/me is not in the OpenAPI document yet; switch to `api.GET` once it is.
  const response = await reachServer(
    fetch('/api/auth/me', { credentials: 'same-origin', headers: { accept: 'application/json' } }),
  );
  // 401: nobody signed in. 404: a server without the accounts capability, where everyone is anonymous.
  if (response.status === 401 || response.status === 404) return null;
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw ApiError.fromResponse(response, body);
  return body as CurrentUser;
}
