import { expect, test } from 'vitest';
import { expandAbbreviations, isCodePrefix } from './service.ts';

test('St and Ste become Saint and Sainte, as whole words only', () => {
  expect(expandAbbreviations('St Étienne')).toBe('saint Étienne');
  expect(expandAbbreviations('st-gervais')).toBe('saint-gervais');
  expect(expandAbbreviations('Ste. Maxime')).toBe('sainte Maxime');
  expect(expandAbbreviations('Stéphanois')).toBe('Stéphanois');
  expect(expandAbbreviations('Estissac')).toBe('Estissac');
});

test('a code prefix: 2 to 5 digits, or 2A / 2B then up to 3 digits', () => {
  for (const text of ['41', '410', '41000', '2A', '2b004']) expect(isCodePrefix(text), text).toBe(true);
  for (const text of ['4', '410000', '2C', 'Blois', '41 000']) expect(isCodePrefix(text), text).toBe(false);
});
