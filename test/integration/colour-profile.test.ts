// The colour-profile rule of the preprocessing spec (issue 22): new projects decode a photo's
// stored values without converting an embedded ICC profile ('ignore', what a browser's
// createImageBitmap with colorSpaceConversion 'none', Pillow and sharp's ignoreIcc all give byte
// for byte; test/e2e/export-pipelines.test.ts checks Chromium), a spec without the field still
// converts to sRGB, the two have different embedding cache keys, and the import's single decode
// gives the model the spec's pixels while its thumbnail keeps the photo's converted colours.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { thumbnailAndModelInputs } from '../../electron/dataset/decode-once.js';
import { PIXEL_LIMIT } from '../../electron/dataset/probe.js';
import { makeThumbnail } from '../../electron/dataset/thumbnails.js';
import { specHash } from '../../electron/engine/embeddings/cache.js';
import { IDENTITY } from '../../electron/engine/images/augment.js';
import { decodeForModel } from '../../electron/engine/images/decode.js';
import { resizeBilinear } from '../../electron/engine/images/resample.js';
import { DEFAULT_SETTINGS } from '../../electron/project/settings.js';
import type { Preprocessing } from '../../electron/domain/schemas.js';
import { nonSrgbProfile } from '../helpers/deployment-photos.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';

const skip = fixturesUnavailable();
const ignore = DEFAULT_SETTINGS.preprocessing;
const convert: Preprocessing = { inputSize: 224, resizeMode: 'center-crop', scaling: 'minus1to1', resampling: 'bilinear' };

describe.skipIf(skip !== null)('colour profiles in the preprocessing spec', () => {
  const tmp = tempDir('studio-colour-profile-');
  let photo = '';
  beforeAll(async () => {
    // The first flower photo carrying a profile other than sRGB (Generic RGB or Adobe RGB).
    const root = fixture('datasets', 'flower_photos_small', 'train');
    const files = fs.readdirSync(root).sort().flatMap((c) => fs.readdirSync(path.join(root, c)).sort().map((f) => path.join(root, c, f)));
    for (const f of files) if (nonSrgbProfile(await sharp(f).metadata())) return void (photo = f);
  });
  afterAll(() => tmp.cleanup());

  it("new projects ignore profiles; a spec without the field converts, under another cache key", async () => {
    expect(photo).not.toBe('');
    expect(ignore.colourProfile).toBe('ignore');
    const { data, info } = await sharp(photo, { ignoreIcc: true, autoOrient: true }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const stored = resizeBilinear({ data, width: info.width, height: info.height }, 224, 'center-crop');
    const ignored = (await decodeForModel(photo, ignore)).pixels;
    const converted = (await decodeForModel(photo, convert)).pixels;
    expect(Buffer.from(ignored).equals(Buffer.from(stored))).toBe(true);
    // The profile is not sRGB, so converting changes many values.
    let differ = 0;
    for (let i = 0; i < ignored.length; i++) if (ignored[i] !== converted[i]) differ++;
    expect(differ / ignored.length).toBeGreaterThan(0.1);
    expect(specHash(ignore, 0, DEFAULT_SETTINGS.augmentation, 42)).not.toBe(specHash(convert, 0, DEFAULT_SETTINGS.augmentation, 42));
  });

  it("the import's single decode feeds the model the stored values and keeps the thumbnail's true colours", async () => {
    const bytes = fs.readFileSync(photo);
    const once = await thumbnailAndModelInputs(bytes, path.join(tmp.dir, 'a', 'once.webp'), 'jpeg', ignore, [{ view: 0, augment: IDENTITY }], { pixelLimit: PIXEL_LIMIT, complete: true });
    expect(Buffer.from(once.inputs[0]!.pixels).equals(Buffer.from((await decodeForModel(photo, ignore)).pixels))).toBe(true);
    const direct = await makeThumbnail(photo, path.join(tmp.dir, 'b', 'direct.webp'), 'jpeg');
    expect(once.stats).toEqual(direct);
    expect(fs.readFileSync(path.join(tmp.dir, 'a', 'once.webp')).equals(fs.readFileSync(path.join(tmp.dir, 'b', 'direct.webp')))).toBe(true);
  });
});
