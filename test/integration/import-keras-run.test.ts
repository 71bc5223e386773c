// Importing a .keras model back as a run (issue 19): the training bundle of a real trained run
// (hymenoptera, MobileNetV2 0.35), its model.keras imported unchanged (always: the new run
// predicts what the exported run predicts), refused with a clear reason when the classes, the
// side spec or the backbone's weights do not match, and — where Python's TensorFlow is installed —
// train.py run for one head epoch on a copy, its output imported, the run's stored predictions
// compared with keras.models.load_model's on the project's photos, and the run exported again.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../electron/engine/backend.js';
import { installedDir } from '../../electron/engine/backbones/model-cache.js';
import { loadBackbone, type LoadedBackbone } from '../../electron/engine/backbones/load.js';
import { kerasFileBytes } from '../../electron/export/keras/keras-file.js';
import { studioFunctionalModel } from '../../electron/export/keras/format.js';
import { importKerasRun, readKerasRunFile, type KerasRunImported } from '../../electron/export/keras/import-run.js';
import { exportModel } from '../../electron/export/model/export-model.js';
import { sampleImages, storedPredictions } from '../../electron/export/model/samples.js';
import { resolveModelSource } from '../../electron/export/model/source.js';
import { loadStudioModel } from '../../electron/export/model/studio-model.js';
import { readSettings } from '../../electron/project/settings.js';
import { listRuns } from '../../electron/project/runs.js';
import { fixturesUnavailable } from '../helpers/fixtures.js';
import { pythonTensorflow, runKerasInPython } from '../helpers/python-tf.js';
import { tempDir } from '../helpers/temp-dir.js';
import { trainedProject, type TrainedProject } from '../helpers/trained-project.js';

const skip = fixturesUnavailable();

const maxAbs = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

describe.skipIf(skip)('importing a .keras model as a run', () => {
  const tmp = tempDir('studio-import-keras-');
  let t: TrainedProject;
  let bundle: string;
  let backbone: LoadedBackbone;

  beforeAll(async () => {
    t = await trainedProject(tmp.dir, { perClass: 6, config: { hiddenUnits: 16, dropout: 0.2 } });
    bundle = (await exportModel({ db: t.project.db, projectDir: t.project.dir, modelCacheDir: t.cache, format: 'bundle', sampleCount: 4 })).dir;
    const source = resolveModelSource(t.project.db, t.project.dir, t.cache, {});
    backbone = await loadBackbone(installedDir(source.backbone.id, t.cache), source.backbone);
  }, 300_000);
  afterAll(() => {
    backbone?.dispose();
    t?.project.close();
    tmp.cleanup();
  });

  async function importFile(file: string): Promise<KerasRunImported> {
    const backend = await initBackend('wasm');
    const model = await readKerasRunFile(file);
    return importKerasRun({
      db: t.project.db,
      projectDir: t.project.dir,
      model,
      embedder: backbone,
      backboneLayers: backbone.layersModel!,
      backbone: backbone.spec,
      backend,
      settings: readSettings(t.project.db),
    });
  }

  /** A copy of the bundle's model folder, changed by `edit`. */
  function copyOf(name: string, edit: (dir: string) => void | Promise<void>) {
    const dir = path.join(tmp.dir, name);
    fs.mkdirSync(dir, { recursive: true });
    for (const f of ['model.keras', 'preprocessing.json', 'labels.json']) fs.copyFileSync(path.join(bundle, f), path.join(dir, f));
    return Promise.resolve(edit(dir)).then(() => path.join(dir, 'model.keras'));
  }

  it('imports the exported model.keras unchanged as a new run that predicts what the exported run predicts', async () => {
    const before = listRuns(t.project.db, 10).length;
    const imported = await importFile(path.join(bundle, 'model.keras'));
    expect(listRuns(t.project.db, 10).length).toBe(before + 1);
    expect(imported.classNames).toEqual(['ants', 'bees']);
    expect(imported.val?.count).toBeGreaterThan(0);
    const samples = await sampleImages(t.project.db, resolveModelSource(t.project.db, t.project.dir, t.cache, {}).preprocessing, 6);
    const ids = samples.images.map((i) => i.imageId);
    const ours = storedPredictions(t.project.db, imported.runId, ids, 2);
    const original = storedPredictions(t.project.db, t.run.runId, ids, 2);
    expect(ours.every(Number.isFinite)).toBe(true);
    expect(maxAbs(ours, original)).toBeLessThanOrEqual(1e-6);
    expect(imported.val!.accuracy).toBe(t.run.val!.accuracy);
  }, 300_000);

  it('refuses a model whose classes are in another order, without a side spec, or with a changed backbone', async () => {
    const runs = listRuns(t.project.db, 100).length;
    const reordered = await copyOf('reordered', (dir) => {
      const spec = JSON.parse(fs.readFileSync(path.join(dir, 'preprocessing.json'), 'utf8')) as { labels: string[] };
      fs.writeFileSync(path.join(dir, 'preprocessing.json'), JSON.stringify({ ...spec, labels: [...spec.labels].reverse() }));
    });
    await expect(importFile(reordered)).rejects.toThrow(/classes are in another order \(\["bees","ants"\]\) than the project's \(\["ants","bees"\]\)/);
    const other = await copyOf('other-classes', (dir) => {
      const spec = JSON.parse(fs.readFileSync(path.join(dir, 'preprocessing.json'), 'utf8')) as { labels: string[] };
      fs.writeFileSync(path.join(dir, 'preprocessing.json'), JSON.stringify({ ...spec, labels: ['cats', 'dogs'] }));
    });
    await expect(importFile(other)).rejects.toThrow(/trained on the classes \["cats","dogs"\], but this project's labeled classes are \["ants","bees"\]/);
    const bare = await copyOf('no-spec', (dir) => fs.rmSync(path.join(dir, 'preprocessing.json')));
    await expect(importFile(bare)).rejects.toThrow(/preprocessing.json is missing beside model.keras/);
    // A backbone layer changed, as train.py's fine-tuning phase changes it.
    const tuned = await copyOf('fine-tuned', async (dir) => {
      const source = resolveModelSource(t.project.db, t.project.dir, t.cache, {});
      const studio = await loadStudioModel(source);
      try {
        const model = studioFunctionalModel(source, studio);
        const conv = model.layers.find((l) => l.name === 'Conv_1')!;
        conv.weights[0]!.data[0]! += 0.01;
        fs.writeFileSync(path.join(dir, 'model.keras'), await kerasFileBytes(model, new Date()));
      } finally {
        studio.dispose();
      }
    });
    await expect(importFile(tuned)).rejects.toThrow(/backbone differs from MobileNetV2.* in 1 layer: Conv_1 \(max \|Δ\| 1\.0e-2\).*--fine-tune-epochs 0/);
    await expect(importFile(path.join(tmp.dir, 'nowhere.keras'))).rejects.toThrow(/Cannot read .*nowhere\.keras/);
    expect(listRuns(t.project.db, 100).length).toBe(runs);
  }, 300_000);

  it('imports what train.py wrote after a head epoch: predictions match keras.models.load_model, and the run exports with parity', async () => {
    if (!pythonTensorflow()) return;
    const copy = path.join(tmp.dir, 'copied-bundle');
    fs.cpSync(bundle, copy, { recursive: true });
    const run = spawnSync('python3', [path.join(copy, 'train.py'), '--head-epochs', '1', '--fine-tune-epochs', '0', '--batch-size', '8'], {
      encoding: 'utf8',
      timeout: 600_000,
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3', CUDA_VISIBLE_DEVICES: '' },
    });
    expect(run.status, run.stderr.split('\n').slice(-10).join('\n')).toBe(0);
    const trained = path.join(copy, 'output', 'model.keras');
    const imported = await importFile(trained);

    const source = resolveModelSource(t.project.db, t.project.dir, t.cache, { runId: imported.runId });
    expect(source.config.classNames).toEqual(['ants', 'bees']);
    const samples = await sampleImages(t.project.db, source.preprocessing, 8);
    const keras = runKerasInPython(trained, samples.raw, samples.count);
    const ours = storedPredictions(t.project.db, imported.runId, samples.images.map((i) => i.imageId), 2);
    const dp = maxAbs(ours, keras.output);
    console.log(`[import-keras] run ${imported.runId} vs ${keras.runtime}: max|Δp| ${dp.toExponential(2)} on ${samples.count} photos; val accuracy ${imported.val?.accuracy}`);
    expect(dp).toBeLessThanOrEqual(1e-4);
    // The head changed in train.py: the imported run is not the exported run again.
    expect(maxAbs(ours, storedPredictions(t.project.db, t.run.runId, samples.images.map((i) => i.imageId), 2))).toBeGreaterThan(1e-6);

    for (const format of ['keras', 'tflite'] as const) {
      const again = await exportModel({ db: t.project.db, projectDir: t.project.dir, modelCacheDir: t.cache, runId: imported.runId, format, sampleCount: 6 });
      console.log(`[import-keras] re-export ${format}: max|Δp| ${again.parity!.maxAbs?.toExponential(2)} (${again.parity!.runtime})`);
      expect(again.parity!.passed).toBe(true);
    }
  }, 900_000);
});
