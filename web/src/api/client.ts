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
