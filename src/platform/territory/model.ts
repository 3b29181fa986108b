import type { ColumnType, Generated, GeneratedAlways } from 'kysely';

/**
 * Territories: communes and the administrative levels above them (départements, regions, EPCI), and the
 * named territories (national, a region, a département, a SAS, a CPTS, a DAC…) that every other module
 * scopes rights and figures by. A named territory is a set of communes; its population is summed from
 * them when asked, never stored.
 */

/** Where a commune's coordinates come from, from the most to the least precise. */
export const COORDINATES_PRECISIONS = ['official', 'geonames', 'postal-code-neighbour', 'epci', 'departement'] as const;
export type CoordinatesPrecision = (typeof COORDINATES_PRECISIONS)[number];

export const COORDINATES_PRECISION_LABELS: Record<CoordinatesPrecision, string> = {
  official: 'fichier officiel de centroïdes importé',
  geonames: 'GeoNames (chef-lieu)',
  'postal-code-neighbour': 'communes voisines de même code postal',
  epci: 'centre de l’EPCI',
  departement: 'centre du département',
};

export const TERRITORY_KINDS = ['national', 'region', 'departement', 'sas', 'cpts', 'dac', 'other'] as const;
export type TerritoryKind = (typeof TERRITORY_KINDS)[number];

export const TERRITORY_KIND_LABELS: Record<TerritoryKind, string> = {
  national: 'National',
  region: 'Région',
  departement: 'Département',
  sas: 'SAS',
  cpts: 'CPTS',
  dac: 'DAC',
  other: 'Autre',
};

export const COMMUNE_CODE_ALIAS_KINDS = ['arrondissement-municipal', 'ancienne-commune'] as const;
export type CommuneCodeAliasKind = (typeof COMMUNE_CODE_ALIAS_KINDS)[number];

/** An INSEE commune code: two digits (or 2A / 2B for Corsica) then three digits; overseas start with 97. */
export const INSEE_CODE_PATTERN = '^([0-9]{2}|2[AB])[0-9]{3}$';
export const INSEE_CODE = new RegExp(INSEE_CODE_PATTERN);

// ── Tables ───────────────────────────────────────────────────────────────────────────────────────────

export interface RegionTable {
  code: string;
  name: string;
}

export interface DepartementTable {
  code: string;
  name: string;
  region_code: string;
}

export interface EpciTable {
  siren: string;
  name: string;
  legal_form: string;
}

export interface CommuneTable {
  insee_code: string;
  name: string;
  departement_code: string;
  region_code: string;
  epci_siren: string | null;
  postal_codes: ColumnType<string[], string[] | undefined, string[]>;
  population: number;
  latitude: number;
  longitude: number;
  coordinates_precision: CoordinatesPrecision;
  search_name: GeneratedAlways<string>;
}

export interface CommuneCodeAliasTable {
  code: string;
  insee_code: string;
  kind: CommuneCodeAliasKind;
  name: string | null;
}

export interface TerritoryTable {
  id: Generated<string>;
  kind: TerritoryKind;
  code: string;
  name: string;
  created_at: Generated<Date>;
}

export interface TerritoryCommuneTable {
  territory_id: string;
  insee_code: string;
}

export interface TerritoryTables {
  region: RegionTable;
  departement: DepartementTable;
  epci: EpciTable;
  commune: CommuneTable;
  commune_code_alias: CommuneCodeAliasTable;
  territory: TerritoryTable;
  territory_commune: TerritoryCommuneTable;
}

// ── Domain ───────────────────────────────────────────────────────────────────────────────────────────

export interface Region {
  code: string;
  name: string;
}

export interface Departement {
  code: string;
  name: string;
  regionCode: string;
}

export interface Epci {
  siren: string;
  name: string;
  legalForm: string;
}

export interface Commune {
  inseeCode: string;
  name: string;
  departementCode: string;
  regionCode: string;
  epciSiren: string | null;
  postalCodes: string[];
  population: number;
  latitude: number;
  longitude: number;
  coordinatesPrecision: CoordinatesPrecision;
}

/** A commune with the names of the levels above it, as pages show it. */
export interface CommuneDetail extends Commune {
  departementName: string;
  regionName: string;
  epciName: string | null;
}

/** A type-ahead or nearest-first result: what a list line shows. */
export interface CommuneSummary {
  inseeCode: string;
  name: string;
  departementCode: string;
  postalCodes: string[];
  population: number;
  latitude: number;
  longitude: number;
  coordinatesPrecision: CoordinatesPrecision;
}

export interface NearbyCommune extends CommuneSummary {
  distanceKm: number;
}

export interface CommuneCodeAlias {
  code: string;
  inseeCode: string;
  kind: CommuneCodeAliasKind;
  name: string | null;
}

export interface Territory {
  id: string;
  kind: TerritoryKind;
  code: string;
  name: string;
}

/** A named territory with what is summed from its communes. */
export interface TerritorySummary extends Territory {
  communeCount: number;
  population: number;
}
