// Thumbnails: 256 px WebP, EXIF-rotated, one per content hash in the project's thumbs/ folder.
// The image is decoded once; the same small raw buffer yields the WebP and the pixel statistics.
import fs from 'node:fs';
import path from 'node:path';
import sharp, { type OutputInfo } from 'sharp';
import { pixelStats, type PixelStats, type RawPixels } from './pixel-stats.js';
import { decodeProblem } from './problems.js';
import { PIXEL_LIMIT } from './probe.js';
import { processAlive } from '../jobs/process-alive.js';

export const THUMB_SIZE = 256;

/** Where the thumbnail of a content hash lives; two-character folders keep directories small. */
export function thumbPath(projectDir: string, hash: string): string {
  return path.join(projectDir, 'thumbs', hash.slice(0, 2), `${hash}.webp`);
}

export function hasThumbnail(projectDir: string, hash: string): boolean {
  return fs.existsSync(thumbPath(projectDir, hash));
}

let tmpCounter = 0;

/** Half-written thumbnails live here until renamed into place; a kill can leave some behind. */
const PARTIAL_DIR = '.partial';

/** Removes leftovers of killed imports (files of processes that are gone). */
export async function sweepPartialThumbnails(projectDir: string): Promise<number> {
  const dir = path.join(projectDir, 'thumbs', PARTIAL_DIR);
  const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const pid = Number(name.split('.')[0]);
    // Another live import (say, the CLI beside the app) may be writing its own.
    if (pid === process.pid || (Number.isInteger(pid) && pid > 0 && processAlive(pid))) continue;
    await fs.promises.rm(path.join(dir, name), { force: true });
    removed++;
  }
  return removed;
}

/**
 * Decodes `file` (failing on truncated or corrupt data), writes its thumbnail atomically —
 * a kill never leaves half a WebP under the final name — and returns the pixel statistics.
 */
export async function makeThumbnail(file: string | Buffer, dest: string, format: string, options: { pixelLimit?: number; complete?: boolean | null } = {}): Promise<PixelStats> {
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    // failOn 'error': a JPEG with a harmless warning still imports; truncated data fails.
    decoded = await sharp(file, { limitInputPixels: options.pixelLimit ?? PIXEL_LIMIT, failOn: 'error', autoOrient: true })
      .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true })
      // 16-bit and CMYK sources come out as 8-bit sRGB (or grey), which WebP and the stats expect.
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw decodeProblem(error, format, options.complete ?? null);
  }
  const { data, info } = decoded;
  return writeThumbnail({ data, width: info.width, height: info.height, channels: info.channels }, dest, info.premultiplied);
}

/**
 * The thumbnail of an image already decoded in full (the import's single decode, which also
 * feeds the backbone): shrunk here, then written and measured like makeThumbnail's.
 */
export async function makeThumbnailFromPixels(full: RawPixels, dest: string): Promise<PixelStats> {
  const { data, info } = await sharp(full.data, { raw: { width: full.width, height: full.height, channels: full.channels as 1 | 2 | 3 | 4 } })
    .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true })
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return writeThumbnail({ data, width: info.width, height: info.height, channels: info.channels }, dest, false);
}

/** Measures the small raw image and writes it as WebP atomically. */
async function writeThumbnail(small: RawPixels & { data: Buffer }, dest: string, premultiplied: boolean | undefined): Promise<PixelStats> {
  const { data } = small;
  const info = { width: small.width, height: small.height, channels: small.channels as 1 | 2 | 3 | 4, premultiplied };
  const stats = pixelStats(small);
  const partialDir = path.join(path.dirname(path.dirname(dest)), PARTIAL_DIR);
  await fs.promises.mkdir(path.dirname(dest), { recursive: true });
  await fs.promises.mkdir(partialDir, { recursive: true });
  const tmp = path.join(partialDir, `${process.pid}.${++tmpCounter}.webp`);
  try {
    await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels, premultiplied: info.premultiplied } })
      .webp({ quality: 80, effort: 0, alphaQuality: 80 })
      .toFile(tmp);
    await fs.promises.rename(tmp, dest);
  } catch (error) {
    await fs.promises.rm(tmp, { force: true });
    throw error;
  }
  return stats;
}
