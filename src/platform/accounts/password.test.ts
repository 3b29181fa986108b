import { describe, expect, test } from 'vitest';
import { hashPassword, passwordProblem, verifyPassword } from './password.ts';

describe('password policy', () => {
  test('at least 12 characters', () => {
    expect(passwordProblem('court')).toMatch(/au moins 12 caractères/);
    expect(passwordProblem('onze-carac1')).toMatch(/au moins 12/);
    expect(passwordProblem('la mer est calme ce soir')).toBeUndefined();
  });

  test('common passwords are refused, even padded with digits or symbols', () => {
    expect(passwordProblem('password1234')).toMatch(/plus courants/);
    expect(passwordProblem('123456789012')).toMatch(/plus courants/);
    expect(passwordProblem('!!motdepasse2024')).toMatch(/plus courants/);
    expect(passwordProblem('aaaaaaaaaaaaaa')).toMatch(/plus courants/);
  });

  test('the person’s name or e-mail is refused inside the password', () => {
    expect(passwordProblem('dupont-regulation-2026', ['Dupont', 'c.dupont@exemple.fr'])).toMatch(/votre nom/);
    expect(passwordProblem('vert cheval pile agrafe', ['Dupont'])).toBeUndefined();
  });

  test('argon2id hashes verify the right password only', async () => {
    const h = await hashPassword('vert cheval pile agrafe');
    expect(h.startsWith('$argon2id$')).toBe(true);
    expect(await verifyPassword(h, 'vert cheval pile agrafe')).toBe(true);
    expect(await verifyPassword(h, 'vert cheval pile agrafé')).toBe(false);
    expect(await verifyPassword('pas-un-hash', 'x')).toBe(false);
  });
});
