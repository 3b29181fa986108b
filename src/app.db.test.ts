import { afterAll, describe, expect, test } from 'vitest';
import type { App } from './app.ts';
import { Type } from '@fastify/type-provider-typebox';
import { useTestTransaction } from './db/testing/index.ts';
import { testApp } from './testing/app.ts';

describe('HTTP server: health, OpenAPI, one error model', () => {
  const t = useTestTransaction();
  let app: App;

  afterAll(async () => {
    await app?.close();
  });

  async function server(extraRoutes?: (app: App) => void): Promise<App> {
    await app?.close();
    app = await testApp(t.db, t.handle.mode, { bodyLimit: 2048, rateLimitPerMinute: 1000 }, { extraRoutes });
    return app;
  }

  test('/health/live and /health/ready answer; ready says the database is migrated', async () => {
    const a = await server();
    expect((await a.inject('/health/live')).json()).toEqual({ status: 'live' });
    const ready = await a.inject('/health/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'ready',
      database: { reachable: true, pendingMigrations: [] },
    });
  });

  test('every response carries a request id; a sane incoming one is kept, a hostile one replaced', async () => {
    const a = await server();
    const kept = await a.inject({
      url: '/health/live',
      headers: { 'x-request-id': 'abc-123-def' },
    });
    expect(kept.headers['x-request-id']).toBe('abc-123-def');
    const replaced = await a.inject({
      url: '/health/live',
      headers: { 'x-request-id': '<script>' },
    });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('security headers: a CSP without inline scripts, nosniff, no framing', async () => {
    const a = await server();
    const res = await a.inject('/api/meta');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  test('the OpenAPI document lists the API and /api/docs serves the reference', async () => {
    const a = await server();
    const doc = (await a.inject('/api/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health/ready', '/api/meta', '/api/problems']));
    const docs = await a.inject('/api/docs/');
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
  });

  test('unknown route: 404 problem+json with a stable code and French text', async () => {
    const a = await server();
    const res = await a.inject('/api/nulle-part?nom=Dupont');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({
      type: '/api/problems/route-not-found',
      title: 'Adresse inconnue',
      status: 404,
      code: 'route-not-found',
      detail: 'Aucune ressource à l’adresse GET /api/nulle-part.',
      instance: '/api/nulle-part',
    });
  });

  test('wrong method: 405 with Allow', async () => {
    const a = await server();
    const res = await a.inject({ method: 'DELETE', url: '/api/meta' });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('GET');
    expect(res.json()).toMatchObject({
      code: 'method-not-allowed',
      title: 'Méthode non permise',
    });
  });

  test('a POST route refuses malformed JSON (400), oversized bodies (413) and other media types (415)', async () => {
    const a = await server((a) =>
      a.post(
        '/api/essai',
        {
          schema: {
            body: Type.Object(
              {
                name: Type.String({ minLength: 2 }),
                age: Type.Integer({ minimum: 0 }),
              },
              { additionalProperties: false },
            ),
          },
        },
        async (request) => request.body,
      ),
    );
    const json = { 'content-type': 'application/json' };
    const malformed = await a.inject({
      method: 'POST',
      url: '/api/essai',
      headers: json,
      payload: '{"name": "Ab",',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({
      code: 'malformed-json',
      title: 'JSON illisible',
    });

    const big = await a.inject({
      method: 'POST',
      url: '/api/essai',
      headers: json,
      payload: JSON.stringify({ name: 'x'.repeat(5000), age: 1 }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ code: 'payload-too-large' });

    const media = await a.inject({
      method: 'POST',
      url: '/api/essai',
      headers: { 'content-type': 'text/csv' },
      payload: 'a;b',
    });
    expect(media.statusCode).toBe(415);
    expect(media.json()).toMatchObject({ code: 'unsupported-media-type' });

    const invalid = await a.inject({
      method: 'POST',
      url: '/api/essai',
      headers: json,
      payload: { name: 'A', age: -1, extra: true },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().code).toBe('validation-failed');
    expect(invalid.json().errors).toEqual(
      expect.arrayContaining([
        { field: 'body.name', message: 'Au moins 2 caractères.' },
        { field: 'body.age', message: 'Doit être supérieur ou égal à 0.' },
        { field: 'body.extra', message: 'Champ inconnu : retirez-le.' },
      ]),
    );

    const ok = await a.inject({
      method: 'POST',
      url: '/api/essai',
      headers: json,
      payload: { name: 'Anne', age: 40 },
    });
    expect(ok.statusCode).toBe(200);
  });

  test('an unexpected failure is a 500 problem that hides the cause and gives the request id', async () => {
    const a = await server((a) =>
      a.get('/api/boum', async () => {
        throw new Error('secret interne : mot de passe');
      }),
    );
    const res = await a.inject('/api/boum');
    expect(res.statusCode).toBe(500);
    expect(res.json().code).toBe('internal-error');
    expect(res.body).not.toContain('secret');
    expect(res.json().detail).toContain(res.headers['x-request-id']);
  });

  test('FHIR routes answer errors as OperationOutcome', async () => {
    const a = await server();
    const res = await a.inject('/fhir/Inconnu');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/fhir+json');
    expect(res.json()).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'not-found' }],
    });
  });

  test('rate limiting answers 429 problem+json with Retry-After; health is never limited', async () => {
    await app?.close();
    app = await testApp(t.db, t.handle.mode, { rateLimitPerMinute: 2 });
    for (let i = 0; i < 2; i++) expect((await app.inject('/api/meta')).statusCode).toBe(200);
    const limited = await app.inject('/api/meta');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.json()).toMatchObject({
      code: 'rate-limited',
      title: 'Trop de requêtes',
    });
    for (let i = 0; i < 5; i++) expect((await app.inject('/health/ready')).statusCode).toBe(200);
  });
});
