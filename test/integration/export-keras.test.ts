// Keras export of a real trained run (hymenoptera, MobileNetV2 0.35, a head with a hidden layer
// and dropout): model.keras written by the studio (HDF5 through h5wasm), read back by its own
// reader for the stored parity check on every machine, and loaded with keras.models.load_model
// where Python's TensorFlow is installed (skipped with a visible message where it is not).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scalePixels } from '../../electron/engine/images/decode.js';
import { exportModel } from '../../electron/export/model/export-model.js';
import { sampleImages } from '../../electron/export/model/samples.js';
import { resolveModelSource } from '../../electron/export/model/source.js';
import { loadStudioModel } from '../../electron/export/model/studio-model.js';
import { readKeras } from '../../electron/export/keras/read-keras.js';
import { compareOutputs } from '../../electron/onnx/output-parity.js';
import { fixturesUnavailable } from '../helpers/fixtures.js';
import { pythonTensorflow, runKerasInPython } from '../helpers/python-tf.js';
import { tempDir } from '../helpers/temp-dir.js';
import { trainedProject, type TrainedProject } from '../helpers/trained-project.js';

const skip = fixturesUnavailable();

describe.skipIf(skip)('Keras export', () => {
  const tmp = tempDir('studio-export-keras-');
  let t: TrainedProject;
  const request = () => ({ db: t.project.db, projectDir: t.project.dir, modelCacheDir: t.cache, sampleCount: 12 });

  beforeAll(async () => {
    // The configured MLP (head selection may choose softmax regression on so few photos): the
    // layer names and trainable flags checked below are the MLP's.
    t = await trainedProject(tmp.dir, { config: { hiddenUnits: 16, dropout: 0.2, headSearch: 'off' } });
  }, 300_000);
  afterAll(() => {
    t?.project.close();
    tmp.cleanup();
  });

  it('writes model.keras (config + model.weights.h5 + metadata) that reads back and passes parity', async () => {
    const r = await exportModel({ ...request(), format: 'keras' });
    console.log(`[keras] ${r.bytes} B, max|Δp| ${r.parity!.maxAbs?.toExponential(2)}, top-1 ${r.parity!.top1Agreement}; ${r.parity!.runtime}`);
    expect(r.parity!.passed).toBe(true);
    expect(r.files).toEqual(expect.arrayContaining(['model.keras', 'labels.json', 'preprocessing.json', 'README.md', 'parity.json', 'model-card.md']));

    const read = await readKeras(new Uint8Array(fs.readFileSync(path.join(r.dir, 'model.keras'))));
    const layers = read.config.config.layers;
    expect(layers[0]).toMatchObject({ class_name: 'InputLayer', name: 'image' });
    expect(layers[1]).toMatchObject({ class_name: 'Rescaling', name: 'input_scaling' });
    expect(layers.slice(-3).map((l) => l.name)).toEqual(['head_hidden', 'head_dropout', 'head_output']);
    // The backbone keeps the studio's layer names and is frozen; the head trains.
    expect(layers.map((l) => l.name)).toEqual(expect.arrayContaining(['Conv1', 'bn_Conv1', 'block_16_project_BN']));
    const backboneLayers = layers.slice(2, -3);
    expect(backboneLayers.every((l) => l.config.trainable === false)).toBe(true);
    expect(layers.slice(-3).every((l) => l.config.trainable === true)).toBe(true);
    expect(read.weights.get('bn_Conv1')!.map((w) => w.shape)).toEqual([[16], [16], [16], [16]]);
    expect(read.weights.get('head_output')!.map((w) => w.shape)).toEqual([[16, 2], [2]]);

    if (!pythonTensorflow()) return;
    const source = resolveModelSource(t.project.db, t.project.dir, t.cache, { runId: r.runId });
    const samples = await sampleImages(t.project.db, source.preprocessing, 12);
    const studio = await loadStudioModel(source);
    const scaled = new Float32Array(samples.raw.length);
    scalePixels(samples.raw, source.preprocessing.scaling, scaled, 0);
    const reference = await studio.forward(scaled, samples.count);
    studio.dispose();
    const keras = runKerasInPython(path.join(r.dir, 'model.keras'), samples.raw, samples.count);
    const stats = compareOutputs(reference, keras.output, samples.count, true);
    console.log(`[keras] in ${keras.runtime}: max|Δp| ${stats.maxAbs.toExponential(2)}, top-1 ${stats.top1Agreement} on ${samples.count} photos`);
    expect(stats.maxAbs).toBeLessThanOrEqual(1e-4);
    expect(stats.top1Agreement).toBe(1);
    expect(keras.layers.map(([name]) => name)).toEqual(layers.map((l) => l.name));
    expect(keras.layers.filter(([, , trainable]) => trainable).map(([name]) => name)).toEqual(['image', 'head_hidden', 'head_dropout', 'head_output']);
  }, 600_000);

  it('refuses quantized weights with the reason', async () => {
    await expect(exportModel({ ...request(), format: 'keras', quantization: 'float16' })).rejects.toThrow(/float32 weights only/);
  });
});
