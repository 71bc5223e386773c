// Pixels for the model: sharp decodes any supported format, applies EXIF orientation, converts
// grayscale/CMYK/alpha to RGB (an embedded colour profile to sRGB, or ignored, by the spec), refuses decompression bombs, optionally augments, and
// resizes by the recorded preprocessing spec (sharp's Lanczos3 for specs recorded before issue
// 22, the studio's own bilinear, resample.ts, since). Training, prediction, preview and every export's
// parity check go through this one function.
import fs from 'node:fs';
import sharp, { type Sharp, type SharpOptions } from 'sharp';
import { SNIFF_BYTES, describeNonImage, sniff } from '../../dataset/sniff.js';
import { SCALING } from '../../onnx/input-scaling.js';
import type { Preprocessing } from '../../domain/schemas.js';
import { IDENTITY, isIdentity, type AugmentParams } from './augment.js';
import { warpView } from './augment-warp.js';
import { resizeBilinear } from './resample.js';

/** Images above this many pixels are refused before decoding (about 12k x 8k). */
export const PIXEL_LIMIT = 100_000_000;

/** Transparent pixels are composited onto white, as an image viewer shows them. */
export const ALPHA_BACKGROUND = '#ffffff';

export type ImageSource = string | Buffer;

export interface DecodedImage {
  /** size x size x 3, RGB, row-major, 0..255. */
  pixels: Uint8Array;
  size: number;
}

/** The colour-profile rule a recorded spec names; specs from before the field converted to sRGB. */
export function colourProfileOf(spec: Preprocessing): NonNullable<Preprocessing['colourProfile']> {
  return spec.colourProfile ?? 'convert';
}

/**
 * sharp's input options for a model input under `spec` (the import's shared decode uses them too,
 * with its own pixel limit). failOn 'error': warnings (a slightly odd but readable JPEG) decode,
 * truncated data fails. ignoreIcc: the stored values, as every deployment can decode them.
 */
export function decodeOptions(spec: Preprocessing, limitInputPixels = PIXEL_LIMIT): SharpOptions {
  return { limitInputPixels, failOn: 'error', autoOrient: true, ...(colourProfileOf(spec) === 'ignore' ? { ignoreIcc: true } : {}) };
}

function open(source: ImageSource, spec: Preprocessing) {
  return sharp(source, decodeOptions(spec));
}

/** An oriented, flattened, sRGB 8-bit RGB image in memory. */
export interface RawRgb {
  data: Buffer;
  width: number;
  height: number;
}

/**
 * Flattened (alpha on white), 8-bit RGB pixels, sRGB (or, when the spec ignores colour profiles,
 * the stored RGB values): what the model input is resized from.
 */
export async function toRawRgb(image: Sharp): Promise<RawRgb> {
  const { data, info } = await image
    .flatten({ background: ALPHA_BACKGROUND })
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`expected 3 channels after conversion, got ${info.channels}`);
  return { data, width: info.width, height: info.height };
}

/**
 * The augmentation's working resolution, as a multiple of the input size: geometric and colour
 * changes on a 12 MP photo would cost far more than the backbone, and twice the input size keeps
 * the detail a crop of up to 50 % zoom needs before the final resize.
 */
const WORKING_SCALE = 2;

/**
 * The pixels an augmented view is warped from (see WORKING_SCALE): a large photo shrunk from
 * the file (JPEG shrink-on-load), else the full decode — the caller's when it has one (the
 * import's single decode; the same bytes toRawRgb gives from the file).
 */
async function workingCopy(source: ImageSource, spec: Preprocessing, decoded?: RawRgb): Promise<RawRgb> {
  const meta = decoded ? null : await open(source, spec).metadata();
  const width = decoded?.width ?? meta?.autoOrient?.width ?? meta?.width ?? 0;
  const height = decoded?.height ?? meta?.autoOrient?.height ?? meta?.height ?? 0;
  const side = spec.inputSize * WORKING_SCALE;
  // The shrink decodes from the source, as it always did, so a view is the same whether or not
  // the caller had the full decode at hand.
  if (Math.min(width, height) > side * 1.5) return toRawRgb(open(source, spec).resize(side, side, { fit: 'outside', withoutEnlargement: true }));
  return decoded ?? toRawRgb(open(source, spec));
}

/** An augmented view: rotation, zoom crop, the spec's resize, flips and colour in one pass (augment-warp.ts). */
async function augmented(source: ImageSource, p: AugmentParams, spec: Preprocessing, decoded?: RawRgb): Promise<DecodedImage> {
  return { pixels: warpView(await workingCopy(source, spec, decoded), p, spec), size: spec.inputSize };
}

/** The kernel a recorded spec names; specs from before the field existed used sharp's Lanczos3. */
export function resamplingOf(spec: Preprocessing): NonNullable<Preprocessing['resampling']> {
  return spec.resampling ?? 'lanczos3';
}

function sharpResize(image: Sharp, spec: Preprocessing): Sharp {
  const size = spec.inputSize;
  switch (spec.resizeMode) {
    case 'squash':
      return image.resize(size, size, { fit: 'fill' });
    case 'center-crop':
      return image.resize(size, size, { fit: 'cover', position: 'centre' });
    case 'letterbox':
      return image.resize(size, size, { fit: 'contain', background: '#000000' });
  }
}

/**
 * Only the formats an import accepts, judged by the first bytes as the import judges them:
 * libvips would also render SVG (which can pull in other files), and opening a FIFO or a
 * device never returns, so a project image replaced by one must fail, not hang a run.
 */
async function requireImage(source: ImageSource): Promise<void> {
  let head: Uint8Array;
  if (typeof source === 'string') {
    const stat = await fs.promises.stat(source);
    if (!stat.isFile()) throw new Error(`${source} is not a regular file`);
    const handle = await fs.promises.open(source, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(SNIFF_BYTES), 0, SNIFF_BYTES, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } else head = source.subarray(0, SNIFF_BYTES);
  const sniffed = sniff(head);
  if (sniffed.kind !== 'image') throw new Error(describeNonImage(typeof source === 'string' ? source : 'image', sniffed).message);
}

/**
 * `decoded`: the source's full decode as toRawRgb gives it, with decodeOptions(spec), when the caller has it already (the
 * import, which decodes every photo once for its thumbnail) and the image is opaque: used
 * instead of decoding again by augmented views, and by view 0 of 'bilinear' specs (where the
 * result is the same byte for byte).
 */
export async function decodeForModel(source: ImageSource, spec: Preprocessing, augment: AugmentParams = IDENTITY, decoded?: RawRgb): Promise<DecodedImage> {
  await requireImage(source);
  // Augmented views are warped by our own code whatever the spec's kernel (they only train).
  if (!isIdentity(augment)) return augmented(source, augment, spec, decoded);
  // 'bilinear': our resize of the full decode (the caller's, or made here), returned as it is —
  // no second sharp pipeline just to read the same bytes back (it cost about as much as the resize).
  if (resamplingOf(spec) === 'bilinear') return { pixels: resizeBilinear(decoded ?? (await toRawRgb(open(source, spec))), spec.inputSize, spec.resizeMode), size: spec.inputSize };
  const { data, width, height } = await toRawRgb(sharpResize(open(source, spec), spec));
  if (width !== spec.inputSize || height !== spec.inputSize) throw new Error(`resize produced ${width}x${height}`);
  return { pixels: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), size: spec.inputSize };
}

/** The scaling a backbone expects, applied while copying pixels into a batch. */
export function scalePixels(pixels: ArrayLike<number>, scaling: Preprocessing['scaling'], out: Float32Array, offset: number): void {
  const { divisor, offset: shift } = SCALING[scaling];
  const mul = 1 / divisor;
  for (let i = 0; i < pixels.length; i++) out[offset + i] = pixels[i]! * mul - shift;
}

/** A small WebP of an (augmented) model input, for the renderer's preview grid. */
export async function previewWebp(decoded: DecodedImage): Promise<Buffer> {
  return sharp(Buffer.from(decoded.pixels), { raw: { width: decoded.size, height: decoded.size, channels: 3 } })
    .webp({ quality: 80 })
    .toBuffer();
}
