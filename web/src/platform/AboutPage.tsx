import { useQuery } from '@tanstack/react-query';
import { metaQuery } from './queries.ts';

export default function AboutPage() {
  const meta = useQuery(metaQuery);
  return (
    <div className="page prose">
      <h1>À propos</h1>
      <p>
        maillage{meta.data ? ` ${meta.data.version}` : ''} est un logiciel libre d’accès aux soins (SAS) et de
        coordination des parcours, que chaque territoire peut exploiter lui-même.
      </p>

      <h2>Licence</h2>
      <p>
        maillage est publié sous la licence GNU Affero General Public License, version 3 ou ultérieure
        (AGPL-3.0-or-later) : vous pouvez l’utiliser, l’étudier, le modifier et le redistribuer. Qui propose une version
        modifiée comme service en ligne doit en publier le code source.
      </p>

      <h2>Données</h2>
      <ul>
        <li>
          Coordonnées des communes : <a href="https://www.geonames.org/">GeoNames</a>, CC BY 4.0.
        </li>
      </ul>

      <h2>API</h2>
      <p>
        Les logiciels qui échangent avec maillage trouvent la documentation de son API sur{' '}
        <a href="/api/docs">/api/docs</a> et sa description OpenAPI sur{' '}
        <a href="/api/openapi.json">/api/openapi.json</a>.
      </p>
    </div>
  );
}
