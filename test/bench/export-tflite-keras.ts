// bench:export's TFLite, Keras and training-bundle figures (issue 19): each export through the
// studio's orchestration, then — where Python's TensorFlow is installed — the files in the real
// runtimes (tf.lite.Interpreter, keras.models.load_model) against the studio's forward pass on
// the export's own sample photos, and train.py for one epoch on a small copy of the bundle.
// Where Python's TensorFlow is absent the figures are the studio reader's, and the *_runtime
// keys say so.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { scalePixels } from '../../electron/engine/images/decode.js';
import { reloadKeras } from '../../electron/export/keras/format.js';
import { exportModel, type ModelExportRequest, type ModelExportResult } from '../../electron/export/model/export-model.js';
import { sampleImages } from '../../electron/export/model/samples.js';
import { resolveModelSource } from '../../electron/export/model/source.js';
import { loadStudioModel } from '../../electron/export/model/studio-model.js';
import { compareOutputs } from '../../electron/onnx/output-parity.js';
import { pythonTensorflow, runKerasInPython, runTfliteInPython } from '../helpers/python-tf.js';

type Request = Omit<ModelExportRequest, 'format' | 'quantization'>;
const sci = (x: number | null | undefined) => (x == null ? null : Number(x.toExponential(2)));

export async function tfliteKerasFigures(request: Request, log: (line: string) => void): Promise<Record<string, unknown>> {
  const python = pythonTensorflow();
  const results: Record<string, ModelExportResult> = {};
  for (const [key, format, quantization] of [
    ['tflite', 'tflite', null],
    ['tflite_f16', 'tflite', 'float16'],
    ['tflite_int8', 'tflite', 'int8'],
    ['keras', 'keras', null],
  ] as const) {
    const t = Date.now();
    results[key] = await exportModel({ ...request, format, quantization });
    const p = results[key].parity!;
    log(`${key}: ${Date.now() - t} ms, ${results[key].bytes} bytes, studio reader max |Δp| ${p.maxAbs?.toExponential(2)}, top-1 ${p.top1Agreement}; ${p.runtime}`);
  }

  // The studio's own answers on the same decoded photos the exports were checked on.
  const first = results.tflite!;
  const source = resolveModelSource(request.db, request.projectDir, request.modelCacheDir, { runId: first.runId });
  const samples = await sampleImages(request.db, source.preprocessing, first.parity!.examples);
  const scaled = new Float32Array(samples.raw.length);
  scalePixels(samples.raw, source.preprocessing.scaling, scaled, 0);
  const studio = await loadStudioModel(source);
  const reference = await studio.forward(scaled, samples.count);
  studio.dispose();

  const figure = (key: string, run: (file: string) => { output: Float32Array; runtime: string }, file: string) => {
    if (!python) return { maxAbs: results[key]!.parity!.maxAbs, top1: results[key]!.parity!.top1Agreement, runtime: results[key]!.parity!.runtime };
    const out = run(path.join(results[key]!.dir, file));
    const stats = compareOutputs(reference, out.output, samples.count, true);
    log(`${key} in ${out.runtime}: max |Δp| ${stats.maxAbs.toExponential(2)}, top-1 ${stats.top1Agreement} on ${samples.count} photos`);
    return { maxAbs: stats.maxAbs, top1: stats.top1Agreement, runtime: out.runtime };
  };
  const lite = (f: string) => runTfliteInPython(f, samples.raw, samples.count);
  const tflite = figure('tflite', lite, 'model.tflite');
  const f16 = figure('tflite_f16', lite, 'model.tflite');
  const int8 = figure('tflite_int8', lite, 'model.tflite');
  const keras = figure('keras', (f) => runKerasInPython(f, samples.raw, samples.count), 'model.keras');

  // The bundle: train.py for one epoch on a small copy, its model read back by the studio.
  let bundleEpochOk: boolean | null = null;
  const bundle = await exportModel({ ...request, format: 'bundle' });
  log(`bundle: ${bundle.bytes} bytes, ${bundle.files.length} entries`);
  if (python) {
    const t = Date.now();
    const run = spawnSync('python3', [path.join(bundle.dir, 'train.py'), '--head-epochs', '1', '--fine-tune-epochs', '0', '--limit', '32', '--batch-size', '16'], {
      encoding: 'utf8',
      timeout: 1_200_000,
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3', CUDA_VISIBLE_DEVICES: '' },
    });
    const trained = path.join(bundle.dir, 'output', 'model.keras');
    bundleEpochOk = run.status === 0 && fs.existsSync(trained);
    if (bundleEpochOk) {
      const model = await reloadKeras(trained);
      const probs = await model.predict(samples.raw.subarray(0, samples.raw.length / samples.count), 1);
      await model.dispose();
      bundleEpochOk = probs.length === source.classIds.length && Math.abs(probs.reduce((a, p) => a + p, 0) - 1) < 1e-4;
    }
    log(`bundle train.py, 1 epoch on 32 photos: exit ${run.status} in ${Math.round((Date.now() - t) / 1000)} s, read back ${bundleEpochOk}${run.status === 0 ? '' : `: ${run.stderr.split('\n').slice(-5).join(' ')}`}`);
  }

  return {
    tflite_max_dp: sci(tflite.maxAbs),
    tflite_top1_agree: tflite.top1,
    tflite_f16_max_dp: sci(f16.maxAbs),
    tflite_int8_top1_agree: int8.top1,
    tflite_int8_max_dp: sci(int8.maxAbs),
    tflite_int8_size_ratio: Number((results.tflite_int8!.weightBytes! / results.tflite_int8!.float32WeightBytes!).toFixed(3)),
    tflite_runtime: tflite.runtime,
    keras_max_dp: sci(keras.maxAbs),
    keras_top1_agree: keras.top1,
    keras_runtime: keras.runtime,
    bundle_epoch_ok: bundleEpochOk,
  };
}
