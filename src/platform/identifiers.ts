/**
 * National identifiers of French health data (rules.md §8): professionals (RPPS, ADELI, idNat_PS),
 * structures (FINESS, SIRET, SIREN, idNat_Struct), people (NIR / INS matricule) and communes (INSEE code).
 *
 * Every identifier reads in two modes:
 * - **strict**, for what a person types: the value is normalised (spaces, dots and hyphens removed, upper case)
 *   and refused with one French sentence when its shape or its check key is wrong;
 * - **lenient**, for what registries and vendors send: the value is kept (only trimmed of blanks and upper-cased)
 *   and each anomaly is listed, so an import keeps the record and reports it. Real data and the ANS SAS IG's own
 *   examples (810100050075, 810002673899) carry ids whose check digit fails.
 *
 * Pure functions, no I/O.
 */

export type StrictResult<T> = { ok: true; value: T } | { ok: false; message: string };

export interface LenientResult<T> {
  value: T;
  /** French sentences, one per anomaly; empty when the value is well formed. */
  anomalies: string[];
}

/** `T`: what a strict reading gives; `R`: what a lenient one keeps (an unrecognised form, for composite ids). */
export interface IdentifierRule<T, R = T> {
  /** French name with its article, for messages: « le numéro RPPS ». */
  readonly label: string;
  strict(input: string): StrictResult<T>;
  lenient(input: string): LenientResult<R>;
}

/** FHIR identifier systems of the ANS directory. */
export const PROFESSIONAL_NATIONAL_ID_SYSTEM = 'urn:oid:1.2.250.1.71.4.2.1';
export const STRUCTURE_NATIONAL_ID_SYSTEM = 'urn:oid:1.2.250.1.71.4.2.2';

// ---------------------------------------------------------------------------------------------------------------
// Check keys

/** True when `digits` (digits only) passes the Luhn check (ISO/IEC 7812-1): the last digit is the key. */
export function luhnIsValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  return luhnSum(digits, false) % 10 === 0;
}

/** The Luhn check digit to append to `payload` (digits only). */
export function luhnCheckDigit(payload: string): string {
  if (!/^\d+$/.test(payload)) throw new Error(`luhnCheckDigit : chiffres attendus, reçu « ${payload} »`);
  return String((10 - (luhnSum(payload, true) % 10)) % 10);
}

function luhnSum(digits: string, doubleRightmost: boolean): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === (doubleRightmost ? 0 : 1)) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum;
}

/** Sum of the digits: La Poste's SIRET rule (see siret). */
function digitSum(digits: string): number {
  let sum = 0;
  for (const c of digits) sum += c.charCodeAt(0) - 48;
  return sum;
}

/**
 * The 2-digit key of a NIR body (13 characters): 97 − (number mod 97), where Corsica's département code counts
 * as 19 for 2A and 18 for 2B.
 */
export function nirKey(body: string): string {
  if (!NIR_BODY.test(body)) throw new Error(`nirKey : corps de NIR de 13 caractères attendu, reçu « ${body} »`);
  const numeric = body.slice(0, 5) + corsicaAsDigits(body.slice(5, 7)) + body.slice(7);
  return String(97 - Number(BigInt(numeric) % 97n)).padStart(2, '0');
}

function corsicaAsDigits(departement: string): string {
  if (departement === '2A') return '19';
  if (departement === '2B') return '18';
  return departement;
}

// ---------------------------------------------------------------------------------------------------------------
// Normalisation

/** What a person types: blanks, dots and hyphens are layout, not content. */
function normalizeTyped(input: string): string {
  return input.replace(/[\s.\-\u00a0\u202f]/g, '').toUpperCase();
}

/** What a registry sends: surrounding blanks and case are noise; anything else is kept as sent. */
function normalizeReceived(input: string): string {
  return input.trim().toUpperCase();
}

/**
 * Builds a rule from one list of problems: strict refuses on the first, lenient reports them all. `problems`
 * receives the normalised value; a problem of shape makes later checks (the key) meaningless, so it returns early.
 */
function simpleRule(label: string, problems: (value: string) => string[]): IdentifierRule<string> {
  return {
    label,
    strict(input) {
      const value = normalizeTyped(input);
      if (value === '') return { ok: false, message: `${capitalize(label)} est vide.` };
      const found = problems(value);
      return found.length > 0 ? { ok: false, message: found[0]! } : { ok: true, value };
    },
    lenient(input) {
      const value = normalizeReceived(input);
      if (value === '') return { value, anomalies: [`${capitalize(label)} est vide.`] };
      return { value, anomalies: problems(value) };
    },
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// ---------------------------------------------------------------------------------------------------------------
// Professionals

/** RPPS: 11 digits, the last a Luhn key. */
export const rpps: IdentifierRule<string> = simpleRule('le numéro RPPS', (value) => {
  if (!/^\d{11}$/.test(value)) return [`Le numéro RPPS doit comporter 11 chiffres (reçu « ${value} »).`];
  if (!luhnIsValid(value)) return [`La clé du numéro RPPS ${value} est fausse : vérifiez les chiffres saisis.`];
  return [];
});

/**
 * ADELI: 9 characters, département first (2A/2B for Corsica). ADELI has a key of its own, but no source at hand
 * states its algorithm: only the shape is checked.
 */
export const adeli: IdentifierRule<string> = simpleRule('le numéro ADELI', (value) => {
  if (!/^(\d{2}|2[AB])\d{7}$/.test(value)) {
    return [`Le numéro ADELI doit comporter 9 caractères : 9 chiffres, ou 2A/2B puis 7 chiffres (reçu « ${value} »).`];
  }
  return [];
});

/** The national id of a professional (idNat_PS), read: its kind and its parts. */
export type ProfessionalNationalId =
  | { kind: 'rpps'; nationalId: string; rpps: string }
  | { kind: 'adeli'; nationalId: string; adeli: string }
  | {
      /** Staff without RPPS or ADELI (e.g. a regulator): `3` + structure id + `/` + internal id. */
      kind: 'structure-staff';
      nationalId: string;
      structureIdKind: 'finess' | 'siret';
      structureId: string;
      internalId: string;
    };

/** A lenient reading that recognised no known form keeps the value as sent. */
export type ReceivedProfessionalNationalId = ProfessionalNationalId | { kind: 'unknown'; nationalId: string };

export const PROFESSIONAL_NATIONAL_ID_PREFIX = { rpps: '8', adeli: '0', 'structure-staff': '3' } as const;

export function professionalNationalIdFromRpps(value: string): string {
  return PROFESSIONAL_NATIONAL_ID_PREFIX.rpps + value;
}

export function professionalNationalIdFromAdeli(value: string): string {
  return PROFESSIONAL_NATIONAL_ID_PREFIX.adeli + value;
}

export function professionalNationalIdOfStaff(structureId: string, internalId: string): string {
  return `${PROFESSIONAL_NATIONAL_ID_PREFIX['structure-staff']}${structureId}/${internalId}`;
}

/** The id without its prefix, as the RPPS or ADELI registers print it (and the structure's id/internal id). */
export function unprefixedProfessionalId(id: ProfessionalNationalId): string {
  switch (id.kind) {
    case 'rpps':
      return id.rpps;
    case 'adeli':
      return id.adeli;
    case 'structure-staff':
      return `${id.structureId}/${id.internalId}`;
  }
}

const INTERNAL_ID = /^[0-9A-Za-z._-]{1,40}$/;

interface ProfessionalReading {
  id: ReceivedProfessionalNationalId;
  problems: string[];
}

/**
 * Reads an idNat_PS with or without its prefix: `8`+RPPS (12 digits) or a bare RPPS (11), `0`+ADELI (10) or a bare
 * ADELI (9), `3`+FINESS or SIRET+`/`+internal id. The lengths never overlap, so the reading is unambiguous.
 */
function readProfessionalNationalId(value: string, mode: 'strict' | 'lenient'): ProfessionalReading {
  const check = <T>(rule: IdentifierRule<T, unknown>, part: string) =>
    mode === 'strict' ? strictProblems(rule.strict(part)) : rule.lenient(part).anomalies;
  if (value.startsWith('3') && value.includes('/')) {
    const slash = value.indexOf('/');
    const structureId = value.slice(1, slash);
    const internalId = value.slice(slash + 1);
    const problems: string[] = [];
    let structureIdKind: 'finess' | 'siret';
    if (structureId.length === 14) {
      structureIdKind = 'siret';
      problems.push(...check(siret, structureId));
    } else {
      structureIdKind = 'finess';
      if (structureId.length === 9) problems.push(...check(finess, structureId));
      else
        problems.push(
          `L’identifiant national ${value} doit porter, après le préfixe 3, un numéro FINESS (9 caractères) ou SIRET ` +
            `(14 chiffres) de la structure.`,
        );
    }
    if (!INTERNAL_ID.test(internalId)) {
      problems.push(
        `L’identifiant national ${value} doit finir, après « / », par l’identifiant interne de la personne dans la ` +
          `structure (lettres, chiffres, « . », « _ » ou « - », 40 au plus).`,
      );
    }
    return {
      id: { kind: 'structure-staff', nationalId: value, structureIdKind, structureId, internalId },
      problems,
    };
  }
  if (/^8\d{11}$/.test(value) || /^\d{11}$/.test(value)) {
    const bare = value.length === 12 ? value.slice(1) : value;
    return {
      id: { kind: 'rpps', nationalId: professionalNationalIdFromRpps(bare), rpps: bare },
      problems: check(rpps, bare),
    };
  }
  if (value.length === 10 && value.startsWith('0')) {
    const bare = value.slice(1);
    return {
      id: { kind: 'adeli', nationalId: professionalNationalIdFromAdeli(bare), adeli: bare },
      problems: check(adeli, bare),
    };
  }
  if (value.length === 9) {
    return {
      id: { kind: 'adeli', nationalId: professionalNationalIdFromAdeli(value), adeli: value },
      problems: check(adeli, value),
    };
  }
  return {
    id: { kind: 'unknown', nationalId: value },
    problems: [
      `« ${value} » n’est pas un identifiant national de professionnel : attendu 8 suivi du numéro RPPS ` +
        `(11 chiffres), 0 suivi du numéro ADELI (9 caractères), ou 3 suivi du FINESS/SIRET de la structure, ` +
        `« / » et l’identifiant interne.`,
    ],
  };
}

function strictProblems<T>(result: StrictResult<T>): string[] {
  return result.ok ? [] : [result.message];
}

/** idNat_PS (system urn:oid:1.2.250.1.71.4.2.1), with or without prefix; `nationalId` is always prefixed. */
export const professionalNationalId: IdentifierRule<ProfessionalNationalId, ReceivedProfessionalNationalId> = {
  label: 'l’identifiant national du professionnel',
  strict(input) {
    const value = normalizeProfessionalNationalId(input, normalizeTyped);
    if (value === '') return { ok: false, message: 'L’identifiant national du professionnel est vide.' };
    const { id, problems } = readProfessionalNationalId(value, 'strict');
    if (problems.length > 0 || id.kind === 'unknown') return { ok: false, message: problems[0]! };
    return { ok: true, value: id };
  },
  lenient(input) {
    const value = normalizeProfessionalNationalId(input, normalizeReceived);
    if (value === '') {
      return {
        value: { kind: 'unknown', nationalId: value },
        anomalies: ['L’identifiant national du professionnel est vide.'],
      };
    }
    const { id, problems } = readProfessionalNationalId(value, 'lenient');
    return { value: id, anomalies: problems };
  },
};

/**
 * An idNat_PS of structure staff ends with the structure's own internal id, whose case and punctuation are the
 * structure's: only the part before « / » is normalised.
 */
function normalizeProfessionalNationalId(input: string, normalize: (part: string) => string): string {
  const slash = input.indexOf('/');
  if (slash < 0) return normalize(input);
  return normalize(input.slice(0, slash)) + '/' + input.slice(slash + 1).trim();
}

// ---------------------------------------------------------------------------------------------------------------
// Structures

/**
 * FINESS: 9 characters, département first (2A/2B for Corsica), the last a check digit.
 *
 * The key is the Luhn digit over the 9 digits. No ANS text stating it was at hand; it is established on published
 * data instead: every real FINESS number checked (the ANS FINESS flux examples 010000016, 010000156, 010780195,
 * 010787190, 010002749, 010780310…, and 750712184) passes Luhn, which chance would give one time in ten each.
 * For Corsica (2A/2B), how the letter enters the key is not established: only the shape is checked there.
 * The lenient shape is the FINESS flux XSD's `[0-9][0-9A-Z][0-9]{7}`.
 */
export const finess: IdentifierRule<string> = simpleRule('le numéro FINESS', (value) => {
  if (!/^[0-9][0-9A-Z][0-9]{7}$/.test(value)) {
    return [`Le numéro FINESS doit comporter 9 caractères : 9 chiffres, ou 2A/2B puis 7 chiffres (reçu « ${value} »).`];
  }
  if (!/^(\d{2}|2[AB])/.test(value)) {
    return [`Le numéro FINESS ${value} ne commence pas par un code de département (2A/2B pour la Corse).`];
  }
  if (/^\d{9}$/.test(value) && !luhnIsValid(value)) {
    return [`La clé du numéro FINESS ${value} est fausse : vérifiez les chiffres saisis.`];
  }
  return [];
});

/** SIREN: 9 digits, Luhn. */
export const siren: IdentifierRule<string> = simpleRule('le numéro SIREN', (value) => {
  if (!/^\d{9}$/.test(value)) return [`Le numéro SIREN doit comporter 9 chiffres (reçu « ${value} »).`];
  if (!luhnIsValid(value)) return [`La clé du numéro SIREN ${value} est fausse : vérifiez les chiffres saisis.`];
  return [];
});

/** La Poste's SIREN: its establishments outnumber what Luhn keys allow, so INSEE gave them another rule. */
export const LA_POSTE_SIREN = '356000000';

/**
 * SIRET: 14 digits (SIREN + NIC), Luhn. Exception: La Poste's establishments (SIREN 356000000) have a SIRET whose
 * digit sum is a multiple of 5 instead (only the head office, 35600000000048, passes Luhn) — INSEE's rule as
 * reported by the French Wikipedia article « Système d'identification du répertoire des établissements ».
 */
export const siret: IdentifierRule<string> = simpleRule('le numéro SIRET', (value) => {
  if (!/^\d{14}$/.test(value)) return [`Le numéro SIRET doit comporter 14 chiffres (reçu « ${value} »).`];
  const valid = value.startsWith(LA_POSTE_SIREN) ? luhnIsValid(value) || digitSum(value) % 5 === 0 : luhnIsValid(value);
  if (!valid) return [`La clé du numéro SIRET ${value} est fausse : vérifiez les chiffres saisis.`];
  return [];
});

/** The national id of a structure (idNat_Struct), read. */
export type StructureNationalId =
  | { kind: 'finess'; nationalId: string; finess: string }
  | { kind: 'siret'; nationalId: string; siret: string }
  | { kind: 'rpps-rang'; nationalId: string; rpps: string; rang: string }
  | { kind: 'adeli-rang'; nationalId: string; adeli: string; rang: string };

export type ReceivedStructureNationalId = StructureNationalId | { kind: 'unknown'; nationalId: string };

export const STRUCTURE_NATIONAL_ID_PREFIX = { finess: '1', siret: '3', 'rpps-rang': '4', 'adeli-rang': '0' } as const;

export function structureNationalIdFromFiness(value: string): string {
  return STRUCTURE_NATIONAL_ID_PREFIX.finess + value;
}

export function structureNationalIdFromSiret(value: string): string {
  return STRUCTURE_NATIONAL_ID_PREFIX.siret + value;
}

export function structureNationalIdFromRppsRang(rppsValue: string, rang: string): string {
  return STRUCTURE_NATIONAL_ID_PREFIX['rpps-rang'] + rppsValue + rang;
}

export function structureNationalIdFromAdeliRang(adeliValue: string, rang: string): string {
  return STRUCTURE_NATIONAL_ID_PREFIX['adeli-rang'] + adeliValue + rang;
}

/**
 * Reads an idNat_Struct: `1`+FINESS (10), `3`+SIRET (15), `4`+RPPS+rang, `0`+ADELI+rang, or — as the SAS IG
 * allows — a bare FINESS (9) or SIRET (14). The rang's length is not fixed by any source at hand: 1 to 4 digits
 * are read (the IG's example 412345678912345 has 3). A 14-digit value starting with 4 is either a bare SIRET or
 * `4`+RPPS+2-digit rang: the one whose key holds wins; when both or neither hold, the prefixed reading wins (the IG
 * says to send prefixed ids) and the lenient reading reports the ambiguity.
 */
function readStructureNationalId(
  value: string,
  mode: 'strict' | 'lenient',
): { id: ReceivedStructureNationalId; problems: string[] } {
  const check = <T>(rule: IdentifierRule<T, unknown>, part: string) =>
    mode === 'strict' ? strictProblems(rule.strict(part)) : rule.lenient(part).anomalies;
  const asFiness = (bare: string) => ({
    id: { kind: 'finess' as const, nationalId: structureNationalIdFromFiness(bare), finess: bare },
    problems: check(finess, bare),
  });
  const asSiret = (bare: string) => ({
    id: { kind: 'siret' as const, nationalId: structureNationalIdFromSiret(bare), siret: bare },
    problems: check(siret, bare),
  });
  const asRppsRang = (extraProblems: string[] = []) => {
    const bare = value.slice(1, 12);
    const rang = value.slice(12);
    return {
      id: { kind: 'rpps-rang' as const, nationalId: value, rpps: bare, rang },
      problems: [...check(rpps, bare), ...extraProblems],
    };
  };

  if (value.length === 10 && value.startsWith('1')) return asFiness(value.slice(1));
  if (value.length === 15 && value.startsWith('3')) return asSiret(value.slice(1));
  if (value.length === 14 && value.startsWith('4') && /^\d+$/.test(value)) {
    const rppsHolds = luhnIsValid(value.slice(1, 12));
    const siretHolds = siret.lenient(value).anomalies.length === 0;
    if (siretHolds && !rppsHolds) return asSiret(value);
    return asRppsRang(
      rppsHolds && !siretHolds
        ? []
        : [
            `L’identifiant de structure ${value} est ambigu (SIRET sans préfixe, ou 4 + RPPS + rang) : lu comme ` +
              `RPPS + rang ; envoyez-le avec son préfixe (3 pour un SIRET).`,
          ],
    );
  }
  if (/^4\d{12,15}$/.test(value)) return asRppsRang();
  if (/^0[0-9A-Z]{9}\d{1,4}$/.test(value)) {
    const bare = value.slice(1, 10);
    const rang = value.slice(10);
    return { id: { kind: 'adeli-rang', nationalId: value, adeli: bare, rang }, problems: check(adeli, bare) };
  }
  if (value.length === 9) return asFiness(value);
  if (value.length === 14) return asSiret(value);
  return {
    id: { kind: 'unknown', nationalId: value },
    problems: [
      `« ${value} » n’est pas un identifiant national de structure : attendu 1 suivi du FINESS (9 caractères), ` +
        `3 suivi du SIRET (14 chiffres), 4 suivi du RPPS et du rang, ou 0 suivi de l’ADELI et du rang.`,
    ],
  };
}

/** idNat_Struct (system urn:oid:1.2.250.1.71.4.2.2), with or without prefix; `nationalId` is always prefixed. */
export const structureNationalId: IdentifierRule<StructureNationalId, ReceivedStructureNationalId> = {
  label: 'l’identifiant national de la structure',
  strict(input) {
    const value = normalizeTyped(input);
    if (value === '') return { ok: false, message: 'L’identifiant national de la structure est vide.' };
    const { id, problems } = readStructureNationalId(value, 'strict');
    if (problems.length > 0 || id.kind === 'unknown') return { ok: false, message: problems[0]! };
    return { ok: true, value: id };
  },
  lenient(input) {
    const value = normalizeReceived(input);
    if (value === '') {
      return {
        value: { kind: 'unknown', nationalId: value },
        anomalies: ['L’identifiant national de la structure est vide.'],
      };
    }
    const { id, problems } = readStructureNationalId(value, 'lenient');
    return { value: id, anomalies: problems };
  },
};

// ---------------------------------------------------------------------------------------------------------------
// People and places

const NIR_BODY = /^[0-9]{5}(\d{2}|2[AB])\d{6}$/;

/**
 * NIR / INS matricule: 13 characters (sex, year, month, département — 2A/2B for Corsica —, commune, order) and a
 * 2-digit key = 97 − (number mod 97), with 2A counted as 19 and 2B as 18. The first digit is 1 or 2 (sex), or 3, 4,
 * 7, 8 for the temporary and special numbers; the month is not checked (unknown months have codes of their own).
 */
export const nir: IdentifierRule<string> = simpleRule('le NIR', (value) => {
  if (!/^[0-9]{5}(\d{2}|2[AB])\d{8}$/.test(value)) {
    return [
      `Le NIR doit comporter 15 caractères : 13 pour le numéro (2A/2B possibles pour la Corse) et 2 pour la clé ` +
        `(reçu « ${value} »).`,
    ];
  }
  if (!/^[123478]/.test(value))
    return [`Le NIR ${value} doit commencer par 1 ou 2 (ou 3, 4, 7, 8 pour un numéro provisoire).`];
  if (nirKey(value.slice(0, 13)) !== value.slice(13)) {
    return [`La clé du NIR ${value.slice(0, 13)} est fausse : vérifiez les chiffres saisis.`];
  }
  return [];
});

/**
 * INSEE code of a commune (COG): 5 characters, département first — 2A/2B for Corsica (whose old code 20 is no
 * longer used), 97x for overseas départements.
 */
export const inseeCommuneCode: IdentifierRule<string> = simpleRule('le code INSEE de la commune', (value) => {
  if (!/^(\d{2}|2[AB])\d{3}$/.test(value)) {
    return [
      `Le code INSEE d’une commune comporte 5 caractères : 5 chiffres, ou 2A/2B puis 3 chiffres (reçu « ${value} »).`,
    ];
  }
  if (value.startsWith('00')) return [`Le code INSEE ${value} ne commence pas par un code de département.`];
  if (value.startsWith('20'))
    return [`Le code INSEE ${value} est un ancien code corse : les communes de Corse commencent par 2A ou 2B.`];
  return [];
});

/** French postal code: 5 digits. Several communes share one, and one commune can have several. */
export const postalCode: IdentifierRule<string> = simpleRule('le code postal', (value) => {
  if (!/^\d{5}$/.test(value)) return [`Le code postal doit comporter 5 chiffres (reçu « ${value} »).`];
  return [];
});

/** Groups digits for display: `formatGrouped('73282932000074', [3, 3, 3, 5])` → « 732 829 320 00074 ». */
export function formatGrouped(value: string, groups: number[]): string {
  const parts: string[] = [];
  let at = 0;
  for (const size of groups) {
    if (at >= value.length) break;
    parts.push(value.slice(at, at + size));
    at += size;
  }
  if (at < value.length) parts.push(value.slice(at));
  return parts.join(' ');
}
