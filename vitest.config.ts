import { defineConfig } from 'vitest/config';

/**
 * Test tiers (see CONTRIBUTING.md): `unit` needs nothing; `db` runs on PGlite, or on the PostgreSQL
 * server of TEST_DATABASE_URL when MAILLAGE_TEST_DB=postgres; `e2e` drives Chromium against a real server.
 * `npm test` (scripts/test.mjs) runs each tier it can and sums the counts.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // Projects with different worker settings must run in distinct groups.
          sequence: { groupOrder: 0 },
          include: ['src/**/*.test.ts', 'web/src/**/*.test.ts', 'scripts/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: ['**/*.db.test.ts', '**/node_modules/**'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'db',
          sequence: { groupOrder: 1 },
          include: ['src/**/*.db.test.ts', 'test/integration/**/*.db.test.ts'],
          globalSetup: ['src/db/testing/global-setup.ts'],
          environment: 'node',
          // One embedded database per worker, shared by its files: isolation comes from rolled-back
          // transactions (src/db/testing/index.ts), not from fresh modules.
          isolate: false,
          maxWorkers: 2,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          sequence: { groupOrder: 2 },
          include: ['test/e2e/**/*.e2e.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          environment: 'node',
          maxWorkers: 1,
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
