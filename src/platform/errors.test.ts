import { describe, expect, test } from 'vitest';
import { AppError, ERROR_KINDS, toOperationOutcome, toProblem } from './errors.ts';
import { fieldErrorsFromAjv } from './http-errors.ts';

describe('error model', () => {
  test('a problem carries type, French title, status, detail, stable code and the fields at fault', () => {
    const error = new AppError('validation-failed', 'Un champ est invalide : body.port.', [
      { field: 'body.port', message: 'Doit être un nombre entier.' },
    ]);
    expect(toProblem(error, '/api/x', 'req-1')).toEqual({
      type: '/api/problems/validation-failed',
      title: 'Données invalides',
      status: 400,
      detail: 'Un champ est invalide : body.port.',
      code: 'validation-failed',
      instance: '/api/x',
      requestId: 'req-1',
      errors: [{ field: 'body.port', message: 'Doit être un nombre entier.' }],
    });
  });

  test('on FHIR routes the same error is an OperationOutcome with the code in details.coding', () => {
    const outcome = toOperationOutcome(new AppError('not-found', 'Praticien inconnu.'));
    expect(outcome).toEqual({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: 'not-found',
          details: {
            coding: [{ system: 'urn:maillage:error-code', code: 'not-found' }],
            text: 'Introuvable',
          },
          diagnostics: 'Praticien inconnu.',
        },
      ],
    });
  });

  test('every kind has a French title and an HTTP error status', () => {
    for (const [code, kind] of Object.entries(ERROR_KINDS)) {
      expect(kind.status, code).toBeGreaterThanOrEqual(400);
      expect(kind.title.length, code).toBeGreaterThan(3);
      expect(code).toMatch(/^[a-z-]+$/);
    }
  });

  test('JSON-schema failures become one French message per field, named as the client sent it', () => {
    const fields = fieldErrorsFromAjv(
      [
        {
          instancePath: '',
          keyword: 'required',
          params: { missingProperty: 'birthDate' },
        },
        {
          instancePath: '/phone',
          keyword: 'pattern',
          params: { pattern: '^0' },
        },
        { instancePath: '/age', keyword: 'type', params: { type: 'integer' } },
        {
          instancePath: '/modality',
          keyword: 'enum',
          params: { allowedValues: ['office', 'home'] },
        },
      ],
      'body',
    );
    expect(fields).toEqual([
      { field: 'body.birthDate', message: 'Champ obligatoire.' },
      { field: 'body.phone', message: 'Format invalide.' },
      { field: 'body.age', message: 'Doit être un nombre entier.' },
      { field: 'body.modality', message: 'Valeurs possibles : office, home.' },
    ]);
    expect(
      fieldErrorsFromAjv(
        [
          {
            instancePath: '/limit',
            keyword: 'maximum',
            params: { limit: 100 },
          },
        ],
        'querystring',
      ),
    ).toEqual([{ field: 'query.limit', message: 'Doit être inférieur ou égal à 100.' }]);
  });
});
