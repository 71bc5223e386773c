// Augmentation on a real photo: a view is fully described by (image, view index, seed), so the
// same seed gives the same pixels, and the preview the renderer shows is made by the code that
// makes the training views.
import fs from 'node:fs';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { augmentPreview } from '../../electron/engine/images/augment-preview.js';
import { drawAugmentation, IDENTITY, isIdentity } from '../../electron/engine/images/augment.js';
import { decodeForModel, type DecodedImage } from '../../electron/engine/images/decode.js';
import type { Augmentation, Preprocessing } from '../../electron/domain/schemas.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';

const skip = fixturesUnavailable();
if (skip) console.warn(`[augmentation] skipped: ${skip}`);

const spec: Preprocessing = { inputSize: 96, resizeMode: 'center-crop', scaling: 'minus1to1' };
const settings: Augmentation = { flipHorizontal: true, flipVertical: false, rotationDeg: 20, zoom: 0.2, brightness: 0.2, contrast: 0.2, saturation: 0.2, views: 4 };
const KEY = 'photo-hash';

const meanDiff = (a: Uint8Array, b: Uint8Array) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]!), 0) / a.length;
const view = (photo: string, v: number, seed: number): Promise<DecodedImage> => decodeForModel(photo, spec, drawAugmentation(settings, KEY, v, seed));

describe.skipIf(skip)('augmentation', () => {
  let photo: string;
  beforeAll(() => {
    const dir = fixture('datasets', 'hymenoptera', 'train', 'ants');
    photo = `${dir}/${fs.readdirSync(dir).filter((f) => f.endsWith('.jpg')).sort()[3]!}`;
  });

  it('draws parameters inside the configured ranges; view 0 is the untouched image', () => {
    expect(drawAugmentation(settings, KEY, 0, 42)).toEqual(IDENTITY);
    const draws = Array.from({ length: 200 }, (_, v) => drawAugmentation(settings, KEY, v + 1, 42));
    for (const p of draws) {
      expect(Math.abs(p.rotationDeg)).toBeLessThanOrEqual(20);
      expect(p.cropScale).toBeGreaterThanOrEqual(0.8);
      expect(p.cropScale).toBeLessThanOrEqual(1);
      for (const factor of [p.brightness, p.contrast, p.saturation]) expect(Math.abs(factor - 1)).toBeLessThanOrEqual(0.2);
      expect(p.flipVertical).toBe(false);
    }
    // Both flips and both rotation directions occur.
    expect(new Set(draws.map((p) => p.flipHorizontal))).toEqual(new Set([true, false]));
    expect(draws.some((p) => p.rotationDeg > 5) && draws.some((p) => p.rotationDeg < -5)).toBe(true);
    const none: Augmentation = { flipHorizontal: false, flipVertical: false, rotationDeg: 0, zoom: 0, brightness: 0, contrast: 0, saturation: 0, views: 2 };
    expect(isIdentity(drawAugmentation(none, KEY, 3, 42))).toBe(true);
  });

  it('gives the same views, pixel for pixel, for the same seed, and other views for another seed', async () => {
    for (const v of [1, 2, 3]) {
      expect(drawAugmentation(settings, KEY, v, 7)).toEqual(drawAugmentation(settings, KEY, v, 7));
      const [a, b, other] = await Promise.all([view(photo, v, 7), view(photo, v, 7), view(photo, v, 8)]);
      expect(Buffer.compare(Buffer.from(a.pixels), Buffer.from(b.pixels))).toBe(0);
      expect(meanDiff(a.pixels, other.pixels)).toBeGreaterThan(2);
    }
  });

  it('makes views that differ from each other and from the original', async () => {
    const views = await Promise.all([0, 1, 2, 3, 4].map((v) => view(photo, v, 42)));
    const plain = await decodeForModel(photo, spec);
    expect(Buffer.compare(Buffer.from(views[0]!.pixels), Buffer.from(plain.pixels))).toBe(0);
    for (let i = 0; i < views.length; i++) {
      expect(views[i]!.pixels).toHaveLength(96 * 96 * 3);
      for (let j = i + 1; j < views.length; j++) expect(meanDiff(views[i]!.pixels, views[j]!.pixels), `views ${i} and ${j}`).toBeGreaterThan(2);
    }
  });

  it('previews distinct images made by the training code, reproducibly', async () => {
    const preview = await augmentPreview(photo, spec, settings, { key: KEY, count: 4, seed: 42 });
    expect(preview.map((p) => p.view)).toEqual([0, 1, 2, 3]);
    const shown = await Promise.all(preview.map(async (p) => sharp(p.webp).raw().toBuffer({ resolveWithObject: true })));
    for (const { info } of shown) expect([info.width, info.height, info.format]).toEqual([96, 96, 'raw']);
    for (let i = 0; i < shown.length; i++) {
      // What the preview shows is the training view, up to WebP compression.
      const trained = await view(photo, i, 42);
      const pixels = new Uint8Array(shown[i]!.data.buffer, shown[i]!.data.byteOffset, shown[i]!.data.byteLength);
      expect(meanDiff(pixels.filter((_, k) => k % shown[i]!.info.channels < 3), trained.pixels)).toBeLessThan(4);
      for (let j = i + 1; j < shown.length; j++) expect(meanDiff(shown[i]!.data, shown[j]!.data)).toBeGreaterThan(2);
    }
    const again = await augmentPreview(photo, spec, settings, { key: KEY, count: 4, seed: 42 });
    again.forEach((p, i) => expect(Buffer.compare(p.webp, preview[i]!.webp)).toBe(0));
  });
});
