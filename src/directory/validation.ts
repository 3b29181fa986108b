/**
 * Checks what a person submits to the directory (strict mode of the identifiers) and turns it into the records the
 * store writes. Pure: every problem becomes a field error, and one AppError('validation-failed') lists them all.
 */
import { AppError, type FieldError } from '../platform/errors.ts';
import {
  adeli,
  finess,
  inseeCommuneCode,
  postalCode,
  professionalNationalId,
  professionalNationalIdFromAdeli,
  professionalNationalIdFromRpps,
  rpps,
  siret,
  structureNationalId,
  type IdentifierRule,
  type StrictResult,
} from '../platform/identifiers.ts';
import type {
  PlaceInput,
  ProfessionalInput,
  RegulatorNotesInput,
  RoleInput,
  SasParticipationInput,
  StructureInput,
} from './model.ts';
import type {
  PlaceRecord,
  ProfessionalRecord,
  RegulatorNotesRecord,
  RoleRecord,
  SasParticipationRecord,
  StructureRecord,
} from './store.ts';

type Validated<T> = Omit<T, 'source' | 'importId'>;

/** Collects field errors, then throws them together. */
class FieldErrors {
  readonly list: FieldError[] = [];

  add(field: string, message: string): void {
    this.list.push({ field, message });
  }

  /** The normalised identifier, or null when absent; a wrong one is recorded. */
  identifier<T>(field: string, rule: IdentifierRule<T, unknown>, value: string | null | undefined): T | null {
    const text = value?.trim() ?? '';
    if (text === '') return null;
    const result = rule.strict(text);
    if (!result.ok) {
      this.add(field, result.message);
      return null;
    }
    return result.value;
  }

  required(field: string, value: string | null | undefined, message: string): string {
    const text = cleanText(value);
    if (text === null) this.add(field, message);
    return text ?? '';
  }

  throwIfAny(what: string): void {
    if (this.list.length === 0) return;
    const count = this.list.length === 1 ? 'un champ est à corriger' : `${this.list.length} champs sont à corriger`;
    throw new AppError('validation-failed', `${what} n’a pas été enregistré : ${count}.`, this.list);
  }
}

/** Trimmed, inner blanks collapsed; empty becomes null. */
export function cleanText(value: string | null | undefined): string | null {
  const text = value?.replace(/\s+/g, ' ').trim() ?? '';
  return text === '' ? null : text;
}

/**
 * A phone number as a person types it: French national (10 digits from 0) or international (+ and 8 to 15 digits);
 * spaces, dots, hyphens and brackets are layout. Kept in that compact form.
 */
export function parsePhone(value: string): StrictResult<string> {
  const compact = value.replace(/[\s.\-()\u00a0]/g, '');
  if (/^0[1-9]\d{8}$/.test(compact) || /^\+[1-9]\d{7,14}$/.test(compact)) return { ok: true, value: compact };
  return {
    ok: false,
    message: `« ${value.trim()} » n’est pas un numéro de téléphone : 10 chiffres commençant par 0, ou + et l’indicatif du pays.`,
  };
}

const phoneRule: IdentifierRule<string, string> = {
  label: 'le numéro de téléphone',
  strict: parsePhone,
  lenient: (input) => ({ value: input.trim(), anomalies: [] }),
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PROFESSION_CODE = /^\d{2}$/;
const TERMINOLOGY_CODE = /^[A-Z0-9_]{1,10}$/;
const CIVILITIES = ['M', 'MME'];
const TITLES = ['DR', 'PR'];

export function validateProfessional(input: ProfessionalInput): Validated<ProfessionalRecord> {
  const errors = new FieldErrors();
  let rppsValue = errors.identifier('rpps', rpps, input.rpps);
  let adeliValue = errors.identifier('adeli', adeli, input.adeli);
  const national = errors.identifier('nationalId', professionalNationalId, input.nationalId);
  let nationalId: string | null = null;
  if (national) {
    nationalId = national.nationalId;
    if (national.kind === 'rpps') {
      if (rppsValue && rppsValue !== national.rpps) {
        errors.add(
          'nationalId',
          `L’identifiant national ${national.nationalId} ne correspond pas au RPPS ${rppsValue}.`,
        );
      }
      rppsValue ??= national.rpps;
    } else if (national.kind === 'adeli') {
      if (adeliValue && adeliValue !== national.adeli) {
        errors.add(
          'nationalId',
          `L’identifiant national ${national.nationalId} ne correspond pas à l’ADELI ${adeliValue}.`,
        );
      }
      adeliValue ??= national.adeli;
    }
  } else if (!input.nationalId?.trim()) {
    if (rppsValue) nationalId = professionalNationalIdFromRpps(rppsValue);
    else if (adeliValue) nationalId = professionalNationalIdFromAdeli(adeliValue);
    else if (!input.rpps?.trim() && !input.adeli?.trim()) {
      errors.add(
        'rpps',
        'Indiquez le numéro RPPS, à défaut le numéro ADELI ou l’identifiant national du professionnel.',
      );
    }
  }

  const civility = cleanText(input.civility)?.toUpperCase() ?? null;
  if (civility && !CIVILITIES.includes(civility)) errors.add('civility', 'La civilité est M ou MME.');
  const title = cleanText(input.title)?.toUpperCase() ?? null;
  if (title && !TITLES.includes(title)) errors.add('title', 'La civilité d’exercice est DR ou PR.');

  const familyName = errors.required('familyName', input.familyName, 'Le nom d’exercice est obligatoire.');
  const professionCode = cleanText(input.professionCode) ?? '';
  if (!PROFESSION_CODE.test(professionCode)) {
    errors.add(
      'professionCode',
      'Le code profession est le code à 2 chiffres de la nomenclature TRE_G15 (10 : médecin…).',
    );
  }
  const professionLabel = errors.required(
    'professionLabel',
    input.professionLabel,
    'Le libellé de la profession est obligatoire.',
  );
  const specialty = codeAndLabel(
    errors,
    'specialty',
    input.specialtyCode,
    input.specialtyLabel,
    'de la spécialité (TRE_R38)',
  );
  const category = codeAndLabel(
    errors,
    'category',
    input.categoryCode,
    input.categoryLabel,
    'de la catégorie (TRE_R09)',
  );

  errors.throwIfAny('Le professionnel');
  return {
    nationalId: nationalId!,
    rpps: rppsValue,
    adeli: adeliValue,
    civility,
    title,
    familyName,
    givenNames: cleanText(input.givenNames) ?? '',
    professionCode,
    professionLabel,
    categoryCode: category.code,
    categoryLabel: category.label,
    specialtyCode: specialty.code,
    specialtyLabel: specialty.label,
    active: input.active ?? true,
  };
}

function codeAndLabel(
  errors: FieldErrors,
  field: string,
  code: string | null | undefined,
  label: string | null | undefined,
  what: string,
): { code: string | null; label: string | null } {
  const cleanCode = cleanText(code)?.toUpperCase() ?? null;
  const cleanLabel = cleanText(label);
  if (cleanCode && !TERMINOLOGY_CODE.test(cleanCode)) errors.add(`${field}Code`, `Le code ${what} est mal formé.`);
  if (cleanCode && !cleanLabel) errors.add(`${field}Label`, `Le libellé ${what} est obligatoire avec son code.`);
  if (!cleanCode && cleanLabel) errors.add(`${field}Code`, `Le code ${what} est obligatoire avec son libellé.`);
  return { code: cleanCode, label: cleanCode ? cleanLabel : null };
}

/** The structure's technical id stays null when absent: the service gives platform structures a key of their own. */
export function validateStructure(input: StructureInput): Validated<StructureRecord> {
  const errors = new FieldErrors();
  const name = errors.required('name', input.name, 'Le nom de la structure est obligatoire.');
  const finessSite = errors.identifier('finessSite', finess, input.finessSite);
  const finessLegal = errors.identifier('finessLegal', finess, input.finessLegal);
  const siretValue = errors.identifier('siret', siret, input.siret);
  const national = errors.identifier('nationalId', structureNationalId, input.nationalId);
  if (national?.kind === 'finess' && finessSite && national.finess !== finessSite) {
    errors.add(
      'nationalId',
      `L’identifiant national ${national.nationalId} ne correspond pas au FINESS ${finessSite}.`,
    );
  }
  if (national?.kind === 'siret' && siretValue && national.siret !== siretValue) {
    errors.add('nationalId', `L’identifiant national ${national.nationalId} ne correspond pas au SIRET ${siretValue}.`);
  }
  const parentId = input.parentId ?? null;
  if (input.kind === 'sos-fixed-point' && !parentId) {
    errors.add('parentId', 'Un point fixe de garde est rattaché à son association SOS Médecins.');
  }
  errors.throwIfAny('La structure');
  return {
    kind: input.kind,
    name,
    nationalId: national?.nationalId ?? null,
    finessSite: finessSite ?? (national?.kind === 'finess' ? national.finess : null),
    finessLegal,
    siret: siretValue ?? (national?.kind === 'siret' ? national.siret : null),
    technicalId: cleanText(input.technicalId),
    parentId,
    active: input.active ?? true,
  };
}

export function validatePlace(input: PlaceInput): Validated<PlaceRecord> {
  const errors = new FieldErrors();
  const placeKey = errors.required('placeKey', input.placeKey, 'La clé du lieu est obligatoire.');
  const communeInsee = errors.identifier('communeInsee', inseeCommuneCode, input.communeInsee);
  const postal = errors.identifier('postalCode', postalCode, input.postalCode);
  const phone = errors.identifier('phone', phoneRule, input.phone);
  const latitude = input.latitude ?? null;
  const longitude = input.longitude ?? null;
  if ((latitude === null) !== (longitude === null)) {
    errors.add(latitude === null ? 'latitude' : 'longitude', 'La latitude et la longitude vont ensemble.');
  }
  if (latitude !== null && !(latitude >= -90 && latitude <= 90)) {
    errors.add('latitude', 'La latitude est comprise entre -90 et 90 degrés.');
  }
  if (longitude !== null && !(longitude >= -180 && longitude <= 180)) {
    errors.add('longitude', 'La longitude est comprise entre -180 et 180 degrés.');
  }
  const addressLines = (input.addressLines ?? []).map(cleanText).filter((l): l is string => l !== null);
  errors.throwIfAny('Le lieu');
  const located = latitude !== null && longitude !== null;
  return {
    placeKey,
    structureId: input.structureId ?? null,
    name: cleanText(input.name),
    addressLines,
    postalCode: postal,
    communeInsee,
    city: cleanText(input.city),
    latitude: located ? latitude : null,
    longitude: located ? longitude : null,
    // Coordinates a person enters are his own placing unless he says how precise they are.
    coordinatesPrecision: located ? (input.coordinatesPrecision ?? 'manual') : null,
    phone,
    active: input.active ?? true,
  };
}

export function validateRole(input: RoleInput): Validated<RoleRecord> {
  const errors = new FieldErrors();
  const phone = errors.identifier('phone', phoneRule, input.phone);
  const email = cleanText(input.email);
  if (email && !EMAIL.test(email)) errors.add('email', `« ${email} » n’est pas une adresse électronique.`);
  const modalities = input.modalities ?? [];
  if (new Set(modalities).size !== modalities.length)
    errors.add('modalities', 'Chaque modalité n’est indiquée qu’une fois.');
  if (!input.structureId && !input.placeId) {
    errors.add('placeId', 'Un rôle s’exerce dans une structure ou en un lieu : indiquez l’un ou l’autre.');
  }
  errors.throwIfAny('Le rôle');
  return {
    professionalId: input.professionalId,
    structureId: input.structureId ?? null,
    placeId: input.placeId ?? null,
    practiceMode: input.practiceMode ?? null,
    phone,
    email: email?.toLowerCase() ?? null,
    modalities,
    feeSector: input.feeSector ?? null,
    active: input.active ?? true,
  };
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isCalendarDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === value;
}

/** A withdrawal clears the organisation and the extra patients: they describe an enrolment. */
export function validateSasParticipation(input: SasParticipationInput, updatedBy: string): SasParticipationRecord {
  const errors = new FieldErrors();
  const kind = input.enrolled ? (input.organisationKind ?? null) : null;
  const structureId = input.enrolled ? (input.organisationStructureId ?? null) : null;
  if (input.enrolled && !kind) {
    errors.add(
      'organisationKind',
      'Indiquez comment le professionnel participe au SAS : à titre individuel, par une CPTS, une MSP ou SOS Médecins.',
    );
  }
  if (kind === 'individual' && structureId) {
    errors.add('organisationStructureId', 'Une participation à titre individuel ne passe par aucune structure.');
  }
  if (kind && kind !== 'individual' && !structureId) {
    errors.add('organisationStructureId', 'Indiquez la structure par laquelle le professionnel participe au SAS.');
  }
  const since = input.enrolled ? (input.enrolledSince ?? null) : null;
  if (since && !isCalendarDate(since)) errors.add('enrolledSince', 'La date d’engagement est une date AAAA-MM-JJ.');
  errors.throwIfAny('La participation au SAS');
  return {
    professionalId: input.professionalId,
    enrolled: input.enrolled,
    organisationKind: kind,
    organisationStructureId: structureId,
    acceptsExtraPatients: input.enrolled ? (input.acceptsExtraPatients ?? false) : false,
    enrolledSince: since,
    updatedBy,
  };
}

const LANGUAGE = /^[a-z]{2,3}$/;

export function validateRegulatorNotes(input: RegulatorNotesInput, updatedBy: string): RegulatorNotesRecord {
  const errors = new FieldErrors();
  const regulatorPhone = errors.identifier('regulatorPhone', phoneRule, input.regulatorPhone);
  const languages = (input.languages ?? []).map((l) => l.trim().toLowerCase());
  const wrong = languages.filter((l) => !LANGUAGE.test(l));
  if (wrong.length > 0) {
    errors.add('languages', `Les langues sont des codes ISO 639 (en, es, ar…) : ${wrong.join(', ')} ne convient pas.`);
  }
  errors.throwIfAny('La note pour les régulateurs');
  return {
    notes: cleanMultiline(input.notes),
    restrictions: cleanMultiline(input.restrictions),
    acceptsNewPatients: input.acceptsNewPatients ?? null,
    patientsNote: cleanMultiline(input.patientsNote),
    languages: [...new Set(languages)],
    accessibility: cleanMultiline(input.accessibility),
    homeVisitArea: cleanMultiline(input.homeVisitArea),
    regulatorPhone,
    updatedBy,
  };
}

/** Notes keep their line breaks; only surrounding blanks go. */
function cleanMultiline(value: string | null | undefined): string | null {
  const text = value?.trim() ?? '';
  return text === '' ? null : text;
}
