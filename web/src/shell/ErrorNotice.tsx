import type { ReactNode } from 'react';
import { ApiError } from '../api/client.ts';

/** A failure said in one French sentence: the server's detail for an API error, a generic one otherwise. */
export function ErrorNotice({ error, action }: { error: unknown; action?: ReactNode }) {
  const detail =
    error instanceof ApiError
      ? error.detail
      : 'Une erreur inattendue s’est produite : rechargez la page, et signalez-la si elle persiste.';
  return (
    <div className="notice notice--error" role="alert">
      <p>{detail}</p>
      {error instanceof ApiError && error.fields.length > 0 && (
        <ul>
          {error.fields.map((field) => (
            <li key={field.field}>
              <code>{field.field}</code> : {field.message}
            </li>
          ))}
        </ul>
      )}
      {error instanceof ApiError && error.requestId && (
        <p className="notice__reference">Référence à citer : {error.requestId}</p>
      )}
      {action}
    </div>
  );
}
