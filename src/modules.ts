import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDependencies } from './app.ts';
import { authRoutes } from './platform/auth/routes.ts';
import { platformRoutes } from './platform/routes.ts';

/**
 * The modules the application is made of. Each brings its HTTP routes (a Fastify plugin) and its
 * OpenAPI tags; its tables come through the one migration history (src/db/migrations).
 * To add a module: create src/<module>/{model,store,service,routes}.ts and list it here.
 */
/** A module's HTTP routes: a Fastify plugin typed by TypeBox schemas, given the app's dependencies. */
export type ModuleRoutes = FastifyPluginAsyncTypebox<{ deps: AppDependencies }>;

export interface ModuleDefinition {
  name: string;
  /** Prefix added to every route of the module ('' when its routes carry their full path). */
  prefix: string;
  tags?: { name: string; description: string }[];
  routes: ModuleRoutes;
}

export const modules: ModuleDefinition[] = [
  { name: 'platform', prefix: '', routes: platformRoutes },
  {
    name: 'auth',
    prefix: '/api/auth',
    tags: [{ name: 'comptes', description: 'Connexion, sessions, comptes' }],
    routes: authRoutes,
  },
];
