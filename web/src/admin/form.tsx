import type { ReactNode } from 'react';
import { ApiError } from '../api/client.ts';

/**
 * The server's field errors by field name, as the form names them: `body.email` and `email` are both
 * `email`; `body.grants.0.territoryId` is `grants.0.territoryId`.
 */
export function fieldProblems(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const problems: Record<string, string> = {};
  for (const { field, message } of error.fields) {
    const name = field.replace(/^body\./, '');
    problems[name] ??= message;
  }
  return problems;
}

/**
 * A labelled control with its problem right underneath, then its hint; the control gets `aria-invalid` and
 * `aria-describedby` from `describedBy`/`invalid` given by the caller (the ids are his).
 */
export function Field({
  id,
  label,
  hint,
  problem,
  children,
  className = 'field',
}: {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  problem?: string;
  children: ReactNode;
  className?: string;
}) {
  return (
    <div className={className}>
      <label htmlFor={id}>{label}</label>
      {children}
      {problem && (
        <p className="field__error" id={`${id}-erreur`}>
          {problem}
        </p>
      )}
      {hint && (
        <p className="field__hint" id={`${id}-aide`}>
          {hint}
        </p>
      )}
    </div>
  );
}

/** The `aria-describedby` of a control inside `Field`: its problem first, then its hint. */
export function describedBy(id: string, problem: string | undefined, hasHint = false): string | undefined {
  const ids = [problem ? `${id}-erreur` : undefined, hasHint ? `${id}-aide` : undefined].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

/**
 * A refused change in one sentence (the server's detail) above the form's buttons, `role="alert"` so it
 * is read at once; the field errors themselves go under their fields.
 */
export function FormProblem({ error }: { error: unknown }) {
  const detail =
    error instanceof ApiError
      ? error.detail
      : 'Une erreur inattendue s’est produite : rechargez la page, et signalez-la si elle persiste.';
  return (
    <div className="notice notice--error" role="alert">
      <p>{detail}</p>
      {error instanceof ApiError && error.requestId && (
        <p className="notice__reference">Référence à citer : {error.requestId}</p>
      )}
    </div>
  );
}

/** An e-mail address that may break before its `@` only, not in the middle of a word. */
export function EmailText({ email }: { email: string }) {
  const at = email.lastIndexOf('@');
  if (at <= 0) return <>{email}</>;
  return (
    <>
      {email.slice(0, at)}
      <wbr />
      {email.slice(at)}
    </>
  );
}
