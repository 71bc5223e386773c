// The import's single decode when it embeds ahead of training (issue 21): the full oriented RGB
// pixels — what decodeForModel resizes from — give both the thumbnail (and its pixel stats) and
// the backbone's input, so a photo is decoded once between the folder and its first model.
import sharp from 'sharp';
import type { Preprocessing } from '../domain/schemas.js';
import type { AugmentParams } from '../engine/images/augment.js';
import { colourProfileOf, decodeForModel, decodeOptions, resamplingOf, toRawRgb, type RawRgb } from '../engine/images/decode.js';
import { asWholeBuffer } from '../engine/whole-buffer.js';
import type { PixelStats } from './pixel-stats.js';
import { decodeProblem } from './problems.js';
import { makeThumbnail, makeThumbnailFromPixels } from './thumbnails.js';

/** One view of the photo as the backbone takes it (inputSize² × 3 RGB, decodeForModel's bytes). */
export interface ModelInput {
  view: number;
  pixels: Uint8Array;
}

export interface DecodedOnce {
  stats: PixelStats;
  /** The views asked for that could be made (a view that failed is left to Train). */
  inputs: ModelInput[];
}

/** A view to make: its index and its augmentation (identity for view 0). */
export interface ViewRequest {
  view: number;
  augment: AugmentParams;
}

/**
 * `full`: the shared decode, which every view starts from (training warps its augmented views
 * from the same 8-bit decode of the file, so they are byte for byte what Train computes).
 */
async function modelInputs(input: string | Buffer, spec: Preprocessing, views: readonly ViewRequest[], full?: RawRgb): Promise<ModelInput[]> {
  const made = await Promise.all(
    views.map(({ view, augment }) =>
      decodeForModel(input, spec, augment, full).then(
        // Sent to the engine worker: a view of a larger buffer would carry all of it along.
        (d): ModelInput => ({ view, pixels: asWholeBuffer(d.pixels) }),
        (): ModelInput | null => null,
      ),
    ),
  );
  return made.filter((m): m is ModelInput => m !== null);
}

export async function thumbnailAndModelInputs(
  input: string | Buffer,
  dest: string,
  format: string,
  spec: Preprocessing,
  views: readonly ViewRequest[],
  options: { pixelLimit: number; complete: boolean | null; transparent?: boolean },
): Promise<DecodedOnce> {
  if (resamplingOf(spec) !== 'bilinear' || options.transparent) {
    // Specs recorded before issue 22 resize with sharp's Lanczos3 from the file: no shared
    // decode to reuse, but the bytes are in memory already (no second read). Transparent
    // images keep their alpha in the thumbnail and its stats, which the model input (flattened
    // on white) cannot give.
    const stats = await makeThumbnail(input, dest, format, { pixelLimit: options.pixelLimit, complete: options.complete });
    return { stats, inputs: await modelInputs(input, spec, views) };
  }
  let full: RawRgb;
  let profiled = false;
  try {
    // decodeForModel's decode options with the import's pixel limit.
    const image = sharp(input, decodeOptions(spec, options.pixelLimit));
    // A spec that ignores colour profiles decodes the stored values; the thumbnail still shows
    // the photo's true colours (converted), so a profiled photo gets its own thumbnail decode.
    profiled = colourProfileOf(spec) === 'ignore' && (await image.metadata()).hasProfile === true;
    full = await toRawRgb(image);
  } catch (error) {
    throw decodeProblem(error, format, options.complete);
  }
  // The thumbnail and every view from the same pixels (augmented views of large photos shrink
  // from the in-memory bytes, as training does).
  const thumbnail = profiled ? makeThumbnail(input, dest, format, { pixelLimit: options.pixelLimit, complete: options.complete }) : makeThumbnailFromPixels({ ...full, channels: 3 }, dest);
  const [stats, inputs] = await Promise.all([thumbnail, modelInputs(input, spec, views, full)]);
  return { stats, inputs };
}
