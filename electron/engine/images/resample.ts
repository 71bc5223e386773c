// The 'bilinear' resize of the preprocessing spec (issue 22), in our own code so that it is the
// same on every machine and every deployment can reproduce it: plain bilinear interpolation with
// half-pixel centres and no antialiasing — what tf.image.resizeBilinear(x, size, false, true),
// ONNX Resize (linear, half_pixel) and a browser canvas's drawImage compute — over the placement
// Teachable Machine's library uses for its centre crop (scale the shorter side to the input size,
// round the scaled size up, drop floor(excess / 2) pixels). sharp's Lanczos3 ('lanczos3', the
// resize before issue 22) cannot be reproduced by a canvas, tfjs or Pillow.
import type { Preprocessing } from '../../domain/schemas.js';

export interface RawRgb {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * Where the whole image lands, resized to scaledW × scaledH, in the size × size input: its top
 * left corner at (-left, -top). The arithmetic is Teachable Machine's cropTo (canvas.js), float
 * for float, so a Teachable Machine deployment crops the same pixels.
 */
export interface Placement {
  scaledW: number;
  scaledH: number;
  left: number;
  top: number;
}

export function placement(width: number, height: number, size: number, mode: Preprocessing['resizeMode']): Placement {
  switch (mode) {
    case 'center-crop': {
      const scale = size / Math.min(width, height);
      const scaledW = Math.ceil(width * scale);
      const scaledH = Math.ceil(height * scale);
      return { scaledW, scaledH, left: Math.floor((scaledW - size) / 2), top: Math.floor((scaledH - size) / 2) };
    }
    case 'squash':
      return { scaledW: size, scaledH: size, left: 0, top: 0 };
    case 'letterbox': {
      const scale = size / Math.max(width, height);
      const scaledW = Math.min(size, Math.max(1, Math.round(width * scale)));
      const scaledH = Math.min(size, Math.max(1, Math.round(height * scale)));
      // Negative offsets: the image sits inside the black square.
      return { scaledW, scaledH, left: -Math.floor((size - scaledW) / 2), top: -Math.floor((size - scaledH) / 2) };
    }
  }
}

/** Source index pairs and weights along one axis (half-pixel centres, edges clamped). */
function taps(outStart: number, count: number, scaled: number, source: number): { lo: Int32Array; hi: Int32Array; frac: Float64Array } {
  const lo = new Int32Array(count);
  const hi = new Int32Array(count);
  const frac = new Float64Array(count);
  const ratio = source / scaled;
  for (let i = 0; i < count; i++) {
    const at = (outStart + i + 0.5) * ratio - 0.5;
    const f = Math.floor(at);
    lo[i] = Math.min(source - 1, Math.max(0, f));
    hi[i] = Math.min(source - 1, Math.max(0, f + 1));
    frac[i] = at - f;
  }
  return { lo, hi, frac };
}

/**
 * Rounds the float32 value half to even, as tf.round of tf.image.resizeBilinear's float32 output
 * (cpu backend) and numpy's rint of a float32 do, so a tie lands where theirs does. For the
 * non-negative values here floor(x + 0.5) is Math.round(x) (x + 0.5 is exact for a float32 below 256).
 */
function roundEven(value: number): number {
  const x = Math.fround(value);
  const r = (x + 0.5) | 0;
  return r - x === 0.5 && (r & 1) !== 0 ? r - 1 : r;
}

/**
 * One source row interpolated at the output columns: `a + (b - a) * fx` per channel, the same
 * operations in the same order as a per-pixel bilinear, so the result is the same to the bit.
 */
function lerpRow(data: Uint8Array, rowStart: number, lo3: Int32Array, hi3: Int32Array, frac: Float64Array, into: Float64Array): void {
  for (let i = 0, k = 0; i < lo3.length; i++, k += 3) {
    const l = rowStart + lo3[i]!;
    const h = rowStart + hi3[i]!;
    const fx = frac[i]!;
    const r = data[l]!;
    const g = data[l + 1]!;
    const b = data[l + 2]!;
    into[k] = r + (data[h]! - r) * fx;
    into[k + 1] = g + (data[h + 1]! - g) * fx;
    into[k + 2] = b + (data[h + 2]! - b) * fx;
  }
}

/**
 * The size × size RGB input from a decoded, oriented, flattened RGB image. Pixels outside the
 * image (letterbox padding) are black. Separable: each source row is interpolated across once
 * and kept while the next output row still reads it (every model input of every import,
 * training and prediction goes through here, on the JavaScript thread).
 */
export function resizeBilinear(image: RawRgb, size: number, mode: Preprocessing['resizeMode']): Uint8Array {
  const { width, height, data } = image;
  const p = placement(width, height, size, mode);
  const out = new Uint8Array(size * size * 3);
  // The output rows/columns the scaled image covers.
  const x0 = Math.max(0, -p.left);
  const y0 = Math.max(0, -p.top);
  const x1 = Math.min(size, p.scaledW - p.left);
  const y1 = Math.min(size, p.scaledH - p.top);
  if (x1 <= x0 || y1 <= y0) return out;
  const xs = taps(x0 + p.left, x1 - x0, p.scaledW, width);
  const ys = taps(y0 + p.top, y1 - y0, p.scaledH, height);
  const lo3 = xs.lo.map((v) => v * 3);
  const hi3 = xs.hi.map((v) => v * 3);
  const n3 = (x1 - x0) * 3;
  // Two interpolated source rows at a time: `upper` holds source row upperRow, `lower` lowerRow.
  let upper = new Float64Array(n3);
  let lower = new Float64Array(n3);
  let upperRow = -1;
  let lowerRow = -1;
  for (let y = y0; y < y1; y++) {
    const j = y - y0;
    const fy = ys.frac[j]!;
    const lo = ys.lo[j]!;
    const hi = ys.hi[j]!;
    if (lo !== upperRow) {
      if (lo === lowerRow) {
        [upper, lower] = [lower, upper];
        upperRow = lo;
        lowerRow = -1;
      } else {
        lerpRow(data, lo * width * 3, lo3, hi3, xs.frac, upper);
        upperRow = lo;
      }
    }
    let bottomRow = upper;
    if (hi !== lo) {
      if (hi !== lowerRow) {
        lerpRow(data, hi * width * 3, lo3, hi3, xs.frac, lower);
        lowerRow = hi;
      }
      bottomRow = lower;
    }
    const o = (y * size + x0) * 3;
    for (let k = 0; k < n3; k++) {
      const top = upper[k]!;
      out[o + k] = roundEven(top + (bottomRow[k]! - top) * fy);
    }
  }
  return out;
}
