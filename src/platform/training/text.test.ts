import { describe, expect, test } from 'vitest';
import { containsPattern, excerpt, fold, plainText, searchWords, slugify } from './text.ts';

describe('training texts', () => {
  test('folding: accents, case and ligatures aside', () => {
    expect(fold('Régulation ÉCRAN Œil')).toBe('regulation ecran oeil');
  });

  test('search words: split on spaces and punctuation, deduplicated ignoring accents, at most 8', () => {
    expect(searchWords('  mot de passe, oublié ?')).toEqual(['mot', 'de', 'passe', 'oublié']);
    expect(searchWords('Régulation regulation')).toEqual(['Régulation']);
    expect(searchWords('a b c d e f g h i j')).toHaveLength(8);
    expect(searchWords('« SNP »')).toEqual(['SNP']);
    expect(searchWords('')).toEqual([]);
  });

  test('LIKE patterns take %, _ and \\ literally', () => {
    expect(containsPattern('100%')).toBe('%100\\%%');
    expect(containsPattern('a_b')).toBe('%a\\_b%');
    expect(containsPattern('c:\\x')).toBe('%c:\\\\x%');
  });

  test('plain text of Markdown: no markers, link texts kept, targets dropped', () => {
    expect(plainText('## Titre\n\n- **gras** et *italique*\n- [lien](/formation) `code`')).toBe(
      'Titre gras et italique lien code',
    );
    expect(plainText('| a | b |\n|---|---|\n| 1 | 2 |')).toBe('a b 1 2');
  });

  test('excerpt around the first word found, accents aside, cut at word boundaries', () => {
    const body = `${'Introduction assez longue. '.repeat(20)}Ici on parle de la régulation des appels. ${'Suite. '.repeat(40)}`;
    const text = excerpt(body, ['REGULATION'], 80);
    expect(text.startsWith('… ')).toBe(true);
    expect(text.endsWith(' …')).toBe(true);
    expect(text).toContain('régulation');
    expect(text.length).toBeLessThanOrEqual(90);
    expect(excerpt('Court texte.', ['absent'])).toBe('Court texte.');
    // Without a word to centre on, the first sentences, not the first heading.
    expect(excerpt('## Votre rôle\n\nLe régulateur décide.', [])).toBe('Le régulateur décide.');
    expect(excerpt('## Votre rôle\n\nLe régulateur décide.', ['rôle'])).toBe('Votre rôle Le régulateur décide.');
  });

  test('slugs: readable and stable', () => {
    expect(slugify('Guide du médecin régulateur')).toBe('guide-du-medecin-regulateur');
    expect(slugify('  <script>alert(1)</script> ')).toBe('script-alert-1-script');
    expect(slugify('!!!')).toBe('guide');
    expect(slugify('x'.repeat(100))).toHaveLength(70);
  });
});
