// The 'triangle' resize of the preprocessing spec: an antialiased separable resize over the same
// placement as 'bilinear' (resample.ts: Teachable Machine's centre-crop arithmetic). Plain
// bilinear with half-pixel centres reads only the 2 nearest source pixels, so shrinking a photo
// by 2x or more skips pixels and aliases (the legacy Lanczos3 did not); here the triangle's
// half-width grows with the shrink factor, as Pillow's BILINEAR resize and
// tf.image.resize(antialias=true) do, and for an enlargement it is bilinear itself.
//
// Written so that every deployment can compute it to the bit in float64 (the export snippets in
// snippets.ts do the same operations in the same order, in JavaScript and in numpy): per axis,
// each output pixel's taps and weights (the weights divided by their sum, summed tap by tap);
// then across each needed source row, then down each column, each sum tap by tap from the
// first, rounded half to even.
import type { Preprocessing } from '../../domain/schemas.js';
import { placement, type RawRgb } from './resample.js';

/** One axis: output i reads source pixels start[i] .. start[i] + count[i] - 1 with these weights. */
export interface AxisTaps {
  start: Int32Array;
  count: Int32Array;
  /** count[i] weights for output i, at offset i * width. */
  weights: Float64Array;
  width: number;
}

/**
 * The taps of output pixels outStart .. outStart + n - 1 of an axis `source` pixels long scaled to
 * `scaled`: the triangle centred on the output pixel's centre in source coordinates, its
 * half-width the shrink factor (at least one pixel), cut at the image's edges and normalised.
 */
/** A separable filter: its weight at distance x (in output pixels) and its radius. */
export interface Filter {
  weight: (x: number) => number;
  radius: number;
}

export const TRIANGLE: Filter = { weight: (x) => Math.max(0, 1 - Math.abs(x)), radius: 1 };
/** Keys' cubic, a = -0.5 (Catmull-Rom; Pillow's BICUBIC). */
export const CUBIC: Filter = {
  weight: (x) => {
    const a = -0.5;
    const t = Math.abs(x);
    if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
    if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
    return 0;
  },
  radius: 2,
};
const sinc = (x: number) => (x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x));
export const LANCZOS3: Filter = { weight: (x) => (Math.abs(x) < 3 ? sinc(x) * sinc(x / 3) : 0), radius: 3 };

export function triangleTaps(outStart: number, n: number, scaled: number, source: number, filter: Filter = TRIANGLE): AxisTaps {
  const ratio = source / scaled;
  const scale = Math.max(1, ratio);
  const support = filter.radius * scale;
  const width = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(n);
  const count = new Int32Array(n);
  const weights = new Float64Array(n * width);
  for (let i = 0; i < n; i++) {
    const centre = (outStart + i + 0.5) * ratio;
    const lo = Math.max(0, Math.floor(centre - support + 0.5));
    const hi = Math.min(source, Math.floor(centre + support + 0.5));
    let total = 0;
    for (let j = lo; j < hi; j++) {
      const w = filter.weight((j + 0.5 - centre) / scale);
      weights[i * width + j - lo] = w;
      total = total + w;
    }
    for (let j = lo; j < hi; j++) weights[i * width + j - lo] = weights[i * width + j - lo]! / total;
    start[i] = lo;
    count[i] = hi - lo;
  }
  return { start, count, weights, width };
}

/** float64 rounded half to even (numpy's rint), so a tie lands where the Python snippet's does. */
function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && (r & 1) !== 0 ? r - 1 : r;
}

/**
 * The size × size RGB input from a decoded, oriented, flattened RGB image (letterbox padding
 * black), antialiased: see the file comment for the order of operations the snippets repeat.
 */
export function resizeTriangle(image: RawRgb, size: number, mode: Preprocessing['resizeMode'], filter: Filter = TRIANGLE): Uint8Array {
  const { width, height, data } = image;
  const p = placement(width, height, size, mode);
  const out = new Uint8Array(size * size * 3);
  const x0 = Math.max(0, -p.left);
  const y0 = Math.max(0, -p.top);
  const x1 = Math.min(size, p.scaledW - p.left);
  const y1 = Math.min(size, p.scaledH - p.top);
  if (x1 <= x0 || y1 <= y0) return out;
  const xs = triangleTaps(x0 + p.left, x1 - x0, p.scaledW, width, filter);
  const ys = triangleTaps(y0 + p.top, y1 - y0, p.scaledH, height, filter);
  const nx = x1 - x0;
  // Only the source rows some output row reads are filtered across.
  const rowFirst = ys.start[0]!;
  const rowEnd = ys.start[ys.start.length - 1]! + ys.count[ys.count.length - 1]!;
  const across = new Float64Array((rowEnd - rowFirst) * nx * 3);
  for (let r = rowFirst; r < rowEnd; r++) {
    const src = r * width * 3;
    const dst = (r - rowFirst) * nx * 3;
    for (let i = 0; i < nx; i++) {
      const s = xs.start[i]!;
      const n = xs.count[i]!;
      const w0 = i * xs.width;
      let red = 0;
      let green = 0;
      let blue = 0;
      for (let k = 0; k < n; k++) {
        const w = xs.weights[w0 + k]!;
        const at = src + (s + k) * 3;
        red = red + w * data[at]!;
        green = green + w * data[at + 1]!;
        blue = blue + w * data[at + 2]!;
      }
      across[dst + i * 3] = red;
      across[dst + i * 3 + 1] = green;
      across[dst + i * 3 + 2] = blue;
    }
  }
  const n3 = nx * 3;
  const column = new Float64Array(n3);
  for (let j = 0; j < y1 - y0; j++) {
    const s = ys.start[j]!;
    const n = ys.count[j]!;
    column.fill(0);
    for (let k = 0; k < n; k++) {
      const w = ys.weights[j * ys.width + k]!;
      const row = (s + k - rowFirst) * n3;
      for (let c = 0; c < n3; c++) column[c] = column[c]! + w * across[row + c]!;
    }
    const o = ((y0 + j) * size + x0) * 3;
    for (let c = 0; c < n3; c++) out[o + c] = Math.min(255, Math.max(0, rint(column[c]!)));
  }
  return out;
}
