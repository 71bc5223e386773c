// A folder of awkward files, made fresh by each test: every one must end up imported
// correctly or listed in the import report with its reason.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import type { ProblemReason } from '../../electron/domain/schemas.js';
import { syntheticPixels, writeSyntheticJpeg } from './synthetic-images.js';

export type Expectation =
  | { imported: { format: string; width: number; height: number; channels?: number; orientation?: number } }
  | { reason: ProblemReason };

function crc32(buf: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of buf) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid PNG header that claims width x height, with a token of pixel data: a decompression bomb. */
export function pngBombHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', zlib.deflateSync(Buffer.alloc(4096))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A real 2 x 2 24-bit BMP: a format sharp does not read. */
function bmp(): Buffer {
  const rowBytes = 8; // 2 px * 3 bytes, padded to 4
  const pixels = Buffer.alloc(rowBytes * 2, 0x7f);
  const header = Buffer.alloc(54);
  header.write('BM', 0, 'ascii');
  header.writeUInt32LE(54 + pixels.length, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(2, 18);
  header.writeInt32LE(2, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(24, 28);
  header.writeUInt32LE(pixels.length, 34);
  return Buffer.concat([header, pixels]);
}

const raw = (seed: number, width: number, height: number) => ({ input: syntheticPixels(seed, width, height), raw: { width, height, channels: 3 as const } });

/**
 * Writes the corpus into `dir` (one class folder, "things") and returns what each path must
 * become. The unreadable case: tests run as root here, and root reads any file whatever its
 * mode, so a FIFO named pipe.jpg stands in (opening it would block forever); as another user
 * a chmod-000 file is added too.
 */
export async function writeBadCorpus(root: string): Promise<Map<string, Expectation>> {
  const dir = path.join(root, 'things');
  fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
  const expect = new Map<string, Expectation>();
  const at = (name: string) => path.join(dir, name);

  for (const [i, name] of ['good.jpg', 'photo with spaces.jpg', '[bracketed] (1).jpg', 'café 日本 ñ.jpg', 'line\nbreak.jpg', 'sub/nested.jpeg'].entries()) {
    await writeSyntheticJpeg(at(name), 1000 + i);
    expect.set(at(name), { imported: { format: 'jpeg', width: 500, height: 375, channels: 3 } });
  }

  await writeSyntheticJpeg(at('truncated.jpg'), 2000);
  const whole = fs.readFileSync(at('truncated.jpg'));
  fs.writeFileSync(at('truncated.jpg'), whole.subarray(0, Math.floor(whole.length * 0.6)));
  expect.set(at('truncated.jpg'), { reason: 'truncated' });

  fs.writeFileSync(at('empty.jpg'), '');
  expect.set(at('empty.jpg'), { reason: 'zero_bytes' });

  fs.writeFileSync(at('notes.png'), 'These are my notes, not a picture.\nSecond line.\n');
  expect.set(at('notes.png'), { reason: 'not_image' });

  fs.writeFileSync(at('bomb.png'), pngBombHeader(30000, 30000));
  expect.set(at('bomb.png'), { reason: 'too_many_pixels' });

  fs.writeFileSync(at('bitmap.bmp'), bmp());
  expect.set(at('bitmap.bmp'), { reason: 'unsupported_format' });

  await sharp(raw(3000, 300, 200).input, { raw: raw(3000, 300, 200).raw }).toColourspace('cmyk').jpeg().toFile(at('cmyk.jpg'));
  expect.set(at('cmyk.jpg'), { imported: { format: 'jpeg', width: 300, height: 200, channels: 4 } });

  await sharp(raw(3001, 320, 240).input, { raw: raw(3001, 320, 240).raw }).toColourspace('rgb16').png().toFile(at('deep16.png'));
  expect.set(at('deep16.png'), { imported: { format: 'png', width: 320, height: 240, channels: 3 } });

  const rgba = Buffer.alloc(200 * 150 * 4);
  const rgb = syntheticPixels(3002, 200, 150);
  for (let p = 0; p < 200 * 150; p++) {
    rgb.copy(rgba, p * 4, p * 3, p * 3 + 3);
    rgba[p * 4 + 3] = p % 200 < 100 ? 255 : 40;
  }
  await sharp(rgba, { raw: { width: 200, height: 150, channels: 4 } }).png().toFile(at('alpha.png'));
  expect.set(at('alpha.png'), { imported: { format: 'png', width: 200, height: 150, channels: 4 } });

  await sharp(syntheticPixels(3003, 64, 64 * 3), { raw: { width: 64, height: 64 * 3, channels: 3, pageHeight: 64 } }).gif().toFile(at('animated.gif'));
  expect.set(at('animated.gif'), { imported: { format: 'gif', width: 64, height: 64 } });

  // Stored 400 x 200, shown 200 x 400: orientation 6 means "rotate 90° clockwise to view".
  await sharp(raw(3004, 400, 200).input, { raw: raw(3004, 400, 200).raw }).jpeg().withMetadata({ orientation: 6 }).toFile(at('rotated.jpg'));
  expect.set(at('rotated.jpg'), { imported: { format: 'jpeg', width: 200, height: 400, orientation: 6 } });

  // A PNG with a .jpg name: the content decides, not the extension.
  await sharp(raw(3005, 120, 90).input, { raw: raw(3005, 120, 90).raw }).png().toFile(at('actually-png.jpg'));
  expect.set(at('actually-png.jpg'), { imported: { format: 'png', width: 120, height: 90 } });

  execFileSync('mkfifo', [at('pipe.jpg')]);
  expect.set(at('pipe.jpg'), { reason: 'unreadable' });
  if (process.getuid?.() !== 0) {
    await writeSyntheticJpeg(at('locked.jpg'), 3006);
    fs.chmodSync(at('locked.jpg'), 0o000);
    expect.set(at('locked.jpg'), { reason: 'unreadable' });
  }

  fs.symlinkSync('loop-b.jpg', at('loop-a.jpg'));
  fs.symlinkSync('loop-a.jpg', at('loop-b.jpg'));
  expect.set(at('loop-a.jpg'), { reason: 'symlink_loop' });
  expect.set(at('loop-b.jpg'), { reason: 'symlink_loop' });
  fs.symlinkSync('gone-forever.jpg', at('broken.jpg'));
  expect.set(at('broken.jpg'), { reason: 'broken_symlink' });
  fs.symlinkSync('good.jpg', at('link-to-good.jpg'));
  expect.set(at('link-to-good.jpg'), { imported: { format: 'jpeg', width: 500, height: 375 } });
  // A folder link back up the tree: walking it would never end.
  fs.symlinkSync('..', at('sub/up'));
  expect.set(at('sub/up'), { reason: 'symlink_loop' });

  fs.writeFileSync(at('.DS_Store'), Buffer.alloc(64, 1));
  return expect;
}
