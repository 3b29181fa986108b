import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { Link } from 'react-router';
import { formatDateTime } from '../format.ts';
import { useCurrentUser } from '../shell/current-user.ts';
import { useAdminReach } from './hooks.ts';
import { actionLabel, detailLines, outcomeLabel } from './labels.ts';
import { writeAuditFilters } from './params.ts';
import { territoriesQuery, type AuditEvent } from './queries.ts';

const OBJECT_LABELS: Record<string, string> = { account: 'compte', patient: 'patient' };

/**
 * A long identifier, shortened on screen to its first characters (enough to tell two apart in a list);
 * screen readers and copying get it whole.
 */
function ShortId({ value, prefix }: { value: string; prefix?: string }) {
  return (
    <code className="audit-table__id" title={value}>
      {prefix && `${prefix} `}
      <span aria-hidden="true">{value.length > 12 ? `${value.slice(0, 8)}…` : value}</span>
      <span className="visually-hidden">{value}</span>
    </code>
  );
}

const auditLink = (filters: { actor?: string; object?: string }) =>
  `/administration/audit?${writeAuditFilters(filters).toString()}`;

/** Territory names by id, from the session (and the full list for a national administrator). */
function useTerritoryNames(): Map<string, string> {
  const { data: user } = useCurrentUser();
  const reach = useAdminReach();
  const territories = useQuery({ ...territoriesQuery, enabled: reach.national });
  const names = new Map<string, string>();
  for (const grant of user?.grants ?? []) names.set(grant.territoryId, grant.territoryName);
  for (const territory of territories.data ?? []) names.set(territory.id, territory.name);
  return names;
}

/**
 * Audit events, newest first: when, who, what (in French, with its code), the outcome in words, on
 * what, and the details as `key : value` lines. `compact` leaves out the sequence number, the territory
 * and where the request came from.
 */
export function AuditTable({
  events,
  compact = false,
  label,
}: {
  events: AuditEvent[];
  compact?: boolean;
  label: string;
}) {
  const id = useId();
  const territoryNames = useTerritoryNames();
  return (
    <div className="table-scroll" role="region" aria-labelledby={`${id}-legende`} tabIndex={0}>
      <table className="table table--dense audit-table">
        <caption id={`${id}-legende`} className="visually-hidden">
          {label}
        </caption>
        <thead>
          <tr>
            {!compact && <th scope="col">N°</th>}
            <th scope="col">Date</th>
            <th scope="col">Auteur</th>
            <th scope="col">Action</th>
            <th scope="col">Résultat</th>
            <th scope="col">Objet</th>
            {!compact && <th scope="col">Territoire</th>}
            {!compact && <th scope="col">Provenance</th>}
            <th scope="col">Détails</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => {
            const label = actionLabel(event.action);
            const details = detailLines(event.details);
            return (
              <tr key={event.seq}>
                {!compact && <td className="cell--number">{event.seq}</td>}
                <td className="cell--nowrap">
                  <time dateTime={event.occurredAt}>{formatDateTime(event.occurredAt)}</time>
                </td>
                <td>
                  {event.actorAccountId ? (
                    <>
                      <Link to={`/administration/comptes/${event.actorAccountId}`}>{event.actorLabel}</Link>
                      {!compact && (
                        <Link className="audit-table__filter" to={auditLink({ actor: event.actorAccountId })}>
                          ses actions
                        </Link>
                      )}
                    </>
                  ) : (
                    event.actorLabel
                  )}
                </td>
                <td>
                  {label && <span className="audit-table__action">{label}</span>}
                  <code>{event.action}</code>
                </td>
                <td>
                  <span className={`outcome outcome--${event.outcome}`}>{outcomeLabel(event.outcome)}</span>
                  {event.reason && <span className="audit-table__reason">Motif : {event.reason}</span>}
                </td>
                <td>
                  {event.objectType === null ? (
                    <span className="muted">—</span>
                  ) : (
                    <>
                      {event.objectType === 'account' && event.objectId ? (
                        <Link to={`/administration/comptes/${event.objectId}`}>compte</Link>
                      ) : (
                        (OBJECT_LABELS[event.objectType] ?? event.objectType)
                      )}
                      {event.objectId && <ShortId value={event.objectId} />}
                      {event.objectId && !compact && (
                        <Link className="audit-table__filter" to={auditLink({ object: event.objectId })}>
                          son historique
                        </Link>
                      )}
                    </>
                  )}
                  {event.patientId && (
                    <span className="audit-table__patient">
                      patient <ShortId value={event.patientId} />
                    </span>
                  )}
                </td>
                {!compact && (
                  <td>
                    {event.territoryId === null
                      ? '—'
                      : (territoryNames.get(event.territoryId) ?? (
                          <code className="audit-table__id">{event.territoryId}</code>
                        ))}
                  </td>
                )}
                {!compact && (
                  <td>
                    {event.clientAddress ?? '—'}
                    {event.requestId && <ShortId value={event.requestId} prefix="requête" />}
                  </td>
                )}
                <td>
                  {details.length === 0 ? (
                    <span className="muted">—</span>
                  ) : (
                    <ul className="plain-list audit-table__details">
                      {details.map((line, index) => (
                        <li key={index}>{line}</li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
