import { useMutation, useQuery } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { api, dataOrThrow } from '../../api/client.ts';
import { ErrorNotice } from '../../shell/ErrorNotice.tsx';
import { metaQuery } from '../queries.ts';
import { focusOnMount } from './helpers.ts';

/**
 * `/connexion/mot-de-passe-oublie`: asks for a reset link by e-mail. The server answers the same whether
 * the address has an account or not; the page shows its answer as it is.
 */
export default function ForgotPasswordPage() {
  const id = useId();
  const { state } = useLocation() as { state: { email?: string } | null };
  const meta = useQuery(metaQuery);
  const [email, setEmail] = useState(state?.email ?? '');
  const [problem, setProblem] = useState<string>();
  const emailRef = useRef<HTMLInputElement>(null);
  const request = useMutation({
    mutationFn: (address: string) => dataOrThrow(api.POST('/api/auth/password-reset', { body: { email: address } })),
  });
  const errorId = `${id}-erreur`;

  return (
    <div className="page auth-page">
      <h1>Mot de passe oublié</h1>
      {request.isSuccess ? (
        <div className="panel">
          <p className="notice notice--ok focus-target" role="status" tabIndex={-1} ref={focusOnMount}>
            {request.data.message}
          </p>
          <p>
            Ouvrez le lien reçu pour choisir un nouveau mot de passe. Rien reçu après quelques minutes ? Regardez dans
            les courriels indésirables, vérifiez l’adresse, puis recommencez.
          </p>
          {meta.data && meta.data.environment !== 'production' && (
            <p>
              Cette instance n’est pas en production : le courriel se lit aussi dans{' '}
              <Link to="/dev/courriels">Courriels envoyés (développement)</Link>.
            </p>
          )}
          <p className="actions">
            <Link to="/connexion">Retour à la connexion</Link>
            <button type="button" className="link-button" onClick={() => request.reset()}>
              Faire une autre demande
            </button>
          </p>
        </div>
      ) : (
        <form
          className="panel form"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            if (request.isPending) return;
            if (!email.trim().includes('@')) {
              setProblem('Saisissez l’adresse e-mail de votre compte, par exemple prenom.nom@exemple.fr.');
              emailRef.current?.focus();
              return;
            }
            setProblem(undefined);
            request.mutate(email.trim());
          }}
        >
          <p>
            Saisissez l’adresse e-mail de votre compte : s’il existe, un lien pour choisir un nouveau mot de passe y
            sera envoyé. Le lien ne sert qu’une fois.
          </p>
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
              aria-invalid={problem !== undefined}
              aria-describedby={problem !== undefined ? errorId : undefined}
            />
          </div>
          {problem !== undefined && (
            <p className="notice notice--error" id={errorId} role="alert">
              {problem}
            </p>
          )}
          {request.isError && <ErrorNotice error={request.error} />}
          <p className="actions">
            <button type="submit" className="button button--primary" aria-disabled={request.isPending}>
              {request.isPending ? 'Envoi…' : 'Recevoir un lien'}
            </button>
            <Link to="/connexion">Retour à la connexion</Link>
          </p>
        </form>
      )}
    </div>
  );
}
