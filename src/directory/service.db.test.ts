import { describe, expect, test, beforeEach } from 'vitest';
import { useTestTransaction } from '../db/testing/index.ts';
import { insertTestCommunes } from '../testing/fixtures.ts';
import type { Actor } from '../platform/access/model.ts';
import { AppError } from '../platform/errors.ts';
import type { ProfessionalInput } from './model.ts';
import { createDirectoryService, type DirectoryAction, type DirectoryTarget } from './service.ts';

const actor: Actor = { kind: 'user', accountId: 'a-1', displayName: 'Référente', grants: [] };

const gp: ProfessionalInput = {
  rpps: '10002909371',
  familyName: 'Belvadou',
  givenNames: 'Claire',
  professionCode: '10',
  professionLabel: 'Médecin',
  specialtyCode: 'SM54',
  specialtyLabel: 'Médecine générale',
};

function recordingService() {
  const calls: { action: DirectoryAction; target: DirectoryTarget; actor: Actor }[] = [];
  const service = createDirectoryService((who, action, target) => {
    calls.push({ actor: who, action, target });
  });
  return { service, calls };
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('accepté à tort');
}

describe('directory service', () => {
  const t = useTestTransaction();
  beforeEach(() =>
    insertTestCommunes(t.db, [
      { inseeCode: '41018', name: 'Blois', postalCodes: ['41000'], latitude: 47.586, longitude: 1.336 },
      { inseeCode: '41269', name: 'Vendôme', postalCodes: ['41100'], latitude: 47.793, longitude: 1.066 },
      { inseeCode: '2A004', name: 'Ajaccio', postalCodes: ['20000'], latitude: 41.919, longitude: 8.738 },
    ]),
  );

  test('each use case asks the access check first, with its action and target', async () => {
    const { service, calls } = recordingService();
    const { id: professionalId } = await service.upsertProfessional(t.db, actor, gp);
    const { id: structureId } = await service.upsertStructure(t.db, actor, { kind: 'practice', name: 'Cabinet' });
    const { id: placeId } = await service.upsertPlace(t.db, actor, {
      placeKey: 'platform:cabinet',
      structureId,
      communeInsee: '41018',
    });
    await service.upsertRole(t.db, actor, { professionalId, structureId, placeId });
    await service.setSasParticipation(t.db, actor, { professionalId, enrolled: true, organisationKind: 'individual' });
    await service.setRegulatorNotes(t.db, actor, placeId, { notes: 'Appeler avant 18 h.' });
    await service.getRegulatorNotes(t.db, actor, placeId);
    await service.getProfessional(t.db, actor, professionalId);
    await service.countProfessionalsBySpecialty(t.db, actor, ['41018']);
    await service.retireProfessional(t.db, actor, professionalId);

    expect(calls.map((c) => c.action)).toEqual([
      'professional.write',
      'structure.write',
      'place.write',
      'role.write',
      'sas-participation.write',
      'regulator-notes.write',
      'regulator-notes.read',
      'professional.read',
      'statistics.read',
      'professional.write',
    ]);
    expect(calls.every((c) => c.actor === actor)).toBe(true);
    expect(calls[3]!.target).toEqual({ professionalId, structureId, placeId });
    expect(calls[5]!.target).toEqual({ placeId });
    expect(calls[8]!.target).toEqual({ communeInseeCodes: ['41018'] });
  });

  test('a refusing check stops the use case before anything is written', async () => {
    const service = createDirectoryService(() => {
      throw new AppError('forbidden', 'Votre profil ne permet pas de modifier l’annuaire.');
    });
    const error = await rejection(service.upsertProfessional(t.db, actor, gp));
    expect(error.code).toBe('forbidden');
    expect(await t.db.selectFrom('directory_professional').select('id').execute()).toHaveLength(0);
  });

  test('strict validation: a typed RPPS with a wrong key is refused with its field', async () => {
    const { service } = recordingService();
    const error = await rejection(service.upsertProfessional(t.db, actor, { ...gp, rpps: '10100050075' }));
    expect(error.code).toBe('validation-failed');
    expect(error.fields).toEqual([{ field: 'rpps', message: expect.stringMatching(/clé du numéro RPPS/) }]);
    expect(await t.db.selectFrom('directory_professional').select('id').execute()).toHaveLength(0);
  });

  test('platform records are marked as such; a structure without registry id gets a key of its own', async () => {
    const { service } = recordingService();
    const created = await service.upsertProfessional(t.db, actor, gp);
    expect(created.outcome).toBe('created');
    expect(await service.upsertProfessional(t.db, actor, { ...gp, rpps: ' 100 0290 9371 ' })).toEqual({
      id: created.id,
      outcome: 'unchanged',
    });
    const detail = await service.getProfessional(t.db, actor, created.id);
    expect(detail.professional).toMatchObject({ nationalId: '810002909371', source: 'platform' });

    const { id } = await service.upsertStructure(t.db, actor, { kind: 'mmg', name: 'Maison médicale de garde' });
    const row = await t.db
      .selectFrom('directory_structure')
      .select(['technical_id', 'source'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.technical_id).toMatch(/^maillage:[0-9a-f-]{36}$/);
    expect(row.source).toBe('platform');
  });

  test('structures refer to existing parents of the right kind', async () => {
    const { service } = recordingService();
    const practice = await service.upsertStructure(t.db, actor, { kind: 'practice', name: 'Cabinet' });
    const wrongParent = await rejection(
      service.upsertStructure(t.db, actor, { kind: 'sos-fixed-point', name: 'PFG', parentId: practice.id }),
    );
    expect(wrongParent.fields[0]!.field).toBe('parentId');
    const sos = await service.upsertStructure(t.db, actor, {
      kind: 'sos-medecins',
      name: 'SOS',
      siret: '73282932000074',
    });
    const point = await service.upsertStructure(t.db, actor, {
      kind: 'sos-fixed-point',
      name: 'PFG',
      parentId: sos.id,
    });
    expect(point.outcome).toBe('created');
  });

  test('SAS participation goes through a structure of the matching kind', async () => {
    const { service } = recordingService();
    const { id: professionalId } = await service.upsertProfessional(t.db, actor, gp);
    const msp = await service.upsertStructure(t.db, actor, { kind: 'msp', name: 'MSP', finessSite: '750712184' });
    const wrong = await rejection(
      service.setSasParticipation(t.db, actor, {
        professionalId,
        enrolled: true,
        organisationKind: 'cpts',
        organisationStructureId: msp.id,
      }),
    );
    expect(wrong.fields[0]!.field).toBe('organisationStructureId');

    const saved = await service.setSasParticipation(t.db, actor, {
      professionalId,
      enrolled: true,
      organisationKind: 'msp',
      organisationStructureId: msp.id,
      acceptsExtraPatients: true,
      enrolledSince: '2024-09-01',
    });
    expect(saved).toMatchObject({
      enrolled: true,
      organisationKind: 'msp',
      acceptsExtraPatients: true,
      updatedBy: 'account:a-1',
    });

    const unknown = await rejection(
      service.setSasParticipation(t.db, actor, {
        professionalId: '00000000-0000-4000-8000-000000000000',
        enrolled: false,
      }),
    );
    expect(unknown.code).toBe('not-found');
  });

  test('regulator notes: set, read, on existing places only', async () => {
    const { service } = recordingService();
    const { id: placeId } = await service.upsertPlace(t.db, actor, {
      placeKey: 'platform:lieu',
      communeInsee: '41018',
    });
    expect(await service.getRegulatorNotes(t.db, actor, placeId)).toBeNull();
    const saved = await service.setRegulatorNotes(t.db, actor, placeId, {
      notes: 'Pas de visites après 20 h.',
      languages: ['EN'],
      regulatorPhone: '02 61 91 00 09',
    });
    expect(saved).toMatchObject({ languages: ['en'], regulatorPhone: '0261910009', updatedBy: 'account:a-1' });
    expect(await service.getRegulatorNotes(t.db, actor, placeId)).toEqual(saved);
    const error = await rejection(
      service.setRegulatorNotes(t.db, actor, '00000000-0000-4000-8000-000000000000', { notes: 'x' }),
    );
    expect(error.code).toBe('not-found');
  });

  test('unknown professionals are 404; counts refuse malformed commune codes and read Corsican ones', async () => {
    const { service } = recordingService();
    expect((await rejection(service.getProfessional(t.db, actor, '00000000-0000-4000-8000-000000000000'))).code).toBe(
      'not-found',
    );
    const bad = await rejection(service.countProfessionalsBySpecialty(t.db, actor, ['41018', '4101']));
    expect(bad.code).toBe('validation-failed');
    expect(bad.detail).toContain('4101');

    const { id: professionalId } = await service.upsertProfessional(t.db, actor, gp);
    const { id: placeId } = await service.upsertPlace(t.db, actor, {
      placeKey: 'platform:ajaccio',
      communeInsee: '2A004',
    });
    await service.upsertRole(t.db, actor, { professionalId, placeId });
    expect(await service.countProfessionalsBySpecialty(t.db, actor, ['2a004'])).toEqual([
      expect.objectContaining({ specialtyCode: 'SM54', professionals: 1 }),
    ]);
  });

  test('a failing use case leaves the caller’s transaction usable', async () => {
    const { service } = recordingService();
    await rejection(
      service.upsertRole(t.db, actor, {
        professionalId: '00000000-0000-4000-8000-000000000000',
        placeId: '00000000-0000-4000-8000-000000000001',
      }),
    );
    expect((await service.upsertProfessional(t.db, actor, gp)).outcome).toBe('created');
  });
});
