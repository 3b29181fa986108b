import { describe, expect, test } from 'vitest';
import {
  DEMO_ACCOUNTS as SERVER_DEMO_ACCOUNTS,
  DEMO_PASSWORD as SERVER_DEMO_PASSWORD,
} from '../../../../src/platform/accounts/demo.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './demo-accounts.ts';
import { groupByFour, safeReturnPath } from './helpers.ts';

const origin = 'https://sas.exemple.fr';

describe('the page to return to after logging in', () => {
  test('a path of this site is kept, with its query and fragment', () => {
    expect(safeReturnPath('/compte', origin)).toBe('/compte');
    expect(safeReturnPath('/dossiers/12?onglet=plan#notes', origin)).toBe('/dossiers/12?onglet=plan#notes');
  });

  test('nothing, or anything that is not a path of this site, goes home', () => {
    for (const value of [
      null,
      undefined,
      '',
      'compte',
      'https://ailleurs.example/compte',
      '//ailleurs.example/compte',
      '/\\ailleurs.example',
      'javascript:alert(1)',
      ' /compte',
    ]) {
      expect(safeReturnPath(value, origin), String(value)).toBe('/');
    }
  });

  test('the login pages themselves go home, so a login never loops', () => {
    expect(safeReturnPath('/connexion', origin)).toBe('/');
    expect(safeReturnPath('/connexion/nouveau-mot-de-passe', origin)).toBe('/');
    expect(safeReturnPath('/connexions-du-jour', origin)).toBe('/connexions-du-jour');
  });
});

test('a TOTP secret reads in groups of four', () => {
  expect(groupByFour('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP')).toBe('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP');
  expect(groupByFour('ABCDEF')).toBe('ABCD EF');
  expect(groupByFour('')).toBe('');
});

test('the login page offers exactly the server’s demo accounts, with their password', () => {
  expect(DEMO_PASSWORD).toBe(SERVER_DEMO_PASSWORD);
  const byEmail = (accounts: readonly { role: string; email: string }[]) =>
    accounts.map(({ role, email }) => ({ role, email })).sort((a, b) => a.email.localeCompare(b.email));
  expect(byEmail(DEMO_ACCOUNTS)).toEqual(byEmail(SERVER_DEMO_ACCOUNTS));
});
