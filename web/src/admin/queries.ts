import { queryOptions } from '@tanstack/react-query';
import { api, dataOrThrow } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';

/** An account as the administration routes describe it: identity, status, roles on territories. */
export type AccountView = paths['/api/accounts/{id}']['get']['responses'][200]['content']['application/json'];
export type AccountStatus = AccountView['status'];
export type AccountSearch = NonNullable<paths['/api/accounts/']['get']['parameters']['query']>;
export type UsageRow = paths['/api/accounts/usage']['get']['responses'][200]['content']['application/json'][number];
export type Territory = paths['/api/territories/']['get']['responses'][200]['content']['application/json'][number];
export type AuditSearch = NonNullable<paths['/api/audit/events']['get']['parameters']['query']>;
export type AuditEvent = paths['/api/audit/events']['get']['responses'][200]['content']['application/json'][number];

/** Every query of the administration space starts with this key: invalidate it after a change. */
export const ADMIN_KEY = 'admin';

export const accountsQuery = (search: AccountSearch) =>
  queryOptions({
    queryKey: [ADMIN_KEY, 'accounts', 'list', search],
    queryFn: ({ signal }) => dataOrThrow(api.GET('/api/accounts/', { params: { query: search }, signal })),
  });

export const accountQuery = (id: string) =>
  queryOptions({
    queryKey: [ADMIN_KEY, 'accounts', 'one', id],
    queryFn: ({ signal }) => dataOrThrow(api.GET('/api/accounts/{id}', { params: { path: { id } }, signal })),
  });

export const usageQuery = queryOptions({
  queryKey: [ADMIN_KEY, 'usage'],
  queryFn: ({ signal }) => dataOrThrow(api.GET('/api/accounts/usage', { signal })),
});

/** The named territories (France, a région, a SAS, a CPTS…): they rarely change. */
export const territoriesQuery = queryOptions({
  queryKey: [ADMIN_KEY, 'territories'],
  queryFn: ({ signal }) => dataOrThrow(api.GET('/api/territories/', { signal })),
  staleTime: 10 * 60_000,
});

/**
 * A search of the audit log. Every search is itself written to the log, so these are not refetched
 * behind the user's back (window focus, remount): only when he asks, or after a change of his.
 */
export const auditQuery = (search: AuditSearch) =>
  queryOptions({
    queryKey: [ADMIN_KEY, 'audit', search],
    queryFn: ({ signal }) => dataOrThrow(api.GET('/api/audit/events', { params: { query: search }, signal })),
    staleTime: 60_000,
    refetchOnWindowFocus: false,
  });
