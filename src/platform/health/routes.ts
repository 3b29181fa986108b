import { Type } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import { migrationStatus } from '../../db/migrate.ts';
import type { ModuleRoutes } from '../../modules.ts';

const ReadyStatus = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not-ready')]),
  database: Type.Object({
    mode: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
    reachable: Type.Boolean(),
    pendingMigrations: Type.Array(Type.String()),
  }),
  detail: Type.Optional(Type.String()),
});

/** Liveness (the process answers) and readiness (the database answers and is migrated), never rate-limited. */
export const healthRoutes: ModuleRoutes = async (app, { deps }) => {
  app.get(
    '/health/live',
    {
      config: { rateLimit: false },
      schema: {
        tags: ['plateforme'],
        summary: 'Le processus répond',
        response: { 200: Type.Object({ status: Type.Literal('live') }) },
      },
    },
    async () => ({ status: 'live' as const }),
  );

  app.get(
    '/health/ready',
    {
      config: { rateLimit: false },
      schema: {
        tags: ['plateforme'],
        summary: 'La base répond et son schéma est à jour',
        response: { 200: ReadyStatus, 503: ReadyStatus },
      },
    },
    async (_request, reply) => {
      try {
        await sql`select 1`.execute(deps.db);
        const { pending } = await migrationStatus(deps.db);
        const ready = pending.length === 0;
        return reply.code(ready ? 200 : 503).send({
          status: ready ? 'ready' : 'not-ready',
          database: {
            mode: deps.dbMode,
            reachable: true,
            pendingMigrations: pending,
          },
          ...(ready
            ? {}
            : {
                detail: 'Des migrations restent à appliquer : lancez « maillage db migrate ».',
              }),
        });
      } catch {
        return reply.code(503).send({
          status: 'not-ready',
          database: {
            mode: deps.dbMode,
            reachable: false,
            pendingMigrations: [],
          },
          detail: 'La base de données ne répond pas.',
        });
      }
    },
  );
};
