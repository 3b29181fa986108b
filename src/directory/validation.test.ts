import { describe, expect, test } from 'vitest';
import { AppError } from '../platform/errors.ts';
import type { ProfessionalInput } from './model.ts';
import {
  cleanText,
  parsePhone,
  validatePlace,
  validateProfessional,
  validateRegulatorNotes,
  validateRole,
  validateSasParticipation,
  validateStructure,
} from './validation.ts';

const gp: ProfessionalInput = {
  rpps: '10002909371',
  familyName: '  Belvadou ',
  givenNames: 'Claire   Anne',
  professionCode: '10',
  professionLabel: 'Médecin',
  specialtyCode: 'sm54',
  specialtyLabel: 'Médecine générale',
};

function failure(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('accepté à tort');
}

describe('professional', () => {
  test('the national id is derived from the RPPS; texts are cleaned, codes upper-cased', () => {
    expect(validateProfessional(gp)).toEqual({
      nationalId: '810002909371',
      rpps: '10002909371',
      adeli: null,
      civility: null,
      title: null,
      familyName: 'Belvadou',
      givenNames: 'Claire Anne',
      professionCode: '10',
      professionLabel: 'Médecin',
      categoryCode: null,
      categoryLabel: null,
      specialtyCode: 'SM54',
      specialtyLabel: 'Médecine générale',
      active: true,
    });
  });

  test('a national id alone gives the RPPS or the ADELI', () => {
    expect(validateProfessional({ ...gp, rpps: null, nationalId: '810002909371' }).rpps).toBe('10002909371');
    const nurse = validateProfessional({
      ...gp,
      rpps: null,
      nationalId: '0411012345',
      specialtyCode: null,
      specialtyLabel: null,
    });
    expect(nurse).toMatchObject({ nationalId: '0411012345', adeli: '411012345', rpps: null });
    expect(validateProfessional({ ...gp, rpps: null, adeli: '411012345' }).nationalId).toBe('0411012345');
  });

  test('every wrong field is reported at once, in French, with the stable code', () => {
    const error = failure(() =>
      validateProfessional({
        ...gp,
        rpps: '10100050075',
        familyName: ' ',
        professionCode: 'médecin',
        civility: 'Mlle',
        specialtyLabel: null,
      }),
    );
    expect(error.code).toBe('validation-failed');
    expect(error.status).toBe(400);
    expect(error.detail).toBe('Le professionnel n’a pas été enregistré : 5 champs sont à corriger.');
    expect(error.fields.map((f) => f.field)).toEqual([
      'rpps',
      'civility',
      'familyName',
      'professionCode',
      'specialtyLabel',
    ]);
    expect(error.fields[0]!.message).toMatch(/clé du numéro RPPS/);
  });

  test('no identifier at all, or ids that disagree, are refused', () => {
    expect(failure(() => validateProfessional({ ...gp, rpps: null })).fields[0]!.field).toBe('rpps');
    const mismatch = failure(() => validateProfessional({ ...gp, nationalId: '810101201234' }));
    expect(mismatch.fields.map((f) => f.field)).toEqual(['nationalId']);
  });
});

describe('structure', () => {
  test('FINESS and SIRET are checked; the national id fills them', () => {
    expect(validateStructure({ kind: 'hospital', name: 'CH', nationalId: '1750712184' })).toMatchObject({
      nationalId: '1750712184',
      finessSite: '750712184',
      siret: null,
      technicalId: null,
    });
    const error = failure(() => validateStructure({ kind: 'msp', name: 'MSP', finessSite: '810004421', siret: '123' }));
    expect(error.fields.map((f) => f.field)).toEqual(['finessSite', 'siret']);
    expect(error.detail).toMatch(/^La structure n’a pas été enregistré/);
  });

  test('an SOS fixed point names its association', () => {
    expect(failure(() => validateStructure({ kind: 'sos-fixed-point', name: 'PFG' })).fields[0]!.field).toBe(
      'parentId',
    );
  });
});

describe('place', () => {
  test('commune, postal code, phone; coordinates go in pairs and default to a manual precision', () => {
    expect(
      validatePlace({
        placeKey: 'k',
        communeInsee: '2a004',
        postalCode: '20000',
        phone: '02 61 91 00 01',
        latitude: 41.92,
        longitude: 8.74,
        addressLines: [' 1 cours Napoléon ', ''],
      }),
    ).toMatchObject({
      communeInsee: '2A004',
      postalCode: '20000',
      phone: '0261910001',
      coordinatesPrecision: 'manual',
      addressLines: ['1 cours Napoléon'],
    });
    const error = failure(() => validatePlace({ placeKey: 'k', communeInsee: '20004', latitude: 47 }));
    expect(error.fields.map((f) => f.field)).toEqual(['communeInsee', 'longitude']);
  });
});

describe('role', () => {
  test('needs a place or a structure; e-mail and phone are checked', () => {
    const error = failure(() =>
      validateRole({ professionalId: '00000000-0000-4000-8000-000000000000', email: 'nope', phone: '12' }),
    );
    expect(error.fields.map((f) => f.field)).toEqual(['phone', 'email', 'placeId']);
  });
});

describe('SAS participation', () => {
  const professionalId = '00000000-0000-4000-8000-000000000000';
  const cpts = '00000000-0000-4000-8000-000000000001';

  test('an enrolment says through what; a withdrawal clears it', () => {
    expect(
      failure(() => validateSasParticipation({ professionalId, enrolled: true }, 'account:a')).fields[0]!.field,
    ).toBe('organisationKind');
    expect(
      failure(() => validateSasParticipation({ professionalId, enrolled: true, organisationKind: 'cpts' }, 'account:a'))
        .fields[0]!.field,
    ).toBe('organisationStructureId');
    expect(
      failure(() =>
        validateSasParticipation(
          { professionalId, enrolled: true, organisationKind: 'individual', organisationStructureId: cpts },
          'account:a',
        ),
      ).fields[0]!.field,
    ).toBe('organisationStructureId');
    expect(
      failure(() =>
        validateSasParticipation(
          { professionalId, enrolled: true, organisationKind: 'individual', enrolledSince: '2024-02-30' },
          'account:a',
        ),
      ).fields[0]!.field,
    ).toBe('enrolledSince');
    expect(
      validateSasParticipation(
        {
          professionalId,
          enrolled: false,
          organisationKind: 'cpts',
          organisationStructureId: cpts,
          acceptsExtraPatients: true,
          enrolledSince: '2024-01-01',
        },
        'account:a',
      ),
    ).toEqual({
      professionalId,
      enrolled: false,
      organisationKind: null,
      organisationStructureId: null,
      acceptsExtraPatients: false,
      enrolledSince: null,
      updatedBy: 'account:a',
    });
  });
});

describe('regulator notes', () => {
  test('texts keep their lines; languages are ISO codes; the regulator line is a phone', () => {
    expect(
      validateRegulatorNotes(
        {
          notes: '  Ligne 1\nLigne 2 ',
          languages: ['EN', 'en', 'ar'],
          regulatorPhone: '+33 2 61 91 00 02',
          restrictions: ' ',
        },
        'account:a',
      ),
    ).toMatchObject({
      notes: 'Ligne 1\nLigne 2',
      restrictions: null,
      languages: ['en', 'ar'],
      regulatorPhone: '+33261910002',
      updatedBy: 'account:a',
    });
    const error = failure(() => validateRegulatorNotes({ languages: ['français'], regulatorPhone: '15' }, 'a'));
    expect(error.fields.map((f) => f.field)).toEqual(['regulatorPhone', 'languages']);
  });
});

test('phones and texts', () => {
  expect(parsePhone('02.61.91.00.01')).toEqual({ ok: true, value: '0261910001' });
  expect(parsePhone('+262 262 00 00 00')).toEqual({ ok: true, value: '+262262000000' });
  expect(parsePhone('3615').ok).toBe(false);
  expect(cleanText('  a   b ')).toBe('a b');
  expect(cleanText('   ')).toBeNull();
  expect(cleanText(undefined)).toBeNull();
});
