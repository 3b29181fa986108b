import { Type } from '@fastify/type-provider-typebox';
import type { ModuleRoutes } from '../../modules.ts';
import { auditEventsToCsv, searchAuditLog, type AuditSearch } from './service.ts';

const Uuid = Type.String({ format: 'uuid' });

const Search = Type.Object(
  {
    actor: Type.Optional(Uuid),
    action: Type.Optional(Type.String({ maxLength: 100, description: 'auth.login, account.create…' })),
    patient: Type.Optional(Uuid),
    object: Type.Optional(Type.String({ maxLength: 200 })),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    before: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Page suivante : numéro du dernier événement reçu' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);

const AuditEvent = Type.Object({
  seq: Type.Integer(),
  occurredAt: Type.String({ format: 'date-time' }),
  actorKind: Type.String(),
  actorAccountId: Type.Union([Type.String(), Type.Null()]),
  actorLabel: Type.String(),
  action: Type.String(),
  outcome: Type.String(),
  objectType: Type.Union([Type.String(), Type.Null()]),
  objectId: Type.Union([Type.String(), Type.Null()]),
  patientId: Type.Union([Type.String(), Type.Null()]),
  territoryId: Type.Union([Type.String(), Type.Null()]),
  clientAddress: Type.Union([Type.String(), Type.Null()]),
  requestId: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
});

function toSearch(query: {
  actor?: string;
  action?: string;
  patient?: string;
  object?: string;
  from?: string;
  to?: string;
  before?: number;
  limit?: number;
}): AuditSearch {
  return {
    actorAccountId: query.actor,
    action: query.action,
    patientId: query.patient,
    objectId: query.object,
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
    beforeSeq: query.before,
    limit: query.limit,
  };
}

/** Search and export of the audit log, for administrators within their reach. */
export const auditRoutes: ModuleRoutes = async (app, { deps }) => {
  app.get(
    '/events',
    {
      schema: {
        tags: ['audit'],
        summary: 'Rechercher dans le journal d’audit (du plus récent au plus ancien)',
        querystring: Search,
        response: { 200: Type.Array(AuditEvent) },
      },
    },
    async (request) => searchAuditLog(deps.db, request.actor, toSearch(request.query)),
  );

  app.get(
    '/events.csv',
    {
      schema: {
        tags: ['audit'],
        summary: 'Exporter une recherche du journal d’audit (CSV pour tableur)',
        querystring: Search,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const events = await searchAuditLog(deps.db, request.actor, {
        ...toSearch(request.query),
        limit: request.query.limit ?? 1000,
      });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="journal-audit.csv"')
        .send(auditEventsToCsv(events));
    },
  );
};
