import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Seals a small secret for the database under a key derived (HKDF-SHA-256) from a secret the database never
 * sees — a cookie's value — so the row alone is worthless, and only the request carrying that cookie opens it.
 * AES-256-GCM: opening with another secret, another purpose or another `bound` value (the row's key) fails.
 */
const VERSION = 'v1';

function key(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'maillage-psc', purpose, 32));
}

export function seal(secret: string, purpose: string, bound: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(secret, purpose), iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(bound));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [
    VERSION,
    iv.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
    body.toString('base64url'),
  ].join('.');
}

/** The plaintext, or undefined when the secret, purpose or binding differ, or the value was altered. */
export function unseal(secret: string, purpose: string, bound: string, sealed: string): string | undefined {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || body === undefined) return undefined;
  const authTag = Buffer.from(tag, 'base64url');
  // A shortened tag would weaken the check: only the full 16 bytes are accepted.
  if (authTag.length !== 16) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key(secret, purpose), Buffer.from(iv, 'base64url'), {
      authTagLength: 16,
    });
    decipher.setAAD(Buffer.from(bound));
    decipher.setAuthTag(authTag);
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
