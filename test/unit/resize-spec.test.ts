// The 'bilinear' resize spec (issue 22): the studio's own resize is exactly
// tf.image.resizeBilinear(halfPixelCenters) over Teachable Machine's crop, rounded as tf.round;
// the README's JavaScript gives the same bytes; new projects record the spec, projects without a
// recorded one keep sharp's Lanczos3 and their embedding-cache keys.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specHash } from '../../electron/engine/embeddings/cache.js';
import { placement, resizeBilinear } from '../../electron/engine/images/resample.js';
import { resizeJs } from '../../electron/export/model/snippets.js';
import type { Preprocessing } from '../../electron/ipc/schemas.js';
import { DEFAULT_SETTINGS } from '../../electron/project/settings.js';
import { createProject } from '../../electron/project/project.js';
import { openDatabase } from '../../electron/project/database.js';
import { readSettings } from '../../electron/project/settings.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A deterministic photo-like image: gradients plus hard edges (where kernels differ most). */
function image(width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = ((x * (c + 1) * 7 + y * 3) ^ ((x >> 3) * 37 + (y >> 2) * 11 * (c + 1))) & 255;
  return data;
}

/** Teachable Machine's cropTo arithmetic, written out as its canvas.js has it. */
function tmCrop(width: number, height: number, size: number) {
  const min = Math.min(width, height);
  const scale = size / min;
  const scaledW = Math.ceil(width * scale);
  const scaledH = Math.ceil(height * scale);
  return { scaledW, scaledH, left: ~~((scaledW - size) / 2), top: ~~((scaledH - size) / 2) };
}

const SIZES: Array<[number, number]> = [
  [500, 375], // downscale, landscape
  [130, 181], // upscale, portrait
  [1296, 972], // large
  [224, 224], // identity
  [375, 500],
  [97, 61],
];

describe('bilinear resize spec', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it("places the crop with Teachable Machine's arithmetic", () => {
    for (const [w, h] of SIZES) expect(placement(w, h, 224, 'center-crop')).toEqual(tmCrop(w, h, 224));
  });

  it('equals tf.image.resizeBilinear with half-pixel centres, cropped and rounded, byte for byte', async () => {
    for (const [w, h] of SIZES) {
      const data = image(w, h);
      const ours = resizeBilinear({ data, width: w, height: h }, 224, 'center-crop');
      const { scaledW, scaledH, left, top } = tmCrop(w, h, 224);
      const theirs = tf.tidy(() => tf.round(tf.slice(tf.image.resizeBilinear(tf.tensor3d(data, [h, w, 3], 'int32'), [scaledH, scaledW], false, true), [top, left, 0], [224, 224, 3])));
      const values = await theirs.data();
      theirs.dispose();
      let differing = 0;
      for (let i = 0; i < ours.length; i++) if (ours[i] !== values[i]) differing++;
      expect({ size: `${w}x${h}`, differing }).toEqual({ size: `${w}x${h}`, differing: 0 });
    }
  });

  it("gives the same bytes as the README's JavaScript resize, in every mode", () => {
    for (const mode of ['center-crop', 'squash', 'letterbox'] as const) {
      const readme = new Function(`${resizeJs(224, mode)}\nreturn resize;`)() as (d: Uint8Array, w: number, h: number, c: number) => Float32Array;
      for (const [w, h] of SIZES) {
        const data = image(w, h);
        expect(Array.from(readme(data, w, h, 3))).toEqual(Array.from(resizeBilinear({ data, width: w, height: h }, 224, mode)));
      }
    }
  });

  it('letterboxes on black and squashes to the full square', () => {
    const data = new Uint8Array(400 * 100 * 3).fill(200);
    const boxed = resizeBilinear({ data, width: 400, height: 100 }, 224, 'letterbox');
    expect(boxed[0]).toBe(0); // top row: padding
    expect(boxed[(112 * 224 + 112) * 3]).toBe(200);
    expect(resizeBilinear({ data, width: 400, height: 100 }, 224, 'squash').every((v) => v === 200)).toBe(true);
  });
});

describe('recorded resize spec', () => {
  const tmp = tempDir('studio-resize-spec-');
  afterAll(() => tmp.cleanup());

  it('records bilinear in a new project; a project without a recorded spec keeps Lanczos3', () => {
    const created = createProject(path.join(tmp.dir, 'new'));
    expect(readSettings(created.db).preprocessing).toEqual(DEFAULT_SETTINGS.preprocessing);
    expect(readSettings(created.db).preprocessing.resampling).toBe('bilinear');
    created.close();
    // A project from before issue 22: a database with no preprocessing row.
    const db = openDatabase(path.join(tmp.dir, 'old.sqlite'));
    expect(readSettings(db).preprocessing.resampling).toBeUndefined();
    db.close();
  });

  it('keeps the cache key of a legacy spec and gives the new spec its own', () => {
    const legacy: Preprocessing = { inputSize: 224, resizeMode: 'center-crop', scaling: 'minus1to1' };
    const aug = DEFAULT_SETTINGS.augmentation;
    // The key every cached view-0 embedding of a pre-issue-22 project was stored under.
    expect(specHash(legacy, 0, aug, 42)).toBe(specHash({ ...legacy }, 0, aug, 42));
    expect(specHash({ ...legacy, resampling: 'bilinear' }, 0, aug, 42)).not.toBe(specHash(legacy, 0, aug, 42));
    expect(specHash({ ...legacy, resampling: 'bilinear' }, 1, aug, 42)).not.toBe(specHash(legacy, 1, aug, 42));
  });
});
