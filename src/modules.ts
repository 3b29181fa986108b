import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDependencies } from './app.ts';
import { PSC_TAG, pscRoutes } from './platform/auth/psc/routes.ts';
import { authRoutes } from './platform/auth/routes.ts';
import { accountRoutes } from './platform/accounts/routes.ts';
import { auditRoutes } from './platform/audit/routes.ts';
import { devMailRoutes } from './platform/mail/routes.ts';
import { platformRoutes } from './platform/routes.ts';
import { TERRITORY_TAG, territoryRoutes } from './platform/territory/routes.ts';
import { TRAINING_TAG, trainingRoutes } from './platform/training/routes.ts';

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
  { name: 'territory', prefix: '/api/territories', tags: [TERRITORY_TAG], routes: territoryRoutes },
  {
    name: 'auth',
    prefix: '/api/auth',
    tags: [{ name: 'comptes', description: 'Connexion, sessions, comptes' }],
    routes: authRoutes,
  },
  { name: 'psc', prefix: '/api/auth/psc', tags: [PSC_TAG], routes: pscRoutes },
  {
    name: 'accounts',
    prefix: '/api/accounts',
    tags: [{ name: 'administration', description: 'Comptes, profils et territoires, usage' }],
    routes: accountRoutes,
  },
  {
    name: 'audit',
    prefix: '/api/audit',
    tags: [{ name: 'audit', description: 'Journal d’audit : recherche et export' }],
    routes: auditRoutes,
  },
  { name: 'training', prefix: '/api/training', tags: [TRAINING_TAG], routes: trainingRoutes },
  {
    name: 'dev-mail',
    prefix: '/api/dev',
    tags: [{ name: 'développement', description: 'Outils hors production' }],
    routes: devMailRoutes,
  },
];
