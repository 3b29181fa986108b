import type { FastifyServerOptions } from 'fastify';
import type { Config } from '../config.ts';

/**
 * Structured logs that carry no personal data: paths without their query string (a search may hold a
 * patient's name), no client address, no headers; credentials redacted wherever they appear.
 */
export function loggerOptions(config: Pick<Config, 'logLevel' | 'env'>): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    base: { service: 'maillage' },
    redact: {
      paths: ['req.headers', 'headers.authorization', 'headers.cookie', '*.password', '*.token', '*.secret'],
      censor: '[masqué]',
    },
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({
        method: req.method,
        path: req.url.split('?')[0],
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
}
