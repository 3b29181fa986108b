/**
 * What every module's demo generator receives: a seeded random source (the demo is the same on every
 * machine) and the territory already loaded. Names generated from it must be clearly fictitious.
 */
export interface DemoContext {
  /** Uniform in [0, 1), deterministic for the demo's seed. */
  random: () => number;
  /** The demo département's communes, loaded first by the territory step. */
  communes: DemoCommune[];
}

export interface DemoCommune {
  inseeCode: string;
  name: string;
  postalCodes: string[];
  population: number;
  latitude: number;
  longitude: number;
}

/** mulberry32: a tiny, well-known 32-bit PRNG; enough for reproducible demo data, never for secrets. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  if (items.length === 0) throw new Error('pick: liste vide');
  return items[Math.floor(random() * items.length)]!;
}

/** A UUID (version 4 layout) drawn from the seeded source: demo rows keep the same ids on every load. */
export function seededUuid(random: () => number): string {
  const bytes = Array.from({ length: 16 }, () => Math.floor(random() * 256));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
