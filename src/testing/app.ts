import { buildApp, type App } from '../app.ts';
import { loadConfig, type Config } from '../config.ts';
import type { DatabaseMode, Executor } from '../db/database.ts';

/** The application on a test's executor (usually its rolled-back transaction), driven by `inject`. */
export async function testApp(
  db: Executor,
  dbMode: DatabaseMode,
  overrides: Partial<Config> = {},
  options: { webRoot?: string | null; extraRoutes?: (app: App) => void } = {},
): Promise<App> {
  const config = { ...loadConfig({ NODE_ENV: 'test' }), ...overrides };
  const app = await buildApp({
    config,
    db,
    dbMode,
    webRoot: options.webRoot ?? null,
  });
  options.extraRoutes?.(app);
  await app.ready();
  return app;
}
