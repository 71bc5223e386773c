// Exported models in real Chromium, loaded over HTTP as the READMEs say, with the same
// tfjs version from node_modules: the TF.js export on the input of the README's snippet
// (decodePhoto + toInput, the studio's decode and resize), and the Teachable Machine export fed
// the same pixels as Teachable Machine's library scales them (x / 127 - 1). Both give the
// studio's answer; from the same pixels they agree with each other. (A canvas drawImage of the
// photo resamples it the browser's way: up to 0.11 off, export-pipelines measures that.)
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportModel } from '../../electron/export/model/export-model.js';
import { tfjsBrowserSnippet } from '../../electron/export/model/snippets.js';
import { colourProfileOf } from '../../electron/engine/images/decode.js';
import { readSettings } from '../../electron/project/settings.js';
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
    const spec = readSettings(t.project.db).preprocessing;
    const result = (await page.evaluate(`(async () => {
      await tf.setBackend('cpu');
      // The TF.js README's snippet, as the user copies it.
      ${tfjsBrowserSnippet(spec.inputSize, spec.resizeMode, colourProfileOf(spec))}
      const photo = ${colourProfileOf(spec) === 'ignore' ? "await decodePhoto('/photo.jpg')" : "await (async () => { const img = new Image(); img.src = '/photo.jpg'; await img.decode(); return img; })()"};
      const pixels = toInput(photo);

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
    // The README's decode and resize are the studio's: the studio's answer.
    fromTfjs.forEach((p, i) => expect(Math.abs(p - studio[i]!)).toBeLessThanOrEqual(1e-3));
    expect(fromTfjs[1]! > fromTfjs[0]!).toBe(studio[1]! > studio[0]!);
  });
});
