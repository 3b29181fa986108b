import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type MouseEvent } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { formatDateTime, formatRelative } from '../format.ts';
import { ErrorNotice } from '../shell/ErrorNotice.tsx';
import { ROLE_LABELS, type Role } from '../shell/roles.ts';
import { EmailText } from './form.tsx';
import { useAdminReach, useTerritoryChoices } from './hooks.ts';
import { CONNECTED_LABELS, STATUS_LABELS, type Connected } from './labels.ts';
import {
  ACCOUNTS_PAGE_SIZE,
  accountSearch,
  readAccountFilters,
  writeAccountFilters,
  type AccountFilters,
  type AccountSortKey,
} from './params.ts';
import { accountsQuery, type AccountStatus, type AccountView } from './queries.ts';
import { sortAccounts } from './sorting.ts';

/** What the account page needs to lead back to the list as it was (filters, sort, page). */
export interface FromAccountList {
  listSearch?: string;
}

const COLUMNS: { key: AccountSortKey; label: string }[] = [
  { key: 'nom', label: 'Nom' },
  { key: 'email', label: 'Adresse e-mail' },
  { key: 'profils', label: 'Profils · territoires' },
  { key: 'statut', label: 'Statut' },
  { key: 'connexion', label: 'Dernière connexion' },
  { key: 'double-auth', label: 'Double auth.' },
  { key: 'verrou', label: 'Verrouillage' },
];

/**
 * `/administration/comptes`: the accounts the administrator reaches, a hundred per page, with their
 * profiles, status and last login; filters beside the table, kept in the address.
 */
export default function AccountsPage() {
  const [params, setParams] = useSearchParams();
  const filters = readAccountFilters(params);
  const reach = useAdminReach();
  const accounts = useQuery({ ...accountsQuery(accountSearch(filters)), placeholderData: keepPreviousData });

  /**
   * New filters start again at the first page. Read from the address at the time of the change, not of
   * the render: the search box applies its text a moment after the last keystroke, maybe after a select.
   */
  const apply = (changes: Partial<AccountFilters>, options: { replace?: boolean } = {}) =>
    setParams(writeAccountFilters({ ...currentFilters(), page: 1, ...changes }), options);

  const rows = accounts.data?.slice(0, ACCOUNTS_PAGE_SIZE) ?? [];
  const hasNext = (accounts.data?.length ?? 0) > ACCOUNTS_PAGE_SIZE;
  const sorted = sortAccounts(rows, filters.sort, filters.descending);

  return (
    <div className="page page--wide">
      <div className="page-heading">
        <h1>Comptes</h1>
        {reach.canManage && (
          <Link to="/administration/comptes/nouveau" className="button button--primary">
            Nouveau compte
          </Link>
        )}
      </div>
      {!reach.canManage && (
        <p className="muted">
          Consultation seule : votre profil de référent territorial montre les comptes de votre territoire ; leur
          création et leurs changements reviennent à l’administrateur de comptes.
        </p>
      )}
      <div className="with-filters">
        <AccountFiltersForm filters={filters} apply={apply} />
        <div className="with-filters__results">
          <ResultSummary
            count={rows.length}
            page={filters.page}
            hasNext={hasNext}
            loading={accounts.isPending}
            updating={accounts.isFetching && !accounts.isPending}
          />
          {accounts.isError && <ErrorNotice error={accounts.error} />}
          {accounts.isSuccess && rows.length === 0 && (
            <p className="notice notice--info">Aucun compte ne correspond à ces filtres.</p>
          )}
          {rows.length > 0 && (
            <AccountTable
              accounts={sorted}
              filters={filters}
              onSort={(sort) =>
                setParams(
                  writeAccountFilters({
                    ...filters,
                    sort,
                    descending: filters.sort === sort ? !filters.descending : false,
                  }),
                )
              }
              busy={accounts.isFetching}
            />
          )}
          {(filters.page > 1 || hasNext) && <Pager filters={filters} hasNext={hasNext} />}
        </div>
      </div>
    </div>
  );
}

function currentFilters(): AccountFilters {
  return readAccountFilters(new URLSearchParams(window.location.search));
}

function AccountFiltersForm({
  filters,
  apply,
}: {
  filters: AccountFilters;
  apply: (changes: Partial<AccountFilters>, options?: { replace?: boolean }) => void;
}) {
  const id = useId();
  const territories = useTerritoryChoices('read');
  const [q, setQ] = useState(filters.q ?? '');
  // The search box follows the address when it changes from elsewhere (back, forward, "Effacer"), not
  // when it echoes what is being typed.
  const written = useRef(filters.q);
  useEffect(() => {
    if (filters.q === written.current) return;
    written.current = filters.q;
    setQ(filters.q ?? '');
  }, [filters.q]);

  const applySearch = (value: string, replace: boolean) => {
    const next = value.trim() || undefined;
    if (next === currentFilters().q) return;
    written.current = next;
    apply({ q: next }, { replace });
  };

  // Typing searches after a short pause; each keystroke does not make a history entry.
  useEffect(() => {
    const timer = setTimeout(() => applySearch(q, true), 400);
    return () => clearTimeout(timer);
  }, [q]);

  const anyFilter =
    filters.role !== undefined ||
    filters.territoryId !== undefined ||
    filters.status !== undefined ||
    filters.connected !== undefined ||
    filters.q !== undefined;
  // A territory in the address that is not among the choices (a shared link) stays selectable.
  const territoryOptions =
    filters.territoryId && !territories.choices.some((t) => t.id === filters.territoryId)
      ? [...territories.choices, { id: filters.territoryId, name: 'Territoire de l’adresse' }]
      : territories.choices;

  return (
    <form
      className="filters panel"
      role="search"
      aria-label="Filtrer les comptes"
      onSubmit={(event) => {
        event.preventDefault();
        applySearch(q, false);
      }}
    >
      <h2 className="filters__title">Filtres</h2>
      <div className="field field--compact">
        <label htmlFor={`${id}-q`}>Nom ou adresse e-mail</label>
        <div className="search-box">
          <input
            id={`${id}-q`}
            className="input"
            type="search"
            name="q"
            autoComplete="off"
            spellCheck={false}
            maxLength={100}
            value={q}
            onChange={(event) => setQ(event.target.value)}
          />
          <button type="submit" className="button">
            Rechercher
          </button>
        </div>
      </div>
      <div className="field field--compact">
        <label htmlFor={`${id}-profil`}>Profil</label>
        <select
          id={`${id}-profil`}
          className="input"
          name="profil"
          value={filters.role ?? ''}
          onChange={(event) => apply({ role: (event.target.value || undefined) as Role | undefined })}
        >
          <option value="">Tous les profils</option>
          {(Object.keys(ROLE_LABELS) as Role[]).map((role) => (
            <option key={role} value={role}>
              {ROLE_LABELS[role]}
            </option>
          ))}
        </select>
      </div>
      <div className="field field--compact">
        <label htmlFor={`${id}-territoire`}>Territoire</label>
        <select
          id={`${id}-territoire`}
          className="input"
          name="territoire"
          value={filters.territoryId ?? ''}
          onChange={(event) => apply({ territoryId: event.target.value || undefined })}
        >
          <option value="">{territories.isPending ? 'Chargement des territoires…' : 'Tous les territoires'}</option>
          {territoryOptions.map((territory) => (
            <option key={territory.id} value={territory.id}>
              {territory.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field field--compact">
        <label htmlFor={`${id}-statut`}>Statut</label>
        <select
          id={`${id}-statut`}
          className="input"
          name="statut"
          value={filters.status ?? ''}
          onChange={(event) => apply({ status: (event.target.value || undefined) as AccountStatus | undefined })}
        >
          <option value="">Tous les statuts</option>
          {(Object.keys(STATUS_LABELS) as AccountStatus[]).map((status) => (
            <option key={status} value={status}>
              {STATUS_LABELS[status]}
            </option>
          ))}
        </select>
      </div>
      <div className="field field--compact">
        <label htmlFor={`${id}-connexion`}>Connexion</label>
        <select
          id={`${id}-connexion`}
          className="input"
          name="connexion"
          value={filters.connected ?? ''}
          onChange={(event) => apply({ connected: (event.target.value || undefined) as Connected | undefined })}
        >
          <option value="">Toutes</option>
          {(Object.keys(CONNECTED_LABELS) as Connected[]).map((connected) => (
            <option key={connected} value={connected}>
              {CONNECTED_LABELS[connected]}
            </option>
          ))}
        </select>
      </div>
      {territories.error !== null && <ErrorNotice error={territories.error} />}
      {anyFilter && (
        <p className="filters__reset">
          <Link
            to={{
              search: writeAccountFilters({ page: 1, sort: filters.sort, descending: filters.descending }).toString(),
            }}
          >
            Effacer les filtres
          </Link>
        </p>
      )}
    </form>
  );
}

/** How many accounts are shown, said to screen readers when it changes. */
function ResultSummary({
  count,
  page,
  hasNext,
  loading,
  updating,
}: {
  count: number;
  page: number;
  hasNext: boolean;
  loading: boolean;
  updating: boolean;
}) {
  let text: string;
  if (loading) text = 'Chargement des comptes…';
  else if (count === 0) text = 'Aucun compte.';
  else if (page === 1 && !hasNext) text = count === 1 ? '1 compte.' : `${count} comptes.`;
  else {
    const first = (page - 1) * ACCOUNTS_PAGE_SIZE + 1;
    text = `Comptes ${first} à ${first + count - 1}${hasNext ? ', d’autres suivent' : ''}.`;
  }
  return (
    <p className="results-summary" role="status">
      {text}
      {updating && <span className="muted"> Mise à jour…</span>}
      {(page > 1 || hasNext) && count > 0 && !loading && (
        <span className="muted"> Le tri s’applique aux comptes de cette page.</span>
      )}
    </p>
  );
}

function AccountTable({
  accounts,
  filters,
  onSort,
  busy,
}: {
  accounts: AccountView[];
  filters: AccountFilters;
  onSort: (key: AccountSortKey) => void;
  busy: boolean;
}) {
  const id = useId();
  const navigate = useNavigate();
  const { search } = useLocation();
  const state: FromAccountList = { listSearch: search };
  const sortedBy = COLUMNS.find((c) => c.key === filters.sort)!.label;

  /** A click anywhere on a row opens the account, as its name's link does (keyboard: the link). */
  const openRow = (event: MouseEvent<HTMLTableRowElement>, accountId: string) => {
    if ((event.target as HTMLElement).closest('a, button')) return;
    if (window.getSelection()?.toString()) return;
    void navigate(`/administration/comptes/${accountId}`, { state });
  };

  return (
    <div className="table-scroll" role="region" aria-labelledby={`${id}-legende`} tabIndex={0}>
      <table className="table table--dense" aria-busy={busy}>
        <caption id={`${id}-legende`} className="visually-hidden">
          Comptes, triés par {sortedBy.toLowerCase()}, ordre {filters.descending ? 'décroissant' : 'croissant'}
        </caption>
        <thead>
          <tr>
            {COLUMNS.map((column) => {
              const active = filters.sort === column.key;
              return (
                <th
                  key={column.key}
                  scope="col"
                  aria-sort={active ? (filters.descending ? 'descending' : 'ascending') : undefined}
                >
                  <button type="button" className="sort-button" onClick={() => onSort(column.key)}>
                    {column.label}
                    <span className="sort-button__mark" aria-hidden="true">
                      {active ? (filters.descending ? '▼' : '▲') : '↕'}
                    </span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {accounts.map((account) => (
            <tr key={account.id} className="table__row-link" onClick={(event) => openRow(event, account.id)}>
              <th scope="row">
                <Link to={`/administration/comptes/${account.id}`} state={state}>
                  {account.displayName}
                </Link>
                {account.isDemo && (
                  <>
                    {' '}
                    <span className="tag">
                      <span className="visually-hidden">compte de </span>démo
                    </span>
                  </>
                )}
              </th>
              <td className="cell--email">
                <EmailText email={account.email} />
              </td>
              <td>
                {account.grants.length === 0 ? (
                  <span className="muted">aucun profil</span>
                ) : (
                  <ul className="plain-list">
                    {account.grants.map((grant) => (
                      <li key={`${grant.role}-${grant.territoryId}`}>
                        {grant.roleLabel} · {grant.territoryName}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
              <td>
                <span className={`status-word status-word--${account.status}`}>{STATUS_LABELS[account.status]}</span>
              </td>
              <td>
                {account.lastLoginAt === null ? (
                  'jamais'
                ) : (
                  <time dateTime={account.lastLoginAt} title={formatDateTime(account.lastLoginAt)}>
                    {formatRelative(account.lastLoginAt)}
                  </time>
                )}
              </td>
              <td>{account.secondFactorEnabled ? 'oui' : 'non'}</td>
              <td>
                {account.lockedUntil === null ? (
                  <>
                    <span aria-hidden="true">—</span>
                    <span className="visually-hidden">non verrouillé</span>
                  </>
                ) : (
                  <>
                    jusqu’à <time dateTime={account.lockedUntil}>{formatDateTime(account.lockedUntil)}</time>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Pager({ filters, hasNext }: { filters: AccountFilters; hasNext: boolean }) {
  const to = (page: number) => ({ search: writeAccountFilters({ ...filters, page }).toString() });
  return (
    <nav className="pager" aria-label="Pages de la liste des comptes">
      {filters.page > 1 && <Link to={to(filters.page - 1)}>← {ACCOUNTS_PAGE_SIZE} comptes précédents</Link>}
      <span className="muted">Page {filters.page}</span>
      {hasNext && <Link to={to(filters.page + 1)}>{ACCOUNTS_PAGE_SIZE} comptes suivants →</Link>}
    </nav>
  );
}
