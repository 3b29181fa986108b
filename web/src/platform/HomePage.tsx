import { Link } from 'react-router';
import { useCurrentUser } from '../shell/current-user.ts';
import { ServiceStatus } from './ServiceStatus.tsx';

export default function HomePage() {
  const { data: user } = useCurrentUser();
  return (
    <div className="page home">
      <div className="prose">
        <h1>Accès aux soins et coordination des parcours</h1>
        <p>
          maillage est la plateforme ouverte d’un territoire pour organiser l’accès aux soins et coordonner les
          parcours. Une agence régionale de santé, un GCS e-santé, une CPTS ou un DAC peut l’exploiter elle-même.
        </p>
        <ul>
          <li>
            <strong>Service d’accès aux soins (SAS)</strong> : l’offre de soins du territoire, les créneaux disponibles
            des professionnels et le travail des régulateurs, de l’appel au rendez-vous de soins non programmés (SNP).
          </li>
          <li>
            <strong>Coordination des parcours (e-parcours)</strong> : les dossiers des personnes aux parcours complexes,
            leur cercle de soins, leur plan personnalisé de coordination en santé (PPCS).
          </li>
          <li>
            <strong>Pilotage</strong> : les indicateurs d’usage et les règles de financement, en tableaux de bord et en
            exports.
          </li>
        </ul>
        {user ? (
          <p>Bonjour {user.displayName} : les outils de votre profil sont dans la navigation, en haut de la page.</p>
        ) : (
          user === null && (
            <p>
              <Link to="/connexion">Connectez-vous</Link> pour accéder aux outils de votre profil.
            </p>
          )
        )}
      </div>
      <ServiceStatus />
    </div>
  );
}
