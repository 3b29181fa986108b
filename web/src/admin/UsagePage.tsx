import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { Link } from 'react-router';
import { formatDateTime } from '../format.ts';
import { ErrorNotice } from '../shell/ErrorNotice.tsx';
import { writeAccountFilters } from './params.ts';
import { usageQuery, type UsageRow } from './queries.ts';
import { downloadText, sortUsage, usageByProfile, usageCsv, usageTotal, type ProfileUsage } from './usage.ts';

/**
 * `/administration/usage`: usage by profile as the pilots report it — accounts, ever connected, never
 * connected, connected this week — per profile and territory with totals, a bar chart per profile, and
 * the table as a CSV file.
 */
export default function UsagePage() {
  const usage = useQuery(usageQuery);
  const rows = usage.data ? sortUsage(usage.data) : [];

  return (
    <div className="page page--wide">
      <div className="page-heading">
        <h1>Usage par profil</h1>
        {rows.length > 0 && (
          <button
            type="button"
            className="button"
            onClick={() =>
              downloadText(usageCsv(rows), `usage-par-profil-${new Date().toISOString().slice(0, 10)}.csv`, 'text/csv')
            }
          >
            Exporter (CSV)
          </button>
        )}
      </div>
      <p className="prose">
        Par profil et par territoire, les comptes actifs (ni désactivés, ni en attente de validation) : ceux qui se sont
        déjà connectés au moins une fois, ceux qui ne se sont jamais connectés, et ceux qui se sont connectés cette
        semaine (depuis lundi). Un compte qui a plusieurs profils compte dans chacun.
        {usage.dataUpdatedAt > 0 && <> Chiffres du {formatDateTime(usage.dataUpdatedAt)}.</>}
      </p>
      {usage.isPending && <p>Chargement des chiffres…</p>}
      {usage.isError && <ErrorNotice error={usage.error} />}
      {usage.isSuccess && rows.length === 0 && <p className="notice notice--info">Aucun compte sur vos territoires.</p>}
      {rows.length > 0 && (
        <div className="usage">
          <UsageTable rows={rows} />
          <UsageChart profiles={usageByProfile(rows)} />
        </div>
      )}
    </div>
  );
}

function UsageTable({ rows }: { rows: UsageRow[] }) {
  const id = useId();
  const total = usageTotal(rows);
  const accountsOf = (row: UsageRow, connected?: 'never' | 'this-week' | 'ever') =>
    `/administration/comptes?${writeAccountFilters({
      role: row.role,
      territoryId: row.territoryId,
      status: 'active',
      connected,
      page: 1,
      sort: 'nom',
      descending: false,
    }).toString()}`;

  return (
    <section aria-labelledby={`${id}-titre`} className="usage__table">
      <h2 id={`${id}-titre`}>Par profil et territoire</h2>
      <div className="table-scroll" role="region" aria-labelledby={`${id}-legende`} tabIndex={0}>
        <table className="table table--dense">
          <caption id={`${id}-legende`} className="visually-hidden">
            Comptes actifs par profil et territoire, avec leur total
          </caption>
          <thead>
            <tr>
              <th scope="col">Profil</th>
              <th scope="col">Territoire</th>
              <th scope="col" className="cell--number">
                Comptes actifs
              </th>
              <th scope="col" className="cell--number">
                Déjà connectés
              </th>
              <th scope="col" className="cell--number">
                Jamais connectés
              </th>
              <th scope="col" className="cell--number">
                Connectés cette semaine
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={`${row.role}-${row.territoryId}`}>
                <th scope="row">{row.roleLabel}</th>
                <td>{row.territoryName}</td>
                <td className="cell--number">
                  <Link
                    to={accountsOf(row)}
                    aria-label={`${row.accounts} comptes ${row.roleLabel} sur ${row.territoryName} : voir la liste`}
                  >
                    {row.accounts}
                  </Link>
                </td>
                <td className="cell--number">{row.everConnected}</td>
                <td className="cell--number">
                  {row.neverConnected > 0 ? (
                    <Link
                      to={accountsOf(row, 'never')}
                      aria-label={`${row.neverConnected} jamais connectés, ${row.roleLabel} sur ${row.territoryName} : voir la liste`}
                    >
                      {row.neverConnected}
                    </Link>
                  ) : (
                    0
                  )}
                </td>
                <td className="cell--number">{row.connectedThisWeek}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={2}>
                Total
              </th>
              <td className="cell--number">{total.accounts}</td>
              <td className="cell--number">{total.everConnected}</td>
              <td className="cell--number">{total.neverConnected}</td>
              <td className="cell--number">{total.connectedThisWeek}</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}

const SERIES = [
  { key: 'everConnected', label: 'Déjà connectés', className: 'chart__bar--ever' },
  { key: 'neverConnected', label: 'Jamais connectés', className: 'chart__bar--never' },
  { key: 'connectedThisWeek', label: 'Cette semaine', className: 'chart__bar--week' },
] as const;

// Drawing units of the SVG (it scales to its container): a label column, then the bars and their values.
const WIDTH = 460;
const LABEL_WIDTH = 122;
const VALUE_WIDTH = 40;
const BAR_HEIGHT = 15;
const BAR_GAP = 4;
const GROUP_TITLE = 24;
const GROUP_GAP = 14;

/**
 * One group of bars per profile (all territories together): ever connected, never connected, connected
 * this week. Each bar carries its name and its count in text, so nothing depends on telling colours apart;
 * the never-connected bars are also hatched.
 */
function UsageChart({ profiles }: { profiles: ProfileUsage[] }) {
  const id = useId();
  // An id usable in `url(#…)`, whatever characters React puts in its ids.
  const hatchId = `hachures-${id.replace(/[^\w-]/g, '')}`;
  const max = Math.max(1, ...profiles.map((p) => p.accounts));
  const barSpace = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const groupHeight = GROUP_TITLE + SERIES.length * (BAR_HEIGHT + BAR_GAP) + GROUP_GAP;
  const height = profiles.length * groupHeight;
  const summary = profiles
    .map(
      (p) =>
        `${p.roleLabel} : ${p.accounts} compte${p.accounts > 1 ? 's' : ''}, ${p.everConnected} déjà connecté${
          p.everConnected > 1 ? 's' : ''
        }, ${p.neverConnected} jamais, ${p.connectedThisWeek} cette semaine`,
    )
    .join(' ; ');

  return (
    <section aria-labelledby={`${id}-titre`} className="usage__chart">
      <h2 id={`${id}-titre`}>Par profil, tous territoires</h2>
      <figure className="chart">
        <svg
          viewBox={`0 0 ${WIDTH} ${height}`}
          width="100%"
          role="img"
          aria-labelledby={`${id}-resume`}
          className="chart__svg"
        >
          <defs>
            <pattern id={hatchId} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
              <rect width="6" height="6" className="chart__hatch-bg" />
              <line x1="0" y1="0" x2="0" y2="6" className="chart__hatch" strokeWidth="2.5" />
            </pattern>
          </defs>
          {profiles.map((profile, index) => {
            const top = index * groupHeight;
            return (
              <g key={profile.role} transform={`translate(0 ${top})`}>
                <text x="0" y={GROUP_TITLE - 8} className="chart__title">
                  {profile.roleLabel} — {profile.accounts} compte{profile.accounts > 1 ? 's' : ''}
                </text>
                {SERIES.map((series, row) => {
                  const value = profile[series.key];
                  const y = GROUP_TITLE + row * (BAR_HEIGHT + BAR_GAP);
                  const width = (value / max) * barSpace;
                  return (
                    <g key={series.key}>
                      <text x={LABEL_WIDTH - 8} y={y + BAR_HEIGHT - 4} textAnchor="end" className="chart__label">
                        {series.label}
                      </text>
                      <rect x={LABEL_WIDTH} y={y} width={barSpace} height={BAR_HEIGHT} className="chart__track" />
                      {value > 0 && (
                        <rect
                          x={LABEL_WIDTH}
                          y={y}
                          width={Math.max(width, 2)}
                          height={BAR_HEIGHT}
                          className={series.key === 'neverConnected' ? 'chart__bar' : `chart__bar ${series.className}`}
                          fill={series.key === 'neverConnected' ? `url(#${hatchId})` : undefined}
                        />
                      )}
                      <text x={LABEL_WIDTH + width + 6} y={y + BAR_HEIGHT - 4} className="chart__value">
                        {value}
                      </text>
                    </g>
                  );
                })}
              </g>
            );
          })}
        </svg>
        <figcaption id={`${id}-resume`} className="visually-hidden">
          Graphique en barres, par profil : {summary}.
        </figcaption>
      </figure>
      <p className="muted">
        Longueur des barres : nombre de comptes, à la même échelle pour tous les profils (le plus grand : {max} compte
        {max > 1 ? 's' : ''}).
      </p>
    </section>
  );
}
