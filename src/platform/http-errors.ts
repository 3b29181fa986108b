import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import { AppError, toOperationOutcome, toProblem, type FieldError } from './errors.ts';

/** Routes under this prefix answer FHIR OperationOutcome instead of problem+json. */
export const FHIR_PREFIX = '/fhir';

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

const CONTEXT_NAMES: Record<string, string> = {
  body: 'body',
  querystring: 'query',
  params: 'path',
  headers: 'header',
};

/** One French sentence per JSON-schema failure, naming the field as the client sent it. */
export function fieldErrorsFromAjv(errors: AjvError[], context: string | undefined): FieldError[] {
  const prefix = CONTEXT_NAMES[context ?? 'body'] ?? context ?? 'body';
  return errors.map((e) => {
    const base = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
    const p = e.params;
    let field = base ? `${prefix}.${base}` : prefix;
    let message: string;
    switch (e.keyword) {
      case 'required':
        field = `${field === prefix ? prefix : field}.${String(p.missingProperty)}`;
        message = 'Champ obligatoire.';
        break;
      case 'additionalProperties':
        field = `${field}.${String(p.additionalProperty)}`;
        message = 'Champ inconnu : retirez-le.';
        break;
      case 'type':
        message = `Doit être ${typeName(String(p.type))}.`;
        break;
      case 'minLength':
        message = `Au moins ${String(p.limit)} caractère${Number(p.limit) > 1 ? 's' : ''}.`;
        break;
      case 'maxLength':
        message = `Au plus ${String(p.limit)} caractères.`;
        break;
      case 'minimum':
        message = `Doit être supérieur ou égal à ${String(p.limit)}.`;
        break;
      case 'maximum':
        message = `Doit être inférieur ou égal à ${String(p.limit)}.`;
        break;
      case 'exclusiveMinimum':
        message = `Doit être strictement supérieur à ${String(p.limit)}.`;
        break;
      case 'exclusiveMaximum':
        message = `Doit être strictement inférieur à ${String(p.limit)}.`;
        break;
      case 'minItems':
        message = `Au moins ${String(p.limit)} élément(s).`;
        break;
      case 'maxItems':
        message = `Au plus ${String(p.limit)} éléments.`;
        break;
      case 'enum':
        message = `Valeurs possibles : ${((p.allowedValues as unknown[]) ?? []).map(String).join(', ')}.`;
        break;
      case 'const':
        message = `Doit valoir ${JSON.stringify(p.allowedValue)}.`;
        break;
      case 'pattern':
        message = 'Format invalide.';
        break;
      case 'format':
        message = `Format attendu : ${formatName(String(p.format))}.`;
        break;
      default:
        message = 'Valeur invalide.';
    }
    return { field, message };
  });
}

function typeName(type: string): string {
  const names: Record<string, string> = {
    string: 'un texte',
    number: 'un nombre',
    integer: 'un nombre entier',
    boolean: 'vrai ou faux',
    object: 'un objet',
    array: 'une liste',
    null: 'vide (null)',
  };
  return type
    .split(',')
    .map((t) => names[t] ?? t)
    .join(' ou ');
}

function formatName(format: string): string {
  const names: Record<string, string> = {
    date: 'date AAAA-MM-JJ',
    'date-time': 'date et heure ISO 8601',
    email: 'adresse e-mail',
    uuid: 'identifiant UUID',
    uri: 'URL',
    time: 'heure HH:MM',
  };
  return names[format] ?? format;
}

/** Maps whatever was thrown to an AppError; unexpected errors are logged, never shown. */
export function toAppError(error: FastifyError | Error, request: FastifyRequest): AppError {
  if (error instanceof AppError) return error;
  const fe = error as FastifyError & {
    validation?: AjvError[];
    validationContext?: string;
  };
  if (fe.validation) {
    const fields = fieldErrorsFromAjv(fe.validation, fe.validationContext);
    return new AppError(
      'validation-failed',
      fields.length === 1
        ? `Un champ est invalide : ${fields[0]!.field}.`
        : `${fields.length} champs sont invalides : ${fields.map((f) => f.field).join(', ')}.`,
      fields,
    );
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('malformed-json', 'Le corps de la requête n’est pas du JSON valide : vérifiez sa syntaxe.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('malformed-json', 'Le corps de la requête est vide alors que du JSON est attendu.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError(
        'payload-too-large',
        `Le corps de la requête dépasse la taille permise (${request.routeOptions.bodyLimit ?? 0} octets).`,
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError(
        'unsupported-media-type',
        `Le type de contenu « ${request.headers['content-type'] ?? 'absent'} » n’est pas accepté ici : envoyez application/json.`,
      );
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('bad-request', 'L’en-tête Content-Length ne correspond pas au corps envoyé.');
    case 'FST_ERR_VALIDATION':
      return new AppError('validation-failed', fe.message);
  }
  if (error instanceof SyntaxError && fe.statusCode === 400) {
    return new AppError('malformed-json', 'Le corps de la requête n’est pas du JSON valide : vérifiez sa syntaxe.');
  }
  if (fe.statusCode === 429) {
    return new AppError(
      'rate-limited',
      'Trop de requêtes en peu de temps : patientez une minute avant de recommencer.',
    );
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new AppError('bad-request', 'La requête est incorrecte.');
  }
  return new AppError(
    'internal-error',
    `Une erreur inattendue s’est produite ; elle a été journalisée (référence ${request.id}). Réessayez, et signalez-la si elle persiste.`,
  );
}

export function sendError(reply: FastifyReply, error: AppError): FastifyReply {
  const request = reply.request;
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  const path = request.url.split('?')[0] ?? request.url;
  if (path === FHIR_PREFIX || path.startsWith(`${FHIR_PREFIX}/`)) {
    return reply.code(error.status).type('application/fhir+json; charset=utf-8').send(toOperationOutcome(error));
  }
  return reply
    .code(error.status)
    .type('application/problem+json; charset=utf-8')
    .send(toProblem(error, path, String(request.id)));
}

/**
 * Installs the error and not-found handlers. A path that exists with other methods answers 405 with
 * an Allow header, which Fastify alone would answer 404: a shadow router records every route's methods.
 */
export function installErrorHandling(
  app: FastifyInstance,
  options: {
    /** Answers an unknown path itself (the web app's client-side routes) by returning true. */
    fallback?: (request: FastifyRequest, reply: FastifyReply) => boolean;
  } = {},
): void {
  const shadow = FindMyWay({ ignoreTrailingSlash: true });
  const methodsByPath = new Map<string, Set<string>>();

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      const key = route.url;
      let set = methodsByPath.get(key);
      if (!set) {
        set = new Set();
        methodsByPath.set(key, set);
        // Any method finds the path; the handler's store gives the allowed ones.
        try {
          shadow.on('GET', key, () => {}, { methods: set });
        } catch {
          // The same path registered twice (e.g. with and without trailing slash): the first entry holds the set.
        }
      }
      set.add(method);
    }
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error, request);
    if (appError.status >= 500) {
      request.log.error({ err: error }, 'erreur inattendue');
    } else {
      request.log.info({ code: appError.code }, 'requête refusée');
    }
    return sendError(reply, appError);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const found = shadow.find('GET' as HTTPMethod, path);
    const allowed = found ? (found.store as { methods: Set<string> } | undefined)?.methods : undefined;
    if (allowed && allowed.size > 0 && !allowed.has(request.method)) {
      const allow = [...allowed].sort().join(', ');
      return sendError(
        reply,
        new AppError(
          'method-not-allowed',
          `La méthode ${request.method} n’est pas permise ici : utilisez ${allow}.`,
          [],
          {
            Allow: allow,
          },
        ),
      );
    }
    if (options.fallback?.(request, reply)) return reply;
    return sendError(reply, new AppError('route-not-found', `Aucune ressource à l’adresse ${request.method} ${path}.`));
  });
}
