// Keras export: the backbone and the head as one Keras 3 functional model (model.keras), same
// layer names as in the studio, backbone layers frozen, the pixel scaling as its first layer so
// raw 0..255 RGB goes in. Reloaded for the parity check by reading the file back (config.json,
// model.weights.h5 through h5wasm) into TF.js; the tests also load it in Keras itself.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import fs from 'node:fs';
import path from 'node:path';
import type { FormatOutput, ModelFormatWriter } from '../model/format.js';
import { inputSpecFile } from '../model/input-spec.js';
import type { CandidateModel } from '../model/parity-check.js';
import type { ModelSource } from '../model/source.js';
import type { StudioModel } from '../model/studio-model.js';
import { layersCandidate } from '../tfjs/format.js';
import { functionalModel, type FunctionalModel } from './functional.js';
import { kerasFileBytes } from './keras-file.js';
import { kerasReadme } from './readme.js';
import { PYTHON_PREDICT, pythonPredictFor } from '../model/python-predict.js';
import { kerasToTfjs, readKeras } from './read-keras.js';

export const KERAS_MODEL_FILE = 'model.keras';

export function kerasRefusal(source: ModelSource): string | null {
  if (source.backbone.format !== 'layers') {
    return `${source.backbone.name} is a TF.js GraphModel (a frozen TensorFlow graph) with no Keras layers to write. Export this run as TFLite or ONNX, or train on a layers backbone such as MobileNetV2 0.35 for a Keras export.`;
  }
  return null;
}

export function studioFunctionalModel(source: ModelSource, studio: StudioModel): FunctionalModel {
  const backbone = studio.backbone.layersModel;
  if (!backbone) throw new Error(`${source.backbone.name} did not load as a LayersModel.`);
  return functionalModel(backbone, studio.head, source.preprocessing);
}

/** The .keras file read back from disk and rebuilt in TF.js, raw pixels in. */
export async function reloadKeras(file: string): Promise<CandidateModel> {
  const model = await kerasToTfjs(await readKeras(new Uint8Array(fs.readFileSync(file))));
  return layersCandidate(model, `studio .keras reader (h5wasm) on tfjs-layers ${tfl.version_layers} (${tf.getBackend()})`);
}

export const kerasFormat: ModelFormatWriter = {
  id: 'keras',
  title: 'Keras model',

  refusal(source, quantization) {
    if (quantization) return 'The Keras export writes float32 weights only; export TFLite or TF.js for quantized weights.';
    return kerasRefusal(source);
  },

  async write({ staging, source, studio, modelName, exportedAt }): Promise<FormatOutput> {
    const bytes = await kerasFileBytes(studioFunctionalModel(source, studio), exportedAt);
    const file = path.join(staging, KERAS_MODEL_FILE);
    fs.writeFileSync(file, bytes);
    fs.writeFileSync(path.join(staging, 'labels.json'), JSON.stringify(source.classNames, null, 2));
    fs.writeFileSync(path.join(staging, 'preprocessing.json'), JSON.stringify(inputSpecFile(source.preprocessing, source.backbone, source.classNames, 'in-model'), null, 2));
    fs.writeFileSync(path.join(staging, 'README.md'), kerasReadme(modelName, source.classNames, source.preprocessing));
    const predict = pythonPredictFor('keras', source.preprocessing);
    if (predict) fs.writeFileSync(path.join(staging, PYTHON_PREDICT), predict);
    return {
      files: [KERAS_MODEL_FILE, 'labels.json', 'preprocessing.json', 'README.md', ...(predict ? [PYTHON_PREDICT] : [])],
      weightBytes: bytes.length,
      float32WeightBytes: bytes.length,
      warnings: [],
      reload: () => reloadKeras(file),
    };
  },
};
