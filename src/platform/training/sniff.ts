import type { VideoMime } from './model.ts';

/**
 * Recognises a video from its first bytes, whatever name or type the client gave it: an MP4 starts with an
 * `ftyp` box, a WebM with an EBML header whose DocType is `webm`. Anything else is refused before it is kept.
 */
export const SNIFF_BYTES = 64;

export type SniffResult = { ok: true; mime: VideoMime; extension: 'mp4' | 'webm' } | { ok: false; problem: string };

const NOT_A_VIDEO =
  'Ce fichier n’est pas une vidéo MP4 ou WebM : exportez la vidéo dans l’un de ces formats (MP4 H.264 de préférence), puis déposez-la de nouveau.';

/** `head`: the first SNIFF_BYTES bytes of the file (or the whole file when it is shorter). */
export function sniffVideo(head: Uint8Array): SniffResult {
  if (head.length >= 12 && ascii(head, 4, 8) === 'ftyp') {
    const brand = ascii(head, 8, 12);
    if (brand === 'qt  ') {
      return {
        ok: false,
        problem:
          'Ce fichier est une vidéo QuickTime (.mov), que les navigateurs ne lisent pas tous : exportez-la en MP4, puis déposez-la de nouveau.',
      };
    }
    return { ok: true, mime: 'video/mp4', extension: 'mp4' };
  }
  if (head.length >= 4 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) {
    const docType = ebmlDocType(head);
    if (docType === 'webm') return { ok: true, mime: 'video/webm', extension: 'webm' };
    if (docType === 'matroska') {
      return {
        ok: false,
        problem:
          'Ce fichier est une vidéo Matroska (.mkv), que les navigateurs ne lisent pas tous : exportez-la en WebM ou en MP4, puis déposez-la de nouveau.',
      };
    }
    return { ok: false, problem: NOT_A_VIDEO };
  }
  return { ok: false, problem: NOT_A_VIDEO };
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, to));
}

/** An EBML variable-length integer at `offset`: its length in bytes and its value (marker bit kept for ids). */
function readVint(bytes: Uint8Array, offset: number, keepMarker: boolean): { length: number; value: number } | null {
  const first = bytes[offset];
  if (first === undefined || first === 0) return null;
  const length = Math.clz32(first) - 23;
  if (length > 8 || offset + length > bytes.length) return null;
  let value = keepMarker ? first : first & (0xff >> length);
  for (let i = 1; i < length; i += 1) value = value * 256 + bytes[offset + i]!;
  return { length, value };
}

const DOC_TYPE_ID = 0x4282;

/** The DocType of the EBML header at the start of `bytes` ('webm', 'matroska'…), or null when unreadable. */
export function ebmlDocType(bytes: Uint8Array): string | null {
  const headerSize = readVint(bytes, 4, false);
  if (!headerSize) return null;
  let offset = 4 + headerSize.length;
  const end = Math.min(offset + headerSize.value, bytes.length);
  while (offset < end) {
    const id = readVint(bytes, offset, true);
    if (!id) return null;
    const size = readVint(bytes, offset + id.length, false);
    if (!size) return null;
    const dataStart = offset + id.length + size.length;
    if (id.value === DOC_TYPE_ID) {
      if (dataStart + size.value > bytes.length) return null;
      return ascii(bytes, dataStart, dataStart + size.value).replace(/\0+$/, '');
    }
    offset = dataStart + size.value;
  }
  return null;
}
