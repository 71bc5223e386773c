// Exported models in real Chromium, loaded over HTTP as the READMEs say, with the same
// tfjs version from node_modules: the TF.js export from raw canvas pixels, and the Teachable
// Machine export fed as Teachable Machine's library feeds it (centre crop on a canvas,
// x / 127 - 1). Both give the studio's answer; from the same canvas they agree with each other.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportModel } from '../../electron/export/model/export-model.js';
import { chromiumUnavailable } from '../helpers/chromium.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';
import { studioAnswers } from '../helpers/studio-answers.js';
import { closeTfPage, openTfPage, serveTfPage, type TfPage } from '../helpers/tf-export-page.js';
import { trainedProject, type TrainedProject } from '../helpers/trained-project.js';

const skip = chromiumUnavailable() ?? fixturesUnavailable();
const SCRIPTS = ['tfjs-core/dist/tf-core.min.js', 'tfjs-backend-cpu/dist/tf-backend-cpu.min.js', 'tfjs-layers/dist/tf-layers.min.js'];
const PHOTO = () => fixture('datasets', 'hymenoptera', 'val', 'bees', '10870992_eebeeb3a12.jpg');

describe.skipIf(skip !== null)('exports in a browser', () => {
  const tmp = tempDir('studio-export-browser-');
  let t: TrainedProject;
  let served: TfPage;
  let studio: Float32Array;

  beforeAll(async () => {
    t = await trainedProject(tmp.dir, { perClass: 6 });
    const request = { db: t.project.db, projectDir: t.project.dir, modelCacheDir: t.cache, sampleCount: 8 };
    const tfjs = await exportModel({ ...request, format: 'tfjs' });
    const tm = await exportModel({ ...request, format: 'teachable' });
    served = await serveTfPage(path.join(tmp.dir, 'page'), SCRIPTS, { 'photo.jpg': fs.readFileSync(PHOTO()) }, { '/tfjs/': tfjs.dir, '/tm/': tm.dir });
    studio = (await studioAnswers(t, [PHOTO()])).get(PHOTO())!;
  });
  afterAll(async () => {
    await closeTfPage(served ?? {});
    t?.project.close();
    tmp.cleanup();
  });

  it('loads both exports over HTTP and predicts the photo as the studio did', async () => {
    const { page, errors } = await openTfPage(served);
    // Page code as a string: this project type-checks without the DOM library.
    const result = (await page.evaluate(`(async () => {
      await tf.setBackend('cpu');
      const img = new Image();
      img.src = '/photo.jpg';
      await img.decode();
      // The README's centre crop, and Teachable Machine's cropTo: the same square on a canvas.
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = 224;
      const ctx = canvas.getContext('2d');
      const s = Math.min(img.naturalWidth, img.naturalHeight);
      ctx.drawImage(img, (img.naturalWidth - s) / 2, (img.naturalHeight - s) / 2, s, s, 0, 0, 224, 224);
      // As the README has it (functional ops: the tf-core bundle registers no chained ones).
      const pixels = tf.expandDims(tf.cast(tf.browser.fromPixels(canvas), 'float32'), 0);

      const tfjs = await tf.loadLayersModel('/tfjs/model.json');
      const labels = await (await fetch('/tfjs/labels.json')).json();
      const fromTfjs = Array.from(await tfjs.predict(pixels).data());

      const tm = await tf.loadLayersModel('/tm/model.json');
      const metadata = await (await fetch('/tm/metadata.json')).json();
      // Teachable Machine's capture(): div(127), sub(1).
      const fromTm = Array.from(await tm.predict(tf.sub(tf.div(pixels, tf.scalar(127)), tf.scalar(1))).data());
      return { labels, metadataLabels: metadata.labels, fromTfjs, fromTm, backend: tf.getBackend(), version: tf.version_core };
    })()`)) as { labels: string[]; metadataLabels: string[]; fromTfjs: number[]; fromTm: number[]; backend: string; version: string };
    await page.close();
    expect(errors).toEqual([]);
    expect(result).toMatchObject({ labels: ['ants', 'bees'], metadataLabels: ['ants', 'bees'], backend: 'cpu', version: '4.22.0' });
    const { fromTfjs, fromTm } = result;
    console.log(`[browser] tfjs export ${fromTfjs.map((p) => p.toFixed(5))}, teachable export ${fromTm.map((p) => p.toFixed(5))}, studio ${Array.from(studio, (p) => p.toFixed(5))}`);
    // Same canvas pixels into both exports: the Teachable Machine adapter is exact.
    fromTfjs.forEach((p, i) => expect(Math.abs(p - fromTm[i]!)).toBeLessThanOrEqual(1e-4));
    // The browser resamples the photo itself (not sharp), so only near the studio, same answer.
    fromTfjs.forEach((p, i) => expect(Math.abs(p - studio[i]!)).toBeLessThan(0.05));
    expect(fromTfjs[1]! > fromTfjs[0]!).toBe(studio[1]! > studio[0]!);
  });
});
