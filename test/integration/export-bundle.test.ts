// Training bundle of a real trained run (hymenoptera, MobileNetV2 0.35): model.keras, the
// labeled photos with dataset.csv, train.py. Where Python's TensorFlow is installed, train.py
// runs for one head epoch and one fine-tuning epoch on a tiny copy, and its output model is read
// back by the studio's Keras reader and predicts the project's photos (skipped with a visible
// message where Python's TensorFlow is absent).
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../electron/engine/backend.js';
import { loadBackbone } from '../../electron/engine/backbones/load.js';
import { importKerasRun, readKerasRunFile } from '../../electron/export/keras/import-run.js';
import { kerasToTfjs, readKeras } from '../../electron/export/keras/read-keras.js';
import { readSettings } from '../../electron/project/settings.js';
import { reloadKeras } from '../../electron/export/keras/format.js';
import { exportModel } from '../../electron/export/model/export-model.js';
import { sampleImages } from '../../electron/export/model/samples.js';
import { resolveModelSource } from '../../electron/export/model/source.js';
import { fixturesUnavailable } from '../helpers/fixtures.js';
import { pythonTensorflow } from '../helpers/python-tf.js';
import { tempDir } from '../helpers/temp-dir.js';
import { trainedProject, type TrainedProject } from '../helpers/trained-project.js';

const skip = fixturesUnavailable();

describe.skipIf(skip)('training bundle export', () => {
  const tmp = tempDir('studio-export-bundle-');
  let t: TrainedProject;

  beforeAll(async () => {
    t = await trainedProject(tmp.dir, { perClass: 6 });
  }, 300_000);
  afterAll(() => {
    t?.project.close();
    tmp.cleanup();
  });

  it('writes model.keras, the photos with a relative-path CSV, train.py and a README; train.py continues training and its model reads back', async () => {
    const r = await exportModel({ db: t.project.db, projectDir: t.project.dir, modelCacheDir: t.cache, format: 'bundle', sampleCount: 8 });
    expect(r.parity!.passed).toBe(true);
    expect(r.files).toEqual(expect.arrayContaining(['model.keras', 'dataset.csv', 'images/', 'train.py', 'README.md', 'labels.json', 'preprocessing.json']));
    const csv = fs.readFileSync(path.join(r.dir, 'dataset.csv'), 'utf8').trim().split(/\r?\n/);
    expect(csv[0]).toBe('path,label,split,hash');
    const rows = csv.slice(1).map((line) => line.split(','));
    const labeled = t.project.db.prepare('SELECT COUNT(*) FROM labels').pluck().get() as number;
    expect(rows.length).toBe(labeled);
    for (const [relative, label] of rows) {
      expect(path.isAbsolute(relative!)).toBe(false);
      expect(fs.existsSync(path.join(r.dir, relative!))).toBe(true);
      expect(['ants', 'bees']).toContain(label);
    }
    expect(new Set(rows.map((row) => row[2]))).toEqual(new Set(['train', 'val']));
    const script = fs.readFileSync(path.join(r.dir, 'train.py'), 'utf8');
    expect(script).toContain('MultiWorkerMirroredStrategy');
    expect(script).toContain('MirroredStrategy()');

    if (!pythonTensorflow()) return;
    // A tiny copy, as a user copies the folder to another machine.
    const copy = path.join(tmp.dir, 'copied-bundle');
    fs.cpSync(r.dir, copy, { recursive: true });
    const run = spawnSync('python3', [path.join(copy, 'train.py'), '--head-epochs', '1', '--fine-tune-epochs', '1', '--unfreeze', '10', '--batch-size', '8'], {
      encoding: 'utf8',
      timeout: 600_000,
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3', CUDA_VISIBLE_DEVICES: '' },
    });
    console.log(`[bundle] train.py exit ${run.status}: ${run.stdout.trim().split('\n').filter((l) => /replica|loss|wrote/.test(l)).join(' | ')}`);
    expect(run.status, run.stderr.split('\n').slice(-10).join('\n')).toBe(0);
    const trained = path.join(copy, 'output', 'model.keras');
    const history = JSON.parse(fs.readFileSync(path.join(copy, 'output', 'history.json'), 'utf8')) as Record<string, { loss: number[] }>;
    expect(Object.keys(history)).toEqual(['head', 'fine_tune']);

    // Back into the studio: its reader loads what train.py wrote and predicts the project's photos.
    const read = await readKeras(new Uint8Array(fs.readFileSync(trained)));
    const before = await readKeras(new Uint8Array(fs.readFileSync(path.join(r.dir, 'model.keras'))));
    expect(read.config.config.layers.map((l) => l.name)).toEqual(before.config.config.layers.map((l) => l.name));
    expect(Array.from(read.weights.get('head_output')![0]!.data)).not.toEqual(Array.from(before.weights.get('head_output')![0]!.data));
    (await kerasToTfjs(read)).dispose();
    const model = await reloadKeras(trained);
    const source = resolveModelSource(t.project.db, t.project.dir, t.cache, {});
    const samples = await sampleImages(t.project.db, source.preprocessing, 4);
    const probs = await model.predict(samples.raw, samples.count);
    await model.dispose();
    expect(probs.length).toBe(samples.count * 2);
    for (let i = 0; i < samples.count; i++) expect(probs[2 * i]! + probs[2 * i + 1]!).toBeCloseTo(1, 4);

    // Fine-tuned backbone layers cannot ride on a run (it stores the head alone): the import says which changed.
    const backbone = await loadBackbone(source.backboneDir, source.backbone);
    try {
      const importing = importKerasRun({
        db: t.project.db,
        projectDir: t.project.dir,
        model: await readKerasRunFile(trained),
        embedder: backbone,
        backboneLayers: backbone.layersModel!,
        backbone: source.backbone,
        backend: await initBackend('wasm'),
        settings: readSettings(t.project.db),
      });
      await expect(importing).rejects.toThrow(/backbone differs from .* in \d+ layers?: .*--fine-tune-epochs 0/);
    } finally {
      backbone.dispose();
    }
  }, 900_000);
});
