/**
 * The one error model. Every failure a user or a client can meet has a stable machine code, an HTTP
 * status and a French title; the detail says, in one sentence, what happened and what to do.
 * API routes answer RFC 9457 problem+json, FHIR routes an OperationOutcome (see http-errors.ts).
 */

export interface ErrorKind {
  status: number;
  title: string;
  /** FHIR IssueType used when this error is answered on a FHIR route. */
  fhirIssue: FhirIssueType;
}

export type FhirIssueType =
  | 'invalid'
  | 'structure'
  | 'required'
  | 'value'
  | 'security'
  | 'login'
  | 'forbidden'
  | 'not-found'
  | 'not-supported'
  | 'conflict'
  | 'duplicate'
  | 'too-costly'
  | 'throttled'
  | 'timeout'
  | 'transient'
  | 'exception'
  | 'processing';

/** The catalogue. Codes are part of the API: never rename one, add new ones. */
export const ERROR_KINDS = {
  'validation-failed': { status: 400, title: 'Données invalides', fhirIssue: 'invalid' },
  'malformed-json': { status: 400, title: 'JSON illisible', fhirIssue: 'structure' },
  'bad-request': { status: 400, title: 'Requête incorrecte', fhirIssue: 'invalid' },
  'reset-link-invalid': { status: 400, title: 'Lien de réinitialisation invalide', fhirIssue: 'invalid' },
  unauthenticated: { status: 401, title: 'Connexion requise', fhirIssue: 'login' },
  'invalid-credentials': { status: 401, title: 'Identifiants incorrects', fhirIssue: 'login' },
  'second-factor-required': { status: 401, title: 'Double authentification requise', fhirIssue: 'login' },
  'second-factor-invalid': { status: 401, title: 'Code de vérification incorrect', fhirIssue: 'login' },
  forbidden: { status: 403, title: 'Accès refusé', fhirIssue: 'forbidden' },
  'account-disabled': { status: 403, title: 'Compte désactivé', fhirIssue: 'forbidden' },
  'csrf-failed': { status: 403, title: 'Requête refusée par sécurité', fhirIssue: 'security' },
  'not-found': { status: 404, title: 'Introuvable', fhirIssue: 'not-found' },
  'route-not-found': { status: 404, title: 'Adresse inconnue', fhirIssue: 'not-found' },
  'psc-not-configured': { status: 404, title: 'Pro Santé Connect non configuré', fhirIssue: 'not-supported' },
  'method-not-allowed': { status: 405, title: 'Méthode non permise', fhirIssue: 'not-supported' },
  'not-acceptable': { status: 406, title: 'Format de réponse non disponible', fhirIssue: 'not-supported' },
  conflict: { status: 409, title: 'Conflit', fhirIssue: 'conflict' },
  'payload-too-large': { status: 413, title: 'Requête trop volumineuse', fhirIssue: 'too-costly' },
  'unsupported-media-type': { status: 415, title: 'Type de contenu non pris en charge', fhirIssue: 'not-supported' },
  'range-not-satisfiable': { status: 416, title: 'Plage d’octets hors du fichier', fhirIssue: 'value' },
  unprocessable: { status: 422, title: 'Requête impossible à traiter', fhirIssue: 'processing' },
  'rate-limited': { status: 429, title: 'Trop de requêtes', fhirIssue: 'throttled' },
  'account-locked': { status: 429, title: 'Compte temporairement verrouillé', fhirIssue: 'throttled' },
  'internal-error': { status: 500, title: 'Erreur interne', fhirIssue: 'exception' },
  'service-unavailable': { status: 503, title: 'Service momentanément indisponible', fhirIssue: 'transient' },
} as const satisfies Record<string, ErrorKind>;

export type ErrorCode = keyof typeof ERROR_KINDS;

/** One field at fault, named as the client sent it (`body.birthDate`, `query.limit`). */
export interface FieldError {
  field: string;
  message: string;
}

/** A failure to report to the client as is. Anything else thrown becomes an `internal-error`. */
export class AppError extends Error {
  readonly status: number;
  readonly title: string;

  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly fields: FieldError[] = [],
    /** Extra headers, e.g. Allow on a 405 or Retry-After on a 429. */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'AppError';
    this.status = ERROR_KINDS[code].status;
    this.title = ERROR_KINDS[code].title;
  }
}

export function notFound(detail: string): AppError {
  return new AppError('not-found', detail);
}

export function badRequest(detail: string, fields: FieldError[] = []): AppError {
  return new AppError(fields.length > 0 ? 'validation-failed' : 'bad-request', detail, fields);
}

/** RFC 9457 problem details, with maillage's extensions `code`, `errors` and `requestId`. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
}

export function problemType(code: ErrorCode): string {
  return `/api/problems/${code}`;
}

export function toProblem(error: AppError, instance?: string, requestId?: string): ProblemDetails {
  return {
    type: problemType(error.code),
    title: error.title,
    status: error.status,
    detail: error.detail,
    code: error.code,
    ...(instance ? { instance } : {}),
    ...(requestId ? { requestId } : {}),
    ...(error.fields.length > 0 ? { errors: error.fields } : {}),
  };
}

/** FHIR R4 OperationOutcome for the same error; the stable code rides in `details.coding`. */
export function toOperationOutcome(error: AppError): Record<string, unknown> {
  const issue = (diagnostics: string, expression?: string) => ({
    severity: 'error',
    code: ERROR_KINDS[error.code].fhirIssue,
    details: {
      coding: [{ system: 'urn:maillage:error-code', code: error.code }],
      text: error.title,
    },
    diagnostics,
    ...(expression ? { expression: [expression] } : {}),
  });
  return {
    resourceType: 'OperationOutcome',
    issue:
      error.fields.length > 0
        ? error.fields.map((f) => issue(`${f.field} : ${f.message}`, f.field))
        : [issue(error.detail)],
  };
}
