import createClient from 'openapi-fetch';
import type { paths } from './schema.d.ts';

/**
 * The maillage API, typed by its OpenAPI document (regenerate the types with `npm run gen:api`).
 * Same origin, so the session cookie goes along and no CORS is involved.
 */
export const api = createClient<paths>({
  baseUrl: '',
  credentials: 'same-origin',
  headers: { accept: 'application/json' },
});

/** Header the server expects on every state-changing request of a session (src/platform/auth/model.ts). */
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The session's CSRF token, as GET /api/auth/me or the login last gave it; undefined when signed out. */
let csrfToken: string | undefined;

/** Called with each account description the server sends (shell/current-user.ts), and on sign-out. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

// Every POST, PUT, PATCH and DELETE of a session carries its CSRF token; the server refuses it otherwise.
api.use({
  onRequest({ request }) {
    if (csrfToken !== undefined && !SAFE_METHODS.has(request.method)) request.headers.set(CSRF_HEADER, csrfToken);
    return request;
  },
});

/** One field at fault in a validation error, as the server names it (`body.birthDate`). */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * A failed API call, carrying the server's problem+json (RFC 9457): a stable `code` to branch on, and a
 * French `title` and `detail` to show as they are — the detail says what happened and what to do.
 */
export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
    readonly fields: FieldError[] = [],
    /** Quote it when reporting the error: the server's logs carry it. */
    readonly requestId?: string,
    /** Seconds to wait before trying again, from the Retry-After header (a locked account, a rate limit). */
    readonly retryAfterSeconds?: number,
  ) {
    super(detail);
    this.name = 'ApiError';
  }

  /** From an error response: its problem+json when it has one, else a French sentence for its status. */
  static fromResponse(response: Response, body: unknown): ApiError {
    if (isProblem(body)) {
      return new ApiError(
        body.status ?? response.status,
        body.code,
        body.title,
        body.detail,
        Array.isArray(body.errors) ? body.errors : [],
        body.requestId,
        retryAfterSeconds(response.headers.get('retry-after')),
      );
    }
    return new ApiError(
      response.status,
      'unexpected-response',
      'Réponse inattendue',
      `Le serveur a répondu par une erreur inattendue (HTTP ${response.status}) : réessayez dans un instant.`,
    );
  }

  static unreachable(): ApiError {
    return new ApiError(
      0,
      'network-error',
      'Serveur injoignable',
      'Le serveur ne répond pas : vérifiez votre connexion au réseau, puis réessayez.',
    );
  }
}

/** Retry-After in seconds (the server sends seconds, never a date); undefined when absent or unreadable. */
function retryAfterSeconds(header: string | null): number | undefined {
  if (header === null || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim());
}

interface Problem {
  code: string;
  title: string;
  detail: string;
  status?: number;
  errors?: FieldError[];
  requestId?: string;
}

function isProblem(body: unknown): body is Problem {
  if (typeof body !== 'object' || body === null) return false;
  const { code, title, detail } = body as Record<string, unknown>;
  return typeof code === 'string' && typeof title === 'string' && typeof detail === 'string';
}

/**
 * Awaits a request, turning "no response at all" into an ApiError the page can show. fetch rejects with a
 * TypeError when nothing came back (network down, server stopped); an abort (a query cancelled by TanStack
 * Query) goes through untouched.
 */
export async function reachServer<T>(request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (cause) {
    throw cause instanceof TypeError ? ApiError.unreachable() : cause;
  }
}

/**
 * Awaits an `api` call and returns its data, or throws an ApiError whose detail the page shows:
 * `const meta = await dataOrThrow(api.GET('/api/meta'))`.
 */
export async function dataOrThrow<Result extends { data?: unknown; error?: unknown; response: Response }>(
  call: Promise<Result>,
): Promise<Exclude<Result['data'], undefined>> {
  const result = await reachServer(call);
  if (!result.response.ok) throw ApiError.fromResponse(result.response, result.error);
  return result.data as Exclude<Result['data'], undefined>;
}
