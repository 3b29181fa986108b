import { Type } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import type { Config } from '../../../config.ts';
import type { ModuleRoutes } from '../../../modules.ts';
import { AppError } from '../../errors.ts';
import { clearSessionCookie, requireSession, setSessionCookie } from '../http.ts';
import { SESSION_COOKIE } from '../model.ts';
import { logout } from '../service.ts';
import { PscClient, pscSettings } from './client.ts';
import { PSC_FLOW_COOKIE, PSC_FLOW_MINUTES } from './model.ts';
import { completePscLogin, logoutFromPsc, startPscLogin } from './service.ts';

export const PSC_TAG = { name: 'pro-santé-connect', description: 'Connexion des professionnels par Pro Santé Connect' };

const FLOW_COOKIE_PATH = '/api/auth/psc';

function notConfigured(): AppError {
  return new AppError('psc-not-configured', 'La connexion Pro Santé Connect n’est pas configurée sur cette instance.');
}

function setFlowCookie(reply: FastifyReply, config: Config, secret: string): void {
  reply.setCookie(PSC_FLOW_COOKIE, secret, {
    httpOnly: true,
    // Lax: the cookie rides on the provider's top-level redirect back to the callback, not on cross-site requests.
    sameSite: 'lax',
    secure: config.publicUrl.startsWith('https:'),
    path: FLOW_COOKIE_PATH,
    maxAge: PSC_FLOW_MINUTES * 60,
  });
}

/**
 * Pro Santé Connect login: `GET /start?retour=/path` sends the browser to the provider; `GET /callback` is where
 * the provider sends it back (registered with PSC as `<PUBLIC_URL>/api/auth/psc/callback`); `POST /logout` ends
 * the session and gives the provider's logout URL; `GET /status` tells the web app whether to show the button.
 * Both browser routes answer with redirects, never with a page of their own.
 */
export const pscRoutes: ModuleRoutes = async (app, { deps }) => {
  const { config, db } = deps;
  const settings = pscSettings(config);
  const client = settings ? new PscClient(settings) : null;

  app.get(
    '/status',
    {
      schema: {
        tags: [PSC_TAG.name],
        summary: 'Pro Santé Connect est-il proposé sur cette instance ?',
        response: { 200: Type.Object({ enabled: Type.Boolean() }) },
      },
    },
    async () => ({ enabled: client !== null }),
  );

  app.get(
    '/start',
    {
      config: { rateLimit: { max: 30, timeWindow: 60_000 } },
      schema: {
        tags: [PSC_TAG.name],
        summary: 'Début de la connexion : redirige (302) vers Pro Santé Connect',
        description:
          'À ouvrir dans le navigateur (lien ou bouton). `retour` : chemin de ce site où revenir une fois connecté. ' +
          'Si Pro Santé Connect ne répond pas, redirige vers /connexion?psc=indisponible.',
        querystring: Type.Object({ retour: Type.Optional(Type.String({ maxLength: 1000 })) }),
      },
    },
    async (request, reply) => {
      if (!client) throw notConfigured();
      const started = await startPscLogin(db, client, {
        returnTo: request.query.retour,
        browserSecret: request.cookies[PSC_FLOW_COOKIE],
        origin: request.actor.origin,
      });
      if (started.kind === 'unavailable') return reply.redirect(started.redirectTo, 302);
      setFlowCookie(reply, config, started.browserSecret);
      return reply.header('cache-control', 'no-store').redirect(started.authorizationUrl.href, 302);
    },
  );

  app.get(
    '/callback',
    {
      config: { rateLimit: { max: 30, timeWindow: 60_000 } },
      schema: {
        tags: [PSC_TAG.name],
        summary: 'Retour de Pro Santé Connect : ouvre la session, ou redirige vers la page qui dit pourquoi',
        description:
          'Appelée par le navigateur au retour du fournisseur. Connecté : 302 vers le chemin `retour` du début. ' +
          'Première connexion : compte créé en attente de validation, 302 vers /connexion/psc-en-attente. ' +
          'Refus : 302 vers /connexion?psc=<motif> (niveau-refuse, compte-desactive, annule, indisponible, echec).',
        querystring: Type.Object(
          {
            state: Type.Optional(Type.String({ maxLength: 512 })),
            code: Type.Optional(Type.String({ maxLength: 2048 })),
            error: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { additionalProperties: true },
        ),
      },
    },
    async (request, reply) => {
      if (!client) throw notConfigured();
      const rawQuery = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
      // The flow cookie stays until it expires: a login started in another tab of this browser shares it.
      const browserSecret = request.cookies[PSC_FLOW_COOKIE];
      reply.header('cache-control', 'no-store');
      const outcome = await completePscLogin(db, client, config, {
        rawQuery,
        state: request.query.state,
        browserSecret,
        userAgent: request.headers['user-agent'],
        origin: request.actor.origin,
      });
      if (outcome.kind === 'session') {
        // A session this browser already had ends (audited as a logout): one browser, one session.
        if (request.session) await logout(db, request.session.owner, request.session.tokenHash);
        setSessionCookie(reply, config, outcome.session.token, outcome.session.expiresAt);
      }
      return reply.redirect(outcome.redirectTo, 302);
    },
  );

  app.post(
    '/logout',
    {
      schema: {
        tags: [PSC_TAG.name],
        summary: 'Déconnexion, et adresse de déconnexion de Pro Santé Connect si la session en vient',
        description:
          'Termine la session comme /api/auth/logout. `endSessionUrl` : où envoyer le navigateur pour fermer aussi ' +
          'la session Pro Santé Connect (avec id_token_hint) ; null si la session n’a pas été ouverte par PSC.',
        response: { 200: Type.Object({ endSessionUrl: Type.Union([Type.String(), Type.Null()]) }) },
      },
    },
    async (request, reply) => {
      const session = requireSession(request);
      const result = await logoutFromPsc(db, client, session, request.cookies[SESSION_COOKIE]);
      clearSessionCookie(reply, config);
      return result;
    },
  );
};
