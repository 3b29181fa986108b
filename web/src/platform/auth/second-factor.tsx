import { useMutation } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { api, ApiError, dataOrThrow } from '../../api/client.ts';
import type { Session } from '../../shell/current-user.ts';
import { ErrorNotice } from '../../shell/ErrorNotice.tsx';
import { groupByFour } from './helpers.ts';

const APPS = 'FreeOTP, Google Authenticator, Microsoft Authenticator ou une autre application TOTP';

/**
 * The 6-digit code of an authenticator app (POST /api/auth/second-factor/verify): the login's second step,
 * or the confirmation of a new enrolment. Focus stays in the field after a refusal, emptied for the next code.
 */
export function CodeForm({
  submitLabel,
  hint,
  autoFocus = false,
  onVerified,
}: {
  submitLabel: string;
  hint: ReactNode;
  autoFocus?: boolean;
  onVerified: (session: Session) => void;
}) {
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string>();
  const verify = useMutation({
    mutationFn: (value: string) => dataOrThrow(api.POST('/api/auth/second-factor/verify', { body: { code: value } })),
    onSuccess: onVerified,
    onError: (error) => {
      setProblem(error instanceof ApiError ? error.detail : undefined);
      setCode('');
      inputRef.current?.focus();
    },
  });
  const errorId = `${id}-erreur`;
  const hintId = `${id}-aide`;

  return (
    <form
      className="form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (verify.isPending) return;
        const value = code.replace(/\s/g, '');
        if (!/^\d{6}$/.test(value)) {
          setProblem('Saisissez les 6 chiffres affichés par votre application.');
          inputRef.current?.focus();
          return;
        }
        setProblem(undefined);
        verify.mutate(value);
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-code`}>Code à 6 chiffres</label>
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
        <input
          ref={inputRef}
          id={`${id}-code`}
          className="input input--code"
          name="code"
          type="text"
          inputMode="numeric"
          autoComplete="one-time-code"
          spellCheck={false}
          size={8}
          maxLength={8}
          autoFocus={autoFocus}
          value={code}
          onChange={(event) => setCode(event.target.value)}
          aria-invalid={problem !== undefined}
          aria-describedby={problem !== undefined ? `${errorId} ${hintId}` : hintId}
        />
      </div>
      {problem !== undefined ? (
        <p className="notice notice--error" id={errorId} role="alert">
          {problem}
        </p>
      ) : (
        verify.isError && <ErrorNotice error={verify.error} />
      )}
      <p className="actions">
        <button type="submit" className="button button--primary" aria-disabled={verify.isPending}>
          {verify.isPending ? 'Vérification…' : submitLabel}
        </button>
      </p>
    </form>
  );
}

/**
 * Setting up an authenticator app: a new secret (POST /api/auth/second-factor/setup) shown as a QR code and
 * as text for manual entry, then the first code to confirm it. Used by the login (administrators who must)
 * and by "Mon compte" (anyone who wishes).
 */
export function Enrolment({
  submitLabel,
  headingLevel: Heading = 'h2',
  onEnabled,
  children,
}: {
  submitLabel: string;
  headingLevel?: 'h2' | 'h3';
  onEnabled: (session: Session) => void;
  children?: ReactNode;
}) {
  const id = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const setup = useMutation({ mutationFn: () => dataOrThrow(api.POST('/api/auth/second-factor/setup')) });
  const started = useRef(false);
  const start = setup.mutate;
  useEffect(() => {
    // Once per enrolment: each setup draws a new secret, and only the last one drawn can be confirmed.
    if (started.current) return;
    started.current = true;
    start();
    headingRef.current?.focus();
  }, [start]);

  return (
    <section className="enrolment" aria-labelledby={`${id}-titre`}>
      <Heading id={`${id}-titre`} ref={headingRef} tabIndex={-1}>
        Configurer une application d’authentification
      </Heading>
      {children}
      {setup.isError ? (
        <ErrorNotice
          error={setup.error}
          action={
            <p className="actions">
              <button type="button" className="button" onClick={() => setup.mutate()}>
                Réessayer
              </button>
            </p>
          }
        />
      ) : (
        <ol className="steps">
          <li>
            Sur votre téléphone, ouvrez votre application d’authentification ({APPS}) ; installez-en une si besoin.
          </li>
          <li>
            Ajoutez-y maillage en scannant ce QR code :
            {setup.data ? (
              <>
                <img
                  className="qr-code"
                  src={svgDataUrl(setup.data.qrCodeSvg)}
                  width={192}
                  height={192}
                  alt="QR code de configuration de maillage dans votre application d’authentification"
                />
                <span className="enrolment__manual">
                  Ou, si vous ne pouvez pas scanner, saisissez cette clé à la main (type « basé sur le temps ») :
                </span>
                <dl className="enrolment__secret">
                  <dt>Clé de configuration</dt>
                  <dd>
                    <code className="secret">{groupByFour(setup.data.secret)}</code>
                  </dd>
                  <dt>Nom du compte dans l’application</dt>
                  <dd>maillage</dd>
                </dl>
              </>
            ) : (
              <span className="enrolment__pending"> préparation du QR code…</span>
            )}
          </li>
          <li>
            Saisissez le code à 6 chiffres que l’application affiche alors pour maillage.
            {setup.data && (
              <CodeForm
                submitLabel={submitLabel}
                hint="Il change toutes les 30 secondes : saisissez celui affiché maintenant."
                onVerified={onEnabled}
              />
            )}
          </li>
        </ol>
      )}
    </section>
  );
}

/** An SVG document as a data: URL, shown with <img> (the CSP allows `img-src data:`; nothing of it runs). */
export function svgDataUrl(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}
