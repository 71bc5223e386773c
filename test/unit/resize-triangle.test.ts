// The antialiased separable resize (engine/images/resample-triangle.ts): the identity at the same
// size, a constant image stays constant, equal to an independent dense-matrix implementation
// (out = Ry · img · Rxᵀ per channel), bilinear itself when enlarging, and no aliasing where
// plain bilinear aliases (a fine stripe pattern shrunk by 2.6).
import { describe, expect, it } from 'vitest';
import { CUBIC, LANCZOS3, resizeTriangle, TRIANGLE, type Filter } from '../../electron/engine/images/resample-triangle.js';
import { placement, resizeBilinear } from '../../electron/engine/images/resample.js';

const FILTERS: Record<string, Filter> = { triangle: TRIANGLE, cubic: CUBIC, lanczos3: LANCZOS3 };
const MODES = ['center-crop', 'squash', 'letterbox'] as const;

/** Photo-like: gradients plus hard edges. */
function image(width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = ((x * (c + 1) * 7 + y * 3) ^ ((x >> 3) * 37 + (y >> 2) * 11 * (c + 1))) & 255;
  return data;
}

/**
 * The reference: dense resize matrices from the filter's definition (the filter stretched by the
 * shrink factor, centred on each output pixel's centre, cut at the edges, normalised), applied as
 * two matrix products per channel in float64; the crop/letterbox window taken afterwards.
 */
function reference(data: Uint8Array, width: number, height: number, size: number, mode: (typeof MODES)[number], filter: Filter): Float64Array {
  const p = placement(width, height, size, mode);
  const matrix = (scaled: number, source: number) => {
    const scale = Math.max(1, source / scaled);
    const m = Array.from({ length: scaled }, (_, o) => {
      const centre = ((o + 0.5) * source) / scaled;
      const row = Array.from({ length: source }, (_, j) => (Math.abs(j + 0.5 - centre) < filter.radius * scale ? filter.weight((j + 0.5 - centre) / scale) : 0));
      const sum = row.reduce((a, b) => a + b, 0);
      return row.map((w) => w / sum);
    });
    return m;
  };
  const ry = matrix(p.scaledH, height);
  const rx = matrix(p.scaledW, width);
  const out = new Float64Array(size * size * 3);
  for (let c = 0; c < 3; c++) {
    // tmp = img · Rxᵀ  (height × scaledW)
    const tmp = Array.from({ length: height }, (_, y) => rx.map((wrow) => wrow.reduce((acc, w, x) => acc + w * data[(y * width + x) * 3 + c]!, 0)));
    for (let oy = 0; oy < size; oy++) {
      const sy = oy + p.top;
      if (sy < 0 || sy >= p.scaledH) continue;
      for (let ox = 0; ox < size; ox++) {
        const sx = ox + p.left;
        if (sx < 0 || sx >= p.scaledW) continue;
        out[(oy * size + ox) * 3 + c] = ry[sy]!.reduce((acc, w, y) => acc + w * tmp[y]![sx]!, 0);
      }
    }
  }
  return out;
}

describe('antialiased separable resize', () => {
  it('is the identity at the same size, for every filter and mode', () => {
    const data = image(64, 64);
    for (const [name, filter] of Object.entries(FILTERS))
      for (const mode of MODES) expect({ name, mode, same: Array.from(resizeTriangle({ data, width: 64, height: 64 }, 64, mode, filter)).every((v, i) => v === data[i]) }).toEqual({ name, mode, same: true });
  });

  it('keeps a constant image constant (black only outside a letterbox)', () => {
    for (const [w, h] of [[500, 375], [61, 97], [1296, 972], [300, 40]] as const) {
      const data = new Uint8Array(w * h * 3).fill(173);
      for (const filter of Object.values(FILTERS)) {
        expect(resizeTriangle({ data, width: w, height: h }, 48, 'center-crop', filter).every((v) => v === 173)).toBe(true);
        expect(resizeTriangle({ data, width: w, height: h }, 48, 'squash', filter).every((v) => v === 173)).toBe(true);
        const boxed = resizeTriangle({ data, width: w, height: h }, 48, 'letterbox', filter);
        expect(new Set(boxed)).toEqual(w === h ? new Set([173]) : new Set([0, 173]));
      }
    }
  });

  it('equals the dense-matrix reference Ry · img · Rxᵀ, rounded', () => {
    for (const [w, h] of [[150, 113], [37, 53], [91, 91], [200, 31]] as const) {
      const data = image(w, h);
      for (const [name, filter] of Object.entries(FILTERS))
        for (const mode of MODES) {
          const ours = resizeTriangle({ data, width: w, height: h }, 40, mode, filter);
          const ref = reference(data, w, h, 40, mode, filter);
          let worst = 0;
          for (let i = 0; i < ours.length; i++) {
            const r = Math.min(255, Math.max(0, ref[i]!));
            // A different summation order may round a value within 1e-9 of .5 the other way.
            worst = Math.max(worst, Math.abs(Math.round(r) - r) > 0.5 - 1e-9 ? 0 : Math.abs(ours[i]! - Math.round(r)));
          }
          expect({ size: `${w}x${h}`, name, mode, worst }).toEqual({ size: `${w}x${h}`, name, mode, worst: 0 });
        }
    }
  });

  it('is bilinear itself when enlarging (the triangle)', () => {
    const data = image(130, 181);
    const tri = resizeTriangle({ data, width: 130, height: 181 }, 224, 'center-crop');
    const bil = resizeBilinear({ data, width: 130, height: 181 }, 224, 'center-crop');
    // Bilinear rounds float32, the triangle float64: only a value at a rounding tie may differ, by one.
    let differing = 0;
    let worst = 0;
    for (let i = 0; i < tri.length; i++) {
      worst = Math.max(worst, Math.abs(tri[i]! - bil[i]!));
      if (tri[i] !== bil[i]) differing++;
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect(differing / tri.length).toBeLessThan(0.01);
  });

  it('does not alias a fine stripe pattern shrunk 2.6 times, where plain bilinear does', () => {
    // One-pixel black and white columns: their average is 127.5 everywhere.
    const w = 582;
    const h = 582;
    const data = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.fill(x % 2 ? 255 : 0, (y * w + x) * 3, (y * w + x) * 3 + 3);
    const spread = (pixels: Uint8Array) => pixels.reduce((a, b) => Math.max(a, b), 0) - pixels.reduce((a, b) => Math.min(a, b), 255);
    expect(spread(resizeTriangle({ data, width: w, height: h }, 224, 'squash'))).toBeLessThan(40);
    expect(spread(resizeBilinear({ data, width: w, height: h }, 224, 'squash'))).toBeGreaterThan(150);
  });
});
