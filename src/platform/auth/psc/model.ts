import type { ColumnType, Generated } from 'kysely';
import type { Role } from '../../access/model.ts';

/**
 * Pro Santé Connect (PSC): the national OpenID Connect login of health professionals. Tables of migration
 * 0009_platform_psc:
 *
 * - `psc_login_flow`: one row per login under way, keyed by the SHA-256 of its `state`. It lives in the
 *   database (not in memory) so that the callback may reach another application node than the start; its
 *   nonce, PKCE verifier and return path are sealed (AES-256-GCM) under a key derived from a random secret
 *   held only in the browser's http-only flow cookie: a read of the table gives nothing usable, and a
 *   callback URL replayed from another browser cannot complete the flow. A row is deleted when its callback
 *   comes (single use) and is worthless after `expires_at`.
 * - `psc_session`: the ID token of a session opened through PSC, for the provider's logout (`id_token_hint`),
 *   sealed under a key derived from the session cookie's token (stored nowhere but in the browser).
 * - `psc_enrolment_request`: a professional unknown to maillage who logged in through PSC: his account is
 *   created `pending`, without any role; this row holds the role asked (effecteur), the territory deduced from
 *   his places of practice (or none when undecidable) and what PSC said of his practice, for the account
 *   administrator who validates or refuses it.
 */
export interface PscTables {
  psc_login_flow: {
    state_hash: string;
    sealed: string;
    created_at: Generated<Date>;
    expires_at: Date;
  };
  psc_session: {
    session_token_hash: string;
    id_token_sealed: string;
    created_at: Generated<Date>;
  };
  psc_enrolment_request: {
    account_id: string;
    national_id: string;
    requested_role: Role;
    territory_id: string | null;
    candidate_territory_ids: ColumnType<string[], string[] | undefined, string[]>;
    practice: ColumnType<PscPractice, string, string>;
    status: Generated<EnrolmentStatus>;
    requested_at: Generated<Date>;
    decided_at: Date | null;
    decided_by: string | null;
  };
}

export type EnrolmentStatus = 'pending' | 'approved' | 'rejected';

/** Cookie binding a login under way to the browser that started it (path /api/auth/psc, http-only, 10 min). */
export const PSC_FLOW_COOKIE = 'maillage_psc';

/** Minutes a login may take between the start and the provider's callback. */
export const PSC_FLOW_MINUTES = 10;

/** Web page where a professional lands after a first PSC login, waiting for an administrator's validation. */
export const PSC_PENDING_PATH = '/connexion/psc-en-attente';

/** Web page where a refused PSC login lands, with `?psc=<reason>` (see PscRefusal). */
export const PSC_REFUSED_PATH = '/connexion';

/** Where Pro Santé Connect sends the browser back after its logout (must be registered with PSC). */
export const PSC_POST_LOGOUT_PATH = '/connexion';

/** The role a professional asks for when he enrols himself through PSC. */
export const PSC_ENROLMENT_ROLE: Role = 'effecteur';

/**
 * Why a PSC login was refused, as the web login page receives it (`/connexion?psc=<reason>`): a stable code it
 * turns into a French sentence.
 */
export const PSC_REFUSALS = {
  /** The provider authenticated with another level than the one required (PSC_ACR). */
  'niveau-refuse': 'Pro Santé Connect a authentifié avec un niveau de sécurité que maillage n’accepte pas.',
  /** The account exists and is disabled. */
  'compte-desactive': 'Votre compte est désactivé : contactez l’administrateur de comptes de votre territoire.',
  /** The person cancelled at the provider. */
  annule: 'La connexion Pro Santé Connect a été annulée.',
  /** The provider could not be reached. */
  indisponible: 'Pro Santé Connect ne répond pas : réessayez dans quelques minutes.',
  /** Anything else: unknown or replayed state, invalid token, unreadable identity… */
  echec: 'La connexion Pro Santé Connect n’a pas abouti : recommencez depuis la page de connexion.',
} as const;

export type PscRefusal = keyof typeof PSC_REFUSALS;

/** One place of practice, as PSC's `SubjectRefPro.exercices[].activities[]` describes it (identifiers only). */
export interface PscActivity {
  /** codeModeExercice: L libéral, S salarié, B bénévole. */
  practiceMode: string | null;
  /** codeSecteurDactivite (TRE_R02), e.g. SA07 cabinet individuel. */
  sectorCode: string | null;
  finessSite: string | null;
  finessLegal: string | null;
  siret: string | null;
  siren: string | null;
  /** identifiantTechniqueDeLaStructure: the Annuaire Santé's technical id of the structure. */
  structureTechnicalId: string | null;
  structureName: string | null;
  postalCode: string | null;
  /** INSEE code of the place's commune, when PSC gives it. */
  communeInsee: string | null;
}

/** One profession the professional practises (`SubjectRefPro.exercices[]`). */
export interface PscExercise {
  /** codeProfession (TRE_G15), e.g. 10 médecin. */
  professionCode: string | null;
  /** codeCategorieProfessionnelle (TRE_R09): C civil, M militaire, E étudiant. */
  categoryCode: string | null;
  /** codeTypeSavoirFaire (S spécialité ordinale…) and codeSavoirFaire (e.g. SM54 médecine générale). */
  skillTypeCode: string | null;
  skillCode: string | null;
  activities: PscActivity[];
}

/** What PSC told of a professional's practice, kept with his enrolment request. */
export interface PscPractice {
  /** SubjectRole: the profession codes with their OID, e.g. `10^1.2.250.1.213.1.1.5.5`. */
  roles: string[];
  exercises: PscExercise[];
}

/** The identity PSC asserts, read from its UserInfo claims. */
export interface PscIdentity {
  /** `sub` of the ID token and UserInfo (PSC's technical subject, not the national id). */
  subject: string;
  /** idNat_PS from SubjectNameID, always with its prefix (8 + RPPS, 0 + ADELI, 3 + structure/internal id). */
  nationalId: string;
  /** The same id without its prefix (bare RPPS or ADELI), as an account may have been typed with. */
  nationalIdAliases: string[];
  /** Anomalies of the national id as read leniently (a check digit that fails…): reported, not refused. */
  nationalIdAnomalies: string[];
  givenName: string | null;
  familyName: string | null;
  email: string | null;
  practice: PscPractice;
}

/** A self-enrolment waiting for (or given) an administrator's decision. */
export interface PscEnrolment {
  accountId: string;
  displayName: string;
  email: string;
  nationalId: string;
  requestedRole: Role;
  /** The territory deduced from the places of practice; null when the administrator must choose. */
  territoryId: string | null;
  territoryName: string | null;
  /** Every territory the places of practice belong to (the administrator may pick another). */
  candidateTerritoryIds: string[];
  practice: PscPractice;
  status: EnrolmentStatus;
  requestedAt: Date;
  decidedAt: Date | null;
}
