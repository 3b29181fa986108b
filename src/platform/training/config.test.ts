import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../../config.ts';

describe('training videos: where they are kept, how large they may be', () => {
  test('by default in the data folder, 500 MB at most', () => {
    const config = loadConfig({ MAILLAGE_DATA_DIR: '/srv/maillage/data' }, '/srv/maillage');
    expect(config.uploadDir).toBe('/srv/maillage/data/fichiers');
    expect(config.videoMaxBytes).toBe(500 * 1_048_576);
  });

  test('set by MAILLAGE_UPLOAD_DIR (relative to the working folder) and MAILLAGE_VIDEO_MAX_MB', () => {
    const config = loadConfig(
      { MAILLAGE_UPLOAD_DIR: 'partage/videos', MAILLAGE_VIDEO_MAX_MB: '2048' },
      '/srv/maillage',
    );
    expect(config.uploadDir).toBe('/srv/maillage/partage/videos');
    expect(config.videoMaxBytes).toBe(2048 * 1_048_576);
  });

  test('wrong values are each said in one French sentence', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'maillage-config-')), 'un-fichier');
    fs.writeFileSync(file, 'x');
    try {
      loadConfig({ MAILLAGE_UPLOAD_DIR: file, MAILLAGE_VIDEO_MAX_MB: 'beaucoup' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([
        `MAILLAGE_UPLOAD_DIR vaut « ${file} » : c’est un fichier, attendu un dossier (créé s’il n’existe pas).`,
        'MAILLAGE_VIDEO_MAX_MB vaut « beaucoup » : attendu un nombre entier entre 1 et 10240.',
      ]);
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
    expect(() => loadConfig({ MAILLAGE_VIDEO_MAX_MB: '0' })).toThrow(/MAILLAGE_VIDEO_MAX_MB vaut 0/);
  });
});
