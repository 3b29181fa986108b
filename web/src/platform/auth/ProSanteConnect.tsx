import { useQuery } from '@tanstack/react-query';
import { api, dataOrThrow } from '../../api/client.ts';

/** Why a Pro Santé Connect login came back refused (`/connexion?psc=…`), in one sentence each. */
const PSC_REFUSALS: Record<string, string> = {
  'niveau-refuse': 'Pro Santé Connect a authentifié avec un niveau de sécurité que maillage n’accepte pas.',
  'compte-desactive': 'Votre compte est désactivé : contactez l’administrateur de comptes de votre territoire.',
  annule: 'La connexion Pro Santé Connect a été annulée.',
  indisponible: 'Pro Santé Connect ne répond pas : réessayez dans quelques minutes.',
  echec: 'La connexion Pro Santé Connect n’a pas abouti : recommencez depuis la page de connexion.',
};

export function pscRefusal(code: string | null): string | undefined {
  return code === null ? undefined : (PSC_REFUSALS[code] ?? PSC_REFUSALS.echec);
}

/**
 * The Pro Santé Connect button (CPS card or e-CPS app), shown only when the instance is configured for it.
 * A plain link: the server starts the OpenID Connect flow and comes back to `target`.
 */
export function ProSanteConnectButton({ target }: { target: string }) {
  const status = useQuery({
    queryKey: ['psc-status'],
    queryFn: () => dataOrThrow(api.GET('/api/auth/psc/status')),
    staleTime: 5 * 60_000,
  });
  if (!status.data?.enabled) return null;
  return (
    <div className="panel psc">
      <a className="button button--psc" href={`/api/auth/psc/start?retour=${encodeURIComponent(target)}`}>
        Se connecter avec Pro Santé Connect
      </a>
      <p className="hint">Carte CPS ou application e-CPS : pour les professionnels de santé.</p>
    </div>
  );
}
