import { Type } from '@fastify/type-provider-typebox';
import type { ModuleRoutes } from '../../modules.ts';
import { ROLES, type Role } from '../access/model.ts';
import {
  accountUsage,
  changeAccountStatus,
  getAccount,
  grantRole,
  revokeRole,
  searchAccounts,
  updateAccount,
} from './administration.ts';
import { decidePscEnrolment, listPscEnrolments } from '../auth/psc/service.ts';
import { importAccountsCsv } from './bulk-import.ts';
import { createAccount } from './service.ts';

const RoleId = Type.Unsafe<Role>({ type: 'string', enum: [...ROLES], description: 'Profil' });
const Uuid = Type.String({ format: 'uuid' });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

const AccountView = Type.Object({
  id: Uuid,
  email: Type.String(),
  displayName: Type.String(),
  nationalId: Nullable(Type.String()),
  status: Type.Union([Type.Literal('active'), Type.Literal('disabled'), Type.Literal('pending')]),
  isDemo: Type.Boolean(),
  secondFactorEnabled: Type.Boolean(),
  lockedUntil: Nullable(Type.String({ format: 'date-time' })),
  createdAt: Type.String({ format: 'date-time' }),
  lastLoginAt: Nullable(Type.String({ format: 'date-time' })),
  grants: Type.Array(
    Type.Object({ role: RoleId, roleLabel: Type.String(), territoryId: Uuid, territoryName: Type.String() }),
  ),
});

const Grant = Type.Object({ role: RoleId, territoryId: Uuid }, { additionalProperties: false });

/** The administration space: accounts, their roles on territories, usage by profile. */
export const accountRoutes: ModuleRoutes = async (app, { deps }) => {
  const { db, config } = deps;

  app.get(
    '/',
    {
      schema: {
        tags: ['administration'],
        summary: 'Rechercher les comptes (filtres : profil, territoire, statut, nom, connexion)',
        querystring: Type.Object(
          {
            role: Type.Optional(RoleId),
            territoryId: Type.Optional(Uuid),
            status: Type.Optional(
              Type.Union([Type.Literal('active'), Type.Literal('disabled'), Type.Literal('pending')]),
            ),
            q: Type.Optional(Type.String({ maxLength: 100 })),
            connected: Type.Optional(
              Type.Union([Type.Literal('never'), Type.Literal('this-week'), Type.Literal('ever')], {
                description: 'jamais connecté, connecté cette semaine, déjà connecté',
              }),
            ),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
            offset: Type.Optional(Type.Integer({ minimum: 0 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(AccountView) },
      },
    },
    async (request) => searchAccounts(db, request.actor, request.query),
  );

  app.get(
    '/usage',
    {
      schema: {
        tags: ['administration'],
        summary: 'Usage par profil et territoire : comptes, déjà connectés, jamais connectés, connectés cette semaine',
        response: {
          200: Type.Array(
            Type.Object({
              role: RoleId,
              roleLabel: Type.String(),
              territoryId: Uuid,
              territoryName: Type.String(),
              accounts: Type.Integer(),
              everConnected: Type.Integer(),
              neverConnected: Type.Integer(),
              connectedThisWeek: Type.Integer(),
            }),
          ),
        },
      },
    },
    async (request) => accountUsage(db, request.actor),
  );

  app.post(
    '/',
    {
      schema: {
        tags: ['administration'],
        summary: 'Créer un compte (sans mot de passe : une invitation est envoyée par courriel)',
        body: Type.Object(
          {
            email: Type.String({ minLength: 3, maxLength: 254 }),
            displayName: Type.String({ minLength: 1, maxLength: 200 }),
            givenName: Type.Optional(Type.String({ maxLength: 100 })),
            familyName: Type.Optional(Type.String({ maxLength: 100 })),
            nationalId: Type.Optional(Type.String({ maxLength: 40 })),
            grants: Type.Array(Grant, { minItems: 1, maxItems: 20 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: AccountView },
      },
    },
    async (request, reply) => {
      const id = await createAccount(db, request.actor, { ...request.body, invite: { publicUrl: config.publicUrl } });
      return reply.code(201).send(await getAccount(db, request.actor, id));
    },
  );

  app.get(
    '/:id',
    {
      schema: {
        tags: ['administration'],
        summary: 'Un compte, ses rôles et territoires',
        params: Type.Object({ id: Uuid }),
        response: { 200: AccountView },
      },
    },
    async (request) => getAccount(db, request.actor, request.params.id),
  );

  app.patch(
    '/:id',
    {
      schema: {
        tags: ['administration'],
        summary: 'Modifier l’identité d’un compte',
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          {
            email: Type.Optional(Type.String({ minLength: 3, maxLength: 254 })),
            displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            givenName: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
            familyName: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
            nationalId: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: AccountView },
      },
    },
    async (request) => updateAccount(db, request.actor, request.params.id, request.body),
  );

  app.post(
    '/:id/status',
    {
      schema: {
        tags: ['administration'],
        summary: 'Désactiver (fin immédiate des sessions), réactiver ou valider un compte en attente',
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          { status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]) },
          { additionalProperties: false },
        ),
        response: { 200: AccountView },
      },
    },
    async (request) => changeAccountStatus(db, request.actor, request.params.id, request.body.status),
  );

  app.post(
    '/:id/grants',
    {
      schema: {
        tags: ['administration'],
        summary: 'Attribuer un profil sur un territoire',
        params: Type.Object({ id: Uuid }),
        body: Grant,
        response: { 200: AccountView },
      },
    },
    async (request) => grantRole(db, request.actor, request.params.id, request.body),
  );

  app.delete(
    '/:id/grants/:role/:territoryId',
    {
      schema: {
        tags: ['administration'],
        summary: 'Retirer un profil sur un territoire',
        params: Type.Object({ id: Uuid, role: RoleId, territoryId: Uuid }),
        response: { 200: AccountView },
      },
    },
    async (request) =>
      revokeRole(db, request.actor, request.params.id, {
        role: request.params.role,
        territoryId: request.params.territoryId,
      }),
  );

  const Enrolment = Type.Object({
    accountId: Uuid,
    displayName: Type.String(),
    email: Type.String(),
    nationalId: Type.String(),
    requestedRole: RoleId,
    territoryId: Nullable(Uuid),
    territoryName: Nullable(Type.String()),
    candidateTerritoryIds: Type.Array(Uuid),
    practice: Type.Unknown({
      description: 'Exercices déclarés par Pro Santé Connect (professions, savoir-faire, structures)',
    }),
    status: Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected')]),
    requestedAt: Type.String({ format: 'date-time' }),
    decidedAt: Nullable(Type.String({ format: 'date-time' })),
  });
  const toJson = (e: Awaited<ReturnType<typeof listPscEnrolments>>[number]) => ({
    ...e,
    requestedAt: e.requestedAt.toISOString(),
    decidedAt: e.decidedAt?.toISOString() ?? null,
  });

  app.get(
    '/enrolments',
    {
      schema: {
        tags: ['administration'],
        summary: 'Inscriptions par Pro Santé Connect en attente de validation (sur mes territoires)',
        querystring: Type.Object(
          {
            status: Type.Optional(
              Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected')]),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(Enrolment) },
      },
    },
    async (request) => (await listPscEnrolments(db, request.actor, request.query.status)).map(toJson),
  );

  app.post(
    '/:id/enrolment',
    {
      schema: {
        tags: ['administration'],
        summary: 'Valider (profil effecteur sur un territoire) ou refuser une inscription Pro Santé Connect',
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          { decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]), territoryId: Type.Optional(Uuid) },
          { additionalProperties: false },
        ),
        response: { 200: Enrolment },
      },
    },
    async (request) =>
      toJson(await decidePscEnrolment(db, request.actor, { accountId: request.params.id, ...request.body })),
  );

  // Spreadsheet exports arrive as CSV text; this parser exists only inside the accounts routes.
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: 5 * 1_048_576 }, (_request, body, done) =>
    done(null, body),
  );

  app.post(
    '/import',
    {
      schema: {
        tags: ['administration'],
        summary: 'Créer des comptes en nombre depuis un fichier CSV (une invitation par compte créé)',
        description:
          'Corps text/csv, première ligne = noms des colonnes : email, nom affiché, prénom, nom, profil, territoire, ' +
          'identifiant national. Chaque ligne est créée ou refusée seule ; la réponse donne le compte rendu ligne à ligne.',
        consumes: ['text/csv'],
        response: {
          200: Type.Object({
            created: Type.Integer(),
            refused: Type.Integer(),
            lines: Type.Array(
              Type.Object({
                line: Type.Integer(),
                email: Type.String(),
                outcome: Type.Union([Type.Literal('created'), Type.Literal('refused')]),
                message: Type.Optional(Type.String()),
                accountId: Type.Optional(Uuid),
              }),
            ),
          }),
        },
      },
    },
    async (request) =>
      importAccountsCsv(db, request.actor, String(request.body ?? ''), { publicUrl: config.publicUrl }),
  );
};
