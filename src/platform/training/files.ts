import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../errors.ts';
import { SNIFF_BYTES, sniffVideo, type SniffResult } from './sniff.ts';

/**
 * The training videos' files: `<uploadDir>/videos/<id>.<mp4|webm>`, received into `<uploadDir>/tmp/` first and
 * renamed into place once complete and recognised (same folder tree, so the rename is atomic: a video is
 * either wholly there or absent).
 */
export interface VideoStorage {
  uploadDir: string;
  videoMaxBytes: number;
}

export const videosDir = (storage: VideoStorage) => path.join(storage.uploadDir, 'videos');
const tempDir = (storage: VideoStorage) => path.join(storage.uploadDir, 'tmp');

export function videoPath(storage: VideoStorage, fileName: string): string {
  // Names are ours (`<uuid>.<ext>`); refuse anything else rather than join it to a path.
  if (!/^[0-9a-f-]{36}\.(mp4|webm)$/.test(fileName)) throw new Error(`Nom de fichier vidéo inattendu : ${fileName}`);
  return path.join(videosDir(storage), fileName);
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} Mo`;
}

export function tooLarge(storage: VideoStorage): AppError {
  return new AppError(
    'payload-too-large',
    `La vidéo dépasse la taille permise (${megabytes(storage.videoMaxBytes)}) : raccourcissez-la ou réduisez sa définition, puis déposez-la de nouveau.`,
    [],
    // The client may still be sending: the connection closes rather than read the rest.
    { connection: 'close' },
  );
}

export interface ReceivedVideo {
  tempPath: string;
  size: number;
  sha256: string;
  mime: 'video/mp4' | 'video/webm';
  extension: 'mp4' | 'webm';
}

/**
 * Streams an upload to a temporary file, counting bytes (refused past the limit, as soon as it is passed),
 * hashing them, and recognising the format from the first bytes (refused at once when it is not a video).
 * Nothing is left behind when it fails.
 */
export async function receiveVideo(source: AsyncIterable<Uint8Array>, storage: VideoStorage): Promise<ReceivedVideo> {
  await fs.promises.mkdir(tempDir(storage), { recursive: true });
  await pruneAbandonedUploads(storage);
  const tempPath = path.join(tempDir(storage), `${randomUUID()}.part`);
  const hash = createHash('sha256');
  let size = 0;
  let head = Buffer.alloc(0);
  let sniffed: SniffResult | undefined;
  const refuseUnlessVideo = (result: SniffResult) => {
    if (!result.ok) throw new AppError('unsupported-media-type', result.problem, [], { connection: 'close' });
  };

  async function* checked() {
    for await (const chunk of keepOpenOnError(source)) {
      size += chunk.length;
      if (size > storage.videoMaxBytes) throw tooLarge(storage);
      if (sniffed === undefined) {
        head = Buffer.concat([head, chunk]);
        if (head.length >= SNIFF_BYTES) {
          sniffed = sniffVideo(head.subarray(0, SNIFF_BYTES));
          refuseUnlessVideo(sniffed);
        }
      }
      hash.update(chunk);
      yield chunk;
    }
  }

  const out = fs.createWriteStream(tempPath, { flags: 'wx' });
  try {
    await pipeline(checked(), out);
    if (size === 0) {
      throw new AppError('bad-request', 'Le fichier reçu est vide : choisissez la vidéo, puis déposez-la de nouveau.');
    }
    sniffed ??= sniffVideo(head);
    refuseUnlessVideo(sniffed);
    if (!sniffed.ok) throw new Error('unreachable');
    return { tempPath, size, sha256: hash.digest('hex'), mime: sniffed.mime, extension: sniffed.extension };
  } catch (error) {
    // A refusal on the first bytes can come before the file is even open: wait until it is closed, then remove it.
    if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
    await fs.promises.rm(tempPath, { force: true });
    throw error;
  }
}

/**
 * Iterating a request stream with for-await destroys it when the loop stops early, which would cut the
 * connection before the client reads why (413, 415). Refusals leave it open; the reply closes the connection.
 */
function keepOpenOnError(source: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const readable = source as AsyncIterable<Uint8Array> & {
    iterator?: (options: { destroyOnReturn: boolean }) => AsyncIterable<Uint8Array>;
  };
  return typeof readable.iterator === 'function' ? readable.iterator({ destroyOnReturn: false }) : source;
}

/** A day-old `.part` file is an upload cut short by a stopped process: removed, best effort, at the next upload. */
async function pruneAbandonedUploads(storage: VideoStorage): Promise<void> {
  const dir = tempDir(storage);
  const dayAgo = Date.now() - 24 * 3_600_000;
  for (const name of await fs.promises.readdir(dir).catch(() => [] as string[])) {
    if (!name.endsWith('.part')) continue;
    const file = path.join(dir, name);
    const stat = await fs.promises.stat(file).catch(() => null);
    if (stat && stat.mtimeMs < dayAgo) await fs.promises.rm(file, { force: true }).catch(() => {});
  }
}

/** Moves a received file into the videos folder under its final name. */
export async function keepVideo(storage: VideoStorage, received: ReceivedVideo, fileName: string): Promise<string> {
  await fs.promises.mkdir(videosDir(storage), { recursive: true });
  const target = videoPath(storage, fileName);
  await fs.promises.rename(received.tempPath, target);
  return target;
}
