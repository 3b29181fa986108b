import { Type } from '@fastify/type-provider-typebox';
import type { ModuleRoutes } from '../../modules.ts';
import {
  COORDINATES_PRECISIONS,
  INSEE_CODE_PATTERN,
  TERRITORY_KINDS,
  type CoordinatesPrecision,
  type TerritoryKind,
} from './model.ts';
import {
  getCommuneWithTerritoriesFor,
  getTerritoryFor,
  listTerritoriesFor,
  searchCommunesFor,
  SEARCH_LIMIT_DEFAULT,
  SEARCH_LIMIT_MAX,
} from './service.ts';

export const TERRITORY_TAG = {
  name: 'territoires',
  description: 'Communes, départements, régions, EPCI et territoires nommés (SAS, CPTS, DAC…)',
};

const InseeCode = Type.String({
  pattern: INSEE_CODE_PATTERN,
  description: 'Code INSEE de la commune (5 caractères : 41018, 2A004…), différent du code postal',
  examples: ['41018'],
});

const Precision = Type.Unsafe<CoordinatesPrecision>({
  type: 'string',
  enum: [...COORDINATES_PRECISIONS],
  description:
    'Origine des coordonnées : official (fichier officiel importé), geonames (chef-lieu GeoNames), ' +
    'postal-code-neighbour (centre des communes de même code postal), epci ou departement (centre de l’EPCI ou du département)',
});

const Kind = Type.Unsafe<TerritoryKind>({
  type: 'string',
  enum: [...TERRITORY_KINDS],
  description: 'Nature du territoire : national, region, departement, sas, cpts, dac, other',
});

const CommuneSummary = Type.Object({
  inseeCode: InseeCode,
  name: Type.String({ description: 'Nom officiel (COG de l’INSEE)' }),
  departementCode: Type.String({ description: 'Code du département (41, 2A, 974…)' }),
  postalCodes: Type.Array(Type.String(), { description: 'Codes postaux desservant la commune' }),
  population: Type.Integer({ description: 'Population municipale (INSEE)' }),
  latitude: Type.Number({ description: 'Latitude WGS 84, en degrés' }),
  longitude: Type.Number({ description: 'Longitude WGS 84, en degrés' }),
  coordinatesPrecision: Precision,
});

const TerritorySummary = Type.Object({
  id: Type.String({ format: 'uuid', description: 'Identifiant du territoire' }),
  kind: Kind,
  code: Type.String({ description: 'Code, unique pour une nature donnée (41 pour le département de Loir-et-Cher)' }),
  name: Type.String({ description: 'Nom affiché' }),
  communeCount: Type.Integer({ description: 'Nombre de communes du territoire' }),
  population: Type.Integer({ description: 'Somme des populations municipales de ses communes' }),
});

const CommuneDetail = Type.Object({
  ...CommuneSummary.properties,
  regionCode: Type.String({ description: 'Code de la région' }),
  epciSiren: Type.Union([Type.String(), Type.Null()], {
    description: 'SIREN de l’EPCI à fiscalité propre, s’il y en a un',
  }),
  departementName: Type.String(),
  regionName: Type.String(),
  epciName: Type.Union([Type.String(), Type.Null()]),
  territories: Type.Array(TerritorySummary, { description: 'Territoires nommés qui comprennent la commune' }),
});

/** Reference data, readable by every logged-in profile ('territory.read'). */
export const territoryRoutes: ModuleRoutes = async (app, { deps }) => {
  const { db } = deps;

  app.get(
    '/communes',
    {
      schema: {
        tags: ['territoires'],
        summary: 'Recherche de communes (saisie assistée)',
        description:
          'Par nom (sans tenir compte des accents ni de la casse, en tolérant les fautes de frappe : le nom exact, ' +
          'puis les noms qui commencent par le texte, puis les ressemblants, les plus peuplées d’abord à égalité), ' +
          'ou par début de code postal ou de code INSEE.',
        querystring: Type.Object(
          {
            q: Type.String({
              minLength: 1,
              maxLength: 100,
              description: 'Début du nom, du code postal ou du code INSEE',
            }),
            limit: Type.Integer({
              minimum: 1,
              maximum: SEARCH_LIMIT_MAX,
              default: SEARCH_LIMIT_DEFAULT,
              description: 'Nombre maximal de résultats',
            }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(CommuneSummary) },
      },
    },
    async (request) => searchCommunesFor(db, request.actor, request.query),
  );

  app.get(
    '/communes/:insee',
    {
      schema: {
        tags: ['territoires'],
        summary: 'Une commune, avec les territoires nommés qui la comprennent',
        description:
          'Le code d’un arrondissement municipal (75111) ou d’une ancienne commune donne la commune actuelle ' +
          'à laquelle il appartient.',
        params: Type.Object({ insee: InseeCode }),
        response: { 200: CommuneDetail },
      },
    },
    async (request) => {
      return getCommuneWithTerritoriesFor(db, request.actor, request.params.insee);
    },
  );

  app.get(
    '/',
    {
      schema: {
        tags: ['territoires'],
        summary: 'Territoires nommés, avec leur population et leur nombre de communes',
        querystring: Type.Object({ kind: Type.Optional(Kind) }, { additionalProperties: false }),
        response: { 200: Type.Array(TerritorySummary) },
      },
    },
    async (request) => listTerritoriesFor(db, request.actor, request.query),
  );

  app.get(
    '/:id',
    {
      schema: {
        tags: ['territoires'],
        summary: 'Un territoire nommé et ses communes',
        description: 'Les communes sont triées par nom et paginées (limit, offset).',
        params: Type.Object({ id: Type.String({ format: 'uuid', description: 'Identifiant du territoire' }) }),
        querystring: Type.Object(
          {
            limit: Type.Integer({ minimum: 1, maximum: 5000, default: 1000, description: 'Communes par page' }),
            offset: Type.Integer({ minimum: 0, default: 0, description: 'Communes à sauter' }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            ...TerritorySummary.properties,
            communes: Type.Array(CommuneSummary, { description: 'Une page des communes du territoire, par nom' }),
          }),
        },
      },
    },
    async (request) => getTerritoryFor(db, request.actor, request.params.id, request.query),
  );
};
