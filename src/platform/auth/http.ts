import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../../config.ts';
import type { Executor } from '../../db/database.ts';
import type { Actor } from '../access/model.ts';
import { AppError } from '../errors.ts';
import { CSRF_HEADER, SESSION_COOKIE } from './model.ts';
import { resolveSession, type SecondFactorStep } from './service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling: resolved from the session cookie before any handler runs. */
    actor: Actor;
    /** The session behind the cookie, when there is one (even waiting for its second factor). */
    session: {
      tokenHash: string;
      csrfToken: string;
      /** The account's actor, to act as once `secondFactorStep` is 'none'. */
      owner: Actor & { kind: 'user' };
      secondFactorStep: SecondFactorStep;
    } | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves the actor of every request from its session cookie, and refuses cross-site state changes:
 * an Origin other than ours, or a logged-in request without the session's CSRF token. FHIR routes
 * authenticate vendors by certificate or bearer token instead, without cookies.
 */
export const sessionPlugin = fp<{ config: Config; db: Executor }>(
  async (app, { config, db }) => {
    const ownOrigin = new URL(config.publicUrl).origin;
    app.decorateRequest('actor', null as never);
    app.decorateRequest('session', null);

    app.addHook('onRequest', async (request, reply) => {
      const origin = { requestId: String(request.id), clientAddress: request.ip };
      request.actor = { kind: 'anonymous', origin };
      const path = request.url.split('?')[0] ?? '/';
      if (path.startsWith('/fhir') || path.startsWith('/health/')) return;

      const token = request.cookies[SESSION_COOKIE];
      if (token) {
        const resolved = await resolveSession(db, config, token, origin);
        if (resolved) {
          // Until the second factor is done the caller acts as nobody: only the second-factor routes
          // and logout look at request.session.
          if (resolved.secondFactorStep === 'none') request.actor = resolved.actor;
          request.session = {
            tokenHash: resolved.tokenHash,
            csrfToken: resolved.csrfToken,
            owner: resolved.actor,
            secondFactorStep: resolved.secondFactorStep,
          };
        } else {
          clearSessionCookie(reply, config);
        }
      }

      if (SAFE_METHODS.has(request.method)) return;
      const requestOrigin = request.headers.origin;
      if (requestOrigin && requestOrigin !== ownOrigin && requestOrigin !== `${request.protocol}://${request.host}`) {
        throw new AppError('csrf-failed', 'Cette requête vient d’un autre site : elle a été refusée.');
      }
      if (request.session && request.headers[CSRF_HEADER] !== request.session.csrfToken) {
        throw new AppError('csrf-failed', 'Jeton de sécurité absent ou périmé : rechargez la page puis recommencez.');
      }
    });
  },
  { name: 'maillage-session', dependencies: ['@fastify/cookie'] },
);

export function setSessionCookie(reply: FastifyReply, config: Config, token: string, expiresAt: Date): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: config.publicUrl.startsWith('https:'),
    path: '/',
    expires: expiresAt,
  });
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(SESSION_COOKIE, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: config.publicUrl.startsWith('https:'),
  });
}

/** The logged-in actor, or a 401 telling to log in (or to finish the second factor). */
export function requireUser(request: FastifyRequest): Actor & { kind: 'user' } {
  if (request.actor.kind !== 'user') {
    if (request.session && request.session.secondFactorStep !== 'none') {
      throw new AppError(
        'second-factor-required',
        request.session.secondFactorStep === 'enrol'
          ? 'Votre profil d’administrateur exige une double authentification : configurez-la pour continuer.'
          : 'Saisissez le code de votre application d’authentification pour continuer.',
      );
    }
    throw new AppError('unauthenticated', 'Connectez-vous pour continuer.');
  }
  return request.actor;
}

/** A session, even one still waiting for its second factor (for the second-factor routes and logout). */
export function requireSession(request: FastifyRequest): NonNullable<FastifyRequest['session']> {
  if (!request.session) throw new AppError('unauthenticated', 'Connectez-vous pour continuer.');
  return request.session;
}
