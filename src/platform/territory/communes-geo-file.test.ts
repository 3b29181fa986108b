import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  CentroidFileError,
  decodeText,
  describeImportReport,
  parseCentroidFile,
  type CommunesGeoImportReport,
} from './communes-geo-file.ts';
import { splitFields } from '../csv.ts';

const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, 'testing/fixtures', name));
const utf8 = (text: string) => new TextEncoder().encode(text);

describe('parseCentroidFile', () => {
  test('a UTF-8 file with BOM, CRLF, semicolons, decimal commas, quotes and a repeated commune', () => {
    const file = parseCentroidFile(fixture('communes-geo-good.csv'));
    expect(file).toMatchObject({
      encoding: 'UTF-8',
      separator: ';',
      columns: { inseeCode: 'code_commune_INSEE', latitude: 'latitude', longitude: 'longitude' },
      badLines: [],
      repeated: 1,
    });
    expect(file.lines).toEqual([
      { line: 2, inseeCode: '41018', latitude: 47.5861, longitude: 1.3359 },
      { line: 3, inseeCode: '41295', latitude: 47.5839, longitude: 1.376 },
      { line: 4, inseeCode: '41212', latitude: 47.5671, longitude: 1.3549 },
    ]);
  });

  test('an ISO-8859-1 file with commas and headers in capitals with spaces', () => {
    const bytes = fixture('communes-geo-latin1.csv');
    expect(decodeText(bytes)).toMatchObject({ encoding: 'ISO-8859-1' });
    expect(decodeText(bytes).text).toContain('Vendôme');
    const file = parseCentroidFile(bytes);
    expect(file).toMatchObject({ encoding: 'ISO-8859-1', separator: ',', badLines: [] });
    expect(file.lines.map((l) => l.inseeCode)).toEqual(['41269', '41001']);
  });

  test('tabs; every bad line is reported with its number and reason', () => {
    const file = parseCentroidFile(fixture('communes-geo-bad-coordinates.csv'));
    expect(file.separator).toBe('\t');
    expect(file.lines.map((l) => l.inseeCode)).toEqual(['41018']);
    expect(file.badLines).toEqual([
      { line: 3, reason: 'coordonnées absentes' },
      { line: 4, reason: 'coordonnées illisibles (« abc » ; « 1.35 »)' },
      {
        line: 5,
        reason: 'coordonnées (1.3122 ; 47.5416) hors de France métropolitaine : latitude et longitude inversées ?',
      },
      { line: 6, reason: 'coordonnées (95 ; 1.06) hors des bornes terrestres' },
      { line: 7, reason: 'code INSEE « 41O18 » invalide' },
      { line: 8, reason: '2 colonne(s) au lieu d’au moins 4' },
    ]);
  });

  test('a header without the needed columns is refused, naming what it read and what it accepts', () => {
    expect(() => parseCentroidFile(fixture('communes-geo-wrong-header.csv'))).toThrow(CentroidFileError);
    expect(() => parseCentroidFile(fixture('communes-geo-wrong-header.csv'))).toThrow(
      /ne nomme pas la colonne code INSEE \(code_insee, insee, codgeo.*ni la colonne latitude.*colonnes lues : « commune », « x », « y »/,
    );
    expect(() => parseCentroidFile(utf8(''))).toThrow(/Le fichier est vide/);
  });

  test('a code whose leading zero a spreadsheet dropped is restored; overseas communes escape the metropolitan box', () => {
    const file = parseCentroidFile(utf8('insee;lat;lon\n1001;46.15;4.92\n97411;-20.88;55.45\n2A004;41.92;8.74\n'));
    expect(file.lines.map((l) => l.inseeCode)).toEqual(['01001', '97411', '2A004']);
    expect(file.badLines).toEqual([]);
  });

  test('quoted fields keep separators and doubled quotes', () => {
    expect(splitFields('"a;b";"say ""hi""";c', ';')).toEqual(['a;b', 'say "hi"', 'c']);
  });
});

describe('describeImportReport', () => {
  const report: CommunesGeoImportReport = {
    encoding: 'UTF-8',
    separator: ';',
    read: 3,
    applied: false,
    updated: 0,
    unknownCodes: ['41999'],
    badLines: [{ line: 3, reason: 'coordonnées absentes' }],
    repeated: 1,
  };

  test('a refused import says why and how to go on', () => {
    expect(describeImportReport(report)).toEqual([
      'Fichier lu en UTF-8, séparateur point-virgule : 3 commune(s) lue(s), 1 ligne(s) répétant une commune déjà lue (ignorées).',
      '1 ligne(s) incorrecte(s) :',
      '  ligne 3 : coordonnées absentes',
      '1 code(s) INSEE inconnu(s) ici (commune fusionnée, arrondissement municipal, collectivité hors périmètre ?) : 41999.',
      'Rien n’a été modifié : corrigez ces lignes, ou relancez avec --skip-bad-lines pour importer les autres.',
    ]);
  });

  test('an applied import counts the updates; long lists are cut', () => {
    const lines = describeImportReport(
      {
        ...report,
        applied: true,
        updated: 2,
        badLines: Array.from({ length: 3 }, (_, i) => ({ line: i + 2, reason: 'x' })),
      },
      2,
    );
    expect(lines).toContain('  … et 1 autre(s).');
    expect(lines.at(-1)).toBe('2 commune(s) mise(s) à jour avec des coordonnées officielles.');
  });
});
