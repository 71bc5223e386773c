// TFLite export: the backbone (its pixel scaling included) and the head as one .tflite model
// taking [1, H, W, 3] raw RGB, written by the studio from the ONNX graph its own converter makes
// (so layers and graph backbones both export). float32, float16 weights, or int8 full-integer
// calibrated on the project's training photos. Reloaded from disk by the studio's reader for the
// parity check; the tests also run it in TensorFlow Lite itself.
import * as tf from '@tensorflow/tfjs-core';
import fs from 'node:fs';
import path from 'node:path';
import type { WeightQuantization } from '../../domain/schemas.js';
import type { FormatOutput, ModelFormatWriter } from '../model/format.js';
import { inputSpecFile } from '../model/input-spec.js';
import type { CandidateModel } from '../model/parity-check.js';
import type { ModelSource } from '../model/source.js';
import { convert } from '../onnx/file-format.js';
import { onnxToTflite } from './from-onnx.js';
import type { TfliteGraph } from './graph.js';
import { TfliteModelRunner } from './interpret.js';
import { encodeMetadata, readMetadata, type TfliteMetadata } from './metadata.js';
import { calibrationImages } from './calibration.js';
import { toInt8 } from './int8.js';
import { toFloat16Weights } from './quantize.js';
import { readTflite } from './read.js';
import { tfliteReadme } from './readme.js';
import { PYTHON_PREDICT, pythonPredictFor } from '../model/python-predict.js';
import { writeTflite } from './write.js';

export const TFLITE_MODEL_FILE = 'model.tflite';

export const TFLITE_READER_RUNTIME = () => `studio TFLite reader on tfjs (${tf.getBackend()})`;

function precisionOf(quantization: WeightQuantization | null): TfliteMetadata['precision'] {
  return quantization === 'float16' ? 'float16' : quantization === 'int8' ? 'int8' : 'float32';
}

export interface TfliteBuild {
  graph: TfliteGraph;
  /** float32 size of the same model, for the weight ratio. */
  float32Bytes: number;
}

/** The .tflite file as a user runs it: bytes from disk, read and computed by the studio's reader. */
export function reloadTflite(file: string, source: Pick<ModelSource, 'classNames' | 'preprocessing'>): CandidateModel {
  const model = readTflite(fs.readFileSync(file));
  const meta = readMetadata(model);
  if (JSON.stringify(meta.labels) !== JSON.stringify(source.classNames)) throw new Error("The written model's labels do not match the run's classes.");
  if (JSON.stringify(meta.preprocessing) !== JSON.stringify(source.preprocessing)) throw new Error("The written model's preprocessing does not match the run's.");
  const runner = new TfliteModelRunner(model);
  return {
    runtime: `${TFLITE_READER_RUNTIME()}${meta.precision === 'int8' ? ', int8 kernels simulated in float' : ''}`,
    predict: async (raw, count) => runner.predict(raw, count),
    dispose: () => runner.dispose(),
  };
}

export const tfliteFormat: ModelFormatWriter = {
  id: 'tflite',
  title: 'TensorFlow Lite model',

  refusal(_source, quantization) {
    if (quantization === 'uint8') return 'TFLite quantizes to int8 (full integer, calibrated on the training photos): choose int8, float16 or float32.';
    return null;
  },

  async write({ staging, source, studio, quantization, modelName, db }): Promise<FormatOutput> {
    const onnx = convert(source, studio);
    const graph = onnxToTflite(onnx.bytes);
    const float32Bytes = writeTflite(graph).length;
    const warnings: string[] = [];
    const n = source.preprocessing.inputSize;
    let input = `float32 [1, ${n}, ${n}, 3], raw RGB 0..255; the model scales it itself`;
    if (quantization === 'float16') toFloat16Weights(graph);
    if (quantization === 'int8') {
      const photos = await calibrationImages(db, source.preprocessing);
      const report = toInt8(graph, photos.raw, photos.count);
      const q = report.input;
      input = `uint8 [1, ${n}, ${n}, 3], raw RGB 0..255; its quantization (scale ${q.scale[0]}, zero point ${q.zeroPoint[0]}) is the model's scaling; calibrated on ${photos.count} training photos`;
      if (photos.count < 16) warnings.push(`The int8 model was calibrated on only ${photos.count} training photos; its activation ranges may not cover new photos.`);
    }
    const precision = precisionOf(quantization);
    graph.description = `${modelName}: ${source.backbone.name} with a trained head (${precision}).`;
    Object.assign(
      graph.metadata,
      encodeMetadata({ labels: source.classNames, preprocessing: source.preprocessing, precision, input }),
    );
    const bytes = writeTflite(graph);
    const file = path.join(staging, TFLITE_MODEL_FILE);
    fs.writeFileSync(file, bytes);
    fs.writeFileSync(path.join(staging, 'labels.txt'), `${source.classNames.join('\n')}\n`);
    fs.writeFileSync(path.join(staging, 'labels.json'), JSON.stringify(source.classNames, null, 2));
    fs.writeFileSync(path.join(staging, 'preprocessing.json'), JSON.stringify(inputSpecFile(source.preprocessing, source.backbone, source.classNames, 'in-model'), null, 2));
    fs.writeFileSync(path.join(staging, 'README.md'), tfliteReadme(modelName, source.classNames, source.preprocessing, precision));
    const predict = pythonPredictFor('tflite', source.preprocessing);
    if (predict) fs.writeFileSync(path.join(staging, PYTHON_PREDICT), predict);
    return {
      files: [TFLITE_MODEL_FILE, 'labels.txt', 'labels.json', 'preprocessing.json', 'README.md', ...(predict ? [PYTHON_PREDICT] : [])],
      weightBytes: bytes.length,
      float32WeightBytes: float32Bytes,
      warnings,
      reload: async () => reloadTflite(file, source),
    };
  },
};
