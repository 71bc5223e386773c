// The float32 TFLite export in real Chromium, in TensorFlow's own browser runtime for .tflite
// files (@tensorflow/tfjs-tflite: the TFLite interpreter compiled to wasm, with XNNPACK), loaded
// over HTTP as a web page would load it. The studio's preprocessed sample photos (raw RGB
// 0..255, the model scales itself) go in; the probabilities must match the studio's own
// forward pass on the same photos.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scalePixels } from '../../electron/engine/images/decode.js';
import { exportModel } from '../../electron/export/model/export-model.js';
import { sampleImages, type SampleImages } from '../../electron/export/model/samples.js';
import { resolveModelSource } from '../../electron/export/model/source.js';
import { loadStudioModel } from '../../electron/export/model/studio-model.js';
import { compareOutputs } from '../../electron/onnx/output-parity.js';
import { chromiumUnavailable, launchChromium } from '../helpers/chromium.js';
import { fixturesUnavailable } from '../helpers/fixtures.js';
import { serveFolders, type StaticServer } from '../helpers/static-server.js';
import { tempDir } from '../helpers/temp-dir.js';
import { trainedProject, type TrainedProject } from '../helpers/trained-project.js';

const skip = chromiumUnavailable() ?? fixturesUnavailable();
const TF = path.resolve(import.meta.dirname, '../../node_modules/@tensorflow');
const SCRIPTS = ['tfjs-core/dist/tf-core.min.js', 'tfjs-backend-cpu/dist/tf-backend-cpu.min.js', 'tfjs-tflite/dist/tf-tflite.min.js'];

describe.skipIf(skip !== null)('TFLite export in Chromium (tfjs-tflite)', () => {
  const tmp = tempDir('studio-tflite-browser-');
  let t: TrainedProject;
  let browser: Browser;
  let server: StaticServer;
  let samples: SampleImages;
  let studio: Float32Array;

  beforeAll(async () => {
    t = await trainedProject(tmp.dir, { perClass: 6 });
    const exported = await exportModel({ db: t.project.db, projectDir: t.project.dir, modelCacheDir: t.cache, format: 'tflite', sampleCount: 4 });
    const source = resolveModelSource(t.project.db, t.project.dir, t.cache, {});
    samples = await sampleImages(t.project.db, source.preprocessing, 6);
    const page = path.join(tmp.dir, 'page');
    fs.mkdirSync(page);
    fs.writeFileSync(path.join(page, 'index.html'), `<!doctype html><html><body>${SCRIPTS.map((s) => `<script src="/tf/${s}"></script>`).join('')}</body></html>`);
    fs.writeFileSync(path.join(page, 'input.f32'), Buffer.from(samples.raw.buffer, samples.raw.byteOffset, samples.raw.byteLength));
    server = await serveFolders({ '/tf/': TF, '/model/': exported.dir, '/': page });
    browser = await launchChromium();

    const model = await loadStudioModel(source);
    const scaled = new Float32Array(samples.raw.length);
    scalePixels(samples.raw, source.preprocessing.scaling, scaled, 0);
    studio = await model.forward(scaled, samples.count);
    model.dispose();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    t?.project.close();
    tmp.cleanup();
  });

  it('loads model.tflite over HTTP and predicts the sample photos as the studio does', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/index.html`);
    // Page code as a string: this project type-checks without the DOM library.
    const result = (await page.evaluate(`(async () => {
      await tf.setBackend('cpu');
      // The wasm files ship in the package (no download at install time); served from node_modules.
      tflite.setWasmPath('/tf/tfjs-tflite/wasm/');
      const model = await tflite.loadTFLiteModel('/model/model.tflite');
      const labels = await (await fetch('/model/labels.json')).json();
      const raw = new Float32Array(await (await fetch('/input.f32')).arrayBuffer());
      const per = 224 * 224 * 3, count = raw.length / per, out = [];
      for (let i = 0; i < count; i++) {
        const x = tf.tensor4d(raw.subarray(i * per, (i + 1) * per), [1, 224, 224, 3]);
        const y = model.predict(x);
        out.push(...(await y.data()));
        x.dispose(); y.dispose();
      }
      return { labels, out, inputs: model.inputs.map((i) => [i.name, i.shape, i.dtype]), core: tf.version_core };
    })()`)) as { labels: string[]; out: number[]; inputs: unknown[]; core: string };
    const version = (JSON.parse(fs.readFileSync(path.join(TF, 'tfjs-tflite/package.json'), 'utf8')) as { version: string }).version;
    await page.close();
    expect(errors).toEqual([]);
    expect(result.labels).toEqual(['ants', 'bees']);
    const stats = compareOutputs(studio, Float32Array.from(result.out), samples.count, true);
    console.log(`[tflite-browser] @tensorflow/tfjs-tflite ${version} (tfjs-core ${result.core}) in Chromium: max|Δp| ${stats.maxAbs.toExponential(2)}, top-1 ${stats.top1Agreement} on ${samples.count} photos; inputs ${JSON.stringify(result.inputs)}`);
    expect(result.out.length).toBe(samples.count * 2);
    expect(stats.maxAbs).toBeLessThanOrEqual(1e-4);
    expect(stats.top1Agreement).toBe(1);
  }, 300_000);
});
