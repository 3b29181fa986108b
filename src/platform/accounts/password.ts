import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * argon2id, tuned on the 2-core reference machine so one verification costs 50–150 ms (see
 * BENCHMARKS.md). @node-rs/argon2 hashes on libuv's thread pool: the event loop keeps serving.
 */
export const ARGON2_OPTIONS = {
  // 2 = Algorithm.Argon2id (a const enum, not importable under verbatimModuleSyntax).
  algorithm: 2 as const,
  memoryCost: 65_536,
  timeCost: 4,
  parallelism: 1,
};

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

const COMMON_PASSWORDS = new Set(dictionary.passwords.map((p) => p.toLowerCase()));
const FRENCH_COMMON = [
  'motdepasse',
  'azertyuiop',
  'soleil',
  'bonjour',
  'doudou',
  'chouchou',
  'loulou',
  'marseille',
  'nicolas',
  'julien',
];

/**
 * Strict check of a password a person chose; returns the French sentence to show, or undefined.
 * Length first (the main strength), then the list of common passwords, then obvious personal parts.
 */
export function passwordProblem(password: string, personal: string[] = []): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) {
    return `Le mot de passe doit compter au moins ${PASSWORD_MIN_LENGTH} caractères (une phrase de passe est idéale).`;
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    return `Le mot de passe ne peut dépasser ${PASSWORD_MAX_LENGTH} caractères.`;
  }
  const lowered = password.toLowerCase();
  const core = lowered.replace(/[\d\W_]+$/u, '').replace(/^[\d\W_]+/u, '');
  if (
    COMMON_PASSWORDS.has(lowered) ||
    COMMON_PASSWORDS.has(core) ||
    FRENCH_COMMON.some((w) => core === w) ||
    /^(.)\1+$/u.test(password) ||
    /^(0123456789|123456789012|azertyuiopqs|qwertyuiopas)/.test(lowered)
  ) {
    return 'Ce mot de passe figure parmi les plus courants : choisissez-en un autre, par exemple une phrase de plusieurs mots.';
  }
  for (const part of personal.map((p) => p.toLowerCase()).filter((p) => p.length >= 4)) {
    if (lowered.includes(part)) {
      return 'Le mot de passe ne doit pas contenir votre nom ni votre adresse e-mail.';
    }
  }
  return undefined;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** Verified against when the e-mail is unknown, so a wrong e-mail costs the same time as a wrong password. */
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword('maillage-decoy-password-never-valid');
  return decoyHash;
}
