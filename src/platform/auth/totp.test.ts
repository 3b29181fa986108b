import { describe, expect, test } from 'vitest';
import { base32Decode, base32Encode, hotp, matchTotp, otpauthUri, totpCode, totpCounter } from './totp.ts';

// RFC 6238 appendix B, SHA-1: the secret is the ASCII "12345678901234567890"; codes are the 8-digit
// values' last 6 digits (same truncation, fewer digits).
const RFC_SECRET = base32Encode(Buffer.from('12345678901234567890'));
const RFC_VECTORS: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP', () => {
  test('RFC 6238 test vectors (SHA-1)', () => {
    for (const [seconds, expected] of RFC_VECTORS) {
      expect(hotp(Buffer.from('12345678901234567890'), totpCounter(seconds * 1000), 8)).toBe(expected);
      expect(totpCode(RFC_SECRET, seconds * 1000)).toBe(expected.slice(-6));
    }
  });

  test('RFC 4226 HOTP vectors', () => {
    const secret = Buffer.from('12345678901234567890');
    expect([0, 1, 2, 3, 9].map((c) => hotp(secret, c))).toEqual(['755224', '287082', '359152', '969429', '520489']);
  });

  test('base32 round trip', () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255, 17]);
    expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
  });

  test('one step of drift is accepted; older steps and replays are not', () => {
    const now = 1_700_000_000_000;
    const previous = totpCode(RFC_SECRET, now - 30_000);
    expect(matchTotp(RFC_SECRET, previous, now, null)).toBe(totpCounter(now) - 1);
    expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, now - 90_000), now, null)).toBeUndefined();
    const current = totpCode(RFC_SECRET, now);
    expect(matchTotp(RFC_SECRET, current, now, totpCounter(now))).toBeUndefined();
    expect(matchTotp(RFC_SECRET, ` ${current.slice(0, 3)} ${current.slice(3)} `, now, null)).toBe(totpCounter(now));
    expect(matchTotp(RFC_SECRET, 'abcdef', now, null)).toBeUndefined();
  });

  test('otpauth URI for authenticator apps', () => {
    expect(otpauthUri('ABC', 'dr@exemple.fr')).toBe(
      'otpauth://totp/maillage%3Adr%40exemple.fr?secret=ABC&issuer=maillage&algorithm=SHA1&digits=6&period=30',
    );
  });
});
