// train.py's preprocessing (issue 19): the training bundle decodes and resizes photos as the
// studio does — EXIF orientation applied (Pillow's ImageOps.exif_transpose), the spec's resize
// ('bilinear': half-pixel centres over Teachable Machine's crop arithmetic) — so what a model
// learns on a bigger machine is what the studio feeds it. Checked by importing the generated
// train.py in Python and comparing its load_image() with the studio's decodeForModel() on real
// photos, EXIF-rotated copies among them (skipped with a visible message without Python's TF).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Preprocessing } from '../../electron/domain/schemas.js';
import { decodeForModel } from '../../electron/engine/images/decode.js';
import { trainScript } from '../../electron/export/bundle/train-script.js';
import { deploymentPhotos } from '../helpers/deployment-photos.js';
import { fixturesUnavailable } from '../helpers/fixtures.js';
import { pythonTensorflow, runPython } from '../helpers/python-tf.js';
import { tempDir } from '../helpers/temp-dir.js';

const skip = fixturesUnavailable();

const REFEREE = `
import sys, json, importlib.util, numpy as np
work, script = sys.argv[1], sys.argv[2]
spec = importlib.util.spec_from_file_location("train", script)
train = importlib.util.module_from_spec(spec)
spec.loader.exec_module(train)
files = json.load(open(work + "/files.json"))
np.stack([train.load_image(f) for f in files]).astype(np.float32).tofile(work + "/out.f32")
print(train.RESAMPLING)
`;

describe.skipIf(skip)("train.py's preprocessing", () => {
  const tmp = tempDir('studio-bundle-preprocessing-');
  afterAll(() => tmp.cleanup());

  async function compare(spec: Preprocessing, name: string) {
    const photos = await deploymentPhotos('hymenoptera', path.join(tmp.dir, 'photos'), 8);
    expect(photos.some((p) => p.kind === 'exif-rotated')).toBe(true);
    const work = path.join(tmp.dir, name);
    fs.mkdirSync(work, { recursive: true });
    const script = path.join(work, 'train.py');
    fs.writeFileSync(script, trainScript(spec));
    fs.writeFileSync(path.join(work, 'files.json'), JSON.stringify(photos.map((p) => p.file)));
    const resampling = runPython(REFEREE, [script], work).trim().split('\n').pop();
    const bytes = fs.readFileSync(path.join(work, 'out.f32'));
    const python = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const per = spec.inputSize * spec.inputSize * 3;
    expect(python.length).toBe(photos.length * per);
    const rows = [];
    for (const [i, photo] of photos.entries()) {
      const studio = (await decodeForModel(photo.file, spec)).pixels;
      let max = 0;
      let sum = 0;
      for (let j = 0; j < per; j++) {
        const d = Math.abs(python[i * per + j]! - studio[j]!);
        max = Math.max(max, d);
        sum += d;
      }
      rows.push({ kind: photo.kind, max, mean: sum / per });
    }
    console.log(`[train.py ${resampling}] ${rows.map((r) => `${r.kind} max ${r.max} mean ${r.mean.toFixed(3)}`).join('; ')}`);
    return rows;
  }

  it("matches the studio's input on real and EXIF-rotated photos ('bilinear' spec)", async () => {
    if (!pythonTensorflow()) return;
    const rows = await compare({ inputSize: 224, resizeMode: 'center-crop', scaling: 'zero1', resampling: 'bilinear' }, 'bilinear');
    // Same decoder family (libjpeg-turbo), same kernel and rounding: equal here; a level of slack for other decoder builds.
    for (const r of rows) {
      expect(r.mean, r.kind).toBeLessThan(0.05);
      expect(r.max, r.kind).toBeLessThanOrEqual(2);
    }
  }, 300_000);

  it("is close to the studio's Lanczos3 on specs recorded before the 'bilinear' resampling, orientation included", async () => {
    if (!pythonTensorflow()) return;
    const rows = await compare({ inputSize: 224, resizeMode: 'center-crop', scaling: 'zero1' }, 'lanczos3');
    // Pillow's Lanczos is not sharp's (whose JPEG shrink-on-load and crop rounding differ too):
    // a few levels apart on average; an unrotated or wrongly cropped photo is tens apart.
    for (const r of rows) expect(r.mean, r.kind).toBeLessThan(25);
    expect(rows.map((r) => r.mean).sort((a, b) => a - b)[Math.floor(rows.length / 2)]).toBeLessThan(8);
  }, 300_000);
});
