// The import's single decode when it embeds ahead of training (issue 21): the full oriented RGB
// pixels — what decodeForModel resizes from — give both the thumbnail (and its pixel stats) and
// the backbone's input, so a photo is decoded once between the folder and its first model.
import sharp from 'sharp';
import type { Preprocessing } from '../domain/schemas.js';
import { decodeForModel, resamplingOf, toRawRgb } from '../engine/images/decode.js';
import { resizeBilinear } from '../engine/images/resample.js';
import type { PixelStats } from './pixel-stats.js';
import { decodeProblem } from './problems.js';
import { makeThumbnail, makeThumbnailFromPixels } from './thumbnails.js';

export interface DecodedOnce {
  stats: PixelStats;
  /** inputSize² × 3 RGB as decodeForModel(input, spec) gives it; null when that failed. */
  modelInput: Uint8Array | null;
}

export async function thumbnailAndModelInput(
  input: string | Buffer,
  dest: string,
  format: string,
  spec: Preprocessing,
  options: { pixelLimit: number; complete: boolean | null; transparent?: boolean },
): Promise<DecodedOnce> {
  if (resamplingOf(spec) !== 'bilinear' || options.transparent) {
    // Specs recorded before issue 22 resize with sharp's Lanczos3 from the file: no shared
    // decode to reuse, but the bytes are in memory already (no second read). Transparent
    // images keep their alpha in the thumbnail and its stats, which the model input (flattened
    // on white) cannot give.
    const stats = await makeThumbnail(input, dest, format, { pixelLimit: options.pixelLimit, complete: options.complete });
    const decoded = await decodeForModel(input, spec).catch(() => null);
    return { stats, modelInput: decoded ? decoded.pixels.slice() : null };
  }
  let full: Awaited<ReturnType<typeof toRawRgb>>;
  try {
    // The options of decodeForModel's decode (failOn 'error', autoOrient) with the import's pixel limit.
    full = await toRawRgb(sharp(input, { limitInputPixels: options.pixelLimit, failOn: 'error', autoOrient: true }));
  } catch (error) {
    throw decodeProblem(error, format, options.complete);
  }
  const stats = await makeThumbnailFromPixels({ ...full, channels: 3 }, dest);
  return { stats, modelInput: resizeBilinear(full, spec.inputSize, spec.resizeMode) };
}
