import { Type } from '@fastify/type-provider-typebox';
import type { ModuleRoutes } from '../../modules.ts';
import { mailsForDevelopers } from './service.ts';

const DevMail = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  to: Type.String(),
  subject: Type.String(),
  text: Type.String(),
  status: Type.String(),
  attempts: Type.Integer(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  sentAt: Type.Union([Type.String(), Type.Null()]),
});

/** Outside production only: the mails the platform sent, so a reset link can be followed without a mail server. */
export const devMailRoutes: ModuleRoutes = async (app, { deps }) => {
  app.get(
    '/mails',
    {
      schema: {
        tags: ['développement'],
        summary: 'Courriels envoyés récemment (hors production uniquement)',
        response: { 200: Type.Array(DevMail) },
      },
    },
    async () => mailsForDevelopers(deps.db, deps.config),
  );
};
