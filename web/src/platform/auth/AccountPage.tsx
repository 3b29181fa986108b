import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, dataOrThrow } from '../../api/client.ts';
import { acceptSession, forgetSession, useCurrentUser, type Session } from '../../shell/current-user.ts';
import { ErrorNotice } from '../../shell/ErrorNotice.tsx';
import type { LoginPageNotice } from '../../shell/logout.ts';
import { ROLE_LABELS } from '../../shell/roles.ts';
import { focusOnMount } from './helpers.ts';
import { Enrolment } from './second-factor.tsx';

/** `/compte`: who the account is, its roles and territories, its second factor, its sessions. */
export default function AccountPage() {
  const { data: account } = useCurrentUser();
  // The page frame shows this page to signed-in accounts only.
  if (!account) return null;
  return (
    <div className="page account-page">
      <h1>Mon compte</h1>
      <div className="account-page__grid">
        <section className="panel" aria-labelledby="identite">
          <h2 id="identite">Identité</h2>
          <dl className="facts">
            <dt>Nom</dt>
            <dd>{account.displayName}</dd>
            <dt>Adresse e-mail</dt>
            <dd>{account.email}</dd>
            <dt>Identifiant national</dt>
            <dd>{account.nationalId ?? 'aucun (pas de compte Pro Santé Connect lié)'}</dd>
            {account.isDemo && (
              <>
                <dt>Type de compte</dt>
                <dd>compte de démonstration, refusé en production</dd>
              </>
            )}
          </dl>
          <p>
            Pour changer de mot de passe, <Link to="/connexion/mot-de-passe-oublie">demandez un lien</Link> : il arrive
            à votre adresse e-mail.
          </p>
        </section>

        <section className="panel" aria-labelledby="roles">
          <h2 id="roles">Rôles et territoires</h2>
          {account.grants.length === 0 ? (
            <p>Aucun rôle : demandez-en un à l’administrateur de comptes de votre territoire.</p>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Rôle</th>
                  <th scope="col">Territoire</th>
                </tr>
              </thead>
              <tbody>
                {account.grants.map((grant) => (
                  <tr key={`${grant.role}-${grant.territoryId}`}>
                    <td>{ROLE_LABELS[grant.role]}</td>
                    <td>{grant.territoryName}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p className="muted">Pour changer de rôle ou de territoire, adressez-vous à l’administrateur de comptes.</p>
        </section>

        <SecondFactorSection account={account} />
        <SessionsSection />
      </div>
    </div>
  );
}

function SecondFactorSection({ account }: { account: Session }) {
  const queryClient = useQueryClient();
  const [enrolling, setEnrolling] = useState(false);
  const [justEnabled, setJustEnabled] = useState(false);
  const startRef = useRef<HTMLButtonElement>(null);

  return (
    <section className="panel" aria-labelledby="double-authentification">
      <h2 id="double-authentification">Double authentification</h2>
      {account.secondFactorEnabled ? (
        <p
          className="status status--ready focus-target"
          role={justEnabled ? 'status' : undefined}
          tabIndex={justEnabled ? -1 : undefined}
          ref={justEnabled ? focusOnMount : undefined}
        >
          <strong>Activée</strong> : chaque connexion demande, après le mot de passe, le code à 6 chiffres de votre
          application d’authentification.
        </p>
      ) : (
        <>
          <p className="status status--off">
            <strong>Non activée</strong> : votre compte n’est protégé que par son mot de passe. Avec une application
            d’authentification sur votre téléphone, un mot de passe volé ne suffit plus pour se connecter.
          </p>
          {enrolling ? (
            <>
              <Enrolment
                headingLevel="h3"
                submitLabel="Activer"
                onEnabled={(session) => {
                  setEnrolling(false);
                  setJustEnabled(true);
                  acceptSession(queryClient, session);
                }}
              />
              <p className="actions">
                <button
                  type="button"
                  className="link-button"
                  onClick={() => {
                    setEnrolling(false);
                    // The button it replaced comes back: focus goes there, not to the top of the page.
                    requestAnimationFrame(() => startRef.current?.focus());
                  }}
                >
                  Annuler la configuration
                </button>
              </p>
            </>
          ) : (
            <p className="actions">
              <button ref={startRef} type="button" className="button" onClick={() => setEnrolling(true)}>
                Activer la double authentification
              </button>
            </p>
          )}
        </>
      )}
    </section>
  );
}

function SessionsSection() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState(false);
  const askRef = useRef<HTMLButtonElement>(null);
  const logoutEverywhere = useMutation({
    mutationFn: () => dataOrThrow(api.POST('/api/auth/logout-everywhere')),
    onSuccess: ({ endedSessions }) => {
      forgetSession(queryClient);
      const state: LoginPageNotice = {
        notice:
          endedSessions > 1
            ? `Vos ${endedSessions} sessions sont fermées, sur tous les appareils : vous êtes déconnecté partout.`
            : 'Votre session est fermée : vous êtes déconnecté partout.',
      };
      void navigate('/connexion', { state });
    },
  });

  return (
    <section className="panel" aria-labelledby="sessions">
      <h2 id="sessions">Sessions</h2>
      <p>
        Un ordinateur partagé resté connecté, un téléphone perdu : vous pouvez fermer d’un coup toutes les sessions
        ouvertes avec votre compte, celle-ci comprise.
      </p>
      {confirming ? (
        <div className="confirmation">
          <p className="focus-target" tabIndex={-1} ref={focusOnMount}>
            <strong>Fermer toutes vos sessions ?</strong> Vous serez déconnecté partout, y compris ici, et devrez vous
            reconnecter.
          </p>
          {logoutEverywhere.isError && <ErrorNotice error={logoutEverywhere.error} />}
          <p className="actions">
            <button
              type="button"
              className="button button--danger"
              aria-disabled={logoutEverywhere.isPending}
              onClick={() => {
                if (!logoutEverywhere.isPending) logoutEverywhere.mutate();
              }}
            >
              {logoutEverywhere.isPending ? 'Déconnexion…' : 'Oui, me déconnecter partout'}
            </button>
            <button
              type="button"
              className="button"
              onClick={() => {
                setConfirming(false);
                logoutEverywhere.reset();
                requestAnimationFrame(() => askRef.current?.focus());
              }}
            >
              Annuler
            </button>
          </p>
        </div>
      ) : (
        <p className="actions">
          <button ref={askRef} type="button" className="button" onClick={() => setConfirming(true)}>
            Se déconnecter de toutes les sessions
          </button>
        </p>
      )}
    </section>
  );
}
