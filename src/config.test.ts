import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  test('defaults: port 3000, embedded database in ./data, demo outside production', () => {
    const config = loadConfig({}, '/srv/maillage');
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toBe('/srv/maillage/data');
    expect(config.demo).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production' }).demo).toBe(false);
  });

  test('reads PORT, DATABASE_URL and MAILLAGE_DATA_DIR', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        DATABASE_URL: 'postgres://u:p@db:5432/maillage',
        MAILLAGE_DATA_DIR: '/var/lib/maillage',
      },
      '/x',
    );
    expect(config.port).toBe(8080);
    expect(config.databaseUrl).toBe('postgres://u:p@db:5432/maillage');
    expect(config.dataDir).toBe('/var/lib/maillage');
  });

  test('reports every wrong value, each in one French sentence', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'abc',
        DATABASE_URL: 'mysql://x',
        LOG_LEVEL: 'loud',
        MAILLAGE_DEMO: 'peut-être',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems[0]).toBe('PORT vaut « abc » : attendu un nombre entier entre 0 et 65535.');
    expect(problems[1]).toContain('DATABASE_URL doit commencer par postgres://');
    expect(problems[2]).toContain('LOG_LEVEL vaut « loud »');
    expect(problems[3]).toContain('MAILLAGE_DEMO');
  });

  test('a port out of range and an unparsable URL are refused', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT vaut 70000/);
    expect(() => loadConfig({ DATABASE_URL: 'pas une url' })).toThrow(/DATABASE_URL n’est pas une URL valide/);
  });
});
