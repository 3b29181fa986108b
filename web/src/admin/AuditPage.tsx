import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ErrorNotice } from '../shell/ErrorNotice.tsx';
import { AuditTable } from './AuditTable.tsx';
import { describedBy, Field } from './form.tsx';
import { ACTION_LABELS } from './labels.ts';
import {
  AUDIT_PAGE_SIZE,
  auditCsvHref,
  auditSearch,
  isUuid,
  readAuditFilters,
  writeAuditFilters,
  type AuditFilters,
} from './params.ts';
import { auditQuery } from './queries.ts';

/**
 * `/administration/audit`: the audit log within the administrator's reach, newest first, a hundred
 * events at a time ("Plus anciens…" pages by sequence number); filters in the address; the same search
 * as a CSV file.
 */
export default function AuditPage() {
  const [params] = useSearchParams();
  const filters = readAuditFilters(params);
  const events = useQuery({ ...auditQuery(auditSearch(filters)), placeholderData: keepPreviousData });
  const rows = events.data ?? [];
  const last = rows.at(-1);
  const { before: _before, ...searchOnly } = filters;
  // The form starts again from the address whenever the search in it changes (back, forward, a link).
  const formKey = writeAuditFilters(searchOnly).toString();

  return (
    <div className="page page--wide">
      <div className="page-heading">
        <h1>Journal d’audit</h1>
        <a className="button" href={auditCsvHref(filters)} download>
          Exporter (CSV)
        </a>
      </div>
      <p className="prose">
        Connexions, refus, actions des administrateurs, lectures et écritures de données de patients : qui, quand, quoi,
        depuis où. L’export contient les 1 000 événements les plus récents de la recherche, pour un tableur. Vos
        recherches sont elles-mêmes enregistrées dans le journal.
      </p>
      <AuditFiltersForm key={formKey} filters={filters} />
      <section aria-label="Résultats">
        <p className="results-summary" role="status">
          {events.isPending
            ? 'Chargement du journal…'
            : rows.length === 0
              ? 'Aucun événement.'
              : `${rows.length} événement${rows.length > 1 ? 's' : ''}${
                  filters.before ? `, antérieurs au n° ${filters.before}` : ''
                }, du plus récent au plus ancien.`}
          {events.isFetching && !events.isPending && <span className="muted"> Mise à jour…</span>}
        </p>
        {events.isError && <ErrorNotice error={events.error} />}
        {events.isSuccess && rows.length === 0 && (
          <p className="notice notice--info">Aucun événement ne correspond à cette recherche.</p>
        )}
        {rows.length > 0 && (
          <AuditTable events={rows} label="Événements du journal d’audit, du plus récent au plus ancien" />
        )}
        {(filters.before !== undefined || (rows.length === AUDIT_PAGE_SIZE && last)) && (
          <nav className="pager" aria-label="Pages du journal">
            {filters.before !== undefined && (
              <Link to={{ search: writeAuditFilters(searchOnly).toString() }}>Revenir aux plus récents</Link>
            )}
            {rows.length === AUDIT_PAGE_SIZE && last && (
              <Link to={{ search: writeAuditFilters({ ...searchOnly, before: last.seq }).toString() }}>
                Plus anciens…
              </Link>
            )}
          </nav>
        )}
      </section>
    </div>
  );
}

function AuditFiltersForm({ filters }: { filters: AuditFilters }) {
  const id = useId();
  const [, setParams] = useSearchParams();
  const [values, setValues] = useState({
    action: filters.action ?? '',
    actor: filters.actor ?? '',
    patient: filters.patient ?? '',
    object: filters.object ?? '',
    from: filters.from ?? '',
    to: filters.to ?? '',
  });
  const [problems, setProblems] = useState<Partial<Record<keyof typeof values, string>>>({});
  const formRef = useRef<HTMLFormElement>(null);
  const set = (name: keyof typeof values) => (event: { target: { value: string } }) =>
    setValues((current) => ({ ...current, [name]: event.target.value }));
  const fieldId = (name: string) => `${id}-${name}`;
  const anyFilter = Object.values(filters).some((value) => value !== undefined);

  return (
    <form
      ref={formRef}
      className="filters filters--bar panel"
      role="search"
      aria-label="Filtrer le journal"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const found: typeof problems = {};
        const uuidProblem = 'Un identifiant a 36 caractères, tirets compris (copiez-le depuis la page du compte).';
        if (values.actor.trim() && !isUuid(values.actor.trim())) found.actor = uuidProblem;
        if (values.patient.trim() && !isUuid(values.patient.trim())) found.patient = uuidProblem;
        if (values.from && values.to && values.from > values.to) found.to = 'Le dernier jour précède le premier.';
        setProblems(found);
        if (Object.keys(found).length > 0) {
          requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
          return;
        }
        setParams(
          writeAuditFilters({
            action: values.action.trim() || undefined,
            actor: values.actor.trim() || undefined,
            patient: values.patient.trim() || undefined,
            object: values.object.trim() || undefined,
            from: values.from || undefined,
            to: values.to || undefined,
          }),
        );
      }}
    >
      <h2 className="filters__title">Filtres</h2>
      <Field
        id={fieldId('action')}
        className="field field--compact"
        label="Action"
        hint="Son code, par ex. account.create ; la liste propose les actions connues."
      >
        <input
          id={fieldId('action')}
          className="input"
          name="action"
          list={fieldId('actions')}
          autoComplete="off"
          spellCheck={false}
          value={values.action}
          onChange={set('action')}
          aria-describedby={describedBy(fieldId('action'), undefined, true)}
        />
        <datalist id={fieldId('actions')}>
          {Object.entries(ACTION_LABELS).map(([code, label]) => (
            <option key={code} value={code}>
              {label}
            </option>
          ))}
        </datalist>
      </Field>
      <Field
        id={fieldId('auteur')}
        className="field field--compact"
        label="Auteur (identifiant du compte)"
        problem={problems.actor}
      >
        <input
          id={fieldId('auteur')}
          className="input input--id"
          name="auteur"
          autoComplete="off"
          spellCheck={false}
          value={values.actor}
          onChange={set('actor')}
          aria-invalid={problems.actor !== undefined}
          aria-describedby={describedBy(fieldId('auteur'), problems.actor)}
        />
      </Field>
      <Field
        id={fieldId('objet')}
        className="field field--compact"
        label="Objet (identifiant)"
        hint="Un compte, un dossier… : les événements qui le concernent."
      >
        <input
          id={fieldId('objet')}
          className="input input--id"
          name="objet"
          autoComplete="off"
          spellCheck={false}
          value={values.object}
          onChange={set('object')}
          aria-describedby={describedBy(fieldId('objet'), undefined, true)}
        />
      </Field>
      <Field
        id={fieldId('patient')}
        className="field field--compact"
        label="Patient (identifiant)"
        problem={problems.patient}
      >
        <input
          id={fieldId('patient')}
          className="input input--id"
          name="patient"
          autoComplete="off"
          spellCheck={false}
          value={values.patient}
          onChange={set('patient')}
          aria-invalid={problems.patient !== undefined}
          aria-describedby={describedBy(fieldId('patient'), problems.patient)}
        />
      </Field>
      <div className="filters__dates">
        <Field id={fieldId('du')} className="field field--compact" label="Du">
          <input
            id={fieldId('du')}
            className="input"
            name="du"
            type="date"
            value={values.from}
            onChange={set('from')}
          />
        </Field>
        <Field id={fieldId('au')} className="field field--compact" label="Au (inclus)" problem={problems.to}>
          <input
            id={fieldId('au')}
            className="input"
            name="au"
            type="date"
            value={values.to}
            onChange={set('to')}
            aria-invalid={problems.to !== undefined}
            aria-describedby={describedBy(fieldId('au'), problems.to)}
          />
        </Field>
      </div>
      <p className="actions">
        <button type="submit" className="button button--primary">
          Rechercher
        </button>
        {anyFilter && <Link to={{ search: '' }}>Effacer les filtres</Link>}
      </p>
    </form>
  );
}
