// TFLite export of a real trained run (hymenoptera, MobileNetV2 0.35): written by the studio,
// read back from disk by its reader for the stored parity check, and run in TensorFlow Lite
// itself (Python's tf.lite.Interpreter, skipped with a visible message where Python's
// TensorFlow is absent) on the export's own sample photos. The TF-Hub graph backbone's TFLite
// case is in export-model.test.ts, on the run trained there for its other exports.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportModel } from '../../electron/export/model/export-model.js';
import { readMetadata } from '../../electron/export/tflite/metadata.js';
import { readTflite } from '../../electron/export/tflite/read.js';
import { fixturesUnavailable } from '../helpers/fixtures.js';
import { pythonTensorflow } from '../helpers/python-tf.js';
import { tfliteAgainstStudio } from '../helpers/studio-answers.js';
import { tempDir } from '../helpers/temp-dir.js';
import { trainedProject, type TrainedProject } from '../helpers/trained-project.js';

const skip = fixturesUnavailable();

describe.skipIf(skip)('TFLite export', () => {
  const tmp = tempDir('studio-export-tflite-');
  let t: TrainedProject;
  const request = () => ({ db: t.project.db, projectDir: t.project.dir, modelCacheDir: t.cache, sampleCount: 12 });

  beforeAll(async () => {
    // The MLP head, as these quantization bounds were measured on (head selection may pick
    // softmax regression on so few photos; its sharper probabilities move float16 further).
    t = await trainedProject(tmp.dir, { config: { headSearch: 'off' } });
  }, 300_000);
  afterAll(() => {
    t?.project.close();
    tmp.cleanup();
  });

  it('writes one float32 .tflite (backbone with its scaling + head) that passes parity and carries its labels and spec', async () => {
    const r = await exportModel({ ...request(), format: 'tflite' });
    console.log(`[tflite] float32: ${r.bytes} B, max|Δp| ${r.parity!.maxAbs?.toExponential(2)}, top-1 ${r.parity!.top1Agreement}; ${r.parity!.runtime}`);
    expect(r.parity!.passed).toBe(true);
    expect(r.parity!.judged).toBe(true);
    expect(r.files).toEqual(expect.arrayContaining(['model.tflite', 'labels.txt', 'preprocessing.json', 'README.md', 'parity.json', 'model-card.md']));
    const model = readTflite(fs.readFileSync(path.join(r.dir, 'model.tflite')));
    expect(model.tensors[model.inputs[0]!]).toMatchObject({ name: 'image', shape: [1, 224, 224, 3], type: 'FLOAT32' });
    expect(model.tensors[model.outputs[0]!]).toMatchObject({ name: 'probabilities', shape: [1, 2], type: 'FLOAT32' });
    const meta = readMetadata(model);
    expect(meta.labels).toEqual(['ants', 'bees']);
    expect(meta.precision).toBe('float32');
    expect(fs.readFileSync(path.join(r.dir, 'labels.txt'), 'utf8')).toBe('ants\nbees\n');
    // TFLite has no transposes to make: the graph is channels-last throughout.
    expect(model.ops.map((o) => o.op)).not.toContain('TRANSPOSE');

    if (!pythonTensorflow()) return;
    const lite = await tfliteAgainstStudio(t, r);
    console.log(`[tflite] float32 in ${lite.runtime}: max|Δp| ${lite.maxAbs.toExponential(2)}, top-1 ${lite.top1Agreement} on ${lite.examples} photos`);
    expect(lite.maxAbs).toBeLessThanOrEqual(1e-4);
    expect(lite.top1Agreement).toBe(1);
  }, 600_000);

  it('writes float16 weights at about half the size, dequantized in the graph, still agreeing with the studio', async () => {
    const r = await exportModel({ ...request(), format: 'tflite', quantization: 'float16' });
    console.log(`[tflite] float16: ${r.weightBytes} of ${r.float32WeightBytes} B, max|Δp| ${r.parity!.maxAbs?.toExponential(2)}, top-1 ${r.parity!.top1Agreement}`);
    expect(r.weightBytes! / r.float32WeightBytes!).toBeLessThan(0.6);
    const model = readTflite(fs.readFileSync(path.join(r.dir, 'model.tflite')));
    expect(model.tensors.some((x) => x.type === 'FLOAT16')).toBe(true);
    expect(r.parity!.top1Agreement).toBe(1);
    expect(r.parity!.maxAbs).toBeLessThan(1e-2);
    if (!pythonTensorflow()) return;
    const lite = await tfliteAgainstStudio(t, r);
    console.log(`[tflite] float16 in ${lite.runtime}: max|Δp| ${lite.maxAbs.toExponential(2)}, top-1 ${lite.top1Agreement}`);
    expect(lite.top1Agreement).toBe(1);
    expect(lite.maxAbs).toBeLessThan(1e-2);
  }, 600_000);

  it('writes a full-integer int8 model calibrated on the training photos: uint8 input, int8 ops, agreement reported', async () => {
    const r = await exportModel({ ...request(), format: 'tflite', quantization: 'int8' });
    const p = r.parity!;
    console.log(`[tflite] int8: ${r.weightBytes} of ${r.float32WeightBytes} B, max|Δp| ${p.maxAbs?.toExponential(2)}, top-1 ${p.top1Agreement}; ${p.runtime}; warnings: ${r.warnings.join(' | ')}`);
    expect(p.judged).toBe(false);
    expect(p.quantization).toBe('int8');
    expect(r.weightBytes! / r.float32WeightBytes!).toBeLessThan(0.35);
    const model = readTflite(fs.readFileSync(path.join(r.dir, 'model.tflite')));
    expect(model.tensors[model.inputs[0]!]).toMatchObject({ type: 'UINT8', shape: [1, 224, 224, 3] });
    const convs = model.ops.filter((o) => o.op === 'CONV_2D' || o.op === 'DEPTHWISE_CONV_2D');
    expect(convs.length).toBeGreaterThan(10);
    expect(convs.every((o) => model.tensors[o.inputs[0]!]!.type === 'INT8' && model.tensors[o.inputs[1]!]!.type === 'INT8' && model.tensors[o.inputs[2]!]!.type === 'INT32')).toBe(true);
    expect(readMetadata(model).precision).toBe('int8');
    if (!pythonTensorflow()) return;
    const lite = await tfliteAgainstStudio(t, r);
    console.log(`[tflite] int8 in ${lite.runtime}: max|Δp| ${lite.maxAbs.toExponential(2)}, top-1 ${lite.top1Agreement} on ${lite.examples} photos`);
    // Integer kernels change probabilities; a working int8 classifier still mostly agrees.
    expect(lite.top1Agreement).toBeGreaterThanOrEqual(0.75);
  }, 600_000);

  it('refuses uint8 for TFLite with the reason, and writes nothing', async () => {
    await expect(exportModel({ ...request(), format: 'tflite', quantization: 'uint8' })).rejects.toThrow(/int8/);
  });
});
