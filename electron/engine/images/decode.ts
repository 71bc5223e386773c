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

function raw(image: RawRgb): Sharp {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
}

/**
 * Geometric and photometric augmentation in one sharp pipeline over a working copy (see
 * WORKING_SCALE): rotate, crop the rotation's grey corners and the zoom in one extract, resize
 * by the spec, then flips and colour (pointwise, so cheaper on the small image).
 */
async function augmented(source: ImageSource, p: AugmentParams, spec: Preprocessing, decoded?: RawRgb): Promise<Sharp> {
  // Large photos are shrunk first (one extra pass); small ones go through in a single pipeline.
  const meta = decoded ? null : await open(source, spec).metadata();
  const width = decoded?.width ?? meta?.autoOrient?.width ?? meta?.width ?? 0;
  const height = decoded?.height ?? meta?.autoOrient?.height ?? meta?.height ?? 0;
  const side = spec.inputSize * WORKING_SCALE;
  const big = Math.min(width, height) > side * 1.5;
  // The shrink decodes from the file (JPEG shrink-on-load), as it always did, so a view is the
  // same whether or not the caller had the full decode at hand.
  const working = big ? await toRawRgb(open(source, spec).resize(side, side, { fit: 'outside', withoutEnlargement: true })) : null;
  const w0 = working?.width ?? Math.max(1, width);
  const h0 = working?.height ?? Math.max(1, height);
  let image = working ? raw(working) : decoded ? raw(decoded) : open(source, spec);
  // The box of the original aspect that stays free of rotation corners, centred.
  let box = { left: 0, top: 0, width: w0, height: h0 };
  if (p.rotationDeg !== 0) {
    image = image.rotate(p.rotationDeg, { background: '#808080' });
    const t = (Math.abs(p.rotationDeg) * Math.PI) / 180;
    const rw = w0 * Math.abs(Math.cos(t)) + h0 * Math.abs(Math.sin(t));
    const rh = w0 * Math.abs(Math.sin(t)) + h0 * Math.abs(Math.cos(t));
    const s = 1 / (Math.cos(t) + Math.sin(t) * Math.max(w0 / h0, h0 / w0));
    // One pixel inside on each side: sharp rounds the rotated canvas its own way.
    const width = Math.max(1, Math.floor(w0 * s) - 2);
    const height = Math.max(1, Math.floor(h0 * s) - 2);
    box = { left: Math.max(0, Math.floor((rw - width) / 2)), top: Math.max(0, Math.floor((rh - height) / 2)), width, height };
  }
  const cw = Math.max(1, Math.round(box.width * p.cropScale));
  const ch = Math.max(1, Math.round(box.height * p.cropScale));
  image = image.extract({
    left: box.left + Math.round((box.width - cw) * p.cropX),
    top: box.top + Math.round((box.height - ch) * p.cropY),
    width: cw,
    height: ch,
  });
  image = await resizeBySpec(image, spec);
  if (p.flipHorizontal) image = image.flop();
  if (p.flipVertical) image = image.flip();
  if (p.brightness !== 1 || p.saturation !== 1) image = image.modulate({ brightness: p.brightness, saturation: p.saturation });
  if (p.contrast !== 1) image = image.linear(p.contrast, 128 * (1 - p.contrast));
  return image;
}

/** The kernel a recorded spec names; specs from before the field existed used sharp's Lanczos3. */
export function resamplingOf(spec: Preprocessing): NonNullable<Preprocessing['resampling']> {
  return spec.resampling ?? 'lanczos3';
}

/** The spec's resize on an (oriented) image: sharp's for 'lanczos3', ours for 'bilinear'. */
async function resizeBySpec(image: Sharp, spec: Preprocessing): Promise<Sharp> {
  if (resamplingOf(spec) === 'lanczos3') return sharpResize(image, spec);
  const full = await toRawRgb(image);
  const pixels = resizeBilinear(full, spec.inputSize, spec.resizeMode);
  return raw({ data: Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), width: spec.inputSize, height: spec.inputSize });
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
 * `decoded`: the source's full decode as toRawRgb gives it, with decodeOptions(spec), when the caller
 * has it already (the import, which decodes every photo once for its thumbnail): used instead of decoding again,
 * for 'bilinear' specs of opaque images only (where the result is the same byte for byte).
 */
export async function decodeForModel(source: ImageSource, spec: Preprocessing, augment: AugmentParams = IDENTITY, decoded?: RawRgb): Promise<DecodedImage> {
  await requireImage(source);
  const full = decoded && resamplingOf(spec) === 'bilinear' ? decoded : undefined;
  if (full && isIdentity(augment)) return { pixels: resizeBilinear(full, spec.inputSize, spec.resizeMode), size: spec.inputSize };
  const image = isIdentity(augment) ? await resizeBySpec(open(source, spec), spec) : await augmented(source, augment, spec, full);
  const { data, width, height } = await toRawRgb(image);
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
