// Real photos as model input: hymenoptera JPEGs decoded by sharp (EXIF-oriented, centre-cropped to
// a square, sRGB), as raw 0..255 RGB floats in one NHWC buffer.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { fixture } from './fixtures.js';

/** The first `perClass` JPEGs (by name) of each class of a hymenoptera split. */
export function hymenopteraFiles(perClass: number, split: 'train' | 'val' = 'val'): string[] {
  return ['ants', 'bees'].flatMap((cls) => {
    const dir = fixture('datasets', 'hymenoptera', split, cls);
    return fs
      .readdirSync(dir)
      .filter((f) => /\.jpe?g$/i.test(f))
      .sort()
      .slice(0, perClass)
      .map((f) => path.join(dir, f));
  });
}

export async function decodePhoto(file: string, size: number): Promise<Buffer> {
  const { data, info } = await sharp(file, { autoOrient: true })
    .resize(size, size, { fit: 'cover', position: 'centre' })
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || info.width !== size || info.height !== size) throw new Error(`${file}: decoded to ${info.width}x${info.height}x${info.channels}`);
  return data;
}

export async function decodePhotos(files: string[], size = 224): Promise<Float32Array> {
  const decoded = await Promise.all(files.map((f) => decodePhoto(f, size)));
  const out = new Float32Array(files.length * size * size * 3);
  decoded.forEach((d, i) => out.set(d, i * size * size * 3));
  return out;
}
