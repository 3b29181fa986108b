import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { api, ApiError, dataOrThrow } from '../../api/client.ts';
import { formatTime } from '../../format.ts';
import { acceptSession, sessionQuery, useSession, type Session } from '../../shell/current-user.ts';
import { ErrorNotice } from '../../shell/ErrorNotice.tsx';
import { useLogout, type LoginPageNotice } from '../../shell/logout.ts';
import { ROLE_LABELS } from '../../shell/roles.ts';
import { metaQuery } from '../queries.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './demo-accounts.ts';
import { safeReturnPath } from './helpers.ts';
import { ProSanteConnectButton, pscRefusal } from './ProSanteConnect.tsx';
import { CodeForm, Enrolment } from './second-factor.tsx';

/**
 * `/connexion`: e-mail and password, then the second factor when the account has one (or must set one
 * up), then the page the user came from (`?retour=`) or home.
 */
export default function LoginPage() {
  const session = useSession();
  const [params] = useSearchParams();
  const target = safeReturnPath(params.get('retour'), window.location.origin);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { state } = useLocation() as { state: LoginPageNotice | null };

  /** A login step answered: done → the page asked for; otherwise the page shows the step still to do. */
  const onAnswer = (answer: Session) => {
    if (answer.secondFactorStep === 'none') void navigate(target, { replace: true });
    acceptSession(queryClient, answer);
  };

  let content;
  if (session.isPending) content = <p>Vérification de la session…</p>;
  else if (session.isError) content = <ErrorNotice error={session.error} />;
  else if (session.data === null)
    content = (
      <>
        <ProSanteConnectButton target={target} />
        <PasswordStep onAnswer={onAnswer} notice={state?.notice ?? pscRefusal(params.get('psc'))} />
      </>
    );
  else if (session.data.secondFactorStep === 'verify')
    content = <VerifyStep session={session.data} onAnswer={onAnswer} />;
  else if (session.data.secondFactorStep === 'enrol')
    content = <EnrolStep session={session.data} onAnswer={onAnswer} />;
  else content = <AlreadySignedIn session={session.data} target={target} />;

  return (
    <div className="page auth-page">
      <h1>Connexion</h1>
      {content}
    </div>
  );
}

function PasswordStep({ onAnswer, notice }: { onAnswer: (session: Session) => void; notice?: string }) {
  const id = useId();
  const queryClient = useQueryClient();
  const meta = useQuery(metaQuery);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string>();
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const submitRef = useRef<HTMLButtonElement>(null);

  const login = useMutation({
    mutationFn: async (body: { email: string; password: string }) => {
      try {
        return await dataOrThrow(api.POST('/api/auth/login', { body }));
      } catch (error) {
        // A session opened in another tab since this page loaded: learn its token, then log in again.
        if (!(error instanceof ApiError && error.code === 'csrf-failed')) throw error;
        await queryClient.fetchQuery({ ...sessionQuery, staleTime: 0 });
        return dataOrThrow(api.POST('/api/auth/login', { body }));
      }
    },
    onSuccess: onAnswer,
    onError: (error) => {
      setProblem(loginProblem(error));
      if (error instanceof ApiError && error.code === 'invalid-credentials') {
        passwordRef.current?.focus();
        passwordRef.current?.select();
      }
    },
  });

  const errorId = `${id}-erreur`;
  const described = problem !== undefined ? errorId : undefined;
  const showDemo = meta.data !== undefined && meta.data.environment !== 'production';

  return (
    <>
      {notice && (
        <p className="notice notice--info" role="status">
          {notice}
        </p>
      )}
      <form
        className="panel form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (login.isPending) return;
          if (email.trim() === '' || password === '') {
            setProblem('Saisissez votre adresse e-mail et votre mot de passe.');
            (email.trim() === '' ? emailRef : passwordRef).current?.focus();
            return;
          }
          setProblem(undefined);
          login.mutate({ email: email.trim(), password });
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-email`}>Adresse e-mail</label>
          <input
            ref={emailRef}
            id={`${id}-email`}
            className="input"
            name="email"
            type="email"
            autoComplete="username"
            spellCheck={false}
            autoFocus
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            aria-describedby={described}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-password`}>Mot de passe</label>
          <input
            ref={passwordRef}
            id={`${id}-password`}
            className="input"
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            aria-describedby={described}
          />
        </div>
        {problem !== undefined && (
          <p className="notice notice--error" id={errorId} role="alert">
            {problem}
          </p>
        )}
        <p className="actions">
          <button ref={submitRef} type="submit" className="button button--primary" aria-disabled={login.isPending}>
            {login.isPending ? 'Connexion…' : 'Se connecter'}
          </button>
          <Link to="/connexion/mot-de-passe-oublie" state={{ email: email.trim() }}>
            Mot de passe oublié ?
          </Link>
        </p>
      </form>
      {showDemo && (
        <details className="demo-accounts">
          <summary>Comptes de démonstration</summary>
          <p>
            Cette instance n’est pas en production : un compte existe pour chaque profil, avec le mot de passe{' '}
            <code>{DEMO_PASSWORD}</code>. Choisissez un profil pour remplir le formulaire, puis validez.
          </p>
          <ul>
            {DEMO_ACCOUNTS.map((account) => (
              <li key={account.email}>
                <button
                  type="button"
                  className="link-button"
                  onClick={() => {
                    setEmail(account.email);
                    setPassword(DEMO_PASSWORD);
                    setProblem(undefined);
                    submitRef.current?.focus();
                  }}
                >
                  <span className="demo-accounts__role">{ROLE_LABELS[account.role]}</span>{' '}
                  <span className="demo-accounts__email">{account.email}</span>
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}
    </>
  );
}

/** The refusal in one French sentence; for a locked account, also the time to try again. */
function loginProblem(error: unknown): string {
  if (!(error instanceof ApiError)) {
    return 'Une erreur inattendue s’est produite : rechargez la page, puis réessayez.';
  }
  if (error.code === 'account-locked' && error.retryAfterSeconds !== undefined) {
    return `${error.detail} Nouvel essai possible à partir de ${formatTime(Date.now() + error.retryAfterSeconds * 1000)}.`;
  }
  return error.detail;
}

function VerifyStep({ session, onAnswer }: { session: Session; onAnswer: (session: Session) => void }) {
  return (
    <div className="panel">
      <h2>Code de votre application d’authentification</h2>
      <p>
        Bonjour {session.displayName}, votre compte est protégé par une double authentification : saisissez le code que
        votre application affiche pour maillage.
      </p>
      <CodeForm
        submitLabel="Valider"
        autoFocus
        hint="Le code change toutes les 30 secondes ; chacun ne sert qu’une fois."
        onVerified={onAnswer}
      />
      <CancelLogin />
    </div>
  );
}

function EnrolStep({ session, onAnswer }: { session: Session; onAnswer: (session: Session) => void }) {
  return (
    <div className="panel">
      <Enrolment submitLabel="Activer et continuer" onEnabled={onAnswer}>
        <p>
          Bonjour {session.displayName}, votre profil d’administrateur exige une double authentification : configurez
          une application d’authentification sur votre téléphone pour terminer la connexion. Chaque connexion vous
          demandera ensuite le code qu’elle affiche.
        </p>
      </Enrolment>
      <CancelLogin />
    </div>
  );
}

/** Leaves a login waiting for its second factor, to log in with another account. */
function CancelLogin() {
  const logout = useLogout();
  return (
    <>
      {logout.isError && <ErrorNotice error={logout.error} />}
      <p className="actions">
        <button type="button" className="link-button" onClick={() => logout.mutate()}>
          Annuler et se connecter avec un autre compte
        </button>
      </p>
    </>
  );
}

function AlreadySignedIn({ session, target }: { session: Session; target: string }) {
  return (
    <div className="panel">
      <p>Vous êtes connecté en tant que {session.displayName}.</p>
      <p className="actions">
        <Link to={target} className="button button--primary">
          {target === '/' ? 'Aller à l’accueil' : 'Continuer vers la page demandée'}
        </Link>
        <Link to="/compte">Mon compte</Link>
      </p>
    </div>
  );
}
