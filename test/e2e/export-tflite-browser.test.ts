// The float32 TFLite export in real Chromium, in TensorFlow's own browser runtime for .tflite
// files (@tensorflow/tfjs-tflite: the TFLite interpreter compiled to wasm, with XNNPACK), loaded
// over HTTP as a web page would load it. The studio's preprocessed sample photos (raw RGB
// 0..255, the model scales itself) go in; the probabilities must match the studio's own
// forward pass on the same photos.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportModel } from '../../electron/export/model/export-model.js';
import { sampleImages, type SampleImages } from '../../electron/export/model/samples.js';
import { resolveModelSource } from '../../electron/export/model/source.js';
import { compareOutputs } from '../../electron/onnx/output-parity.js';
import { chromiumUnavailable } from '../helpers/chromium.js';
import { fixturesUnavailable } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';
import { studioForward } from '../helpers/studio-answers.js';
import { closeTfPage, openTfPage, serveTfPage, TF_MODULES, type TfPage } from '../helpers/tf-export-page.js';
import { trainedProject, type TrainedProject } from '../helpers/trained-project.js';

const skip = chromiumUnavailable() ?? fixturesUnavailable();
const SCRIPTS = ['tfjs-core/dist/tf-core.min.js', 'tfjs-backend-cpu/dist/tf-backend-cpu.min.js', 'tfjs-tflite/dist/tf-tflite.min.js'];

describe.skipIf(skip !== null)('TFLite export in Chromium (tfjs-tflite)', () => {
  const tmp = tempDir('studio-tflite-browser-');
  let t: TrainedProject;
  let served: TfPage;
  let samples: SampleImages;
  let studio: Float32Array;

  beforeAll(async () => {
    t = await trainedProject(tmp.dir, { perClass: 6 });
    const exported = await exportModel({ db: t.project.db, projectDir: t.project.dir, modelCacheDir: t.cache, format: 'tflite', sampleCount: 4 });
    const source = resolveModelSource(t.project.db, t.project.dir, t.cache, {});
    samples = await sampleImages(t.project.db, source.preprocessing, 6);
    const input = Buffer.from(samples.raw.buffer, samples.raw.byteOffset, samples.raw.byteLength);
    served = await serveTfPage(path.join(tmp.dir, 'page'), SCRIPTS, { 'input.f32': input }, { '/model/': exported.dir });
    studio = await studioForward(source, samples.raw, samples.count);
  });
  afterAll(async () => {
    await closeTfPage(served ?? {});
    t?.project.close();
    tmp.cleanup();
  });

  it('loads model.tflite over HTTP and predicts the sample photos as the studio does', async () => {
    const { page, errors } = await openTfPage(served);
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
    const version = (JSON.parse(fs.readFileSync(path.join(TF_MODULES, 'tfjs-tflite/package.json'), 'utf8')) as { version: string }).version;
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
