// The one-pass augmentation warp against the plain model input: with nothing drawn it is view 0's
// bilinear resize (same half-pixel geometry, every resize mode), flips mirror it, a quarter turn
// turns it clockwise as sharp's rotate did, a half turn is both flips, the zoom crop shows the
// part it names, and colour factors act on each pixel.
import { describe, expect, it } from 'vitest';
import { IDENTITY, type AugmentParams } from '../../electron/engine/images/augment.js';
import { warpView } from '../../electron/engine/images/augment-warp.js';
import { resizeBilinear } from '../../electron/engine/images/resample.js';
import type { Preprocessing } from '../../electron/domain/schemas.js';
import { syntheticPixels } from '../helpers/synthetic-images.js';

const SIZE = 64;
const image = (width: number, height: number, seed = 3) => ({ data: new Uint8Array(syntheticPixels(seed, width, height)), width, height });
const spec = (resizeMode: Preprocessing['resizeMode']) => ({ inputSize: SIZE, resizeMode });

/** Largest per-value difference, and the share of values that differ at all. */
function compare(a: Uint8Array, b: Uint8Array): { max: number; differing: number } {
  let max = 0;
  let differing = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    max = Math.max(max, d);
    if (d > 0) differing++;
  }
  return { max, differing: differing / a.length };
}

function mirrored(pixels: Uint8Array, horizontal: boolean, vertical: boolean): Uint8Array {
  const out = new Uint8Array(pixels.length);
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) {
      const from = ((vertical ? SIZE - 1 - y : y) * SIZE + (horizontal ? SIZE - 1 - x : x)) * 3;
      out.set(pixels.subarray(from, from + 3), (y * SIZE + x) * 3);
    }
  return out;
}

const params = (p: Partial<AugmentParams>): AugmentParams => ({ ...IDENTITY, ...p });

describe('augmentation warp', () => {
  for (const mode of ['center-crop', 'squash', 'letterbox'] as const) {
    it(`${mode}: nothing drawn gives view 0's bilinear resize; a flip mirrors it`, () => {
      for (const [w, h] of [[500, 375], [90, 300], [64, 64]] as const) {
        const source = image(w, h);
        const plain = resizeBilinear(source, SIZE, mode);
        // Rounding float64 (here) against float32 (resizeBilinear) may differ on an exact tie.
        const same = compare(warpView(source, IDENTITY, spec(mode)), plain);
        expect(same.max, `${w}x${h}`).toBeLessThanOrEqual(1);
        expect(same.differing, `${w}x${h}`).toBeLessThan(0.001);
        expect(compare(warpView(source, params({ flipHorizontal: true }), spec(mode)), mirrored(plain, true, false)).max).toBeLessThanOrEqual(1);
        expect(compare(warpView(source, params({ flipVertical: true }), spec(mode)), mirrored(plain, false, true)).max).toBeLessThanOrEqual(1);
      }
    });
  }

  it('a quarter turn is clockwise, a half turn is both flips; a zoom crop shows the part it names', () => {
    const square = image(200, 200);
    const plain = resizeBilinear(square, SIZE, 'center-crop');
    expect(compare(warpView(square, params({ rotationDeg: 180 }), spec('center-crop')), mirrored(plain, true, true)).max).toBeLessThanOrEqual(1);
    const quarter = warpView(square, params({ rotationDeg: 90 }), spec('center-crop'));
    const clockwise = new Uint8Array(plain.length);
    // Clockwise: the left column becomes the top row.
    for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) clockwise.set(plain.subarray(((SIZE - 1 - x) * SIZE + y) * 3, ((SIZE - 1 - x) * SIZE + y) * 3 + 3), (y * SIZE + x) * 3);
    expect(compare(quarter, clockwise).max).toBeLessThanOrEqual(1);
    // The top-left half of the picture, zoomed to the whole input.
    const corner = warpView(square, params({ cropScale: 0.5, cropX: 0, cropY: 0 }), spec('center-crop'));
    const topLeft = resizeBilinear({ data: cropTopLeft(square.data, 200, 100), width: 100, height: 100 }, SIZE, 'center-crop');
    expect(compare(corner, topLeft).max).toBeLessThanOrEqual(1);
  });

  it('brightness, contrast and saturation act on each pixel (clamped)', () => {
    const source = image(120, 90);
    const plain = warpView(source, IDENTITY, spec('squash'));
    const bright = warpView(source, params({ brightness: 1.2 }), spec('squash'));
    plain.forEach((v, i) => expect(Math.abs(bright[i]! - Math.min(255, v * 1.2))).toBeLessThanOrEqual(1.5));
    const flat = warpView(source, params({ contrast: 0 }), spec('squash'));
    expect(new Set(flat)).toEqual(new Set([128]));
    const grey = warpView(source, params({ saturation: 0 }), spec('squash'));
    for (let i = 0; i < grey.length; i += 3) expect(Math.max(grey[i]!, grey[i + 1]!, grey[i + 2]!) - Math.min(grey[i]!, grey[i + 1]!, grey[i + 2]!)).toBeLessThanOrEqual(1);
  });

});

function cropTopLeft(data: Uint8Array, width: number, side: number): Uint8Array {
  const out = new Uint8Array(side * side * 3);
  for (let y = 0; y < side; y++) out.set(data.subarray(y * width * 3, (y * width + side) * 3), y * side * 3);
  return out;
}
