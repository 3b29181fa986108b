import { queryOptions } from '@tanstack/react-query';
import { api, ApiError, dataOrThrow, reachServer } from '../api/client.ts';

/** What this instance is: name, version, environment, database mode. */
export const metaQuery = queryOptions({
  queryKey: ['platform', 'meta'],
  queryFn: () => dataOrThrow(api.GET('/api/meta')),
  staleTime: Infinity,
});

/** Whether the service can work: database reachable and migrated. Checked again every 30 s. */
export const readinessQuery = queryOptions({
  queryKey: ['platform', 'readiness'],
  queryFn: async () => {
    const result = await reachServer(api.GET('/health/ready'));
    // 503 "not-ready" is an answer here, not a failure: it says what is not ready.
    const readiness = result.data ?? result.error;
    if (readiness?.status === 'ready' || readiness?.status === 'not-ready') return readiness;
    throw ApiError.fromResponse(result.response, result.error);
  },
  refetchInterval: 30_000,
  staleTime: 0,
});
