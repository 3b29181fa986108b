/**
 * The care-offer directory: professionals, structures, places, roles (a professional at a place for a structure),
 * SAS participation, and the regulators' notes on a place. Types, code lists, input schemas and the tables
 * (migration 0005_directory_model).
 *
 * Registries (the Annuaire Santé extraction, FINESS) feed professionals, structures, places and roles; SAS
 * participation and regulator notes are edited in the platform only, in tables of their own, so a re-import never
 * touches them.
 */
import type { ColumnType, Generated } from 'kysely';
import { Type, type Static } from 'typebox';

// ---------------------------------------------------------------------------------------------------------------
// Code lists

export const STRUCTURE_KINDS = [
  'practice',
  'msp',
  'cds',
  'cpts',
  'hospital',
  'laboratory',
  'pharmacy',
  'ehpad',
  'sos-medecins',
  'sos-fixed-point',
  'mmg',
  'other',
] as const;
export type StructureKind = (typeof STRUCTURE_KINDS)[number];

export const STRUCTURE_KIND_LABELS: Record<StructureKind, string> = {
  practice: 'Cabinet',
  msp: 'Maison de santé pluriprofessionnelle (MSP)',
  cds: 'Centre de santé (CDS)',
  cpts: 'Communauté professionnelle territoriale de santé (CPTS)',
  hospital: 'Établissement de santé',
  laboratory: 'Laboratoire de biologie médicale',
  pharmacy: 'Pharmacie',
  ehpad: 'EHPAD',
  'sos-medecins': 'Association SOS Médecins',
  'sos-fixed-point': 'Point fixe de garde SOS Médecins',
  mmg: 'Maison médicale de garde (MMG)',
  other: 'Autre structure',
};

/** Consultation modalities; the SAS IG codes them AMB, HH, VR (v3-ActCode) on slots. */
export const MODALITIES = ['office', 'home-visit', 'teleconsultation'] as const;
export type Modality = (typeof MODALITIES)[number];

export const MODALITY_LABELS: Record<Modality, string> = {
  office: 'Au cabinet',
  'home-visit': 'Visite à domicile',
  teleconsultation: 'Téléconsultation',
};

/** Fee sector of a role, as the brief of the SAS directory lists them (« non conventionné » kept apart). */
export const FEE_SECTORS = ['1', '2', '3', 'non-conventionne'] as const;
export type FeeSector = (typeof FEE_SECTORS)[number];

export const FEE_SECTOR_LABELS: Record<FeeSector, string> = {
  '1': 'Secteur 1',
  '2': 'Secteur 2',
  '3': 'Secteur 3',
  'non-conventionne': 'Non conventionné',
};

/** Mode of practice of a role (Annuaire Santé « Code mode exercice »: L, S, B). */
export const PRACTICE_MODES = ['liberal', 'salaried', 'volunteer'] as const;
export type PracticeMode = (typeof PRACTICE_MODES)[number];

/** Through which organisation a professional takes part in the SAS. */
export const SAS_ORGANISATION_KINDS = ['individual', 'cpts', 'msp', 'sos'] as const;
export type SasOrganisationKind = (typeof SAS_ORGANISATION_KINDS)[number];

export const SAS_ORGANISATION_KIND_LABELS: Record<SasOrganisationKind, string> = {
  individual: 'À titre individuel',
  cpts: 'Par une CPTS',
  msp: 'Par une MSP',
  sos: 'Par SOS Médecins',
};

/** How precise a place's coordinates are: a geocoded address down to the commune's own point. */
export const COORDINATES_PRECISIONS = ['address', 'street', 'locality', 'commune', 'manual'] as const;
export type CoordinatesPrecision = (typeof COORDINATES_PRECISIONS)[number];

/**
 * Where a record comes from. Registry imports upsert and retire their own records; platform records are never
 * retired by an import.
 */
export const RECORD_SOURCES = ['annuaire-sante', 'finess', 'platform', 'demo', 'generator'] as const;
export type RecordSource = (typeof RECORD_SOURCES)[number];

/** Profession codes (TRE_G15 ProfessionSante) the platform names in code; any other TRE_G15 code is stored as is. */
export const PROFESSIONS = {
  medecin: { code: '10', label: 'Médecin' },
  pharmacien: { code: '21', label: 'Pharmacien' },
  chirurgienDentiste: { code: '40', label: 'Chirurgien-Dentiste' },
  sageFemme: { code: '50', label: 'Sage-Femme' },
  infirmier: { code: '60', label: 'Infirmier' },
  masseurKinesitherapeute: { code: '70', label: 'Masseur-Kinésithérapeute' },
} as const;

/** Specialties (TRE_R38 SpecialiteOrdinale) the platform names in code. */
export const SPECIALTIES = {
  medecineGenerale: { code: 'SM54', label: 'Médecine générale' },
  cardiologie: { code: 'SM04', label: 'Cardiologie et maladies vasculaires' },
  gynecologieMedicale: { code: 'SM19', label: 'Gynécologie médicale' },
  ophtalmologie: { code: 'SM38', label: 'Ophtalmologie' },
  pediatrie: { code: 'SM40', label: 'Pédiatrie' },
  psychiatrie: { code: 'SM42', label: 'Psychiatrie' },
} as const;

export const PROFESSION_CODE_SYSTEM =
  'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante';
export const SPECIALTY_CODE_SYSTEM =
  'https://mos.esante.gouv.fr/NOS/TRE_R38-SpecialiteOrdinale/FHIR/TRE-R38-SpecialiteOrdinale';

// ---------------------------------------------------------------------------------------------------------------
// Input schemas (service inputs; the routes of the next slices validate requests with them)

const Text = (maxLength: number) => Type.String({ maxLength });
const OptionalText = (maxLength: number) => Type.Optional(Type.Union([Type.String({ maxLength }), Type.Null()]));
export const ProfessionalInput = Type.Object({
  /** idNat_PS, with or without prefix; derived from the RPPS, then the ADELI, when absent. */
  nationalId: OptionalText(60),
  rpps: OptionalText(11),
  adeli: OptionalText(9),
  /** TRE_R81 civilité: M, MME. */
  civility: OptionalText(10),
  /** Civilité d'exercice (TRE_R11): DR, PR. */
  title: OptionalText(10),
  familyName: Text(200),
  givenNames: Type.Optional(Text(200)),
  professionCode: Text(10),
  professionLabel: Text(200),
  /** TRE_R09 catégorie professionnelle: C civil, M militaire, E étudiant. */
  categoryCode: OptionalText(10),
  categoryLabel: OptionalText(200),
  specialtyCode: OptionalText(10),
  specialtyLabel: OptionalText(200),
  /** False retires the professional (kept, marked inactive); an upsert without it makes him active. */
  active: Type.Optional(Type.Boolean()),
});
export type ProfessionalInput = Static<typeof ProfessionalInput>;

export const StructureInput = Type.Object({
  kind: Type.Enum(STRUCTURE_KINDS),
  name: Text(300),
  finessSite: OptionalText(9),
  finessLegal: OptionalText(9),
  siret: OptionalText(14),
  /** Annuaire Santé « Identifiant technique de la structure », or a platform key for structures without one. */
  technicalId: OptionalText(60),
  /** idNat_Struct, when the source gives one that FINESS or SIRET cannot rebuild (4 + RPPS + rang…). */
  nationalId: OptionalText(60),
  parentId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
  active: Type.Optional(Type.Boolean()),
});
export type StructureInput = Static<typeof StructureInput>;

export const PlaceInput = Type.Object({
  /** The natural key the place is upserted by: `finess:<FINESS>`, `annuaire-sante:<technical id>`, … */
  placeKey: Text(200),
  structureId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
  name: OptionalText(300),
  addressLines: Type.Optional(Type.Array(Text(200), { maxItems: 5 })),
  postalCode: OptionalText(5),
  communeInsee: OptionalText(5),
  city: OptionalText(200),
  latitude: Type.Optional(Type.Union([Type.Number({ minimum: -90, maximum: 90 }), Type.Null()])),
  longitude: Type.Optional(Type.Union([Type.Number({ minimum: -180, maximum: 180 }), Type.Null()])),
  coordinatesPrecision: Type.Optional(Type.Union([Type.Enum(COORDINATES_PRECISIONS), Type.Null()])),
  /** The public phone of the place (the regulators' own line is in the regulator notes). */
  phone: OptionalText(30),
  active: Type.Optional(Type.Boolean()),
});
export type PlaceInput = Static<typeof PlaceInput>;

export const RoleInput = Type.Object({
  professionalId: Type.String({ format: 'uuid' }),
  structureId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
  placeId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
  practiceMode: Type.Optional(Type.Union([Type.Enum(PRACTICE_MODES), Type.Null()])),
  phone: OptionalText(30),
  email: OptionalText(320),
  modalities: Type.Optional(Type.Array(Type.Enum(MODALITIES), { uniqueItems: true })),
  feeSector: Type.Optional(Type.Union([Type.Enum(FEE_SECTORS), Type.Null()])),
  active: Type.Optional(Type.Boolean()),
});
export type RoleInput = Static<typeof RoleInput>;

export const SasParticipationInput = Type.Object({
  professionalId: Type.String({ format: 'uuid' }),
  enrolled: Type.Boolean(),
  organisationKind: Type.Optional(Type.Union([Type.Enum(SAS_ORGANISATION_KINDS), Type.Null()])),
  /** The CPTS, MSP or SOS Médecins association the professional takes part through. */
  organisationStructureId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
  /** Accepts patients beyond his published slots (surnuméraire). */
  acceptsExtraPatients: Type.Optional(Type.Boolean()),
  /** YYYY-MM-DD. */
  enrolledSince: Type.Optional(Type.Union([Type.String({ format: 'date' }), Type.Null()])),
});
export type SasParticipationInput = Static<typeof SasParticipationInput>;

export const RegulatorNotesInput = Type.Object({
  /** Free notes for regulators. */
  notes: OptionalText(4000),
  /** What the place does not take (ages, reasons for consulting…). */
  restrictions: OptionalText(2000),
  /** Whether new patients are taken; null when unknown. */
  acceptsNewPatients: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  patientsNote: OptionalText(2000),
  /** ISO 639-1 codes of the languages spoken besides French. */
  languages: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z]{2,3}$' }), { maxItems: 20, uniqueItems: true })),
  accessibility: OptionalText(2000),
  homeVisitArea: OptionalText(2000),
  /** A line for regulators only, distinct from the public phone. */
  regulatorPhone: OptionalText(30),
});
export type RegulatorNotesInput = Static<typeof RegulatorNotesInput>;

// ---------------------------------------------------------------------------------------------------------------
// Records as the store returns them

interface Lifecycle {
  active: boolean;
  /** When the record was marked inactive; records are never deleted. */
  retiredAt: Date | null;
  source: RecordSource;
  createdAt: Date;
  updatedAt: Date;
}

/** What a professional is, as the directory stores it and imports write it. */
export interface ProfessionalFields {
  nationalId: string;
  rpps: string | null;
  adeli: string | null;
  civility: string | null;
  title: string | null;
  familyName: string;
  givenNames: string;
  professionCode: string;
  professionLabel: string;
  categoryCode: string | null;
  categoryLabel: string | null;
  specialtyCode: string | null;
  specialtyLabel: string | null;
}

export interface Professional extends Lifecycle, ProfessionalFields {
  id: string;
}

export interface Structure extends Lifecycle {
  id: string;
  kind: StructureKind;
  name: string;
  nationalId: string | null;
  finessSite: string | null;
  finessLegal: string | null;
  siret: string | null;
  technicalId: string | null;
  parentId: string | null;
}

export interface Place extends Lifecycle {
  id: string;
  placeKey: string;
  structureId: string | null;
  name: string | null;
  addressLines: string[];
  postalCode: string | null;
  communeInsee: string | null;
  city: string | null;
  latitude: number | null;
  longitude: number | null;
  coordinatesPrecision: CoordinatesPrecision | null;
  phone: string | null;
}

export interface Role extends Lifecycle {
  id: string;
  professionalId: string;
  structureId: string | null;
  placeId: string | null;
  practiceMode: PracticeMode | null;
  phone: string | null;
  email: string | null;
  modalities: Modality[];
  feeSector: FeeSector | null;
}

export interface SasParticipation {
  professionalId: string;
  enrolled: boolean;
  organisationKind: SasOrganisationKind | null;
  organisationStructureId: string | null;
  acceptsExtraPatients: boolean;
  enrolledSince: string | null;
  updatedAt: Date;
  updatedBy: string;
}

export interface RegulatorNotes {
  placeId: string;
  notes: string | null;
  restrictions: string | null;
  acceptsNewPatients: boolean | null;
  patientsNote: string | null;
  languages: string[];
  accessibility: string | null;
  homeVisitArea: string | null;
  regulatorPhone: string | null;
  updatedAt: Date;
  updatedBy: string;
}

/** A professional with everything the directory knows of him, for his page and the regulator. */
export interface ProfessionalDetail {
  professional: Professional;
  sasParticipation: SasParticipation | null;
  roles: {
    role: Role;
    place: Place | null;
    structure: Structure | null;
    regulatorNotes: RegulatorNotes | null;
  }[];
}

/** What an upsert did: imports count these in their report. */
export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

export interface UpsertResult {
  id: string;
  outcome: UpsertOutcome;
}

/** Professionals per profession and specialty over a set of communes (ESS eligibility, territory dashboards). */
export interface SpecialtyCount {
  professionCode: string;
  professionLabel: string;
  specialtyCode: string | null;
  specialtyLabel: string | null;
  professionals: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Tables

/** Written by the database only: generated columns and the copies triggers keep. */
type DatabaseKept<T> = ColumnType<T, never, never>;
type CreatedAt = ColumnType<Date, never, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;

interface LifecycleColumns {
  active: Generated<boolean>;
  retired_at: Date | null;
  source: string;
  /** The import run that last wrote the row (imports table comes with the import slice). */
  last_import_id: string | null;
  /**
   * Per field, where its value comes from: `{ "<column>": { "source": …, "importId"?: …, "accountId"?: …, "at": … } }`.
   * Imports leave fields a user edited alone and list the conflicts (import slice).
   */
  provenance: Generated<Record<string, unknown>>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface DirectoryProfessionalTable extends LifecycleColumns {
  id: Generated<string>;
  national_id: string;
  rpps: string | null;
  adeli: string | null;
  civility: string | null;
  title: string | null;
  family_name: string;
  given_names: Generated<string>;
  profession_code: string;
  profession_label: string;
  category_code: string | null;
  category_label: string | null;
  specialty_code: string | null;
  specialty_label: string | null;
  search_text: DatabaseKept<string>;
}

export interface DirectoryStructureTable extends LifecycleColumns {
  id: Generated<string>;
  kind: StructureKind;
  name: string;
  national_id: string | null;
  finess_site: string | null;
  finess_legal: string | null;
  siret: string | null;
  technical_id: string | null;
  parent_id: string | null;
  search_text: DatabaseKept<string>;
}

export interface DirectoryPlaceTable extends LifecycleColumns {
  id: Generated<string>;
  place_key: string;
  structure_id: string | null;
  name: string | null;
  address_lines: Generated<string[]>;
  postal_code: string | null;
  commune_insee: string | null;
  city: string | null;
  latitude: number | null;
  longitude: number | null;
  coordinates_precision: CoordinatesPrecision | null;
  phone: string | null;
}

export interface DirectoryRoleTable extends LifecycleColumns {
  id: Generated<string>;
  professional_id: string;
  structure_id: string | null;
  place_id: string | null;
  practice_mode: PracticeMode | null;
  phone: string | null;
  email: string | null;
  modalities: Generated<Modality[]>;
  fee_sector: FeeSector | null;
  /** Copies of the professional's codes, the place's coordinates and the SAS enrolment, for the geo indexes. */
  profession_code: DatabaseKept<string>;
  specialty_code: DatabaseKept<string | null>;
  latitude: DatabaseKept<number | null>;
  longitude: DatabaseKept<number | null>;
  sas_enrolled: DatabaseKept<boolean>;
}

export interface DirectorySasParticipationTable {
  professional_id: string;
  enrolled: boolean;
  organisation_kind: SasOrganisationKind | null;
  organisation_structure_id: string | null;
  accepts_extra_patients: Generated<boolean>;
  enrolled_since: string | null;
  updated_at: UpdatedAt;
  updated_by: string;
}

export interface DirectoryRegulatorNoteTable {
  place_id: string;
  notes: string | null;
  restrictions: string | null;
  accepts_new_patients: boolean | null;
  patients_note: string | null;
  languages: Generated<string[]>;
  accessibility: string | null;
  home_visit_area: string | null;
  regulator_phone: string | null;
  updated_at: UpdatedAt;
  updated_by: string;
}

export interface DirectoryTables {
  directory_professional: DirectoryProfessionalTable;
  directory_structure: DirectoryStructureTable;
  directory_place: DirectoryPlaceTable;
  directory_role: DirectoryRoleTable;
  directory_sas_participation: DirectorySasParticipationTable;
  directory_regulator_note: DirectoryRegulatorNoteTable;
}
