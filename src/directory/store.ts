/**
 * The directory's SQL. Every function takes the executor it runs on first (the database or the caller's
 * transaction). Values arrive validated (service.ts, or an import that read them leniently); the store only
 * writes and reads. Every write runs in `inTransaction`: a write the database refuses (a constraint) is undone
 * alone and leaves the caller's transaction usable — an import reports the line and goes on.
 */
import { sql, type Selectable } from 'kysely';
import type { Executor } from '../db/database.ts';
import { inTransaction } from '../db/transaction.ts';
import type {
  ProfessionalFields,
  CoordinatesPrecision,
  DirectoryPlaceTable,
  DirectoryProfessionalTable,
  DirectoryRegulatorNoteTable,
  DirectoryRoleTable,
  DirectorySasParticipationTable,
  DirectoryStructureTable,
  FeeSector,
  Modality,
  Place,
  PracticeMode,
  Professional,
  ProfessionalDetail,
  RecordSource,
  RegulatorNotes,
  Role,
  SasOrganisationKind,
  SasParticipation,
  SpecialtyCount,
  Structure,
  StructureKind,
  UpsertResult,
} from './model.ts';

// ---------------------------------------------------------------------------------------------------------------
// What the store writes

interface Written {
  active: boolean;
  source: RecordSource;
  /** The import run writing the record, when it is one. */
  importId?: string | null;
}

/** A professional as an upsert writes it; `nationalId` (idNat_PS, prefixed) is the key. */
export interface ProfessionalRecord extends Written, ProfessionalFields {}

export interface StructureRecord extends Written {
  kind: StructureKind;
  name: string;
  /** idNat_Struct; rebuilt from the FINESS site, then the SIRET, when null. */
  nationalId: string | null;
  finessSite: string | null;
  finessLegal: string | null;
  siret: string | null;
  technicalId: string | null;
  parentId: string | null;
}

export interface PlaceRecord extends Written {
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

export interface RoleRecord extends Written {
  professionalId: string;
  structureId: string | null;
  placeId: string | null;
  practiceMode: PracticeMode | null;
  phone: string | null;
  email: string | null;
  modalities: Modality[];
  feeSector: FeeSector | null;
}

export interface SasParticipationRecord {
  professionalId: string;
  enrolled: boolean;
  organisationKind: SasOrganisationKind | null;
  organisationStructureId: string | null;
  acceptsExtraPatients: boolean;
  enrolledSince: string | null;
  /** Who made the change: `account:<id>` or `system:<reason>`. */
  updatedBy: string;
}

export interface RegulatorNotesRecord {
  notes: string | null;
  restrictions: string | null;
  acceptsNewPatients: boolean | null;
  patientsNote: string | null;
  languages: string[];
  accessibility: string | null;
  homeVisitArea: string | null;
  regulatorPhone: string | null;
  updatedBy: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Upserts

/**
 * `(t.a, t.b…) is distinct from (excluded.a, excluded.b…)`: an upsert that would change nothing leaves the row (and
 * its `updated_at`) alone, so a re-import of an unchanged file writes nothing and reports it.
 */
function changedFromExcluded(table: string, columns: readonly string[]) {
  const own = sql.join(columns.map((c) => sql.ref(`${table}.${c}`)));
  const incoming = sql.join(columns.map((c) => sql.ref(`excluded.${c}`)));
  return sql<boolean>`(${own}) is distinct from (${incoming})`;
}

/** `retired_at` follows `active`: kept from the first retirement, cleared when the record comes back. */
function retiredAtFromExcluded(table: string) {
  return sql<Date | null>`case when excluded.active then null else coalesce(${sql.ref(`${table}.retired_at`)}, now()) end`;
}

async function outcomeOf(
  written: { id: string; created: boolean } | undefined,
  findExisting: () => Promise<{ id: string } | undefined>,
): Promise<UpsertResult> {
  if (written) return { id: written.id, outcome: written.created ? 'created' : 'updated' };
  const existing = await findExisting();
  if (!existing) throw new Error('upsert : ligne ni écrite ni trouvée');
  return { id: existing.id, outcome: 'unchanged' };
}

/** `xmax = 0` on the returned row: the insert happened (no conflicting row was updated). */
const wasInserted = sql<boolean>`xmax = 0`.as('created');

const PROFESSIONAL_COMPARED = [
  'rpps',
  'adeli',
  'civility',
  'title',
  'family_name',
  'given_names',
  'profession_code',
  'profession_label',
  'category_code',
  'category_label',
  'specialty_code',
  'specialty_label',
  'active',
  'source',
] as const;

/** Creates or updates the professional with this national id (idNat_PS). */
export async function upsertProfessional(db: Executor, record: ProfessionalRecord): Promise<UpsertResult> {
  return inTransaction(db, (tx) => writeProfessional(tx, record));
}

async function writeProfessional(db: Executor, record: ProfessionalRecord): Promise<UpsertResult> {
  const written = await db
    .insertInto('directory_professional')
    .values({
      national_id: record.nationalId,
      rpps: record.rpps,
      adeli: record.adeli,
      civility: record.civility,
      title: record.title,
      family_name: record.familyName,
      given_names: record.givenNames,
      profession_code: record.professionCode,
      profession_label: record.professionLabel,
      category_code: record.categoryCode,
      category_label: record.categoryLabel,
      specialty_code: record.specialtyCode,
      specialty_label: record.specialtyLabel,
      active: record.active,
      retired_at: record.active ? null : sql<Date>`now()`,
      source: record.source,
      last_import_id: record.importId ?? null,
    })
    .onConflict((oc) =>
      oc
        .column('national_id')
        .doUpdateSet((eb) => ({
          ...Object.fromEntries(PROFESSIONAL_COMPARED.map((c) => [c, eb.ref(`excluded.${c}`)])),
          retired_at: retiredAtFromExcluded('directory_professional'),
          last_import_id: eb.ref('excluded.last_import_id'),
          updated_at: sql<Date>`now()`,
        }))
        .where(changedFromExcluded('directory_professional', PROFESSIONAL_COMPARED)),
    )
    .returning(['id', wasInserted])
    .executeTakeFirst();
  return outcomeOf(written, () =>
    db
      .selectFrom('directory_professional')
      .select('id')
      .where('national_id', '=', record.nationalId)
      .executeTakeFirst(),
  );
}

/** Marks a professional and his roles inactive; nothing is deleted. False when he already was. */
export async function retireProfessional(db: Executor, professionalId: string): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const retired = await tx
      .updateTable('directory_professional')
      .set({ active: false, retired_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
      .where('id', '=', professionalId)
      .where('active', '=', true)
      .executeTakeFirst();
    await tx
      .updateTable('directory_role')
      .set({ active: false, retired_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
      .where('professional_id', '=', professionalId)
      .where('active', '=', true)
      .execute();
    return Number(retired.numUpdatedRows) > 0;
  });
}

/**
 * Creates or updates a structure, found by its FINESS site, else its SIRET (among structures without another
 * FINESS), else its technical id. Identifiers merge: an id the record does not carry is kept, never erased, so
 * the FINESS import and the Annuaire Santé import complete the same structure.
 */
export async function upsertStructure(db: Executor, record: StructureRecord): Promise<UpsertResult> {
  return inTransaction(db, async (tx) => {
    const existing = await findStructureToUpsert(tx, record);
    const finessSite = record.finessSite ?? existing?.finess_site ?? null;
    const siret = record.siret ?? existing?.siret ?? null;
    const merged = {
      kind: record.kind,
      name: record.name,
      finess_site: finessSite,
      finess_legal: record.finessLegal ?? existing?.finess_legal ?? null,
      siret,
      technical_id: record.technicalId ?? existing?.technical_id ?? null,
      national_id:
        record.nationalId ??
        (finessSite ? `1${finessSite}` : siret ? `3${siret}` : null) ??
        existing?.national_id ??
        null,
      parent_id: record.parentId,
      active: record.active,
      source: record.source,
    };
    if (!existing) {
      const inserted = await tx
        .insertInto('directory_structure')
        .values({
          ...merged,
          retired_at: record.active ? null : sql<Date>`now()`,
          last_import_id: record.importId ?? null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { id: inserted.id, outcome: 'created' };
    }
    const unchanged = (Object.keys(merged) as (keyof typeof merged)[]).every((k) => merged[k] === existing[k]);
    if (unchanged) return { id: existing.id, outcome: 'unchanged' };
    await tx
      .updateTable('directory_structure')
      .set({
        ...merged,
        retired_at: record.active ? null : (existing.retired_at ?? sql<Date>`now()`),
        last_import_id: record.importId ?? null,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', existing.id)
      .execute();
    return { id: existing.id, outcome: 'updated' };
  });
}

async function findStructureToUpsert(
  db: Executor,
  record: StructureRecord,
): Promise<Selectable<DirectoryStructureTable> | undefined> {
  const base = db.selectFrom('directory_structure').selectAll();
  if (record.finessSite) {
    const found = await base.where('finess_site', '=', record.finessSite).executeTakeFirst();
    if (found) return found;
  }
  if (record.siret) {
    const found = await base
      .where('siret', '=', record.siret)
      .$if(record.finessSite !== null, (qb) => qb.where('finess_site', 'is', null))
      .orderBy('created_at')
      .orderBy('id')
      .executeTakeFirst();
    if (found) return found;
  }
  if (record.technicalId) {
    return base.where('technical_id', '=', record.technicalId).executeTakeFirst();
  }
  return undefined;
}

const PLACE_COMPARED = [
  'structure_id',
  'name',
  'address_lines',
  'postal_code',
  'commune_insee',
  'city',
  'latitude',
  'longitude',
  'coordinates_precision',
  'phone',
  'active',
  'source',
] as const;

/** Creates or updates the place with this key. Its regulator notes live apart and are never touched here. */
export async function upsertPlace(db: Executor, record: PlaceRecord): Promise<UpsertResult> {
  return inTransaction(db, (tx) => writePlace(tx, record));
}

async function writePlace(db: Executor, record: PlaceRecord): Promise<UpsertResult> {
  const written = await db
    .insertInto('directory_place')
    .values({
      place_key: record.placeKey,
      structure_id: record.structureId,
      name: record.name,
      address_lines: record.addressLines,
      postal_code: record.postalCode,
      commune_insee: record.communeInsee,
      city: record.city,
      latitude: record.latitude,
      longitude: record.longitude,
      coordinates_precision: record.coordinatesPrecision,
      phone: record.phone,
      active: record.active,
      retired_at: record.active ? null : sql<Date>`now()`,
      source: record.source,
      last_import_id: record.importId ?? null,
    })
    .onConflict((oc) =>
      oc
        .column('place_key')
        .doUpdateSet((eb) => ({
          ...Object.fromEntries(PLACE_COMPARED.map((c) => [c, eb.ref(`excluded.${c}`)])),
          retired_at: retiredAtFromExcluded('directory_place'),
          last_import_id: eb.ref('excluded.last_import_id'),
          updated_at: sql<Date>`now()`,
        }))
        .where(changedFromExcluded('directory_place', PLACE_COMPARED)),
    )
    .returning(['id', wasInserted])
    .executeTakeFirst();
  return outcomeOf(written, () =>
    db.selectFrom('directory_place').select('id').where('place_key', '=', record.placeKey).executeTakeFirst(),
  );
}

const ROLE_COMPARED = ['practice_mode', 'phone', 'email', 'modalities', 'fee_sector', 'active', 'source'] as const;

/** Creates or updates the role of a professional at a place for a structure (the three together are its key). */
export async function upsertRole(db: Executor, record: RoleRecord): Promise<UpsertResult> {
  return inTransaction(db, (tx) => writeRole(tx, record));
}

async function writeRole(db: Executor, record: RoleRecord): Promise<UpsertResult> {
  const written = await db
    .insertInto('directory_role')
    .values({
      professional_id: record.professionalId,
      structure_id: record.structureId,
      place_id: record.placeId,
      practice_mode: record.practiceMode,
      phone: record.phone,
      email: record.email,
      modalities: record.modalities,
      fee_sector: record.feeSector,
      active: record.active,
      retired_at: record.active ? null : sql<Date>`now()`,
      source: record.source,
      last_import_id: record.importId ?? null,
    })
    .onConflict((oc) =>
      oc
        .constraint('directory_role_key')
        .doUpdateSet((eb) => ({
          ...Object.fromEntries(ROLE_COMPARED.map((c) => [c, eb.ref(`excluded.${c}`)])),
          retired_at: retiredAtFromExcluded('directory_role'),
          last_import_id: eb.ref('excluded.last_import_id'),
          updated_at: sql<Date>`now()`,
        }))
        .where(changedFromExcluded('directory_role', ROLE_COMPARED)),
    )
    .returning(['id', wasInserted])
    .executeTakeFirst();
  return outcomeOf(written, () =>
    db
      .selectFrom('directory_role')
      .select('id')
      .where('professional_id', '=', record.professionalId)
      .where(sql<boolean>`structure_id is not distinct from ${record.structureId}::uuid`)
      .where(sql<boolean>`place_id is not distinct from ${record.placeId}::uuid`)
      .executeTakeFirst(),
  );
}

/** Records a professional's SAS participation (one row per professional, replaced as a whole). */
export async function setSasParticipation(db: Executor, record: SasParticipationRecord): Promise<SasParticipation> {
  const values = {
    professional_id: record.professionalId,
    enrolled: record.enrolled,
    organisation_kind: record.organisationKind,
    organisation_structure_id: record.organisationStructureId,
    accepts_extra_patients: record.acceptsExtraPatients,
    enrolled_since: record.enrolledSince,
    updated_by: record.updatedBy,
  };
  const row = await inTransaction(db, (tx) =>
    tx
      .insertInto('directory_sas_participation')
      .values(values)
      .onConflict((oc) =>
        oc.column('professional_id').doUpdateSet({
          enrolled: values.enrolled,
          organisation_kind: values.organisation_kind,
          organisation_structure_id: values.organisation_structure_id,
          accepts_extra_patients: values.accepts_extra_patients,
          enrolled_since: values.enrolled_since,
          updated_by: values.updated_by,
          updated_at: sql<Date>`now()`,
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
  return toSasParticipation(row);
}

export async function getRegulatorNotes(db: Executor, placeId: string): Promise<RegulatorNotes | null> {
  const row = await db
    .selectFrom('directory_regulator_note')
    .selectAll()
    .where('place_id', '=', placeId)
    .executeTakeFirst();
  return row ? toRegulatorNotes(row) : null;
}

/** Replaces the regulator notes of a place. */
export async function setRegulatorNotes(
  db: Executor,
  placeId: string,
  record: RegulatorNotesRecord,
): Promise<RegulatorNotes> {
  const values = {
    notes: record.notes,
    restrictions: record.restrictions,
    accepts_new_patients: record.acceptsNewPatients,
    patients_note: record.patientsNote,
    languages: record.languages,
    accessibility: record.accessibility,
    home_visit_area: record.homeVisitArea,
    regulator_phone: record.regulatorPhone,
    updated_by: record.updatedBy,
  };
  const row = await inTransaction(db, (tx) =>
    tx
      .insertInto('directory_regulator_note')
      .values({ place_id: placeId, ...values })
      .onConflict((oc) => oc.column('place_id').doUpdateSet({ ...values, updated_at: sql<Date>`now()` }))
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
  return toRegulatorNotes(row);
}

// ---------------------------------------------------------------------------------------------------------------
// Reads

export async function getProfessional(db: Executor, professionalId: string): Promise<Professional | null> {
  const row = await db
    .selectFrom('directory_professional')
    .selectAll()
    .where('id', '=', professionalId)
    .executeTakeFirst();
  return row ? toProfessional(row) : null;
}

export async function findProfessionalIdByNationalId(db: Executor, nationalId: string): Promise<string | null> {
  const row = await db
    .selectFrom('directory_professional')
    .select('id')
    .where('national_id', '=', nationalId)
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function getStructure(db: Executor, structureId: string): Promise<Structure | null> {
  const row = await db.selectFrom('directory_structure').selectAll().where('id', '=', structureId).executeTakeFirst();
  return row ? toStructure(row) : null;
}

export async function getPlace(db: Executor, placeId: string): Promise<Place | null> {
  const row = await db.selectFrom('directory_place').selectAll().where('id', '=', placeId).executeTakeFirst();
  return row ? toPlace(row) : null;
}

/** A professional, retired or not, with his SAS participation and every role, its place, structure and notes. */
export async function getProfessionalDetail(db: Executor, professionalId: string): Promise<ProfessionalDetail | null> {
  const professional = await getProfessional(db, professionalId);
  if (!professional) return null;
  const sas = await db
    .selectFrom('directory_sas_participation')
    .selectAll()
    .where('professional_id', '=', professionalId)
    .executeTakeFirst();
  const roles = await db
    .selectFrom('directory_role')
    .selectAll()
    .where('professional_id', '=', professionalId)
    .orderBy('active', 'desc')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const placeIds = unique(roles.map((r) => r.place_id));
  const structureIds = unique(roles.map((r) => r.structure_id));
  const places =
    placeIds.length === 0
      ? []
      : await db.selectFrom('directory_place').selectAll().where('id', 'in', placeIds).execute();
  const structures =
    structureIds.length === 0
      ? []
      : await db.selectFrom('directory_structure').selectAll().where('id', 'in', structureIds).execute();
  const notes =
    placeIds.length === 0
      ? []
      : await db.selectFrom('directory_regulator_note').selectAll().where('place_id', 'in', placeIds).execute();
  const placeById = new Map(places.map((p) => [p.id, toPlace(p)]));
  const structureById = new Map(structures.map((s) => [s.id, toStructure(s)]));
  const notesByPlace = new Map(notes.map((n) => [n.place_id, toRegulatorNotes(n)]));
  return {
    professional,
    sasParticipation: sas ? toSasParticipation(sas) : null,
    roles: roles.map((r) => ({
      role: toRole(r),
      place: r.place_id ? (placeById.get(r.place_id) ?? null) : null,
      structure: r.structure_id ? (structureById.get(r.structure_id) ?? null) : null,
      regulatorNotes: r.place_id ? (notesByPlace.get(r.place_id) ?? null) : null,
    })),
  };
}

/**
 * Active professionals with an active role at a place in one of these communes, per profession and specialty of
 * the professional (each counted once per specialty, however many places he works at).
 */
export async function countProfessionalsBySpecialty(
  db: Executor,
  communeInseeCodes: readonly string[],
): Promise<SpecialtyCount[]> {
  if (communeInseeCodes.length === 0) return [];
  const rows = await db
    .selectFrom('directory_professional as p')
    .innerJoin('directory_role as r', 'r.professional_id', 'p.id')
    .innerJoin('directory_place as pl', 'pl.id', 'r.place_id')
    .where('p.active', '=', true)
    .where('r.active', '=', true)
    .where('pl.commune_insee', 'in', [...communeInseeCodes])
    .groupBy(['p.profession_code', 'p.specialty_code'])
    .select((eb) => [
      'p.profession_code',
      'p.specialty_code',
      eb.fn.min('p.profession_label').as('profession_label'),
      eb.fn.min('p.specialty_label').as('specialty_label'),
      sql<number>`count(distinct p.id)::int`.as('professionals'),
    ])
    .orderBy('p.profession_code')
    .orderBy('p.specialty_code', (ob) => ob.nullsFirst())
    .execute();
  return rows.map((r) => ({
    professionCode: r.profession_code,
    professionLabel: r.profession_label,
    specialtyCode: r.specialty_code,
    specialtyLabel: r.specialty_label,
    professionals: r.professionals,
  }));
}

export interface NearestRolesQuery {
  latitude: number;
  longitude: number;
  radiusKm: number;
  /** TRE_R38 code; the specialty index serves the query. */
  specialtyCode?: string;
  /** TRE_G15 code; the profession index serves the query when no specialty is given. */
  professionCode?: string;
  /** Only professionals enrolled in the SAS. */
  sasEnrolledOnly?: boolean;
  limit: number;
}

export interface NearbyRole {
  roleId: string;
  professionalId: string;
  placeId: string;
  distanceKm: number;
}

/**
 * Nearest-first (ENGINEERING-NOTES): the inner query walks the composite GiST index (filter column, point) in
 * distance order and stops at `limit`; the radius is checked outside on those few rows. Either a specialty or a
 * profession is required: they are the index's first column.
 */
export function nearestRolesQuery(db: Executor, query: NearestRolesQuery) {
  const point = sql`geo_earth(${query.latitude}::float8, ${query.longitude}::float8)`;
  const inner = db
    .selectFrom('directory_role as r')
    .select(['r.id', 'r.professional_id', 'r.place_id', 'r.latitude', 'r.longitude'])
    // Literal predicates, not parameters: the planner must see `active` to use the partial indexes.
    .where(sql<boolean>`r.active`)
    .$if(query.specialtyCode !== undefined, (qb) => qb.where('r.specialty_code', '=', query.specialtyCode!))
    .$if(query.professionCode !== undefined, (qb) => qb.where('r.profession_code', '=', query.professionCode!))
    .$if(query.sasEnrolledOnly === true, (qb) => qb.where(sql<boolean>`r.sas_enrolled`))
    .orderBy(sql`geo_earth(r.latitude, r.longitude) <-> ${point}`)
    .limit(query.limit)
    .as('nearest');
  const distance = sql<number>`earth_distance(geo_earth(nearest.latitude, nearest.longitude), ${point})`;
  return db
    .selectFrom(inner)
    .select(['nearest.id', 'nearest.professional_id', 'nearest.place_id', distance.as('distance_m')])
    .where(distance, '<=', query.radiusKm * 1000)
    .orderBy('distance_m');
}

export async function findNearestRoles(db: Executor, query: NearestRolesQuery): Promise<NearbyRole[]> {
  if (query.specialtyCode === undefined && query.professionCode === undefined) {
    throw new Error('findNearestRoles : une spécialité ou une profession est requise');
  }
  const rows = await nearestRolesQuery(db, query).execute();
  return rows.map((r) => ({
    roleId: r.id,
    professionalId: r.professional_id,
    placeId: r.place_id!,
    distanceKm: r.distance_m / 1000,
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// Rows to records

function unique(ids: (string | null)[]): string[] {
  return [...new Set(ids.filter((id): id is string => id !== null))];
}

function lifecycle(row: {
  active: boolean;
  retired_at: Date | null;
  source: string;
  created_at: Date;
  updated_at: Date;
}) {
  return {
    active: row.active,
    retiredAt: row.retired_at,
    source: row.source as RecordSource,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toProfessional(row: Selectable<DirectoryProfessionalTable>): Professional {
  return {
    id: row.id,
    nationalId: row.national_id,
    rpps: row.rpps,
    adeli: row.adeli,
    civility: row.civility,
    title: row.title,
    familyName: row.family_name,
    givenNames: row.given_names,
    professionCode: row.profession_code,
    professionLabel: row.profession_label,
    categoryCode: row.category_code,
    categoryLabel: row.category_label,
    specialtyCode: row.specialty_code,
    specialtyLabel: row.specialty_label,
    ...lifecycle(row),
  };
}

function toStructure(row: Selectable<DirectoryStructureTable>): Structure {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    nationalId: row.national_id,
    finessSite: row.finess_site,
    finessLegal: row.finess_legal,
    siret: row.siret,
    technicalId: row.technical_id,
    parentId: row.parent_id,
    ...lifecycle(row),
  };
}

function toPlace(row: Selectable<DirectoryPlaceTable>): Place {
  return {
    id: row.id,
    placeKey: row.place_key,
    structureId: row.structure_id,
    name: row.name,
    addressLines: row.address_lines,
    postalCode: row.postal_code,
    communeInsee: row.commune_insee,
    city: row.city,
    latitude: row.latitude,
    longitude: row.longitude,
    coordinatesPrecision: row.coordinates_precision,
    phone: row.phone,
    ...lifecycle(row),
  };
}

function toRole(row: Selectable<DirectoryRoleTable>): Role {
  return {
    id: row.id,
    professionalId: row.professional_id,
    structureId: row.structure_id,
    placeId: row.place_id,
    practiceMode: row.practice_mode,
    phone: row.phone,
    email: row.email,
    modalities: row.modalities,
    feeSector: row.fee_sector,
    ...lifecycle(row),
  };
}

function toSasParticipation(row: Selectable<DirectorySasParticipationTable>): SasParticipation {
  return {
    professionalId: row.professional_id,
    enrolled: row.enrolled,
    organisationKind: row.organisation_kind,
    organisationStructureId: row.organisation_structure_id,
    acceptsExtraPatients: row.accepts_extra_patients,
    enrolledSince: row.enrolled_since,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

function toRegulatorNotes(row: Selectable<DirectoryRegulatorNoteTable>): RegulatorNotes {
  return {
    placeId: row.place_id,
    notes: row.notes,
    restrictions: row.restrictions,
    acceptsNewPatients: row.accepts_new_patients,
    patientsNote: row.patients_note,
    languages: row.languages,
    accessibility: row.accessibility,
    homeVisitArea: row.home_visit_area,
    regulatorPhone: row.regulator_phone,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}
