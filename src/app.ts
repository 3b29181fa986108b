import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Config } from './config.ts';
import type { DatabaseMode, Executor } from './db/database.ts';
import { modules } from './modules.ts';
import { AppError } from './platform/errors.ts';
import { sessionPlugin } from './platform/auth/http.ts';
import { installErrorHandling } from './platform/http-errors.ts';
import { loggerOptions } from './platform/logging.ts';

export const APP_VERSION = '0.1.0';

export interface AppDependencies {
  config: Config;
  /** The executor every request runs on: the database, or a test's transaction. */
  db: Executor;
  dbMode: DatabaseMode;
  /** The built web app (web/dist); null serves a page saying how to build it. */
  webRoot?: string | null;
}

export type App = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  import('fastify').FastifyBaseLogger,
  TypeBoxTypeProvider
>;

declare module 'fastify' {
  interface FastifyInstance {
    registeredRoutes: readonly { method: string; url: string }[];
  }
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

export const DEFAULT_WEB_ROOT = path.resolve(import.meta.dirname, '../web/dist');

/** Builds the HTTP application without listening, so tests drive it with `inject` or a real port. */
export async function buildApp(deps: AppDependencies): Promise<App> {
  const { config } = deps;
  const app = Fastify({
    logger: loggerOptions(config),
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    requestIdHeader: false,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    ajv: {
      customOptions: {
        allErrors: true,
        coerceTypes: 'array',
        removeAdditional: false,
      },
    },
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  const webRoot = deps.webRoot === undefined ? DEFAULT_WEB_ROOT : deps.webRoot;
  const webBuilt = webRoot !== null && fs.existsSync(path.join(webRoot, 'index.html'));

  // Every route registered, for the access-matrix test that must cover each one.
  const routes: { method: string; url: string }[] = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routes.push({ method, url: route.url });
    }
  });

  installErrorHandling(app, {
    fallback: (request, reply) => webBuilt && serveWebApp(request, reply),
  });

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    // Same-origin API; the national platform calls FHIR routes server to server.
    crossOriginResourcePolicy: { policy: 'same-origin' },
    hsts: config.env === 'production',
  });

  await app.register(fastifyRateLimit, {
    global: true,
    max: config.rateLimitPerMinute,
    timeWindow: 60_000,
    errorResponseBuilder: (_request, context) =>
      new AppError(
        'rate-limited',
        `Trop de requêtes en peu de temps (plus de ${context.max} par minute) : réessayez dans ${Math.ceil(context.ttl / 1000)} s.`,
        [],
        { 'Retry-After': String(Math.ceil(context.ttl / 1000)) },
      ),
  });

  await app.register(fastifyCookie);
  await app.register(sessionPlugin, { config, db: deps.db });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'maillage — API',
        version: APP_VERSION,
        description:
          'API de maillage : accès aux soins (SAS), coordination des parcours, pilotage. ' +
          'Les erreurs suivent la RFC 9457 (application/problem+json) avec un code stable.',
      },
      tags: [{ name: 'plateforme', description: 'Santé du service, erreurs' }, ...modules.flatMap((m) => m.tags ?? [])],
    },
    // Only the API is documented here; FHIR routes publish their CapabilityStatement.
    transform: ({ schema, url }) => ({
      schema: url.startsWith('/api/') || url.startsWith('/health/') ? schema : { ...schema, hide: true },
      url,
    }),
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    uiConfig: { docExpansion: 'list', deepLinking: true },
  });
  app.get('/api/openapi.json', { schema: { hide: true }, config: { rateLimit: false } }, async () => app.swagger());

  for (const module of modules) {
    await app.register(module.routes, { prefix: module.prefix, deps });
  }

  if (webBuilt) {
    await app.register(fastifyStatic, {
      root: webRoot!,
      prefix: '/',
      wildcard: true,
      index: false,
      setHeaders: (res, filePath) => {
        res.header(
          'cache-control',
          filePath.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
    app.get('/', { schema: { hide: true } }, (request, reply) => serveIndex(reply));
  } else {
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .send(
          '<!doctype html><html lang="fr"><meta charset="utf-8"><title>maillage</title>' +
            '<p>L’application web n’est pas construite : lancez <code>npm run build:web</code> (ou <code>npm start</code>, qui la construit).</p>' +
            '<p>L’API répond sur <a href="/api/docs">/api/docs</a>.</p></html>',
        ),
    );
  }

  return app as App;
}

/** Client-side routes of the web app get its index page; API and FHIR paths never do. */
function serveWebApp(request: FastifyRequest, reply: FastifyReply): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const p = request.url.split('?')[0] ?? '/';
  if (/^\/(api|fhir|health)(\/|$)/.test(p) || /\.[a-z0-9]+$/i.test(p)) return false;
  if (!(request.headers.accept ?? '').includes('text/html')) return false;
  void serveIndex(reply);
  return true;
}

function serveIndex(reply: FastifyReply) {
  return reply.header('cache-control', 'no-cache').sendFile('index.html');
}
