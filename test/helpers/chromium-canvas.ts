// A model of what Teachable Machine's cropTo gets from Chromium's SOFTWARE canvas (headless,
// --disable-gpu; Chromium's own fallback without a GPU): the pixels of
// drawImage(img, -left, -top, scaledW, scaledH) onto a 224×224 canvas at the default
// imageSmoothingQuality 'low', reproduced from the decoded photo. Measured against Chromium 156
// (issue 22, test/integration/chromium-canvas-model.test.ts): the difference between the
// library's predict(img) and the studio is this resampling, not the decode (byte-identical to
// sharp's), EXIF handling or colour management. What Chromium does, as far as the pixels show:
// - the image is drawn from its STORED pixels with the EXIF orientation folded into the matrix;
// - for a draw smaller than half the image, the compositor first makes a "mip level" of
//   ceil(size / 2^n) pixels (the largest that still covers the drawn size): Skia's 2×2 box /
//   1-2-1 mipmap when that is exactly the size, else Skia's float bilinear (rounded) from the
//   nearest mip level;
// - the draw itself, for a scale/flip matrix, is Skia's legacy bilinear (SkBitmapProcState):
//   float inverse matrix, 16.16 fixed-point coordinates (x accumulated in 32.32), only 4 bits of
//   sub-pixel weight and a truncating >> 8; for a 90° orientation it is float bilinear.
// A GPU canvas (most desktop Chrome), Firefox or Safari filter differently again, which is why
// the studio does not train on this and its exports' READMEs give studioCanvas(img) instead.
import sharp from 'sharp';
import { ALPHA_BACKGROUND } from '../../electron/engine/images/decode.js';
import type { RawRgb } from '../../electron/engine/images/resample.js';

const f32 = Math.fround;

/** Skia's SkMipmap level below: 2×2 box on even axes, 1-2-1 on odd ones, floor size, truncating. */
function mipDown(img: RawRgb): RawRgb {
  const { data, width: w, height: h } = img;
  const W = Math.max(1, w >> 1);
  const H = Math.max(1, h >> 1);
  const oddX = w > 1 && (w & 1) === 1;
  const oddY = h > 1 && (h & 1) === 1;
  const out = new Uint8Array(W * H * 3);
  const px = (x: number, y: number, c: number) => data[(Math.min(y, h - 1) * w + Math.min(x, w - 1)) * 3 + c]!;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      for (let c = 0; c < 3; c++) {
        const row = (yy: number) => (oddX ? px(2 * x, yy, c) + 2 * px(2 * x + 1, yy, c) + px(2 * x + 2, yy, c) : px(2 * x, yy, c) + px(2 * x + 1, yy, c));
        const v = oddY ? row(2 * y) + 2 * row(2 * y + 1) + row(2 * y + 2) : row(2 * y) + row(2 * y + 1);
        out[(y * W + x) * 3 + c] = v >> ((oddX ? 2 : 1) + (oddY ? 2 : 1));
      }
  return { data: out, width: W, height: H };
}

/** Float bilinear, half-pixel centres, whole image onto W × H, rounded (Skia's raster pipeline). */
function floatSquash(img: RawRgb, W: number, H: number): RawRgb {
  const out = new Uint8Array(W * H * 3);
  const kx = img.width / W;
  const ky = img.height / H;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) sampleFloat(img, (x + 0.5) * kx - 0.5, (y + 0.5) * ky - 0.5, out, (y * W + x) * 3);
  return { data: out, width: W, height: H };
}

function sampleFloat(img: RawRgb, u: number, v: number, out: Uint8Array, o: number): void {
  const { data, width: w, height: h } = img;
  const fu = Math.floor(u);
  const fv = Math.floor(v);
  const ax = u - fu;
  const ay = v - fv;
  const x0 = Math.min(w - 1, Math.max(0, fu));
  const x1 = Math.min(w - 1, Math.max(0, fu + 1));
  const y0 = Math.min(h - 1, Math.max(0, fv));
  const y1 = Math.min(h - 1, Math.max(0, fv + 1));
  for (let c = 0; c < 3; c++) {
    const p = (yy: number, xx: number) => data[(yy * w + xx) * 3 + c]!;
    const top = p(y0, x0) + (p(y0, x1) - p(y0, x0)) * ax;
    const bottom = p(y1, x0) + (p(y1, x1) - p(y1, x0)) * ax;
    out[o + c] = Math.round(top + (bottom - top) * ay);
  }
}

/** The compositor's level for a draw of `scaledW × scaledH` from a w × h (stored) image. */
function level(stored: RawRgb, n: number): RawRgb {
  if (n === 0) return stored;
  const W = Math.max(1, Math.ceil(stored.width / 2 ** n));
  const H = Math.max(1, Math.ceil(stored.height / 2 ** n));
  // Skia picks its mip level for the (larger) scale, rounding level - 0.5 half up.
  const scale = Math.max(W / stored.width, H / stored.height);
  const m = Math.max(0, Math.floor(-Math.log2(scale) - 0.5 + 0.5));
  let mip = stored;
  for (let i = 0; i < m; i++) mip = mipDown(mip);
  return mip.width === W && mip.height === H ? mip : floatSquash(mip, W, H);
}

/** Skia's legacy bilinear through an inverse scale/translate matrix (signs included). */
function legacyDraw(img: RawRgb, isx: number, itx: number, isy: number, ity: number, size: number): Uint8Array {
  const { data, width: w, height: h } = img;
  const out = new Uint8Array(size * size * 3);
  const step = BigInt(Math.trunc(isx * 2 ** 32));
  for (let y = 0; y < size; y++) {
    const fy = (Math.trunc(f32(f32(f32(y + 0.5) * isy) + ity) * 65536) | 0) - 32768;
    const y0 = Math.min(h - 1, Math.max(0, fy >> 16));
    const y1 = Math.min(h - 1, Math.max(0, (fy + 65536) >> 16));
    const sy = (fy >> 12) & 15;
    let fx = BigInt(Math.trunc(f32(f32(0.5 * isx) + itx) * 2 ** 32)) - (32768n << 16n);
    for (let x = 0; x < size; x++) {
      const fixed = Number(fx >> 16n) | 0;
      const x0 = Math.min(w - 1, Math.max(0, fixed >> 16));
      const x1 = Math.min(w - 1, Math.max(0, (fixed + 65536) >> 16));
      const sx = (fixed >> 12) & 15;
      const xy = sx * sy;
      const s00 = 256 - 16 * sy - 16 * sx + xy;
      const s01 = 16 * sx - xy;
      const s10 = 16 * sy - xy;
      for (let c = 0; c < 3; c++)
        out[(y * size + x) * 3 + c] = (data[(y0 * w + x0) * 3 + c]! * s00 + data[(y0 * w + x1) * 3 + c]! * s01 + data[(y1 * w + x0) * 3 + c]! * s10 + data[(y1 * w + x1) * 3 + c]! * xy) >> 8;
      fx += step;
    }
  }
  return out;
}

/** Rotates stored pixels into display orientation (EXIF 1-8). */
function orient(img: RawRgb, orientation: number): RawRgb {
  if (orientation === 1) return img;
  const { data, width: w, height: h } = img;
  const swap = orientation >= 5;
  const W = swap ? h : w;
  const H = swap ? w : h;
  const out = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      // Display (x, y) → stored (sx, sy).
      let sx: number, sy: number;
      switch (orientation) {
        case 2: [sx, sy] = [w - 1 - x, y]; break;
        case 3: [sx, sy] = [w - 1 - x, h - 1 - y]; break;
        case 4: [sx, sy] = [x, h - 1 - y]; break;
        case 5: [sx, sy] = [y, x]; break;
        case 6: [sx, sy] = [y, h - 1 - x]; break;
        case 7: [sx, sy] = [w - 1 - y, h - 1 - x]; break;
        default: [sx, sy] = [w - 1 - y, x]; break; // 8
      }
      for (let c = 0; c < 3; c++) out[(y * W + x) * 3 + c] = data[(sy * w + sx) * 3 + c]!;
    }
  return { data: out, width: W, height: H };
}

/**
 * Chromium's software-canvas pixels of Teachable Machine's cropTo(img, size) for a photo whose
 * stored (not yet oriented) RGB pixels and EXIF orientation are given.
 */
export function chromiumCanvasCrop(stored: RawRgb, orientation: number, size: number): Uint8Array {
  const swap = orientation >= 5;
  const w = swap ? stored.height : stored.width;
  const h = swap ? stored.width : stored.height;
  const scale = size / Math.min(w, h);
  const sw = Math.ceil(w * scale);
  const sh = Math.ceil(h * scale);
  const dx = ~~((sw - size) / 2) * -1;
  const dy = ~~((sh - size) / 2) * -1;
  let n = 0;
  while (Math.ceil(w / 2 ** (n + 1)) >= sw && Math.ceil(h / 2 ** (n + 1)) >= sh) n++;
  const lv = level(stored, n);
  if (!swap) {
    const flipX = orientation === 2 || orientation === 3;
    const flipY = orientation === 3 || orientation === 4;
    const sx = f32(sw / w);
    const sy = f32(sh / h);
    // device = s * display + d; display = flip ? dim - stored : stored; then into level pixels.
    const axis = (s: number, d: number, dim: number, flip: boolean, k: number): [number, number] => {
      const inv = f32(1 / (flip ? -s : s));
      const t = flip ? f32(f32(s * dim) + d) : d;
      return [f32(inv * k), f32(f32(-t * inv) * k)];
    };
    const [isx, itx] = axis(sx, dx, w, flipX, lv.width === w ? 1 : f32(lv.width / w));
    const [isy, ity] = axis(sy, dy, h, flipY, lv.height === h ? 1 : f32(lv.height / h));
    return legacyDraw(lv, isx, itx, isy, ity, size);
  }
  const shown = orient(lv, orientation);
  const out = new Uint8Array(size * size * 3);
  const kx = shown.width / sw;
  const ky = shown.height / sh;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) sampleFloat(shown, (x - dx + 0.5) * kx - 0.5, (y - dy + 0.5) * ky - 0.5, out, (y * size + x) * 3);
  return out;
}

/** chromiumCanvasCrop of a photo file: its stored pixels (decoded as the studio does, not yet turned) and EXIF orientation. */
export async function chromiumCanvasInput(file: string, size: number): Promise<Uint8Array> {
  const { orientation } = await sharp(file).metadata();
  const { data, info } = await sharp(file, { autoOrient: false }).flatten({ background: ALPHA_BACKGROUND }).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return chromiumCanvasCrop({ data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height }, orientation ?? 1, size);
}
