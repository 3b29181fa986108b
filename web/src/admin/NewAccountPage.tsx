import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, dataOrThrow } from '../api/client.ts';
import { ErrorNotice } from '../shell/ErrorNotice.tsx';
import { ROLE_LABELS, type Role } from '../shell/roles.ts';
import type { AccountPageNotice } from './AccountPage.tsx';
import { describedBy, Field, fieldProblems, FormProblem } from './form.tsx';
import { useAdminReach, useTerritoryChoices } from './hooks.ts';
import { grantableRoles } from './reach.ts';
import { accountQuery, ADMIN_KEY } from './queries.ts';

interface GrantLine {
  /** Stable across removals, for React and for the fields' ids. */
  key: number;
  role: Role | '';
  territoryId: string;
}

interface NewAccountBody {
  email: string;
  displayName: string;
  givenName?: string;
  familyName?: string;
  nationalId?: string;
  grants: { role: Role; territoryId: string }[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * `/administration/comptes/nouveau`: identity and one or more profiles on territories. The account has no
 * password: the person receives an invitation by e-mail with a link to choose one. Then the account's page.
 */
export default function NewAccountPage() {
  const id = useId();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const reach = useAdminReach();
  const territories = useTerritoryChoices('manage');
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [givenName, setGivenName] = useState('');
  const [familyName, setFamilyName] = useState('');
  const [nationalId, setNationalId] = useState('');
  const nextKey = useRef(1);
  const [lines, setLines] = useState<GrantLine[]>(() => [{ key: 0, role: '', territoryId: '' }]);
  const [localProblems, setLocalProblems] = useState<Record<string, string>>({});
  const formRef = useRef<HTMLFormElement>(null);

  const create = useMutation({
    mutationFn: (body: NewAccountBody) => dataOrThrow(api.POST('/api/accounts/', { body })),
    onSuccess: (account) => {
      queryClient.setQueryData(accountQuery(account.id).queryKey, account);
      void queryClient.invalidateQueries({ queryKey: [ADMIN_KEY] });
      const state: AccountPageNotice = {
        notice: `Compte créé. Une invitation a été envoyée à ${account.email} : elle contient un lien pour choisir son mot de passe.`,
      };
      void navigate(`/administration/comptes/${account.id}`, { state });
    },
  });
  // A refusal shown: focus goes to the first field at fault (or the sentence about the profiles).
  useEffect(() => {
    if (create.error) focusFirstProblem(formRef.current);
  }, [create.error]);

  const server = fieldProblems(create.error);
  const problems: Record<string, string> = { ...server, ...localProblems };
  // A problem of the server about the profiles as a whole, or about a territory it refused.
  const grantsProblem = problems.grants ?? problems.territoryId;
  const lineProblem = (index: number, field: 'role' | 'territoryId') =>
    localProblems[`grants.${index}.${field}`] ?? server[`grants.${index}.${field}`];
  const fieldId = (name: string) => `${id}-${name}`;

  const setLine = (key: number, changes: Partial<GrantLine>) =>
    setLines((current) => current.map((line) => (line.key === key ? { ...line, ...changes } : line)));

  return (
    <div className="page">
      <nav aria-label="Fil d’Ariane" className="breadcrumb">
        <ol>
          <li>
            <Link to="/administration/comptes">Comptes</Link>
          </li>
          <li aria-current="page">Nouveau compte</li>
        </ol>
      </nav>
      <h1>Nouveau compte</h1>
      <form
        ref={formRef}
        className="panel form new-account"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (create.isPending) return;
          const local: Record<string, string> = {};
          if (!EMAIL.test(email.trim())) local.email = 'Saisissez une adresse e-mail valide (nom@domaine.fr).';
          if (displayName.trim().length < 2) local.displayName = 'Au moins 2 caractères.';
          lines.forEach((line, index) => {
            if (line.role === '') local[`grants.${index}.role`] = 'Choisissez un profil.';
            if (line.territoryId === '') local[`grants.${index}.territoryId`] = 'Choisissez un territoire.';
          });
          const pairs = lines.map((l) => `${l.role}/${l.territoryId}`);
          if (new Set(pairs).size !== pairs.length)
            local.grants = 'Deux lignes donnent le même profil sur le même territoire.';
          setLocalProblems(local);
          create.reset();
          if (Object.keys(local).length > 0) {
            requestAnimationFrame(() => focusFirstProblem(formRef.current));
            return;
          }
          create.mutate({
            email: email.trim(),
            displayName: displayName.trim(),
            ...(givenName.trim() && { givenName: givenName.trim() }),
            ...(familyName.trim() && { familyName: familyName.trim() }),
            ...(nationalId.trim() && { nationalId: nationalId.trim() }),
            grants: lines.map((line) => ({ role: line.role as Role, territoryId: line.territoryId })),
          });
        }}
      >
        <p className="muted">
          Le compte est créé sans mot de passe : la personne reçoit à son adresse une invitation, avec un lien pour
          choisir le sien. Les champs marqués « facultatif » peuvent rester vides.
        </p>
        <fieldset className="fieldset">
          <legend>Identité</legend>
          <div className="form-grid">
            <Field
              id={fieldId('email')}
              label="Adresse e-mail"
              problem={problems.email}
              hint="L’invitation part à cette adresse ; elle sert ensuite à se connecter."
            >
              <input
                id={fieldId('email')}
                className="input"
                name="email"
                type="email"
                autoComplete="off"
                spellCheck={false}
                autoFocus
                value={email}
                onChange={(event) => setEmail(event.target.value)}
                aria-invalid={problems.email !== undefined}
                aria-describedby={describedBy(fieldId('email'), problems.email, true)}
              />
            </Field>
            <Field
              id={fieldId('nom')}
              label="Nom affiché"
              problem={problems.displayName}
              hint="Tel que les autres le verront : « Dr Camille Martin », « Camille Martin (OSNP) »."
            >
              <input
                id={fieldId('nom')}
                className="input"
                name="displayName"
                autoComplete="off"
                value={displayName}
                onChange={(event) => setDisplayName(event.target.value)}
                aria-invalid={problems.displayName !== undefined}
                aria-describedby={describedBy(fieldId('nom'), problems.displayName, true)}
              />
            </Field>
            <Field id={fieldId('prenom')} label="Prénom (facultatif)" problem={problems.givenName}>
              <input
                id={fieldId('prenom')}
                className="input"
                name="givenName"
                autoComplete="off"
                value={givenName}
                onChange={(event) => setGivenName(event.target.value)}
                aria-invalid={problems.givenName !== undefined}
                aria-describedby={describedBy(fieldId('prenom'), problems.givenName)}
              />
            </Field>
            <Field id={fieldId('famille')} label="Nom de famille (facultatif)" problem={problems.familyName}>
              <input
                id={fieldId('famille')}
                className="input"
                name="familyName"
                autoComplete="off"
                value={familyName}
                onChange={(event) => setFamilyName(event.target.value)}
                aria-invalid={problems.familyName !== undefined}
                aria-describedby={describedBy(fieldId('famille'), problems.familyName)}
              />
            </Field>
            <Field
              id={fieldId('idnat')}
              label="Identifiant national (facultatif)"
              problem={problems.nationalId}
              hint="RPPS ou ADELI avec son préfixe, pour relier le compte à l’annuaire et à Pro Santé Connect."
            >
              <input
                id={fieldId('idnat')}
                className="input"
                name="nationalId"
                autoComplete="off"
                spellCheck={false}
                value={nationalId}
                onChange={(event) => setNationalId(event.target.value)}
                aria-invalid={problems.nationalId !== undefined}
                aria-describedby={describedBy(fieldId('idnat'), problems.nationalId, true)}
              />
            </Field>
          </div>
        </fieldset>

        <fieldset className="fieldset" aria-describedby={grantsProblem ? fieldId('profils-erreur') : undefined}>
          <legend>Profils et territoires</legend>
          {grantsProblem && (
            <p className="field__error" id={fieldId('profils-erreur')} data-problem>
              {grantsProblem}
            </p>
          )}
          <ol className="grant-lines">
            {lines.map((line, index) => {
              const roleId = fieldId(`profil-${line.key}`);
              const territoryId = fieldId(`territoire-${line.key}`);
              const roleProblem = lineProblem(index, 'role');
              const territoryProblem = lineProblem(index, 'territoryId');
              const number = lines.length > 1 ? ` ${index + 1}` : '';
              return (
                <li key={line.key} className="grant-line">
                  <Field id={roleId} label={`Profil${number}`} problem={roleProblem}>
                    <select
                      id={roleId}
                      className="input"
                      name={`grants.${index}.role`}
                      value={line.role}
                      onChange={(event) => setLine(line.key, { role: event.target.value as Role | '' })}
                      aria-invalid={roleProblem !== undefined}
                      aria-describedby={describedBy(roleId, roleProblem)}
                    >
                      <option value="">Choisir…</option>
                      {grantableRoles(reach).map((role) => (
                        <option key={role} value={role}>
                          {ROLE_LABELS[role]}
                        </option>
                      ))}
                    </select>
                  </Field>
                  <Field id={territoryId} label={`Territoire${number}`} problem={territoryProblem}>
                    <select
                      id={territoryId}
                      className="input"
                      name={`grants.${index}.territoryId`}
                      value={line.territoryId}
                      onChange={(event) => setLine(line.key, { territoryId: event.target.value })}
                      aria-invalid={territoryProblem !== undefined}
                      aria-describedby={describedBy(territoryId, territoryProblem)}
                    >
                      <option value="">{territories.isPending ? 'Chargement…' : 'Choisir…'}</option>
                      {territories.choices.map((territory) => (
                        <option key={territory.id} value={territory.id}>
                          {territory.name}
                        </option>
                      ))}
                    </select>
                  </Field>
                  {lines.length > 1 && (
                    <p className="grant-line__remove">
                      <button
                        type="button"
                        className="link-button"
                        onClick={() => {
                          setLines((current) => current.filter((l) => l.key !== line.key));
                          setLocalProblems({});
                          // The line is gone: focus goes to the first field of the list.
                          requestAnimationFrame(() =>
                            formRef.current?.querySelector<HTMLSelectElement>('.grant-line select')?.focus(),
                          );
                        }}
                      >
                        Retirer la ligne{number}
                      </button>
                    </p>
                  )}
                </li>
              );
            })}
          </ol>
          <p>
            <button
              type="button"
              className="button"
              onClick={() => {
                const key = nextKey.current++;
                setLines((current) => [...current, { key, role: '', territoryId: '' }]);
                requestAnimationFrame(() => document.getElementById(fieldId(`profil-${key}`))?.focus());
              }}
            >
              Ajouter un autre profil
            </button>
          </p>
          {territories.error !== null && <ErrorNotice error={territories.error} />}
        </fieldset>

        {create.isError && <FormProblem error={create.error} />}
        <p className="actions">
          <button type="submit" className="button button--primary" aria-disabled={create.isPending}>
            {create.isPending ? 'Création…' : 'Créer le compte et envoyer l’invitation'}
          </button>
          <Link to="/administration/comptes">Annuler</Link>
        </p>
      </form>
    </div>
  );
}

/** Focus on the first field said to be wrong, or on the sentence about the profiles. */
function focusFirstProblem(form: HTMLFormElement | null): void {
  const target = form?.querySelector<HTMLElement>('[aria-invalid="true"], [data-problem]');
  if (!target) return;
  if (target.hasAttribute('data-problem')) {
    target.tabIndex = -1;
    target.classList.add('focus-target');
  }
  target.focus();
}
