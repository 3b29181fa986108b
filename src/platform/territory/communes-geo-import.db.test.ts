import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, test } from 'vitest';
import { useTestTransaction } from '../../db/testing/index.ts';
import { AppError } from '../errors.ts';
import { CentroidFileError } from './communes-geo-file.ts';
import { getCommune, importCommunesGeo } from './service.ts';
import * as store from './store.ts';
import { FIXTURE_GEODATA, loadFixtureCommunes } from './testing/fixture.ts';

const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, 'testing/fixtures', name));

describe('import communes-geo', () => {
  const t = useTestTransaction();

  async function coordinates() {
    const rows = await Promise.all(FIXTURE_GEODATA.communes.map((c) => getCommune(t.db, c.inseeCode)));
    return rows.map((c) => [c.inseeCode, c.latitude, c.longitude, c.coordinatesPrecision]);
  }

  describe('with communes', () => {
    beforeEach(async () => {
      await loadFixtureCommunes(t.db);
    });

    test('a good file sets the coordinates and the precision official, reporting progress', async () => {
      const progress: [number, number][] = [];
      const report = await importCommunesGeo(t.db, fixture('communes-geo-good.csv'), {
        onProgress: (done, total) => progress.push([done, total]),
      });
      expect(report).toMatchObject({ applied: true, read: 3, updated: 3, unknownCodes: [], badLines: [], repeated: 1 });
      expect(progress.at(-1)).toEqual([3, 3]);
      expect(await getCommune(t.db, '41018')).toMatchObject({
        latitude: 47.5861,
        longitude: 1.3359,
        coordinatesPrecision: 'official',
      });
      expect((await store.countCommunesByPrecision(t.db)).official).toBe(3);
    });

    test('an ISO-8859-1 file imports too', async () => {
      const report = await importCommunesGeo(t.db, fixture('communes-geo-latin1.csv'));
      expect(report).toMatchObject({ applied: true, updated: 2, encoding: 'ISO-8859-1' });
      expect(await getCommune(t.db, '41001')).toMatchObject({ latitude: 47.7101, coordinatesPrecision: 'official' });
    });

    test('bad lines change nothing, unless asked to skip them', async () => {
      const before = await coordinates();
      const refused = await importCommunesGeo(t.db, fixture('communes-geo-bad-coordinates.csv'));
      expect(refused.applied).toBe(false);
      expect(refused.badLines.map((b) => b.line)).toEqual([3, 4, 5, 6, 7, 8]);
      expect(await coordinates()).toEqual(before);

      const skipped = await importCommunesGeo(t.db, fixture('communes-geo-bad-coordinates.csv'), {
        skipBadLines: true,
      });
      expect(skipped).toMatchObject({ applied: true, updated: 1 });
      expect((await store.countCommunesByPrecision(t.db)).official).toBe(1);
    });

    test('unknown codes (an arrondissement, a code naming nothing) are reported; the others are imported', async () => {
      const report = await importCommunesGeo(t.db, fixture('communes-geo-unknown-codes.csv'));
      expect(report).toMatchObject({ applied: true, updated: 1, unknownCodes: ['41999', '75111'] });
      expect((await getCommune(t.db, '75056')).coordinatesPrecision).toBe('geonames');
    });

    test('a wrong header is refused before anything is read or written', async () => {
      const before = await coordinates();
      await expect(importCommunesGeo(t.db, fixture('communes-geo-wrong-header.csv'))).rejects.toThrow(
        CentroidFileError,
      );
      expect(await coordinates()).toEqual(before);
    });

    test('a failure after updates were written rolls the whole file back', async () => {
      const before = await coordinates();
      let calls = 0;
      const bytes = new TextEncoder().encode('insee;lat;lon\n41295;47.58;1.37\n41212;47.56;1.35\n');
      await expect(
        importCommunesGeo(t.db, bytes, {
          onProgress: () => {
            calls += 1;
            throw new Error('interruption');
          },
        }),
      ).rejects.toThrow('interruption');
      expect(calls).toBe(1);
      expect(await coordinates()).toEqual(before);
    });
  });

  test('a database without communes is told to load them first', async () => {
    const error = await importCommunesGeo(t.db, fixture('communes-geo-good.csv')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).detail).toMatch(/aucune commune.*maillage import communes/);
  });
});
