import { useMutation } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { api, ApiError, dataOrThrow } from '../../api/client.ts';
import { ErrorNotice } from '../../shell/ErrorNotice.tsx';
import { focusOnMount } from './helpers.ts';

const MIN_LENGTH = 12;

/**
 * `/connexion/nouveau-mot-de-passe#jeton=…`: the page of the e-mailed reset link. The token rides in the
 * fragment, which browsers never send to a server; the page reads it once, then removes it from the address
 * bar (and so from the history) before anything else happens.
 */
export default function NewPasswordPage() {
  const location = useLocation();
  const navigate = useNavigate();
  const [token] = useState(() => readToken(window.location.hash));
  useEffect(() => {
    if (location.hash !== '')
      void navigate({ pathname: location.pathname, search: location.search }, { replace: true });
  }, [location.hash, location.pathname, location.search, navigate]);

  return (
    <div className="page auth-page">
      <h1>Nouveau mot de passe</h1>
      {token === null ? (
        <div className="panel">
          <p className="notice notice--error" role="alert">
            Ce lien est incomplet : ouvrez en entier le lien reçu par courriel, ou demandez-en un nouveau.
          </p>
          <p className="actions">
            <Link to="/connexion/mot-de-passe-oublie">Demander un nouveau lien</Link>
            <Link to="/connexion">Retour à la connexion</Link>
          </p>
        </div>
      ) : (
        <NewPasswordForm token={token} />
      )}
    </div>
  );
}

function readToken(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('jeton');
  return token !== null && token.trim() !== '' ? token.trim() : null;
}

function NewPasswordForm({ token }: { token: string }) {
  const id = useId();
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [shown, setShown] = useState(false);
  const [passwordProblem, setPasswordProblem] = useState<string>();
  const [confirmationProblem, setConfirmationProblem] = useState<string>();
  const passwordRef = useRef<HTMLInputElement>(null);
  const confirmationRef = useRef<HTMLInputElement>(null);
  const complete = useMutation({
    mutationFn: (newPassword: string) =>
      dataOrThrow(api.POST('/api/auth/password-reset/complete', { body: { token, password: newPassword } })),
    onError: (error) => {
      // The password policy's refusal goes under the field; anything else (a used link) above the button.
      if (error instanceof ApiError && error.code === 'validation-failed') {
        setPasswordProblem(error.fields.find((f) => f.field.endsWith('password'))?.message ?? error.detail);
        passwordRef.current?.focus();
      }
    },
  });

  if (complete.isSuccess) {
    return (
      <div className="panel">
        <p className="notice notice--ok focus-target" role="status" tabIndex={-1} ref={focusOnMount}>
          Votre mot de passe est changé. Par sécurité, les sessions ouvertes de votre compte ont été fermées.
        </p>
        <p className="actions">
          <Link to="/connexion" className="button button--primary">
            Se connecter
          </Link>
        </p>
      </div>
    );
  }

  const policyId = `${id}-regles`;
  const passwordErrorId = `${id}-erreur-mdp`;
  const confirmationErrorId = `${id}-erreur-confirmation`;
  const linkRefused =
    complete.isError && !(complete.error instanceof ApiError && complete.error.code === 'validation-failed');

  return (
    <form
      className="panel form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (complete.isPending) return;
        const tooShort = password.length < MIN_LENGTH;
        const different = password !== confirmation;
        setPasswordProblem(
          tooShort
            ? `Le mot de passe doit compter au moins ${MIN_LENGTH} caractères (une phrase de passe est idéale).`
            : undefined,
        );
        setConfirmationProblem(
          !tooShort && different ? 'Les deux saisies diffèrent : retapez le même mot de passe.' : undefined,
        );
        if (tooShort) return passwordRef.current?.focus();
        if (different) return confirmationRef.current?.focus();
        complete.mutate(password);
      }}
    >
      <p id={policyId}>
        Choisissez un mot de passe d’<strong>au moins {MIN_LENGTH} caractères</strong>. Une phrase de plusieurs mots,
        facile à retenir pour vous et difficile à deviner, est idéale. Il ne doit pas figurer parmi les mots de passe
        courants, ni contenir votre nom ou votre adresse e-mail.
      </p>
      <div className="field">
        <label htmlFor={`${id}-mdp`}>Nouveau mot de passe</label>
        <input
          ref={passwordRef}
          id={`${id}-mdp`}
          className="input"
          name="new-password"
          type={shown ? 'text' : 'password'}
          autoComplete="new-password"
          spellCheck={false}
          autoFocus
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          aria-invalid={passwordProblem !== undefined}
          aria-describedby={passwordProblem !== undefined ? `${passwordErrorId} ${policyId}` : policyId}
        />
        {passwordProblem !== undefined && (
          <p className="field__error" id={passwordErrorId} role="alert">
            {passwordProblem}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor={`${id}-confirmation`}>Confirmez le nouveau mot de passe</label>
        <input
          ref={confirmationRef}
          id={`${id}-confirmation`}
          className="input"
          name="confirmation"
          type={shown ? 'text' : 'password'}
          autoComplete="new-password"
          spellCheck={false}
          value={confirmation}
          onChange={(event) => setConfirmation(event.target.value)}
          aria-invalid={confirmationProblem !== undefined}
          aria-describedby={confirmationProblem !== undefined ? confirmationErrorId : undefined}
        />
        {confirmationProblem !== undefined && (
          <p className="field__error" id={confirmationErrorId} role="alert">
            {confirmationProblem}
          </p>
        )}
      </div>
      <div className="checkbox">
        <input
          id={`${id}-afficher`}
          type="checkbox"
          checked={shown}
          onChange={(event) => setShown(event.target.checked)}
        />
        <label htmlFor={`${id}-afficher`}>Afficher les mots de passe</label>
      </div>
      {linkRefused && (
        <ErrorNotice
          error={complete.error}
          action={
            <p>
              <Link to="/connexion/mot-de-passe-oublie">Demander un nouveau lien</Link>
            </p>
          }
        />
      )}
      <p className="actions">
        <button type="submit" className="button button--primary" aria-disabled={complete.isPending}>
          {complete.isPending ? 'Enregistrement…' : 'Enregistrer le mot de passe'}
        </button>
      </p>
    </form>
  );
}
