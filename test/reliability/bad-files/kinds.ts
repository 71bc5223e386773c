// More awkward files on top of the dataset's corpus (test/helpers/bad-corpus.ts): formats in
// disguise, bombs in other formats, truncations, broken headers, a name that is not UTF-8,
// and odd but valid pictures that must still work. Same expectation type as the corpus.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import type { Expectation } from '../../helpers/bad-corpus.js';
import { pngBombHeader } from '../../helpers/bad-corpus.js';
import { syntheticPixels } from '../../helpers/synthetic-images.js';

const raw = (seed: number, width: number, height: number) => sharp(syntheticPixels(seed, width, height), { raw: { width, height, channels: 3 } });

/** Any reason will do: the point is that the file is reported, not which word is used. */
export type KindExpectation = Expectation | { reason: 'any' };

/** A real JPEG whose frame header (SOF0) is rewritten to claim width x height: a bomb by its header. */
async function jpegBomb(width: number, height: number): Promise<Buffer> {
  const jpeg = Buffer.from(await raw(4010, 64, 48).jpeg().toBuffer());
  for (let i = 2; i < jpeg.length - 9; ) {
    if (jpeg[i] !== 0xff) break;
    const marker = jpeg[i + 1]!;
    if (marker === 0xc0 || marker === 0xc2) {
      jpeg.writeUInt16BE(height, i + 5);
      jpeg.writeUInt16BE(width, i + 7);
      return jpeg;
    }
    i += 2 + jpeg.readUInt16BE(i + 2);
  }
  throw new Error('no SOF marker in the JPEG sharp wrote');
}

function gifBomb(): Buffer {
  // GIF89a, a 65535 x 65535 logical screen, one 65535 x 65535 image descriptor, a token of LZW data.
  const header = Buffer.from('GIF89a', 'ascii');
  const screen = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00]);
  const descriptor = Buffer.from([0x2c, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x00]);
  return Buffer.concat([header, screen, descriptor, Buffer.from([0x02, 0x02, 0x4c, 0x01, 0x00, 0x3b])]);
}

function pngWithZeroWidth(): Buffer {
  const png = pngBombHeader(10, 10);
  // IHDR data starts at byte 16: width 0 (the CRC no longer matches either).
  png.writeUInt32BE(0, 16);
  return png;
}

/** Writes the extra kinds into `dir` and returns what each path must become. */
export async function writeMoreKinds(dir: string): Promise<Map<string, KindExpectation>> {
  fs.mkdirSync(dir, { recursive: true });
  const expect = new Map<string, KindExpectation>();
  const at = (name: string) => path.join(dir, name);
  const put = (name: string, bytes: Buffer | string, expectation: KindExpectation) => {
    fs.writeFileSync(at(name), bytes);
    expect.set(at(name), expectation);
  };

  const png = await raw(4000, 320, 240).png().toBuffer();
  put('cut-in-idat.png', png.subarray(0, Math.floor(png.length * 0.5)), { reason: 'truncated' });
  const webp = await raw(4001, 320, 240).webp().toBuffer();
  put('cut.webp', webp.subarray(0, Math.floor(webp.length * 0.5)), { reason: 'any' });
  const tiff = await raw(4002, 64, 48).tiff().toBuffer();
  const brokenTiff = Buffer.from(tiff);
  brokenTiff.fill(0xee, 8, Math.min(brokenTiff.length, 200));
  put('garbled.tiff', brokenTiff, { reason: 'any' });
  put('header-only.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]), { reason: 'any' });
  const garbage = Buffer.alloc(4096);
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) % 251;
  put('soi-then-noise.jpg', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), garbage]), { reason: 'any' });
  put('noise.jpg', garbage, { reason: 'not_image' });
  put('page.jpg', '<!doctype html><html><body><img src="/etc/passwd"></body></html>\n', { reason: 'not_image' });
  put('archive.png', zlib.gzipSync(Buffer.from('not an image at all '.repeat(50))), { reason: 'not_image' });
  put('utf16.png', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('hello, this is text', 'utf16le')]), { reason: 'not_image' });
  put('doc.png', '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', { reason: 'unsupported_format' });
  put('vector.jpg', '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="file:///etc/passwd"/></svg>\n', { reason: 'unsupported_format' });
  put('phone.heic', Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic', 'ascii'), Buffer.alloc(64, 1)]), { reason: 'unsupported_format' });
  put('favicon.ico', Buffer.concat([Buffer.from([0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0]), Buffer.alloc(64, 2)]), { reason: 'unsupported_format' });
  put('bomb.jpg', await jpegBomb(65_000, 65_000), { reason: 'too_many_pixels' });
  put('bomb.gif', gifBomb(), { reason: 'too_many_pixels' });
  put('zero-width.png', pngWithZeroWidth(), { reason: 'any' });
  // A name that is not UTF-8: Node reads it with a replacement character, so that path cannot be opened.
  fs.writeFileSync(Buffer.from(`${at('latin1-')}\xe9t\xe9.jpg`, 'latin1'), await raw(4003, 64, 48).jpeg().toBuffer());
  expect.set(at('latin1-\ufffdt\ufffd.jpg'), { reason: 'unreadable' });

  // Odd but valid: they must import and predict like any photo.
  await raw(4004, 1, 1).png().toFile(at('one-pixel.png'));
  expect.set(at('one-pixel.png'), { imported: { format: 'png', width: 1, height: 1 } });
  await raw(4005, 2, 3000).png().toFile(at('sliver.png'));
  expect.set(at('sliver.png'), { imported: { format: 'png', width: 2, height: 3000 } });
  await raw(4006, 300, 200).grayscale().jpeg().toFile(at('gray.jpg'));
  expect.set(at('gray.jpg'), { imported: { format: 'jpeg', width: 300, height: 200 } });
  await raw(4007, 200, 100).avif({ effort: 0 }).toFile(at('modern.avif'));
  expect.set(at('modern.avif'), { imported: { format: 'avif', width: 200, height: 100 } });
  return expect;
}
