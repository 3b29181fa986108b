import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { App } from '../../app.ts';
import { useTestTransaction } from '../../db/testing/index.ts';
import { testApp } from '../../testing/app.ts';
import { signIn } from '../../testing/session.ts';
import { createTerritory } from './service.ts';
import { loadFixtureCommunes } from './testing/fixture.ts';

describe('/api/territories', () => {
  const t = useTestTransaction();
  let app: App;
  let sasId: string;
  let headers: Record<string, string>;

  beforeEach(async () => {
    await loadFixtureCommunes(t.db);
    sasId = (
      await createTerritory(t.db, {
        kind: 'sas',
        code: 'routes-41',
        name: 'SAS Loir-et-Cher',
        perimeter: { departementCode: '41' },
      })
    ).id;
    await createTerritory(t.db, {
      kind: 'national',
      code: 'routes-FR',
      name: 'France',
      perimeter: { allCommunes: true },
    });
    app = await testApp(t.db, t.handle.mode);
    headers = await signIn(app, t.db, { role: 'osnp-operator', territoryId: sasId });
  });

  afterEach(async () => {
    await app.close();
  });

  test('reference data needs a logged-in profile: anonymous callers get 401', async () => {
    for (const url of ['/api/territories', '/api/territories/communes?q=blois', '/api/territories/communes/41018']) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(401);
      expect(res.json().code).toBe('unauthenticated');
    }
  });

  test('type-ahead: GET /communes?q= answers the ranked communes, limit applies', async () => {
    const res = await app.inject({ url: '/api/territories/communes?q=saint%20etienne&limit=1', headers });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([
      {
        inseeCode: '42218',
        name: 'Saint-Étienne',
        departementCode: '42',
        postalCodes: ['42000', '42100', '42230'],
        population: 173136,
        latitude: 45.43389,
        longitude: 4.39,
        coordinatesPrecision: 'geonames',
      },
    ]);
    const byPostalCode = await app.inject({ url: '/api/territories/communes?q=41350', headers });
    expect(byPostalCode.json().map((c: { name: string }) => c.name)).toEqual(['Vineuil', 'Saint-Gervais-la-Forêt']);
  });

  test('type-ahead refuses a missing text and a limit out of bounds, field by field, in French', async () => {
    const missing = await app.inject({ url: '/api/territories/communes', headers });
    expect(missing.statusCode).toBe(400);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    expect(missing.json()).toMatchObject({
      code: 'validation-failed',
      errors: [{ field: 'query.q', message: 'Champ obligatoire.' }],
    });
    const tooMany = await app.inject({ url: '/api/territories/communes?q=blois&limit=500', headers });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().errors).toEqual([{ field: 'query.limit', message: 'Doit être inférieur ou égal à 50.' }]);
  });

  test('GET /communes/:insee: the commune with its levels and territories; 404 and 400 otherwise', async () => {
    const res = await app.inject({ url: '/api/territories/communes/41018', headers });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      inseeCode: '41018',
      name: 'Blois',
      departementName: 'Loir-et-Cher',
      regionName: 'Centre-Val de Loire',
      epciSiren: '200030385',
      epciName: 'CA de Blois « Agglopolys »',
    });
    expect(res.json().territories.map((x: { kind: string }) => x.kind)).toEqual(['national', 'sas']);

    const arrondissement = await app.inject({ url: '/api/territories/communes/75111', headers });
    expect(arrondissement.json()).toMatchObject({ inseeCode: '75056', name: 'Paris' });

    const unknown = await app.inject({ url: '/api/territories/communes/41999', headers });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({
      code: 'not-found',
      title: 'Introuvable',
      detail: 'Aucune commune ne porte le code INSEE 41999 : vérifiez-le (le code INSEE n’est pas le code postal).',
    });

    const malformed = await app.inject({ url: '/api/territories/communes/blois', headers });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({
      code: 'validation-failed',
      errors: [{ field: 'path.insee', message: 'Format invalide.' }],
    });
  });

  test('GET /api/territories lists territories with population; a kind filters', async () => {
    const res = await app.inject({ url: '/api/territories', headers });
    expect(res.statusCode).toBe(200);
    const list = res.json() as { kind: string; communeCount: number; population: number }[];
    expect(list.map((x) => x.kind)).toEqual(['national', 'sas']);
    expect(list[1]!.communeCount).toBe(6);
    expect(list[0]!.population).toBeGreaterThan(list[1]!.population);
    expect((await app.inject({ url: '/api/territories?kind=sas', headers })).json()).toHaveLength(1);
    const wrongKind = await app.inject({ url: '/api/territories?kind=canton', headers });
    expect(wrongKind.statusCode).toBe(400);
    expect(wrongKind.json().errors[0].field).toBe('query.kind');
  });

  test('GET /api/territories/:id pages its communes; unknown id 404, malformed id 400', async () => {
    const res = await app.inject({ url: `/api/territories/${sasId}?limit=2&offset=0`, headers });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: sasId, kind: 'sas', communeCount: 6 });
    expect(res.json().communes.map((c: { name: string }) => c.name)).toEqual(['Ambloy', 'Blois']);

    const unknown = await app.inject({ url: '/api/territories/00000000-0000-4000-8000-000000000000', headers });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('not-found');
    const malformed = await app.inject({ url: '/api/territories/41', headers });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors).toEqual([{ field: 'path.id', message: 'Format attendu : identifiant UUID.' }]);
  });

  test('the OpenAPI document lists the routes under the territoires tag', async () => {
    const doc = (await app.inject('/api/openapi.json')).json();
    expect(doc.tags).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'territoires' })]));
    for (const path of [
      '/api/territories/communes',
      '/api/territories/communes/{insee}',
      '/api/territories/',
      '/api/territories/{id}',
    ]) {
      expect(doc.paths[path]?.get?.tags, path).toEqual(['territoires']);
    }
  });
});
