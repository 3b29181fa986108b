import { describe, expect, test } from 'vitest';
import { formatDuration, formatSize, matchesWords, parseDuration, tooLargeSentence } from './api.ts';

describe('training space helpers', () => {
  test('durations typed as people write them', () => {
    expect(parseDuration('')).toBeUndefined();
    expect(parseDuration('4:30')).toBe(270);
    expect(parseDuration('90')).toBe(90);
    expect(parseDuration('2 min 5')).toBe(125);
    expect(parseDuration('3 min')).toBe(180);
    expect(parseDuration('4:75')).toBeNaN();
    expect(parseDuration('une minute')).toBeNaN();
  });

  test('durations and sizes as the French read them', () => {
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(60)).toBe('1 min');
    expect(formatDuration(125)).toBe('2 min 05 s');
    expect(formatSize(4096)).toBe('4 ko');
    expect(formatSize(500 * 1_048_576)).toBe('500 Mo');
    expect(formatSize(1_572_864).replace(/\s/g, ' ')).toBe('1,5 Mo');
    expect(tooLargeSentence(500 * 1_048_576)).toBe(
      'La vidéo dépasse la taille permise (500 Mo) : raccourcissez-la ou réduisez sa définition, puis déposez-la de nouveau.',
    );
  });

  test('every word, accents and case aside', () => {
    expect(matchesWords('Prise en main de l’écran d’appel', 'ECRAN prise')).toBe(true);
    expect(matchesWords('Prise en main', 'prise agenda')).toBe(false);
    expect(matchesWords('Prise en main', '')).toBe(true);
  });
});
