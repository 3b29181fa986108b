/**
 * The directory's use cases for people and other modules: `(db, actor, input)`, validated strictly, run in a
 * transaction on the caller's executor. Imports (next slice) write through the store with lenient readings.
 *
 * Access: every use case calls `checkAccess(actor, action, target)` first — the one place where the permission
 * matrix of the accounts work plugs in (createDirectoryService's parameter).
 */
import { randomUUID } from 'node:crypto';
import type { Executor } from '../db/database.ts';
import { inTransaction } from '../db/transaction.ts';
import type { Actor } from '../platform/access/model.ts';
import { AppError, notFound } from '../platform/errors.ts';
import { inseeCommuneCode } from '../platform/identifiers.ts';
import type {
  PlaceInput,
  ProfessionalDetail,
  ProfessionalInput,
  RegulatorNotes,
  RegulatorNotesInput,
  RoleInput,
  SasOrganisationKind,
  SasParticipation,
  SasParticipationInput,
  SpecialtyCount,
  StructureInput,
  StructureKind,
  UpsertResult,
} from './model.ts';
import * as store from './store.ts';
import {
  validatePlace,
  validateProfessional,
  validateRegulatorNotes,
  validateRole,
  validateSasParticipation,
  validateStructure,
} from './validation.ts';

export const DIRECTORY_ACTIONS = [
  'professional.read',
  'professional.write',
  'structure.write',
  'place.write',
  'role.write',
  'sas-participation.write',
  'regulator-notes.read',
  'regulator-notes.write',
  'statistics.read',
] as const;
export type DirectoryAction = (typeof DIRECTORY_ACTIONS)[number];

/** What an action touches, for checks scoped by territory or structure. */
export interface DirectoryTarget {
  professionalId?: string;
  structureId?: string;
  placeId?: string;
  communeInseeCodes?: readonly string[];
}

/** Throws AppError('forbidden') when `actor` may not do `action` on `target`. */
export type DirectoryAccessCheck = (
  actor: Actor,
  action: DirectoryAction,
  target: DirectoryTarget,
) => void | Promise<void>;

/** Who wrote, as SAS participation and regulator notes record it. */
export function actorLabel(actor: Actor): string {
  switch (actor.kind) {
    case 'user':
      return `account:${actor.accountId}`;
    case 'system':
      return `system:${actor.reason}`;
    default:
      return actor.kind;
  }
}

/** The structure kind each SAS organisation kind goes through. */
const SAS_ORGANISATION_STRUCTURE: Record<Exclude<SasOrganisationKind, 'individual'>, StructureKind> = {
  cpts: 'cpts',
  msp: 'msp',
  sos: 'sos-medecins',
};

export interface DirectoryService {
  upsertProfessional(db: Executor, actor: Actor, input: ProfessionalInput): Promise<UpsertResult>;
  retireProfessional(db: Executor, actor: Actor, professionalId: string): Promise<void>;
  getProfessional(db: Executor, actor: Actor, professionalId: string): Promise<ProfessionalDetail>;
  upsertStructure(db: Executor, actor: Actor, input: StructureInput): Promise<UpsertResult>;
  upsertPlace(db: Executor, actor: Actor, input: PlaceInput): Promise<UpsertResult>;
  upsertRole(db: Executor, actor: Actor, input: RoleInput): Promise<UpsertResult>;
  setSasParticipation(db: Executor, actor: Actor, input: SasParticipationInput): Promise<SasParticipation>;
  getRegulatorNotes(db: Executor, actor: Actor, placeId: string): Promise<RegulatorNotes | null>;
  setRegulatorNotes(db: Executor, actor: Actor, placeId: string, input: RegulatorNotesInput): Promise<RegulatorNotes>;
  countProfessionalsBySpecialty(
    db: Executor,
    actor: Actor,
    communeInseeCodes: readonly string[],
  ): Promise<SpecialtyCount[]>;
}

export function createDirectoryService(checkAccess: DirectoryAccessCheck): DirectoryService {
  return {
    async upsertProfessional(db, actor, input) {
      await checkAccess(actor, 'professional.write', {});
      const record = validateProfessional(input);
      return inTransaction(db, (tx) => store.upsertProfessional(tx, { ...record, source: 'platform' }));
    },

    async retireProfessional(db, actor, professionalId) {
      await checkAccess(actor, 'professional.write', { professionalId });
      await inTransaction(db, async (tx) => {
        if (!(await store.getProfessional(tx, professionalId))) throw professionalNotFound();
        await store.retireProfessional(tx, professionalId);
      });
    },

    async getProfessional(db, actor, professionalId) {
      await checkAccess(actor, 'professional.read', { professionalId });
      const detail = await store.getProfessionalDetail(db, professionalId);
      if (!detail) throw professionalNotFound();
      return detail;
    },

    async upsertStructure(db, actor, input) {
      await checkAccess(actor, 'structure.write', {});
      const record = validateStructure(input);
      return inTransaction(db, async (tx) => {
        if (record.parentId) {
          const parent = await store.getStructure(tx, record.parentId);
          if (!parent) throw invalidField('parentId', 'La structure de rattachement n’existe pas.');
          if (record.kind === 'sos-fixed-point' && parent.kind !== 'sos-medecins') {
            throw invalidField('parentId', 'Un point fixe de garde est rattaché à une association SOS Médecins.');
          }
        }
        // A structure created in the platform without FINESS, SIRET or technical id gets a key of its own.
        const technicalId =
          record.technicalId ?? (record.finessSite || record.siret ? null : `maillage:${randomUUID()}`);
        return store.upsertStructure(tx, { ...record, technicalId, source: 'platform' });
      });
    },

    async upsertPlace(db, actor, input) {
      await checkAccess(actor, 'place.write', { structureId: input.structureId ?? undefined });
      const record = validatePlace(input);
      return inTransaction(db, async (tx) => {
        if (record.structureId && !(await store.getStructure(tx, record.structureId))) {
          throw invalidField('structureId', 'La structure du lieu n’existe pas.');
        }
        return store.upsertPlace(tx, { ...record, source: 'platform' });
      });
    },

    async upsertRole(db, actor, input) {
      await checkAccess(actor, 'role.write', {
        professionalId: input.professionalId,
        structureId: input.structureId ?? undefined,
        placeId: input.placeId ?? undefined,
      });
      const record = validateRole(input);
      return inTransaction(db, async (tx) => {
        if (!(await store.getProfessional(tx, record.professionalId))) throw professionalNotFound();
        if (record.structureId && !(await store.getStructure(tx, record.structureId))) {
          throw invalidField('structureId', 'La structure du rôle n’existe pas.');
        }
        if (record.placeId && !(await store.getPlace(tx, record.placeId))) {
          throw invalidField('placeId', 'Le lieu du rôle n’existe pas.');
        }
        return store.upsertRole(tx, { ...record, source: 'platform' });
      });
    },

    async setSasParticipation(db, actor, input) {
      await checkAccess(actor, 'sas-participation.write', { professionalId: input.professionalId });
      const record = validateSasParticipation(input, actorLabel(actor));
      return inTransaction(db, async (tx) => {
        if (!(await store.getProfessional(tx, record.professionalId))) throw professionalNotFound();
        if (record.organisationKind && record.organisationKind !== 'individual' && record.organisationStructureId) {
          const structure = await store.getStructure(tx, record.organisationStructureId);
          const expected = SAS_ORGANISATION_STRUCTURE[record.organisationKind];
          if (!structure || structure.kind !== expected) {
            throw invalidField(
              'organisationStructureId',
              `La structure indiquée n’est pas une structure de type « ${expected} ».`,
            );
          }
        }
        return store.setSasParticipation(tx, record);
      });
    },

    async getRegulatorNotes(db, actor, placeId) {
      await checkAccess(actor, 'regulator-notes.read', { placeId });
      return store.getRegulatorNotes(db, placeId);
    },

    async setRegulatorNotes(db, actor, placeId, input) {
      await checkAccess(actor, 'regulator-notes.write', { placeId });
      const record = validateRegulatorNotes(input, actorLabel(actor));
      return inTransaction(db, async (tx) => {
        if (!(await store.getPlace(tx, placeId))) throw notFound('Ce lieu n’existe pas dans l’annuaire.');
        return store.setRegulatorNotes(tx, placeId, record);
      });
    },

    async countProfessionalsBySpecialty(db, actor, communeInseeCodes) {
      await checkAccess(actor, 'statistics.read', { communeInseeCodes });
      const codes: string[] = [];
      const wrong: string[] = [];
      for (const code of communeInseeCodes) {
        const read = inseeCommuneCode.strict(code);
        if (read.ok) codes.push(read.value);
        else wrong.push(code);
      }
      if (wrong.length > 0) {
        throw invalidField('communeInseeCodes', `Codes INSEE de commune mal formés : ${wrong.join(', ')}.`);
      }
      return store.countProfessionalsBySpecialty(db, codes);
    },
  };
}

function professionalNotFound(): AppError {
  return notFound('Ce professionnel n’existe pas dans l’annuaire.');
}

function invalidField(field: string, message: string): AppError {
  return new AppError('validation-failed', message, [{ field, message }]);
}
