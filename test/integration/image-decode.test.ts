// The model's image pipeline (electron/engine/images/decode.ts) on every kind of input a user
// brings, made with sharp here: each must become size x size x 3 sRGB pixels showing what the
// user sees in a viewer (orientation applied, alpha on white), checked by pixel content.
import fs from 'node:fs';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeForModel, PIXEL_LIMIT, type DecodedImage } from '../../electron/engine/images/decode.js';
import type { Preprocessing } from '../../electron/domain/schemas.js';
import { pngBombHeader } from '../helpers/bad-corpus.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';

type Rgb = [number, number, number];
const RED: Rgb = [255, 0, 0];
const GREEN: Rgb = [0, 255, 0];
const BLUE: Rgb = [0, 0, 255];
const YELLOW: Rgb = [255, 255, 0];
const WHITE: Rgb = [255, 255, 255];
const BLACK: Rgb = [0, 0, 0];

const spec = (resizeMode: Preprocessing['resizeMode'] = 'squash', inputSize = 64): Preprocessing => ({ inputSize, resizeMode, scaling: 'minus1to1' });

/** Raw RGB where colour(x, y) paints each pixel. */
function paint(width: number, height: number, colour: (x: number, y: number) => Rgb): Sharp {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(colour(x, y), (y * width + x) * 3);
  return sharp(data, { raw: { width, height, channels: 3 } });
}

/** 200 x 100: top-left quarter red, bottom-left quarter green, right half blue. */
const quadrants = () => paint(200, 100, (x, y) => (x >= 100 ? BLUE : y < 50 ? RED : GREEN));

function pixel(image: DecodedImage, x: number, y: number): Rgb {
  const i = (y * image.size + x) * 3;
  return [image.pixels[i]!, image.pixels[i + 1]!, image.pixels[i + 2]!];
}

function expectColour(image: DecodedImage, x: number, y: number, colour: Rgb, tolerance = 40): void {
  const got = pixel(image, x, y);
  const off = Math.max(...got.map((v, c) => Math.abs(v - colour[c]!)));
  expect(off, `pixel (${x}, ${y}) is ${got.join(',')}, expected about ${colour.join(',')}`).toBeLessThanOrEqual(tolerance);
}

/** The four quadrant centres of a 64 x 64 model input: top-left, top-right, bottom-left, bottom-right. */
function expectQuadrants(image: DecodedImage, [tl, tr, bl, br]: [Rgb, Rgb, Rgb, Rgb], tolerance?: number): void {
  expect(image.size).toBe(64);
  expect(image.pixels).toHaveLength(64 * 64 * 3);
  expectColour(image, 16, 16, tl, tolerance);
  expectColour(image, 48, 16, tr, tolerance);
  expectColour(image, 16, 48, bl, tolerance);
  expectColour(image, 48, 48, br, tolerance);
}

describe('decoding for the model', () => {
  it('shows an untagged image as stored', async () => {
    expectQuadrants(await decodeForModel(await quadrants().png().toBuffer(), spec()), [RED, BLUE, GREEN, BLUE]);
  });

  // Where the stored top-left (red) and bottom-left (green) quarters and the right half (blue)
  // must appear once the EXIF orientation is applied (the tag's definition in EXIF 2.3, 4.6.4).
  const orientations: Array<[number, string, [Rgb, Rgb, Rgb, Rgb]]> = [
    [2, 'mirrored', [BLUE, RED, BLUE, GREEN]],
    [3, 'rotated 180°', [BLUE, GREEN, BLUE, RED]],
    [6, 'rotated 90° clockwise', [GREEN, RED, BLUE, BLUE]],
    [8, 'rotated 90° anticlockwise', [BLUE, BLUE, RED, GREEN]],
  ];
  for (const [orientation, what, expected] of orientations) {
    it(`applies EXIF orientation ${orientation} (${what})`, async () => {
      const jpeg = await quadrants().jpeg({ quality: 95 }).withMetadata({ orientation }).toBuffer();
      expect((await sharp(jpeg).metadata()).orientation).toBe(orientation);
      expectQuadrants(await decodeForModel(jpeg, spec()), expected);
    });
  }

  it('keeps the displayed aspect of a rotated photo: centre-crop of a portrait keeps its middle rows', async () => {
    // Stored 200 x 100, displayed 100 x 200: the square crop is rows 50-149 of the display.
    const jpeg = await quadrants().jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
    const image = await decodeForModel(jpeg, spec('center-crop'));
    expectQuadrants(image, [GREEN, RED, BLUE, BLUE]);
    expectColour(image, 16, 2, GREEN);
    expectColour(image, 16, 61, BLUE);
  });

  it.skipIf(fixturesUnavailable())('orients a real photo as sharp.rotate does', async () => {
    const photo = fs.readdirSync(fixture('datasets', 'hymenoptera', 'val', 'bees')).filter((f) => f.endsWith('.jpg')).sort()[0]!;
    const file = fixture('datasets', 'hymenoptera', 'val', 'bees', photo);
    const tagged = await sharp(file).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
    const upright = await sharp(await sharp(file).jpeg({ quality: 95 }).toBuffer()).rotate(90).jpeg({ quality: 95 }).toBuffer();
    const [a, b, unrotated] = await Promise.all([decodeForModel(tagged, spec()), decodeForModel(upright, spec()), decodeForModel(file, spec())]);
    const meanDiff = (p: DecodedImage, q: DecodedImage) => p.pixels.reduce((sum, v, i) => sum + Math.abs(v - q.pixels[i]!), 0) / p.pixels.length;
    expect(meanDiff(a, b)).toBeLessThan(3);
    expect(meanDiff(a, unrotated)).toBeGreaterThan(15);
  });

  it('turns grayscale into equal R, G and B', async () => {
    const gray = Buffer.alloc(64 * 64);
    for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) gray[y * 64 + x] = x * 4;
    const png = await sharp(gray, { raw: { width: 64, height: 64, channels: 1 } }).toColourspace('b-w').png().toBuffer();
    expect((await sharp(png).metadata()).channels).toBe(1);
    const image = await decodeForModel(png, spec());
    for (const x of [0, 20, 40, 63]) {
      const [r, g, b] = pixel(image, x, 10);
      expect([r, g, b]).toEqual([r, r, r]);
      expect(Math.abs(r - x * 4)).toBeLessThanOrEqual(2);
    }
  });

  it('converts CMYK to RGB', async () => {
    // Colours inside the CMYK gamut (pure RGB primaries are not; they come back duller).
    const [brick, leaf, steel]: Rgb[] = [
      [180, 40, 40],
      [60, 140, 60],
      [60, 90, 160],
    ];
    const jpeg = await paint(200, 100, (x, y) => (x >= 100 ? steel! : y < 50 ? brick! : leaf!))
      .toColourspace('cmyk')
      .jpeg({ quality: 95 })
      .toBuffer();
    const meta = await sharp(jpeg).metadata();
    expect([meta.space, meta.channels]).toEqual(['cmyk', 4]);
    expectQuadrants(await decodeForModel(jpeg, spec()), [brick!, steel!, leaf!, steel!], 30);
  });

  it('flattens transparency onto white', async () => {
    const data = Buffer.alloc(64 * 64 * 4);
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 64; x++) {
        // left: opaque red; top right: fully transparent black; bottom right: half-transparent black
        data.set(x < 32 ? [255, 0, 0, 255] : y < 32 ? [0, 0, 0, 0] : [0, 0, 0, 128], (y * 64 + x) * 4);
      }
    }
    const png = await sharp(data, { raw: { width: 64, height: 64, channels: 4 } }).png().toBuffer();
    expect((await sharp(png).metadata()).hasAlpha).toBe(true);
    const image = await decodeForModel(png, spec());
    expectQuadrants(image, [RED, WHITE, RED, [127, 127, 127]], 4);
  });

  it('reads 16-bit PNG', async () => {
    const png = await quadrants().toColourspace('rgb16').png().toBuffer();
    expect((await sharp(png).metadata()).depth).toBe('ushort');
    expectQuadrants(await decodeForModel(png, spec()), [RED, BLUE, GREEN, BLUE], 2);
  });

  it('takes the first frame of an animated GIF', async () => {
    const red = await paint(64, 64, () => RED).raw().toBuffer();
    const blue = await paint(64, 64, () => BLUE).raw().toBuffer();
    const gif = await sharp(Buffer.concat([red, blue]), { raw: { width: 64, height: 128, channels: 3, pageHeight: 64 } })
      .gif()
      .toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(2);
    const image = await decodeForModel(gif, spec());
    expectQuadrants(image, [RED, RED, RED, RED], 8);
  });

  for (const format of ['webp', 'tiff', 'avif'] as const) {
    it(`reads ${format.toUpperCase()}`, async (context) => {
      let encoded: Buffer;
      try {
        encoded = await quadrants()
          .toFormat(format, format === 'webp' ? { lossless: true } : { quality: 90 })
          .toBuffer();
      } catch (error) {
        if (format !== 'avif') throw error;
        context.skip(`sharp here cannot encode AVIF: ${(error as Error).message}`);
        return;
      }
      expect((await sharp(encoded).metadata()).format).toBe(format === 'avif' ? 'heif' : format);
      expectQuadrants(await decodeForModel(encoded, spec()), [RED, BLUE, GREEN, BLUE], format === 'avif' ? 60 : 2);
    });
  }

  it('refuses a decompression bomb before decoding it, saying why', async () => {
    const bomb = pngBombHeader(20_000, 20_000);
    expect(bomb.length).toBeLessThan(1000);
    expect(20_000 * 20_000).toBeGreaterThan(PIXEL_LIMIT);
    await expect(decodeForModel(bomb, spec())).rejects.toThrow(/exceeds pixel limit/);
  });

  describe('resize modes', () => {
    // 200 x 100 in four vertical bands: green, red, blue, yellow.
    const bands = () => paint(200, 100, (x) => [GREEN, RED, BLUE, YELLOW][Math.floor(x / 50)]!).png().toBuffer();
    const row = (image: DecodedImage, y: number) => [4, 20, 44, 60].map((x) => pixel(image, x, y));

    it('squash stretches the whole image to the square', async () => {
      const image = await decodeForModel(await bands(), spec('squash'));
      for (const y of [1, 32, 62]) {
        [GREEN, RED, BLUE, YELLOW].forEach((colour, i) => expectColour(image, [4, 20, 44, 60][i]!, y, colour, 10));
      }
      expect(row(image, 1)).toEqual(row(image, 62));
    });

    it('centre-crop keeps the middle square at the original aspect', async () => {
      const image = await decodeForModel(await bands(), spec('center-crop'));
      for (const y of [1, 32, 62]) {
        expectColour(image, 2, y, RED, 10);
        expectColour(image, 30, y, RED, 10);
        expectColour(image, 34, y, BLUE, 10);
        expectColour(image, 61, y, BLUE, 10);
      }
    });

    it('letterbox fits the whole image and pads with black bars', async () => {
      const image = await decodeForModel(await bands(), spec('letterbox'));
      for (const y of [0, 13, 50, 63]) for (const x of [4, 32, 60]) expectColour(image, x, y, BLACK, 10);
      for (const y of [18, 32, 45]) [GREEN, RED, BLUE, YELLOW].forEach((colour, i) => expectColour(image, [4, 20, 44, 60][i]!, y, colour, 10));
    });

    it('gives the spec size whatever the input size', async () => {
      const tiny = await paint(3, 7, () => RED).png().toBuffer();
      for (const mode of ['squash', 'center-crop', 'letterbox'] as const) {
        for (const size of [32, 224]) {
          const image = await decodeForModel(tiny, spec(mode, size));
          expect(image.size).toBe(size);
          expect(image.pixels).toHaveLength(size * size * 3);
        }
      }
    });
  });

  it('refuses a file that is not an image with a readable error', async () => {
    const tmp = tempDir('studio-decode-');
    try {
      const file = path.join(tmp.dir, 'notes.jpg');
      fs.writeFileSync(file, 'this is text, not a JPEG');
      await expect(decodeForModel(file, spec())).rejects.toThrow(/not an image despite its \.jpg extension/);
    } finally {
      tmp.cleanup();
    }
  });
});
