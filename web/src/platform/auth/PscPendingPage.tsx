import { Link } from 'react-router';

/** Where a professional lands after a first Pro Santé Connect login: his enrolment awaits validation. */
export default function PscPendingPage() {
  return (
    <div className="page auth-page">
      <h1>Inscription en attente de validation</h1>
      <div className="panel">
        <p>
          Pro Santé Connect vous a bien identifié, mais vous n’aviez pas encore de compte sur maillage. Une demande
          d’inscription comme effecteur a été enregistrée pour le territoire de vos lieux d’exercice.
        </p>
        <p>
          Un administrateur de comptes de votre territoire doit la valider. Vous pourrez ensuite vous connecter avec Pro
          Santé Connect, sans mot de passe.
        </p>
        <p>
          <Link to="/connexion">Retour à la page de connexion</Link>
        </p>
      </div>
    </div>
  );
}
