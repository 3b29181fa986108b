import { describe, expect, test } from 'vitest';
import { ebmlDocType, sniffVideo } from './sniff.ts';
import { minimalMp4, minimalWebm } from './testing/videos.ts';

describe('recognising a video from its first bytes', () => {
  test('MP4: an ftyp box, whatever its brand', () => {
    expect(sniffVideo(minimalMp4())).toEqual({ ok: true, mime: 'video/mp4', extension: 'mp4' });
    expect(sniffVideo(minimalMp4('mp42'))).toMatchObject({ ok: true, mime: 'video/mp4' });
  });

  test('QuickTime (.mov) is refused with what to do', () => {
    const result = sniffVideo(minimalMp4('qt  '));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatch(/QuickTime.*exportez-la en MP4/);
  });

  test('WebM: the EBML header says DocType webm', () => {
    expect(ebmlDocType(minimalWebm())).toBe('webm');
    expect(sniffVideo(minimalWebm())).toEqual({ ok: true, mime: 'video/webm', extension: 'webm' });
  });

  test('Matroska (.mkv) shares the magic number but is refused', () => {
    expect(ebmlDocType(minimalWebm('matroska'))).toBe('matroska');
    const result = sniffVideo(minimalWebm('matroska'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatch(/Matroska/);
  });

  test('anything else is not a video: text, HTML, images, a truncated header', () => {
    const encoder = new TextEncoder();
    for (const bytes of [
      encoder.encode('<html><script>alert(1)</script></html>'),
      encoder.encode('bonjour'),
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
      new Uint8Array([0x1a, 0x45, 0xdf, 0xa3]),
      minimalWebm().subarray(0, 10),
      new Uint8Array(0),
    ]) {
      const result = sniffVideo(bytes);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.problem).toMatch(/n’est pas une vidéo MP4 ou WebM/);
    }
  });
});
