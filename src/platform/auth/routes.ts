import { Type } from '@fastify/type-provider-typebox';
import type { ModuleRoutes } from '../../modules.ts';
import { ROLE_LABELS, ROLES, type Actor, type Role } from '../access/model.ts';
import { AppError } from '../errors.ts';
import { getOwnAccount } from '../accounts/service.ts';
import { clearSessionCookie, requireSession, requireUser, setSessionCookie } from './http.ts';
import { checkTotpCode, startTotpEnrolment } from './second-factor.ts';
import { completePasswordReset, requestPasswordReset } from './password-reset.ts';
import { loginWithPassword, logout, logoutEverywhere, resolveSession, type SecondFactorStep } from './service.ts';

const Grant = Type.Object({
  role: Type.Unsafe<Role>({ type: 'string', enum: [...ROLES] }),
  roleLabel: Type.String(),
  territoryId: Type.String({ format: 'uuid' }),
  territoryName: Type.String(),
});

const Me = Type.Object({
  accountId: Type.String({ format: 'uuid' }),
  email: Type.String(),
  displayName: Type.String(),
  nationalId: Type.Union([Type.String(), Type.Null()]),
  isDemo: Type.Boolean(),
  secondFactorEnabled: Type.Boolean(),
  /** Empty until the second factor is done. */
  grants: Type.Array(Grant),
  /** 'verify': enter the authenticator's code; 'enrol': set up an authenticator first; 'none': logged in. */
  secondFactorStep: Type.Union([Type.Literal('none'), Type.Literal('verify'), Type.Literal('enrol')]),
  /** To send back in the x-csrf-token header of every POST, PUT, PATCH and DELETE. */
  csrfToken: Type.String(),
});

/** Local login, logout, and who am I. */
export const authRoutes: ModuleRoutes = async (app, { deps }) => {
  const { config, db } = deps;

  async function describe(actor: Actor & { kind: 'user' }, csrfToken: string, secondFactorStep: SecondFactorStep) {
    const account = await getOwnAccount(db, actor);
    return {
      accountId: account.id,
      email: account.email,
      displayName: account.displayName,
      nationalId: account.nationalId,
      isDemo: account.isDemo,
      secondFactorEnabled: account.secondFactorEnabled,
      grants: secondFactorStep === 'none' ? account.grants.map((g) => ({ ...g, roleLabel: ROLE_LABELS[g.role] })) : [],
      secondFactorStep,
      csrfToken,
    };
  }

  app.post(
    '/login',
    {
      config: { rateLimit: { max: config.loginRateLimitPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['comptes'],
        summary: 'Connexion par adresse e-mail et mot de passe',
        body: Type.Object(
          {
            email: Type.String({ minLength: 3, maxLength: 254 }),
            password: Type.String({ minLength: 1, maxLength: 256 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Me },
      },
    },
    async (request, reply) => {
      const session = await loginWithPassword(db, config, {
        email: request.body.email,
        password: request.body.password,
        userAgent: request.headers['user-agent'],
        origin: request.actor.origin,
      });
      setSessionCookie(reply, config, session.token, session.expiresAt);
      const opened = await resolveSession(db, config, session.token, request.actor.origin);
      if (!opened) throw new AppError('internal-error', 'La session ouverte est introuvable.');
      return describe(opened.actor, opened.csrfToken, opened.secondFactorStep);
    },
  );

  app.get(
    '/me',
    { schema: { tags: ['comptes'], summary: 'Le compte connecté, ses rôles et territoires', response: { 200: Me } } },
    async (request) => {
      const session = requireSession(request);
      return describe(session.owner, session.csrfToken, session.secondFactorStep);
    },
  );

  app.post(
    '/logout',
    { schema: { tags: ['comptes'], summary: 'Déconnexion de cette session', response: { 204: Type.Null() } } },
    async (request, reply) => {
      const session = requireSession(request);
      await logout(db, session.owner, session.tokenHash);
      clearSessionCookie(reply, config);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/logout-everywhere',
    {
      schema: {
        tags: ['comptes'],
        summary: 'Déconnexion de toutes les sessions du compte',
        response: { 200: Type.Object({ endedSessions: Type.Integer() }) },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const endedSessions = await logoutEverywhere(db, actor);
      clearSessionCookie(reply, config);
      return { endedSessions };
    },
  );

  app.post(
    '/password-reset',
    {
      config: { rateLimit: { max: Math.max(1, Math.ceil(config.loginRateLimitPerMinute / 2)), timeWindow: 60_000 } },
      schema: {
        tags: ['comptes'],
        summary: 'Demande d’un lien de réinitialisation du mot de passe (même réponse que l’adresse existe ou non)',
        body: Type.Object({ email: Type.String({ minLength: 3, maxLength: 254 }) }, { additionalProperties: false }),
        response: { 202: Type.Object({ message: Type.String() }) },
      },
    },
    async (request, reply) => {
      await requestPasswordReset(db, config, { email: request.body.email, origin: request.actor.origin });
      return reply.code(202).send({
        message:
          'Si un compte actif correspond à cette adresse, un lien de réinitialisation vient d’y être envoyé. ' +
          `Il est valable ${config.passwordResetMinutes} minutes.`,
      });
    },
  );

  app.post(
    '/password-reset/complete',
    {
      config: { rateLimit: { max: Math.max(1, Math.ceil(config.loginRateLimitPerMinute / 2)), timeWindow: 60_000 } },
      schema: {
        tags: ['comptes'],
        summary: 'Nouveau mot de passe à partir d’un lien de réinitialisation (usage unique)',
        body: Type.Object(
          {
            token: Type.String({ minLength: 20, maxLength: 100 }),
            password: Type.String({ minLength: 1, maxLength: 256 }),
          },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await completePasswordReset(db, {
        token: request.body.token,
        password: request.body.password,
        origin: request.actor.origin,
      });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/second-factor/setup',
    {
      schema: {
        tags: ['comptes'],
        summary: 'Configurer une application d’authentification (TOTP) : secret et QR code',
        response: {
          200: Type.Object({ secret: Type.String(), otpauthUri: Type.String(), qrCodeSvg: Type.String() }),
        },
      },
    },
    async (request) => startTotpEnrolment(db, requireSession(request)),
  );

  app.post(
    '/second-factor/verify',
    {
      config: { rateLimit: { max: config.loginRateLimitPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['comptes'],
        summary: 'Saisir le code à 6 chiffres (connexion, ou confirmation d’une nouvelle application)',
        body: Type.Object({ code: Type.String({ minLength: 6, maxLength: 12 }) }, { additionalProperties: false }),
        response: { 200: Me },
      },
    },
    async (request) => {
      const session = requireSession(request);
      await checkTotpCode(db, config, session, request.body.code);
      return describe(session.owner, session.csrfToken, 'none');
    },
  );
};
