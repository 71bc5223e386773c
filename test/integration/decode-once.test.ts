// The import's single decode (issue 21) gives the backbone exactly what training's decode gives:
// resizeBilinear over the full oriented RGB pixels equals decodeForModel byte for byte, for
// photos, EXIF-rotated, grey, transparent and 16-bit images and every resize mode; for legacy
// 'lanczos3' specs the fallback is decodeForModel itself. The thumbnail still comes out.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { thumbnailAndModelInputs } from '../../electron/dataset/decode-once.js';
import { DEFAULT_SETTINGS } from '../../electron/project/settings.js';
import { IDENTITY, drawAugmentation } from '../../electron/engine/images/augment.js';
import { DHASH_MAX_DISTANCE } from '../../electron/dataset/near-duplicates.js';
import { hammingDistance } from '../../electron/dataset/pixel-stats.js';
import { PIXEL_LIMIT } from '../../electron/dataset/probe.js';
import { makeThumbnail } from '../../electron/dataset/thumbnails.js';
import { decodeForModel } from '../../electron/engine/images/decode.js';
import type { Preprocessing } from '../../electron/domain/schemas.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { syntheticPixels } from '../helpers/synthetic-images.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir('studio-decode-once-');
const files: string[] = [];

beforeAll(async () => {
  const pixels = syntheticPixels(7, 320, 200);
  const raw = { raw: { width: 320, height: 200, channels: 3 as const } };
  const at = (name: string) => path.join(tmp.dir, name);
  // EXIF orientation 6 (stored landscape, shown portrait).
  await sharp(pixels, raw).jpeg().withMetadata({ orientation: 6 }).toFile(at('rotated.jpg'));
  await sharp(pixels, raw).greyscale().png().toFile(at('grey.png'));
  await sharp(pixels, raw).ensureAlpha(0.4).png().toFile(at('alpha.png'));
  await sharp(pixels, raw).toColourspace('rgb16').png().toFile(at('deep.png'));
  await sharp(pixels, raw).resize(90, 300, { fit: 'fill' }).webp().toFile(at('tall.webp'));
  files.push(...['rotated.jpg', 'grey.png', 'alpha.png', 'deep.png', 'tall.webp'].map(at));
  if (!fixturesUnavailable()) {
    const bees = fixture('datasets', 'hymenoptera', 'train', 'bees');
    files.push(...fs.readdirSync(bees).sort().slice(0, 4).map((f) => path.join(bees, f)));
  }
});
afterAll(() => tmp.cleanup());

const spec = (resizeMode: Preprocessing['resizeMode'], resampling?: 'bilinear'): Preprocessing => ({
  inputSize: 224,
  resizeMode,
  scaling: 'minus1to1',
  ...(resampling ? { resampling } : {}),
});

/** View 0 alone, as the import without augmented views makes it. */
async function thumbnailAndModelInput(...[input, dest, format, s, options]: [string | Buffer, string, string, Preprocessing, Parameters<typeof thumbnailAndModelInputs>[5]]) {
  const once = await thumbnailAndModelInputs(input, dest, format, s, [{ view: 0, augment: IDENTITY }], options);
  return { stats: once.stats, modelInput: once.inputs[0]?.pixels ?? null };
}

describe('one decode for the thumbnail and the backbone', () => {
  for (const mode of ['center-crop', 'squash', 'letterbox'] as const) {
    it(`bilinear ${mode}: the model input equals decodeForModel, from a path and from bytes`, async () => {
      for (const [i, file] of files.entries()) {
        const expected = await decodeForModel(file, spec(mode, 'bilinear'));
        const input = i % 2 === 0 ? file : fs.readFileSync(file);
        const dest = path.join(tmp.dir, 'thumbs', mode, `${i}.webp`);
        const once = await thumbnailAndModelInput(input, dest, 'image', spec(mode, 'bilinear'), { pixelLimit: PIXEL_LIMIT, complete: true });
        expect(once.modelInput, file).not.toBeNull();
        expect(Buffer.from(once.modelInput!).equals(Buffer.from(expected.pixels)), `${path.basename(file)} ${mode}`).toBe(true);
        const thumb = await sharp(dest).metadata();
        expect(Math.max(thumb.width!, thumb.height!)).toBeLessThanOrEqual(256);
        expect(once.stats.dhash).toMatch(/^[0-9a-f]{16}$/);
      }
    });
  }

  it('a legacy lanczos3 spec falls back to decodeForModel', async () => {
    const file = files[0]!;
    const once = await thumbnailAndModelInput(fs.readFileSync(file), path.join(tmp.dir, 'thumbs', 'legacy.webp'), 'jpeg', spec('center-crop'), { pixelLimit: PIXEL_LIMIT, complete: true });
    expect(Buffer.from(once.modelInput!).equals(Buffer.from((await decodeForModel(file, spec('center-crop'))).pixels))).toBe(true);
  });

  it('pixel stats agree with the import without a backbone (dHash within the near-duplicate distance, same grey verdict)', async () => {
    for (const [i, file] of files.entries()) {
      const legacy = await makeThumbnail(file, path.join(tmp.dir, 'thumbs', 'legacy', `${i}.webp`), 'image');
      const { channels } = await sharp(file).metadata();
      const transparent = channels === 2 || channels === 4;
      const once = await thumbnailAndModelInput(file, path.join(tmp.dir, 'thumbs', 'once', `${i}.webp`), 'image', spec('center-crop', 'bilinear'), { pixelLimit: PIXEL_LIMIT, complete: true, transparent });
      if (transparent) expect(once.modelInput && Buffer.from(once.modelInput).equals(Buffer.from((await decodeForModel(file, spec('center-crop', 'bilinear'))).pixels))).toBe(true);
      expect(hammingDistance(legacy.dhash, once.stats.dhash), path.basename(file)).toBeLessThanOrEqual(DHASH_MAX_DISTANCE);
      expect(once.stats.grayscale, path.basename(file)).toBe(legacy.grayscale);
      expect(Math.abs(once.stats.entropy - legacy.entropy), path.basename(file)).toBeLessThan(0.25);
    }
  });

  it('grey images stay grey in the pixel stats; a truncated file is a decode problem', async () => {
    const grey = await thumbnailAndModelInput(files[1]!, path.join(tmp.dir, 'thumbs', 'g.webp'), 'png', spec('center-crop', 'bilinear'), { pixelLimit: PIXEL_LIMIT, complete: true });
    expect(grey.stats.grayscale).toBe(true);
    const bytes = fs.readFileSync(files[0]!);
    await expect(
      thumbnailAndModelInput(bytes.subarray(0, bytes.length / 2), path.join(tmp.dir, 'thumbs', 't.webp'), 'jpeg', spec('center-crop', 'bilinear'), { pixelLimit: PIXEL_LIMIT, complete: false }),
    ).rejects.toMatchObject({ reason: expect.any(String) });
  });

  it("training's augmented views from the same decode equal decodeForModel's, byte for byte (what Train computes from the file)", async () => {
    const strong = { ...DEFAULT_SETTINGS.augmentation, rotationDeg: 25, zoom: 0.3, brightness: 0.2, contrast: 0.2, saturation: 0.2, flipVertical: true };
    for (const [i, file] of files.entries()) {
      const { channels, format } = await sharp(file).metadata();
      const transparent = channels === 2 || channels === 4;
      const hash = `content-${i}`;
      const views = [0, 1, 2, 3].map((view) => ({ view, augment: drawAugmentation(view === 3 ? strong : DEFAULT_SETTINGS.augmentation, hash, view, 42) }));
      const input = i % 2 === 0 ? file : fs.readFileSync(file);
      const once = await thumbnailAndModelInputs(input, path.join(tmp.dir, 'thumbs', 'views', `${i}.webp`), format!, spec('center-crop', 'bilinear'), views, { pixelLimit: PIXEL_LIMIT, complete: true, transparent });
      expect(once.inputs.map((m) => m.view)).toEqual([0, 1, 2, 3]);
      for (const { view, augment } of views) {
        const expected = await decodeForModel(file, spec('center-crop', 'bilinear'), augment);
        const made = once.inputs.find((m) => m.view === view)!.pixels;
        expect(Buffer.from(made).equals(Buffer.from(expected.pixels)), `${path.basename(file)} view ${view}`).toBe(true);
      }
    }
  });
});
