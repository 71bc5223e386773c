// Pixels for the model: sharp decodes any supported format, applies EXIF orientation, converts
// grayscale/CMYK/alpha to sRGB RGB, refuses decompression bombs, optionally augments, and
// resizes by the recorded preprocessing spec. Training, prediction, preview and every export's
// parity check go through this one function.
import sharp, { type Sharp } from 'sharp';
import type { Preprocessing } from '../../ipc/schemas.js';
import { IDENTITY, isIdentity, type AugmentParams } from './augment.js';

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

function open(source: ImageSource, animated = false) {
  // failOn 'error': warnings (a slightly odd but readable JPEG) decode, truncated data fails.
  return sharp(source, { limitInputPixels: PIXEL_LIMIT, failOn: 'error', animated, autoOrient: true });
}

async function toRawRgb(image: Sharp): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await image
    .flatten({ background: ALPHA_BACKGROUND })
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`expected 3 channels after conversion, got ${info.channels}`);
  return { data, width: info.width, height: info.height };
}

/** Applies geometric and photometric augmentation at the source resolution. */
async function augmented(source: ImageSource, p: AugmentParams): Promise<Sharp> {
  let rotated = await toRawRgb(open(source).rotate(p.rotationDeg, { background: '#808080' }));
  if (p.rotationDeg !== 0) {
    // Crop the rotation's grey corners away: keep the largest centred box of the original aspect.
    const meta = await open(source).metadata();
    const w0 = (meta.autoOrient?.width ?? meta.width) || 1;
    const h0 = (meta.autoOrient?.height ?? meta.height) || 1;
    const t = (Math.abs(p.rotationDeg) * Math.PI) / 180;
    const s = 1 / (Math.cos(t) + Math.sin(t) * Math.max(w0 / h0, h0 / w0));
    const w = Math.max(1, Math.floor(w0 * s));
    const h = Math.max(1, Math.floor(h0 * s));
    const left = Math.max(0, Math.floor((rotated.width - w) / 2));
    const top = Math.max(0, Math.floor((rotated.height - h) / 2));
    rotated = await toRawRgb(
      sharp(rotated.data, { raw: { width: rotated.width, height: rotated.height, channels: 3 } }).extract({
        left,
        top,
        width: Math.min(w, rotated.width - left),
        height: Math.min(h, rotated.height - top),
      }),
    );
  }
  const cw = Math.max(1, Math.round(rotated.width * p.cropScale));
  const ch = Math.max(1, Math.round(rotated.height * p.cropScale));
  let image = sharp(rotated.data, { raw: { width: rotated.width, height: rotated.height, channels: 3 } }).extract({
    left: Math.round((rotated.width - cw) * p.cropX),
    top: Math.round((rotated.height - ch) * p.cropY),
    width: cw,
    height: ch,
  });
  if (p.flipHorizontal) image = image.flop();
  if (p.flipVertical) image = image.flip();
  if (p.brightness !== 1 || p.saturation !== 1) image = image.modulate({ brightness: p.brightness, saturation: p.saturation });
  if (p.contrast !== 1) image = image.linear(p.contrast, 128 * (1 - p.contrast));
  // Materialise so that the final resize sees the augmented pixels, whatever sharp's op order.
  const done = await toRawRgb(image);
  return sharp(done.data, { raw: { width: done.width, height: done.height, channels: 3 } });
}

function resizeBySpec(image: Sharp, spec: Preprocessing): Sharp {
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

export async function decodeForModel(source: ImageSource, spec: Preprocessing, augment: AugmentParams = IDENTITY): Promise<DecodedImage> {
  const base = isIdentity(augment) ? open(source) : await augmented(source, augment);
  const { data, width, height } = await toRawRgb(resizeBySpec(base, spec));
  if (width !== spec.inputSize || height !== spec.inputSize) throw new Error(`resize produced ${width}x${height}`);
  return { pixels: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), size: spec.inputSize };
}

/** The scaling a backbone expects, applied while copying pixels into a batch. */
export function scalePixels(pixels: Uint8Array, scaling: Preprocessing['scaling'], out: Float32Array, offset: number): void {
  const [mul, add] = scaling === 'minus1to1' ? [1 / 127.5, -1] : scaling === 'zero1' ? [1 / 255, 0] : [1, 0];
  for (let i = 0; i < pixels.length; i++) out[offset + i] = pixels[i]! * mul + add;
}

/** A small WebP of an (augmented) model input, for the renderer's preview grid. */
export async function previewWebp(decoded: DecodedImage): Promise<Buffer> {
  return sharp(Buffer.from(decoded.pixels), { raw: { width: decoded.size, height: decoded.size, channels: 3 } })
    .webp({ quality: 80 })
    .toBuffer();
}
