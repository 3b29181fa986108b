import { queryOptions, useQuery, type QueryClient } from '@tanstack/react-query';
import { api, ApiError, reachServer, setCsrfToken } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';
import type { Role } from './roles.ts';

/**
 * The session as GET /api/auth/me describes it: the account, its roles and territories, the step of the
 * second factor still to do, and the CSRF token of its state-changing requests.
 */
export type Session = paths['/api/auth/me']['get']['responses'][200]['content']['application/json'];

/** What the shell needs of the signed-in account (navigation and page access); a `Session` is one. */
export interface CurrentUser {
  accountId: string;
  displayName: string;
  grants: { role: Role; territoryId: string; territoryName: string }[];
}

/** Invalidate it after a login or a logout so every page sees the new user. */
export const CURRENT_USER_QUERY_KEY = ['current-user'] as const;

/** The session behind the cookie, or null when there is none. */
export const sessionQuery = queryOptions({
  queryKey: CURRENT_USER_QUERY_KEY,
  queryFn: fetchCurrentUser,
  staleTime: 5 * 60_000,
});

/**
 * The session, including one still waiting for its second factor (the login page's concern), or null.
 * Everything else asks `useCurrentUser`.
 */
export function useSession() {
  return useQuery(sessionQuery);
}

/**
 * Who uses the app: the account, or null when nobody is signed in — or when the login is not finished
 * (second factor to enter or to set up), as the server then answers every other route with a 401. The
 * one place the web app learns it; navigation and page access follow from it.
 */
export function useCurrentUser() {
  return useQuery({ ...sessionQuery, select: signedIn });
}

export function signedIn(session: Session | null): Session | null {
  return session !== null && session.secondFactorStep === 'none' ? session : null;
}

export async function fetchCurrentUser(): Promise<Session | null> {
  const result = await reachServer(api.GET('/api/auth/me'));
  // 401: nobody signed in (or the session ended).
  if (result.response.status === 401) {
    setCsrfToken(undefined);
    return null;
  }
  if (!result.response.ok || result.data === undefined) throw ApiError.fromResponse(result.response, result.error);
  setCsrfToken(result.data.csrfToken);
  return result.data;
}

/** After a login step (password, code): the session the server answered with becomes the app's. */
export function acceptSession(queryClient: QueryClient, session: Session): void {
  setCsrfToken(session.csrfToken);
  queryClient.setQueryData(CURRENT_USER_QUERY_KEY, session);
  // What was fetched as somebody else (or as nobody) is fetched again, the account included.
  void queryClient.invalidateQueries();
}

/** After a logout: nobody is signed in, and nothing fetched for the account stays in memory. */
export function forgetSession(queryClient: QueryClient): void {
  setCsrfToken(undefined);
  queryClient.setQueryData(CURRENT_USER_QUERY_KEY, null);
  queryClient.removeQueries({
    predicate: (query) => query.queryKey[0] !== CURRENT_USER_QUERY_KEY[0] && query.queryKey[0] !== 'platform',
  });
  void queryClient.invalidateQueries({ queryKey: CURRENT_USER_QUERY_KEY });
}
