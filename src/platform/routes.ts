import { Type } from '@fastify/type-provider-typebox';
import { APP_VERSION } from '../app.ts';
import type { ModuleRoutes } from '../modules.ts';
import { AppError, ERROR_KINDS, type ErrorCode } from './errors.ts';
import { healthRoutes } from './health/routes.ts';

const ProblemKind = Type.Object({
  code: Type.String(),
  status: Type.Integer(),
  title: Type.String(),
});

/** Platform-wide routes: health, the error catalogue, what this instance is. */
export const platformRoutes: ModuleRoutes = async (app, { deps }) => {
  await app.register(healthRoutes, { deps });

  app.get(
    '/api/problems',
    {
      schema: {
        tags: ['plateforme'],
        summary: 'Catalogue des codes d’erreur stables',
        response: { 200: Type.Array(ProblemKind) },
      },
    },
    async () =>
      Object.entries(ERROR_KINDS).map(([code, kind]) => ({
        code,
        status: kind.status,
        title: kind.title,
      })),
  );

  app.get(
    '/api/problems/:code',
    {
      schema: {
        tags: ['plateforme'],
        summary: 'Un code d’erreur (cible du champ `type` des erreurs)',
        params: Type.Object({ code: Type.String({ maxLength: 64 }) }),
        response: { 200: ProblemKind },
      },
    },
    async (request) => {
      const kind = ERROR_KINDS[request.params.code as ErrorCode];
      if (!kind) throw new AppError('not-found', `Le code d’erreur « ${request.params.code} » n’existe pas.`);
      return {
        code: request.params.code,
        status: kind.status,
        title: kind.title,
      };
    },
  );

  app.get(
    '/api/meta',
    {
      schema: {
        tags: ['plateforme'],
        summary: 'Version et mode de cette instance',
        response: {
          200: Type.Object({
            name: Type.Literal('maillage'),
            version: Type.String(),
            environment: Type.String(),
            database: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
          }),
        },
      },
    },
    async () => ({
      name: 'maillage' as const,
      version: APP_VERSION,
      environment: deps.config.env,
      database: deps.dbMode,
    }),
  );
};
