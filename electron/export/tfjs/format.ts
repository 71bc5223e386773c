// TF.js LayersModel export: the backbone and the head in one graph (the input scaling included,
// so raw pixels go in), weights in converter-style shards, labels.json,
// preprocessing.json and a README. Graph-model backbones (TF-Hub) are refused: a LayersModel
// cannot hold a frozen graph, and two artifacts glued by user code are what the export avoids.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import fs from 'node:fs';
import path from 'node:path';
import pkg from '../../../package.json' with { type: 'json' };
import { fromDisk } from '../../engine/model-files.js';
import type { Preprocessing } from '../../domain/schemas.js';
import { SCALING } from '../../onnx/input-scaling.js';
import type { FormatOutput, ModelFormatWriter } from '../model/format.js';
import { inputSpecFile } from '../model/input-spec.js';
import type { CandidateModel } from '../model/parity-check.js';
import { captureArtifacts, DEFAULT_SHARD_BYTES, writeLayersArtifacts } from './artifacts.js';
import { tfjsReadme } from './readme.js';

export const TFJS_RUNTIME = () => `tfjs-layers ${tfl.version_layers} (${tf.getBackend()})`;

/**
 * scaling ∘ backbone ∘ head as one functional model from raw 0..255 pixels: with the scaling
 * inside, a user cannot feed the model wrongly scaled input.
 */
export function fullLayersModel(backbone: tfl.LayersModel, head: tfl.LayersModel, spec: Preprocessing): tfl.LayersModel {
  const image = tfl.input({ shape: [spec.inputSize, spec.inputSize, 3], name: 'image' });
  const { divisor, offset } = SCALING[spec.scaling];
  const scaled = tfl.layers.rescaling({ scale: 1 / divisor, offset: -offset, name: 'input_scaling' }).apply(image) as tfl.SymbolicTensor;
  const probabilities = head.apply(backbone.apply(scaled)) as tfl.SymbolicTensor;
  return tfl.model({ inputs: image, outputs: probabilities, name: 'transfer_studio_classifier' });
}

/** A LayersModel folder as a user loads it: tf.loadLayersModel on the files, nothing shared. */
export async function reloadLayersModel(dir: string, runtime: string, prepare: (raw: tf.Tensor4D) => tf.Tensor4D = (x) => x): Promise<CandidateModel> {
  return layersCandidate(await tfl.loadLayersModel(fromDisk(dir)), runtime, prepare);
}

/** A loaded LayersModel taking [N, size, size, 3] as a parity candidate; disposing it disposes the model. */
export function layersCandidate(model: tfl.LayersModel, runtime: string, prepare: (raw: tf.Tensor4D) => tf.Tensor4D = (x) => x): CandidateModel {
  const [, size] = model.inputs[0]!.shape as number[];
  return {
    runtime,
    async predict(raw, count) {
      const out = tf.tidy(() => model.predict(prepare(tf.tensor4d(raw, [count, size!, size!, 3]))) as tf.Tensor);
      try {
        return new Float32Array(await out.data());
      } finally {
        out.dispose();
      }
    },
    dispose: () => void model.dispose(),
  };
}

export const tfjsFormat: ModelFormatWriter = {
  id: 'tfjs',
  title: 'TF.js LayersModel',

  refusal(source, quantization) {
    if (quantization === 'int8') return 'Full-integer int8 is a TFLite export; TF.js weights quantize to float16 or uint8.';
    if (source.backbone.format !== 'layers') {
      return `${source.backbone.name} is a TF.js GraphModel (a frozen TensorFlow graph), which cannot be merged with the trained head into one LayersModel. Export this run as ONNX (one graph from pixels to probabilities), or train on a layers backbone such as MobileNetV2 0.35 for a TF.js export.`;
    }
    return null;
  },

  async write({ staging, source, studio, quantization, modelName, exportedAt }): Promise<FormatOutput> {
    const cut = studio.backbone.layersModel;
    if (!cut) throw new Error(`${source.backbone.name} did not load as a LayersModel.`);
    const spec = source.preprocessing;
    // The full model shares its layers (and weights) with the studio's: it is not disposed here.
    const full = fullLayersModel(cut, studio.head, spec);
    const artifacts = await captureArtifacts(full);
    const written = writeLayersArtifacts(staging, artifacts, {
      weights: { kind: 'shards', shardBytes: DEFAULT_SHARD_BYTES },
      quantization,
      extra: {
        format: 'layers-model',
        generatedBy: `${pkg.productName} ${pkg.version} (tfjs-layers ${tfl.version_layers})`,
        convertedBy: null,
        // tfjs exposes this as model.getUserDefinedMetadata(): the labels travel with the model.
        userDefinedMetadata: { labels: source.classNames, preprocessing: spec, name: modelName, exportedAt: exportedAt.toISOString() },
      },
    });
    const files = [...written.files, 'labels.json', 'preprocessing.json', 'README.md'];
    fs.writeFileSync(path.join(staging, 'labels.json'), JSON.stringify(source.classNames, null, 2));
    fs.writeFileSync(path.join(staging, 'preprocessing.json'), JSON.stringify(inputSpecFile(spec, source.backbone, source.classNames, 'in-model'), null, 2));
    fs.writeFileSync(path.join(staging, 'README.md'), tfjsReadme({ title: modelName, spec, labels: source.classNames, quantization }));
    return {
      files,
      weightBytes: written.weightBytes,
      float32WeightBytes: written.float32WeightBytes,
      warnings: [],
      reload: () => reloadLayersModel(staging, TFJS_RUNTIME()),
    };
  },
};
