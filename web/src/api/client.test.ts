import { afterEach, describe, expect, test } from 'vitest';
import { api, ApiError, CSRF_HEADER, dataOrThrow, setCsrfToken } from './client.ts';

/** A stand-in for the network that records each request and answers with `response`. */
function recorder(response: () => Response) {
  const requests: Request[] = [];
  return {
    requests,
    fetch: async (request: Request) => {
      requests.push(request);
      return response();
    },
  };
}

/** Node's Request needs an absolute address; the browser's resolves the client's relative one. */
const baseUrl = 'http://maillage.test';

const noContent = () => new Response(null, { status: 204 });

afterEach(() => setCsrfToken(undefined));

describe('the CSRF token', () => {
  test('goes with every state-changing request of a session, never with reads', async () => {
    setCsrfToken('jeton-csrf');
    const network = recorder(noContent);
    await api.POST('/api/auth/logout', { fetch: network.fetch, baseUrl });
    await api.POST('/api/auth/logout-everywhere', { fetch: network.fetch, baseUrl });
    await api.GET('/api/auth/me', { fetch: network.fetch, baseUrl });
    expect(network.requests.map((r) => [r.method, r.headers.get(CSRF_HEADER)])).toEqual([
      ['POST', 'jeton-csrf'],
      ['POST', 'jeton-csrf'],
      ['GET', null],
    ]);
  });

  test('is not sent once signed out', async () => {
    setCsrfToken('jeton-csrf');
    setCsrfToken(undefined);
    const network = recorder(noContent);
    await api.POST('/api/auth/login', { body: { email: 'a@b.fr', password: 'x' }, fetch: network.fetch, baseUrl });
    expect(network.requests[0]!.headers.has(CSRF_HEADER)).toBe(false);
  });
});

describe('API errors', () => {
  const problem =
    (status: number, body: object, headers: Record<string, string> = {}) =>
    () =>
      new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/problem+json', ...headers },
      });

  test('a locked account carries the server’s sentence and the delay of Retry-After', async () => {
    const network = recorder(
      problem(
        429,
        { code: 'account-locked', title: 'Compte verrouillé', detail: 'Trop d’essais infructueux.', status: 429 },
        { 'retry-after': '900' },
      ),
    );
    const error = await dataOrThrow(
      api.POST('/api/auth/login', { body: { email: 'a@b.fr', password: 'x' }, fetch: network.fetch, baseUrl }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 429, code: 'account-locked', detail: 'Trop d’essais infructueux.' });
    expect((error as ApiError).retryAfterSeconds).toBe(900);
  });

  test('without Retry-After, or with a date in it, no delay is invented', async () => {
    const cases: Record<string, string>[] = [{}, { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }];
    for (const headers of cases) {
      const network = recorder(problem(401, { code: 'invalid-credentials', title: 'x', detail: 'y' }, headers));
      const error = await dataOrThrow(
        api.POST('/api/auth/login', { body: { email: 'a@b.fr', password: 'x' }, fetch: network.fetch, baseUrl }),
      ).catch((e: unknown) => e);
      expect((error as ApiError).retryAfterSeconds).toBeUndefined();
    }
  });
});
