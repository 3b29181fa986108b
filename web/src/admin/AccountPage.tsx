import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { api, ApiError, dataOrThrow } from '../api/client.ts';
import { formatDateTime, formatRelative } from '../format.ts';
import { focusOnMount } from '../platform/auth/helpers.ts';
import { useCurrentUser } from '../shell/current-user.ts';
import { ErrorNotice } from '../shell/ErrorNotice.tsx';
import { ROLE_LABELS, type Role } from '../shell/roles.ts';
import type { FromAccountList } from './AccountsPage.tsx';
import { AuditTable } from './AuditTable.tsx';
import { describedBy, EmailText, Field, fieldProblems, FormProblem } from './form.tsx';
import { useAdminReach, useTerritoryChoices } from './hooks.ts';
import { STATUS_LABELS } from './labels.ts';
import { isUuid, writeAuditFilters } from './params.ts';
import { accountQuery, ADMIN_KEY, auditQuery, type AccountView } from './queries.ts';
import { canManageAccount, grantableRoles } from './reach.ts';

/** What the account page says when it opens after the account was created (the navigation's state). */
export interface AccountPageNotice extends FromAccountList {
  notice?: string;
}

const RECENT_EVENTS = 10;

/**
 * `/administration/comptes/:id`: one account — identity (edited in place), status and its actions,
 * profiles on territories, and what the audit log recorded about it lately. A territorial referent
 * reads it; the administrators who manage one of its territories change it.
 */
export default function AccountPage() {
  const { id = '' } = useParams();
  const { state } = useLocation() as { state: AccountPageNotice | null };
  const reach = useAdminReach();
  const valid = isUuid(id);
  const account = useQuery({ ...accountQuery(id), enabled: valid });
  const listLink = `/administration/comptes${state?.listSearch ?? ''}`;

  let content;
  if (!valid || (account.error instanceof ApiError && account.error.status === 404)) {
    content = (
      <>
        <h1>Compte introuvable</h1>
        <p>
          Ce compte n’existe pas, ou il n’a de profil sur aucun des territoires que vous administrez. Retrouvez-le
          depuis la liste.
        </p>
      </>
    );
  } else if (account.isPending) {
    content = <p>Chargement du compte…</p>;
  } else if (account.isError) {
    content = <ErrorNotice error={account.error} />;
  } else {
    content = (
      <AccountDetails account={account.data} manage={canManageAccount(reach, account.data)} notice={state?.notice} />
    );
  }

  return (
    <div className="page">
      <nav aria-label="Fil d’Ariane" className="breadcrumb">
        <ol>
          <li>
            <Link to={listLink}>Comptes</Link>
          </li>
          <li aria-current="page">{account.data?.displayName ?? 'Compte'}</li>
        </ol>
      </nav>
      {content}
    </div>
  );
}

function AccountDetails({ account, manage, notice }: { account: AccountView; manage: boolean; notice?: string }) {
  const reach = useAdminReach();
  return (
    <>
      <h1>{account.displayName}</h1>
      {notice && (
        <p className="notice notice--ok focus-target" role="status" tabIndex={-1} ref={focusOnMount}>
          {notice}
        </p>
      )}
      {!manage && (
        <p className="muted">
          Consultation seule : les changements de ce compte reviennent à un administrateur de comptes de l’un de ses
          territoires.
        </p>
      )}
      <div className="admin-account__grid">
        <IdentitySection account={account} manage={manage} />
        <StatusSection account={account} manage={manage} />
        <GrantsSection account={account} manage={manage} />
        {reach.canAudit && <RecentEvents account={account} />}
      </div>
    </>
  );
}

/** Keeps the page and the lists in step after a change: the account as answered, the rest refetched. */
function useAccountChanged() {
  const queryClient = useQueryClient();
  return (account: AccountView) => {
    queryClient.setQueryData(accountQuery(account.id).queryKey, account);
    void queryClient.invalidateQueries({
      queryKey: [ADMIN_KEY],
      predicate: ({ queryKey }) =>
        queryKey[1] !== 'territories' && (queryKey[2] !== 'one' || queryKey[3] !== account.id),
    });
  };
}

function IdentitySection({ account, manage }: { account: AccountView; manage: boolean }) {
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const editRef = useRef<HTMLButtonElement>(null);
  const headingId = useId();

  const close = (wasSaved: boolean) => {
    setEditing(false);
    setSaved(wasSaved);
    if (!wasSaved) requestAnimationFrame(() => editRef.current?.focus());
  };

  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>Identité</h2>
      {editing ? (
        <IdentityForm account={account} onDone={close} />
      ) : (
        <>
          {saved && (
            <p className="notice notice--ok focus-target" role="status" tabIndex={-1} ref={focusOnMount}>
              Identité enregistrée.
            </p>
          )}
          <dl className="facts">
            <dt>Nom affiché</dt>
            <dd>{account.displayName}</dd>
            <dt>Adresse e-mail</dt>
            <dd className="cell--email">
              <EmailText email={account.email} />
            </dd>
            <dt>Identifiant national</dt>
            <dd>{account.nationalId ?? 'aucun (pas de compte Pro Santé Connect lié)'}</dd>
            <dt>Identifiant</dt>
            <dd>
              <code>{account.id}</code>
            </dd>
            <dt>Type de compte</dt>
            <dd>{account.isDemo ? 'démonstration (refusé en production)' : 'nominatif'}</dd>
            <dt>Créé</dt>
            <dd>
              <time dateTime={account.createdAt}>{formatDateTime(account.createdAt)}</time>
            </dd>
          </dl>
          {manage && (
            <p className="actions">
              <button
                ref={editRef}
                type="button"
                className="button"
                onClick={() => {
                  setSaved(false);
                  setEditing(true);
                }}
              >
                Modifier l’identité
              </button>
            </p>
          )}
        </>
      )}
    </section>
  );
}

function IdentityForm({ account, onDone }: { account: AccountView; onDone: (saved: boolean) => void }) {
  const id = useId();
  const changed = useAccountChanged();
  const [displayName, setDisplayName] = useState(account.displayName);
  const [email, setEmail] = useState(account.email);
  const [nationalId, setNationalId] = useState(account.nationalId ?? '');
  const [localProblems, setLocalProblems] = useState<Record<string, string>>({});
  const refs = {
    displayName: useRef<HTMLInputElement>(null),
    email: useRef<HTMLInputElement>(null),
    nationalId: useRef<HTMLInputElement>(null),
  };
  const save = useMutation({
    mutationFn: (body: { displayName?: string; email?: string; nationalId?: string | null }) =>
      dataOrThrow(api.PATCH('/api/accounts/{id}', { params: { path: { id: account.id } }, body })),
    onSuccess: (answer) => {
      changed(answer);
      onDone(true);
    },
    onError: (error) => {
      const first = Object.keys(fieldProblems(error))[0] as keyof typeof refs | undefined;
      if (first && first in refs) refs[first].current?.focus();
    },
  });
  const problems = { ...fieldProblems(save.error), ...localProblems };
  const fieldId = (name: string) => `${id}-${name}`;

  return (
    <form
      className="form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (save.isPending) return;
        const local: Record<string, string> = {};
        if (displayName.trim().length < 2) local.displayName = 'Au moins 2 caractères.';
        if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) local.email = 'Adresse e-mail invalide.';
        setLocalProblems(local);
        save.reset();
        const firstLocal = Object.keys(local)[0] as keyof typeof refs | undefined;
        if (firstLocal) return refs[firstLocal].current?.focus();
        const body: { displayName?: string; email?: string; nationalId?: string | null } = {};
        if (displayName.trim() !== account.displayName) body.displayName = displayName.trim();
        if (email.trim() !== account.email) body.email = email.trim();
        if ((nationalId.trim() || null) !== account.nationalId) body.nationalId = nationalId.trim() || null;
        if (Object.keys(body).length === 0) return onDone(false);
        save.mutate(body);
      }}
    >
      <Field id={fieldId('nom')} label="Nom affiché" problem={problems.displayName}>
        <input
          ref={refs.displayName}
          id={fieldId('nom')}
          className="input"
          name="displayName"
          autoComplete="off"
          autoFocus
          value={displayName}
          onChange={(event) => setDisplayName(event.target.value)}
          aria-invalid={problems.displayName !== undefined}
          aria-describedby={describedBy(fieldId('nom'), problems.displayName)}
        />
      </Field>
      <Field
        id={fieldId('email')}
        label="Adresse e-mail"
        problem={problems.email}
        hint="La connexion par mot de passe se fait avec cette adresse."
      >
        <input
          ref={refs.email}
          id={fieldId('email')}
          className="input"
          name="email"
          type="email"
          autoComplete="off"
          spellCheck={false}
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          aria-invalid={problems.email !== undefined}
          aria-describedby={describedBy(fieldId('email'), problems.email, true)}
        />
      </Field>
      <Field
        id={fieldId('idnat')}
        label="Identifiant national (facultatif)"
        problem={problems.nationalId}
        hint="RPPS ou ADELI avec son préfixe (8 ou 0), tel que Pro Santé Connect le transmet : il relie le compte à l’annuaire."
      >
        <input
          ref={refs.nationalId}
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
      {save.isError && <FormProblem error={save.error} />}
      <p className="actions">
        <button type="submit" className="button button--primary" aria-disabled={save.isPending}>
          {save.isPending ? 'Enregistrement…' : 'Enregistrer'}
        </button>
        <button type="button" className="button" onClick={() => onDone(false)}>
          Annuler
        </button>
      </p>
    </form>
  );
}

function StatusSection({ account, manage }: { account: AccountView; manage: boolean }) {
  const headingId = useId();
  const { data: user } = useCurrentUser();
  const changed = useAccountChanged();
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState<string>();
  const askRef = useRef<HTMLButtonElement>(null);
  const change = useMutation({
    mutationFn: (status: 'active' | 'disabled') =>
      dataOrThrow(api.POST('/api/accounts/{id}/status', { params: { path: { id: account.id } }, body: { status } })),
    onSuccess: (answer, status) => {
      setConfirming(false);
      changed(answer);
      setDone(
        status === 'disabled'
          ? 'Compte désactivé : ses sessions ouvertes sont fermées et il ne peut plus se connecter.'
          : account.status === 'pending'
            ? 'Inscription validée : le compte peut se connecter.'
            : 'Compte réactivé : il peut de nouveau se connecter.',
      );
    },
  });
  const self = user?.accountId === account.id;

  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>Statut et sécurité</h2>
      {done && (
        <p className="notice notice--ok focus-target" role="status" tabIndex={-1} ref={focusOnMount} key={done}>
          {done}
        </p>
      )}
      <dl className="facts">
        <dt>Statut</dt>
        <dd>
          <strong className={`status-word status-word--${account.status}`}>{STATUS_LABELS[account.status]}</strong>
        </dd>
        <dt>Dernière connexion</dt>
        <dd>
          {account.lastLoginAt === null ? (
            'jamais'
          ) : (
            <time dateTime={account.lastLoginAt}>
              {formatRelative(account.lastLoginAt)} ({formatDateTime(account.lastLoginAt)})
            </time>
          )}
        </dd>
        <dt>Double authentification</dt>
        <dd>{account.secondFactorEnabled ? 'activée' : 'non activée'}</dd>
        <dt>Verrouillage</dt>
        <dd>
          {account.lockedUntil === null ? (
            'non verrouillé'
          ) : (
            <>
              verrouillé jusqu’à <time dateTime={account.lockedUntil}>{formatDateTime(account.lockedUntil)}</time> (trop
              d’essais de mot de passe)
            </>
          )}
        </dd>
      </dl>
      {account.status === 'pending' && (
        <p>
          Ce professionnel s’est inscrit par Pro Santé Connect : validez son inscription pour qu’il puisse se connecter,
          après avoir vérifié ses profils ci-dessous.
        </p>
      )}
      {manage && confirming && (
        <div className="confirmation">
          <p className="focus-target" tabIndex={-1} ref={focusOnMount}>
            <strong>Désactiver le compte de {account.displayName} ?</strong> Ses sessions ouvertes se ferment
            maintenant, sur tous ses appareils, et il ne pourra plus se connecter jusqu’à sa réactivation.
          </p>
          {change.isError && <FormProblem error={change.error} />}
          <p className="actions">
            <button
              type="button"
              className="button button--danger"
              aria-disabled={change.isPending}
              onClick={() => {
                if (!change.isPending) change.mutate('disabled');
              }}
            >
              {change.isPending ? 'Désactivation…' : 'Oui, désactiver maintenant'}
            </button>
            <button
              type="button"
              className="button"
              onClick={() => {
                setConfirming(false);
                change.reset();
                requestAnimationFrame(() => askRef.current?.focus());
              }}
            >
              Annuler
            </button>
          </p>
        </div>
      )}
      {manage && !confirming && (
        <>
          {change.isError && <FormProblem error={change.error} />}
          <p className="actions">
            {account.status === 'pending' && (
              <button
                type="button"
                className="button button--primary"
                aria-disabled={change.isPending}
                onClick={() => {
                  if (!change.isPending) change.mutate('active');
                }}
              >
                Valider l’inscription
              </button>
            )}
            {account.status === 'disabled' && (
              <button
                type="button"
                className="button button--primary"
                aria-disabled={change.isPending}
                onClick={() => {
                  if (!change.isPending) change.mutate('active');
                }}
              >
                {change.isPending ? 'Réactivation…' : 'Réactiver le compte'}
              </button>
            )}
            {account.status !== 'disabled' && !self && (
              <button
                ref={askRef}
                type="button"
                className="button"
                onClick={() => {
                  change.reset();
                  setDone(undefined);
                  setConfirming(true);
                }}
              >
                Désactiver le compte
              </button>
            )}
          </p>
          {self && account.status !== 'disabled' && (
            <p className="muted">C’est votre propre compte : un autre administrateur peut le désactiver, pas vous.</p>
          )}
        </>
      )}
    </section>
  );
}

function GrantsSection({ account, manage }: { account: AccountView; manage: boolean }) {
  const headingId = useId();
  const changed = useAccountChanged();
  const [done, setDone] = useState<string>();
  const revoke = useMutation({
    mutationFn: (grant: { role: Role; territoryId: string }) =>
      dataOrThrow(
        api.DELETE('/api/accounts/{id}/grants/{role}/{territoryId}', {
          params: { path: { id: account.id, role: grant.role, territoryId: grant.territoryId } },
        }),
      ),
    onSuccess: (answer, grant) => {
      changed(answer);
      const territory = account.grants.find((g) => g.territoryId === grant.territoryId)?.territoryName ?? '';
      setDone(`Profil « ${ROLE_LABELS[grant.role]} » retiré sur ${territory}.`);
    },
  });

  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>Profils et territoires</h2>
      {done && (
        <p className="notice notice--ok focus-target" role="status" tabIndex={-1} ref={focusOnMount} key={done}>
          {done}
        </p>
      )}
      {revoke.isError && <FormProblem error={revoke.error} />}
      {account.grants.length === 0 ? (
        <p>Aucun profil : ce compte ne donne accès à rien tant qu’un profil ne lui est pas attribué.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Profil</th>
              <th scope="col">Territoire</th>
              {manage && (
                <th scope="col">
                  <span className="visually-hidden">Action</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {account.grants.map((grant) => (
              <tr key={`${grant.role}-${grant.territoryId}`}>
                <td>{grant.roleLabel}</td>
                <td>{grant.territoryName}</td>
                {manage && (
                  <td className="cell--action">
                    <button
                      type="button"
                      className="link-button"
                      aria-label={`Retirer le profil ${grant.roleLabel} sur ${grant.territoryName}`}
                      aria-disabled={revoke.isPending}
                      onClick={() => {
                        if (revoke.isPending) return;
                        setDone(undefined);
                        revoke.mutate({ role: grant.role, territoryId: grant.territoryId });
                      }}
                    >
                      Retirer
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {manage && (
        <AddGrantForm
          account={account}
          onAdded={(answer, message) => {
            changed(answer);
            setDone(message);
          }}
        />
      )}
    </section>
  );
}

function AddGrantForm({
  account,
  onAdded,
}: {
  account: AccountView;
  onAdded: (account: AccountView, message: string) => void;
}) {
  const id = useId();
  const reach = useAdminReach();
  const territories = useTerritoryChoices('manage');
  const [role, setRole] = useState<Role | ''>('');
  const [territoryId, setTerritoryId] = useState('');
  const [localProblems, setLocalProblems] = useState<Record<string, string>>({});
  const roleRef = useRef<HTMLSelectElement>(null);
  const territoryRef = useRef<HTMLSelectElement>(null);
  const add = useMutation({
    mutationFn: (grant: { role: Role; territoryId: string }) =>
      dataOrThrow(api.POST('/api/accounts/{id}/grants', { params: { path: { id: account.id } }, body: grant })),
    onSuccess: (answer, grant) => {
      const territory = territories.choices.find((t) => t.id === grant.territoryId)?.name ?? '';
      setRole('');
      setTerritoryId('');
      onAdded(answer, `Profil « ${ROLE_LABELS[grant.role]} » ajouté sur ${territory}.`);
    },
  });
  const problems = { ...fieldProblems(add.error), ...localProblems };
  const already = role !== '' && account.grants.some((g) => g.role === role && g.territoryId === territoryId);

  return (
    <form
      className="form inline-form"
      noValidate
      aria-labelledby={`${id}-titre`}
      onSubmit={(event) => {
        event.preventDefault();
        if (add.isPending) return;
        const local: Record<string, string> = {};
        if (role === '') local.role = 'Choisissez un profil.';
        if (territoryId === '') local.territoryId = 'Choisissez un territoire.';
        if (role !== '' && territoryId !== '' && already) local.territoryId = 'Ce compte a déjà ce profil ici.';
        setLocalProblems(local);
        add.reset();
        if (local.role) return roleRef.current?.focus();
        if (local.territoryId) return territoryRef.current?.focus();
        add.mutate({ role: role as Role, territoryId });
      }}
    >
      <h3 id={`${id}-titre`}>Ajouter un profil</h3>
      <div className="inline-form__fields">
        <Field id={`${id}-profil`} label="Profil" problem={problems.role}>
          <select
            ref={roleRef}
            id={`${id}-profil`}
            className="input"
            name="role"
            value={role}
            onChange={(event) => setRole(event.target.value as Role | '')}
            aria-invalid={problems.role !== undefined}
            aria-describedby={describedBy(`${id}-profil`, problems.role)}
          >
            <option value="">Choisir…</option>
            {grantableRoles(reach).map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        </Field>
        <Field id={`${id}-territoire`} label="Territoire" problem={problems.territoryId}>
          <select
            ref={territoryRef}
            id={`${id}-territoire`}
            className="input"
            name="territoryId"
            value={territoryId}
            onChange={(event) => setTerritoryId(event.target.value)}
            aria-invalid={problems.territoryId !== undefined}
            aria-describedby={describedBy(`${id}-territoire`, problems.territoryId)}
          >
            <option value="">{territories.isPending ? 'Chargement…' : 'Choisir…'}</option>
            {territories.choices.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </Field>
        <p className="inline-form__submit">
          <button type="submit" className="button" aria-disabled={add.isPending}>
            {add.isPending ? 'Ajout…' : 'Ajouter le profil'}
          </button>
        </p>
      </div>
      {territories.error !== null && <ErrorNotice error={territories.error} />}
      {add.isError && <FormProblem error={add.error} />}
    </form>
  );
}

/** The latest audit events about this account, and the way to all of them (about it, or by it). */
function RecentEvents({ account }: { account: AccountView }) {
  const headingId = useId();
  const events = useQuery(auditQuery({ object: account.id, limit: RECENT_EVENTS }));
  const about = `/administration/audit?${writeAuditFilters({ object: account.id }).toString()}`;
  const by = `/administration/audit?${writeAuditFilters({ actor: account.id }).toString()}`;

  return (
    <section className="panel admin-account__wide" aria-labelledby={headingId}>
      <h2 id={headingId}>Journal d’audit : derniers événements sur ce compte</h2>
      {events.isPending && <p>Chargement du journal…</p>}
      {events.isError && <ErrorNotice error={events.error} />}
      {events.data?.length === 0 && <p>Aucun événement enregistré sur ce compte.</p>}
      {events.data && events.data.length > 0 && (
        <AuditTable events={events.data} compact label="Derniers événements sur ce compte" />
      )}
      <p className="actions">
        <Link to={about}>Tous les événements sur ce compte</Link>
        <Link to={by}>Les actions faites par ce compte</Link>
      </p>
    </section>
  );
}
