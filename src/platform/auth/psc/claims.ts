import { professionalNationalId, unprefixedProfessionalId } from '../../identifiers.ts';
import type { PscActivity, PscExercise, PscIdentity, PscPractice } from './model.ts';

/**
 * Reads the identity Pro Santé Connect asserts from its UserInfo claims. PSC's claims (as its sandbox and
 * production send them):
 *
 * - `SubjectNameID`: the idNat_PS, `8` + RPPS, `0` + ADELI (or `3` + structure id + `/` + internal id);
 * - `given_name`, `family_name`; `email` seldom;
 * - `SubjectRole`: the professions, as `code^OID` strings (`10^1.2.250.1.213.1.1.5.5`);
 * - `SubjectRefPro.exercices[]`: per profession its codes (codeProfession, codeCategorieProfessionnelle,
 *   codeTypeSavoirFaire, codeSavoirFaire) and `activities[]`, the places of practice with their structure's
 *   identifiers (numeroFinessSite, numeroFinessetablissementJuridique, numeroSiretSite, numeroSirenSite,
 *   identifiantTechniqueDeLaStructure) and address (codePostal, codeCommune).
 *
 * The provider is trusted for who the person is, not for the shape of what it sends: every value is type-checked,
 * trimmed, bounded in length and count; an empty string counts as absent. Only the national id is required.
 */
export type ClaimsReading = { ok: true; identity: PscIdentity } | { ok: false; reason: string };

const MAX_EXERCISES = 20;
const MAX_ACTIVITIES = 50;
const MAX_ROLES = 20;

export function readPscIdentity(claims: Record<string, unknown>): ClaimsReading {
  const subject = text(claims.sub, 255);
  if (!subject) return { ok: false, reason: 'missing-sub' };
  const rawNationalId = text(claims.SubjectNameID, 60) ?? text(claims.preferred_username, 60);
  if (!rawNationalId) return { ok: false, reason: 'missing-national-id' };
  const reading = professionalNationalId.lenient(rawNationalId);
  if (reading.value.kind === 'unknown') return { ok: false, reason: 'invalid-national-id' };
  return {
    ok: true,
    identity: {
      subject,
      nationalId: reading.value.nationalId,
      nationalIdAliases: reading.value.kind === 'structure-staff' ? [] : [unprefixedProfessionalId(reading.value)],
      nationalIdAnomalies: reading.anomalies,
      givenName: name(claims.given_name),
      familyName: name(claims.family_name),
      email: email(claims.email),
      practice: readPractice(claims),
    },
  };
}

function readPractice(claims: Record<string, unknown>): PscPractice {
  const roles = (Array.isArray(claims.SubjectRole) ? claims.SubjectRole : [claims.SubjectRole])
    .map((r) => text(r, 100))
    .filter((r): r is string => r !== null)
    .slice(0, MAX_ROLES);
  const refPro = isObject(claims.SubjectRefPro) ? claims.SubjectRefPro : {};
  const exercises = (Array.isArray(refPro.exercices) ? refPro.exercices : [])
    .filter(isObject)
    .slice(0, MAX_EXERCISES)
    .map(readExercise);
  return { roles, exercises };
}

function readExercise(exercise: Record<string, unknown>): PscExercise {
  return {
    professionCode: code(exercise.codeProfession),
    categoryCode: code(exercise.codeCategorieProfessionnelle),
    skillTypeCode: code(exercise.codeTypeSavoirFaire),
    skillCode: code(exercise.codeSavoirFaire),
    activities: (Array.isArray(exercise.activities) ? exercise.activities : [])
      .filter(isObject)
      .slice(0, MAX_ACTIVITIES)
      .map(readActivity),
  };
}

function readActivity(activity: Record<string, unknown>): PscActivity {
  return {
    practiceMode: code(activity.codeModeExercice),
    sectorCode: code(activity.codeSecteurDactivite ?? activity.codeSecteurDActivite),
    finessSite: identifier(activity.numeroFinessSite, /^[0-9][0-9A-Z][0-9]{7}$/),
    finessLegal: identifier(
      activity.numeroFinessetablissementJuridique ?? activity.numeroFinessEtablissementJuridique,
      /^[0-9][0-9A-Z][0-9]{7}$/,
    ),
    siret: identifier(activity.numeroSiretSite, /^\d{14}$/),
    siren: identifier(activity.numeroSirenSite, /^\d{9}$/),
    structureTechnicalId: identifier(activity.identifiantTechniqueDeLaStructure, /^[0-9A-Za-z._/-]{1,60}$/, true),
    structureName: text(activity.raisonSocialeSite, 300),
    postalCode: identifier(activity.codePostal, /^\d{5}$/),
    communeInsee: identifier(activity.codeCommune, /^(\d{2}|2[AB])\d{3}$/),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string claim, trimmed, without control characters, at most `max` characters; null when absent or empty. */
function text(value: unknown, max: number): string | null {
  if (typeof value !== 'string') return null;
  // eslint-disable-next-line no-control-regex
  const cleaned = value.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  return cleaned === '' ? null : cleaned.slice(0, max);
}

function name(value: unknown): string | null {
  return text(value, 200);
}

function code(value: unknown): string | null {
  const raw = text(value, 40);
  return raw !== null && /^[0-9A-Za-z._^-]+$/.test(raw) ? raw : null;
}

/** An identifier of the given shape (upper-cased unless `keepCase`); null when absent or malformed. */
function identifier(value: unknown, shape: RegExp, keepCase = false): string | null {
  const raw = text(value, 60);
  if (raw === null) return null;
  const kept = keepCase ? raw : raw.toUpperCase();
  return shape.test(kept) ? kept : null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function email(value: unknown): string | null {
  const raw = text(value, 254);
  return raw !== null && EMAIL.test(raw) ? raw : null;
}

/** The name an account shows: given and family names, or the national id when PSC gave neither. */
export function displayNameOf(identity: PscIdentity): string {
  const parts = [identity.givenName, identity.familyName].filter((p): p is string => p !== null);
  return parts.length > 0 ? parts.join(' ').slice(0, 200) : identity.nationalId;
}

/** Every structure identifier of the places of practice, by kind, without duplicates. */
export function structureIdsOf(practice: PscPractice): {
  finess: string[];
  siret: string[];
  technicalIds: string[];
  communes: string[];
} {
  const finess = new Set<string>();
  const siret = new Set<string>();
  const technicalIds = new Set<string>();
  const communes = new Set<string>();
  for (const exercise of practice.exercises) {
    for (const a of exercise.activities) {
      if (a.finessSite) finess.add(a.finessSite);
      if (a.siret) siret.add(a.siret);
      if (a.structureTechnicalId) technicalIds.add(a.structureTechnicalId);
      if (a.communeInsee) communes.add(a.communeInsee);
    }
  }
  return { finess: [...finess], siret: [...siret], technicalIds: [...technicalIds], communes: [...communes] };
}
