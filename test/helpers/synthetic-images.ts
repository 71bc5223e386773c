// Photo-like JPEGs made with sharp: smooth gradients, a few soft shapes and grain, so their
// sizes and decode costs are those of real photos (500 x 375 lands around 40-70 KB), and each
// seed gives different content (and so a different hash and dHash).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

/** Raw RGB pixels of a synthetic photo. */
export function syntheticPixels(seed: number, width = 500, height = 375): Buffer {
  const rand = rng(seed * 2654435761);
  const corners = Array.from({ length: 12 }, () => rand() * 255);
  const blobs = Array.from({ length: 6 }, () => {
    const r = 20 + rand() * 120;
    return { x: rand() * width, y: rand() * height, r, r2: r * r, c: [rand() * 255, rand() * 255, rand() * 255] };
  });
  const data = Buffer.allocUnsafe(width * height * 3);
  const px = [0, 0, 0];
  for (let y = 0, i = 0; y < height; y++) {
    const fy = y / (height - 1);
    for (let x = 0; x < width; x++, i += 3) {
      const fx = x / (width - 1);
      for (let ch = 0; ch < 3; ch++) {
        px[ch] = (corners[ch]! * (1 - fx) + corners[3 + ch]! * fx) * (1 - fy) + (corners[6 + ch]! * (1 - fx) + corners[9 + ch]! * fx) * fy;
      }
      for (const b of blobs) {
        const d2 = (x - b.x) ** 2 + (y - b.y) ** 2;
        if (d2 >= b.r2) continue;
        const d = Math.sqrt(d2) / b.r;
        for (let ch = 0; ch < 3; ch++) px[ch] = px[ch]! * d + b.c[ch]! * (1 - d);
      }
      // Grain: what makes a JPEG of a photo weigh tens of kilobytes.
      for (let ch = 0; ch < 3; ch++) data[i + ch] = Math.max(0, Math.min(255, px[ch]! + (rand() - 0.5) * 40));
    }
  }
  return data;
}

export async function writeSyntheticJpeg(file: string, seed: number, options: { width?: number; height?: number; quality?: number } = {}): Promise<void> {
  const width = options.width ?? 500;
  const height = options.height ?? 375;
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  await sharp(syntheticPixels(seed, width, height), { raw: { width, height, channels: 3 } })
    .jpeg({ quality: options.quality ?? 85 })
    .toFile(file);
}

/** Writes `count` photos into class folders `root/<class>/img_<n>.jpg`, several at a time. */
export async function writeSyntheticDataset(root: string, count: number, classes: readonly string[], firstSeed = 1): Promise<string[]> {
  const files = Array.from({ length: count }, (_, n) => path.join(root, classes[n % classes.length]!, `img_${String(n).padStart(5, '0')}.jpg`));
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < files.length) {
        const n = next++;
        await writeSyntheticJpeg(files[n]!, firstSeed + n);
      }
    }),
  );
  return files;
}

/**
 * The same photos as writeSyntheticDataset(…, count, classes), kept under os.tmpdir() between
 * runs: a benchmark's 10,000 JPEGs take minutes to make, and the folder is only reused once a
 * previous run finished writing it (complete.json, beside the photos so no import sees it).
 * Content is a pure function of the seed, so a reused folder holds what a fresh one would.
 */
export async function cachedSyntheticDataset(count: number, classes: readonly string[]): Promise<{ root: string; files: string[]; reused: boolean }> {
  const key = `${count}-${classes.join('_')}-v1`;
  const dir = path.join(os.tmpdir(), `studio-bench-photos-${key}`);
  const root = path.join(dir, 'photos');
  const marker = path.join(dir, 'complete.json');
  const files = Array.from({ length: count }, (_, n) => path.join(root, classes[n % classes.length]!, `img_${String(n).padStart(5, '0')}.jpg`));
  if (fs.existsSync(marker) && files.every((f) => fs.existsSync(f))) return { root, files, reused: true };
  // A half-written folder (a killed run) is made again from scratch: a truncated JPEG is not a photo.
  fs.rmSync(dir, { recursive: true, force: true });
  await writeSyntheticDataset(root, count, classes);
  fs.writeFileSync(marker, JSON.stringify({ count, classes }));
  return { root, files, reused: false };
}

/** The same picture saved again: resized and re-encoded at another quality (a near duplicate). */
export async function resaveJpeg(from: string, to: string, options: { width?: number; quality?: number } = {}): Promise<void> {
  await fs.promises.mkdir(path.dirname(to), { recursive: true });
  await sharp(from).resize({ width: options.width ?? 400 }).jpeg({ quality: options.quality ?? 70 }).toFile(to);
}
