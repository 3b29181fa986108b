import { INSEE_CODE } from './model.ts';
import { headerKey, splitFields } from '../csv.ts';

/**
 * Reads an official commune-centroid file (IGN, ANCT, data.gouv.fr…): CSV with a header, `;`, `,` or tab
 * separated, UTF-8 or ISO-8859-1. Only three columns matter, found by their header names; the others are
 * ignored. Pure: the caller reads the file and decides what to do with bad lines.
 */

export interface CentroidLine {
  /** 1-based line number in the file, the header being line 1. */
  line: number;
  inseeCode: string;
  latitude: number;
  longitude: number;
}

export interface BadLine {
  line: number;
  reason: string;
}

export interface CentroidFile {
  encoding: 'UTF-8' | 'ISO-8859-1';
  separator: ';' | ',' | '\t';
  columns: { inseeCode: string; latitude: string; longitude: string };
  lines: CentroidLine[];
  badLines: BadLine[];
  /** Lines repeating a commune already read (files listing one line per postal code): the first one counts. */
  repeated: number;
}

/** The whole file is unusable (no header we can read): one French sentence saying what to fix. */
export class CentroidFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CentroidFileError';
  }
}

/** Accepted header names, compared lower-case, unaccented, with spaces and dashes as underscores. */
export const CENTROID_COLUMNS = {
  inseeCode: ['code_insee', 'insee', 'codgeo', 'code_commune_insee', 'code_commune', 'insee_com', 'com', 'depcom'],
  latitude: ['latitude', 'lat', 'latitude_centre', 'y_latitude'],
  longitude: ['longitude', 'lon', 'lng', 'long', 'longitude_centre', 'x_longitude'],
} as const;

/** UTF-8 when the bytes are valid UTF-8 (a BOM is dropped), else ISO-8859-1, which any byte sequence is. */
export function decodeText(bytes: Uint8Array): { text: string; encoding: CentroidFile['encoding'] } {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return { text, encoding: 'UTF-8' };
  } catch {
    return { text: new TextDecoder('latin1').decode(bytes), encoding: 'ISO-8859-1' };
  }
}

/** The separator that splits the header into the most fields. */
function detectSeparator(header: string): CentroidFile['separator'] {
  const candidates = [';', ',', '\t'] as const;
  return [...candidates].sort((a, b) => splitFields(header, b).length - splitFields(header, a).length)[0]!;
}

/** A decimal in either notation: 47.59 or 47,59 (a comma only when the separator is not one). */
function parseCoordinate(raw: string, separator: string): number | undefined {
  const text = separator === ',' ? raw : raw.replace(',', '.');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text)) return undefined;
  return Number(text);
}

/** Metropolitan France with Corsica and a margin; overseas communes only get the world's bounds. */
function metropolitanBoundsProblem(inseeCode: string, latitude: number, longitude: number): string | undefined {
  if (inseeCode.startsWith('97')) return undefined;
  if (latitude >= 41 && latitude <= 51.5 && longitude >= -5.5 && longitude <= 10) return undefined;
  const swapped = longitude >= 41 && longitude <= 51.5 && latitude >= -5.5 && latitude <= 10;
  return swapped
    ? `coordonnées (${latitude} ; ${longitude}) hors de France métropolitaine : latitude et longitude inversées ?`
    : `coordonnées (${latitude} ; ${longitude}) hors de France métropolitaine`;
}

export function parseCentroidFile(bytes: Uint8Array): CentroidFile {
  const { text, encoding } = decodeText(bytes);
  const rawLines = text.split(/\r\n|\n|\r/);
  const header = rawLines[0] ?? '';
  if (header.trim() === '') {
    throw new CentroidFileError('Le fichier est vide : attendu une ligne d’en-tête puis une ligne par commune.');
  }
  const separator = detectSeparator(header);
  const names = splitFields(header, separator);
  const keys = names.map(headerKey);
  const find = (accepted: readonly string[]) => {
    const index = keys.findIndex((k) => accepted.includes(k));
    return index === -1 ? undefined : index;
  };
  const indexes = {
    inseeCode: find(CENTROID_COLUMNS.inseeCode),
    latitude: find(CENTROID_COLUMNS.latitude),
    longitude: find(CENTROID_COLUMNS.longitude),
  };
  const missing = (Object.keys(indexes) as (keyof typeof indexes)[]).filter((k) => indexes[k] === undefined);
  if (missing.length > 0) {
    const labels = { inseeCode: 'code INSEE', latitude: 'latitude', longitude: 'longitude' };
    throw new CentroidFileError(
      `L’en-tête ne nomme pas ${missing.map((k) => `la colonne ${labels[k]} (${CENTROID_COLUMNS[k].join(', ')})`).join(' ni ')} ; ` +
        `colonnes lues : ${names.map((n) => `« ${n} »`).join(', ')}. Corrigez l’en-tête ; rien n’a été modifié.`,
    );
  }
  const { inseeCode: codeAt, latitude: latAt, longitude: lonAt } = indexes as Record<keyof typeof indexes, number>;
  const needed = Math.max(codeAt, latAt, lonAt) + 1;

  const lines: CentroidLine[] = [];
  const badLines: BadLine[] = [];
  const seen = new Set<string>();
  let repeated = 0;
  for (let i = 1; i < rawLines.length; i++) {
    const raw = rawLines[i]!;
    if (raw.trim() === '') continue;
    const line = i + 1;
    const fields = splitFields(raw, separator);
    if (fields.length < needed) {
      badLines.push({ line, reason: `${fields.length} colonne(s) au lieu d’au moins ${needed}` });
      continue;
    }
    // Spreadsheets drop the leading zero of 01001.
    const rawCode = fields[codeAt]!.toUpperCase();
    const code = /^\d{4}$/.test(rawCode) ? `0${rawCode}` : rawCode;
    if (!INSEE_CODE.test(code)) {
      badLines.push({ line, reason: `code INSEE « ${fields[codeAt]} » invalide` });
      continue;
    }
    const latitude = parseCoordinate(fields[latAt]!, separator);
    const longitude = parseCoordinate(fields[lonAt]!, separator);
    if (latitude === undefined || longitude === undefined) {
      badLines.push({
        line,
        reason:
          fields[latAt] === '' || fields[lonAt] === ''
            ? 'coordonnées absentes'
            : `coordonnées illisibles (« ${fields[latAt]} » ; « ${fields[lonAt]} »)`,
      });
      continue;
    }
    if (latitude < -90 || latitude > 90 || longitude < -180 || longitude > 180) {
      badLines.push({ line, reason: `coordonnées (${latitude} ; ${longitude}) hors des bornes terrestres` });
      continue;
    }
    const outside = metropolitanBoundsProblem(code, latitude, longitude);
    if (outside) {
      badLines.push({ line, reason: outside });
      continue;
    }
    if (seen.has(code)) {
      repeated += 1;
      continue;
    }
    seen.add(code);
    lines.push({ line, inseeCode: code, latitude, longitude });
  }
  return {
    encoding,
    separator,
    columns: { inseeCode: names[codeAt]!, latitude: names[latAt]!, longitude: names[lonAt]! },
    lines,
    badLines,
    repeated,
  };
}

/** What an import did, or would have done. */
export interface CommunesGeoImportReport {
  encoding: CentroidFile['encoding'];
  separator: CentroidFile['separator'];
  /** Valid lines, one per commune. */
  read: number;
  /** False when bad lines stopped the import (nothing was changed). */
  applied: boolean;
  updated: number;
  unknownCodes: string[];
  badLines: BadLine[];
  repeated: number;
}

const SEPARATOR_NAMES = { ';': 'point-virgule', ',': 'virgule', '\t': 'tabulation' } as const;

/** The report an operator reads, in French, one line each; bad lines and unknown codes are listed up to `listed`. */
export function describeImportReport(report: CommunesGeoImportReport, listed = 20): string[] {
  const n = (value: number) => value.toLocaleString('fr-FR');
  const lines = [
    `Fichier lu en ${report.encoding}, séparateur ${SEPARATOR_NAMES[report.separator]} : ${n(report.read)} commune(s) lue(s)` +
      (report.repeated > 0 ? `, ${n(report.repeated)} ligne(s) répétant une commune déjà lue (ignorées)` : '') +
      '.',
  ];
  if (report.badLines.length > 0) {
    lines.push(`${n(report.badLines.length)} ligne(s) incorrecte(s) :`);
    for (const bad of report.badLines.slice(0, listed)) lines.push(`  ligne ${bad.line} : ${bad.reason}`);
    if (report.badLines.length > listed) lines.push(`  … et ${n(report.badLines.length - listed)} autre(s).`);
  }
  if (report.unknownCodes.length > 0) {
    lines.push(
      `${n(report.unknownCodes.length)} code(s) INSEE inconnu(s) ici (commune fusionnée, arrondissement municipal, ` +
        `collectivité hors périmètre ?) : ${report.unknownCodes.slice(0, listed).join(', ')}` +
        (report.unknownCodes.length > listed ? '…' : '') +
        '.',
    );
  }
  lines.push(
    report.applied
      ? `${n(report.updated)} commune(s) mise(s) à jour avec des coordonnées officielles.`
      : report.badLines.length > 0
        ? 'Rien n’a été modifié : corrigez ces lignes, ou relancez avec --skip-bad-lines pour importer les autres.'
        : 'Rien n’a été modifié : le fichier ne contient aucune ligne utilisable.',
  );
  return lines;
}
