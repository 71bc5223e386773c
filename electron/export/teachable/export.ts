// Teachable Machine-compatible export: code written for a Teachable Machine image model
// (tmImage.load(model.json, metadata.json), then predict) loads this one. Its library feeds
// x / 127 - 1 where the studio's backbone saw the run's own scaling, so a 1x1 depthwise layer in
// front turns the one into the other exactly; the model then predicts as the studio does.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import fs from 'node:fs';
import path from 'node:path';
import pkg from '../../../package.json' with { type: 'json' };
import type { Preprocessing } from '../../domain/schemas.js';
import { SCALING } from '../../onnx/input-scaling.js';
import type { FormatOutput, ModelFormatWriter } from '../model/format.js';
import { captureArtifacts, writeLayersArtifacts } from '../tfjs/artifacts.js';
import { reloadLayersModel, TFJS_RUNTIME } from '../tfjs/format.js';
import { TM_FILES, TM_IMAGE_SIZE, TM_LAYOUT_VERSION, TM_METADATA_KEYS, TM_PREPROCESSING } from './format.js';
import { teachableReadme } from './readme.js';

/** y = a·t + b maps Teachable Machine's input t = x/127 - 1 to the run's scaling of x. */
export function adapterCoefficients(scaling: Preprocessing['scaling']): { a: number; b: number } {
  const from = SCALING[TM_PREPROCESSING.scaling];
  const to = SCALING[scaling];
  // x = divisor_tm · (t + offset_tm); y = x / divisor - offset.
  const a = from.divisor / to.divisor;
  return { a, b: a * from.offset - to.offset };
}

/** Sequential[Sequential[adapter?, backbone], head], as Teachable Machine nests its models. */
function teachableModel(backbone: tfl.LayersModel, head: tfl.LayersModel, spec: Preprocessing): tfl.Sequential {
  const { a, b } = adapterCoefficients(spec.scaling);
  const features = tfl.sequential({ name: 'sequential_features' });
  if (a !== 1 || b !== 0) {
    const adapter = tfl.layers.depthwiseConv2d({ kernelSize: 1, depthMultiplier: 1, useBias: true, inputShape: [spec.inputSize, spec.inputSize, 3], name: 'tm_input_adapter' });
    features.add(adapter);
    tf.tidy(() => adapter.setWeights([tf.fill([1, 1, 3, 1], a), tf.fill([3], b)]));
  }
  features.add(backbone);
  return tfl.sequential({ layers: [features, head], name: 'sequential_teachable' });
}

export function teachableMetadata(labels: string[], modelName: string, exportedAt: Date, userMetadata: Record<string, unknown>): Record<(typeof TM_METADATA_KEYS)[number], unknown> {
  return {
    tfjsVersion: tf.version_core,
    tmVersion: TM_LAYOUT_VERSION.tmVersion,
    packageVersion: TM_LAYOUT_VERSION.packageVersion,
    packageName: TM_LAYOUT_VERSION.packageName,
    timeStamp: exportedAt.toISOString(),
    userMetadata,
    modelName,
    labels,
    imageSize: TM_IMAGE_SIZE,
  };
}

export const teachableFormat: ModelFormatWriter = {
  id: 'teachable',
  title: 'Teachable Machine model',

  refusal(source, quantization) {
    if (quantization === 'int8') return 'Full-integer int8 is a TFLite export; Teachable Machine weights quantize to float16 or uint8.';
    if (source.backbone.format !== 'layers') {
      return `${source.backbone.name} is a TF.js GraphModel; Teachable Machine models are LayersModels, so this run cannot be exported in its format. Export it as ONNX, or train on a layers backbone such as MobileNetV2 0.35 (Teachable Machine's own).`;
    }
    if (source.preprocessing.inputSize !== TM_IMAGE_SIZE) {
      return `Teachable Machine's library always feeds ${TM_IMAGE_SIZE}x${TM_IMAGE_SIZE} images; this run's backbone takes ${source.preprocessing.inputSize}x${source.preprocessing.inputSize}. Export it as TF.js or ONNX instead.`;
    }
    return null;
  },

  async write({ staging, source, studio, quantization, modelName, exportedAt }): Promise<FormatOutput> {
    const cut = studio.backbone.layersModel;
    if (!cut) throw new Error(`${source.backbone.name} did not load as a LayersModel.`);
    const spec = source.preprocessing;
    const model = teachableModel(cut, studio.head, spec);
    const artifacts = await captureArtifacts(model);
    const written = writeLayersArtifacts(staging, artifacts, { weights: { kind: 'single', file: TM_FILES.weights }, quantization });
    const { a, b } = adapterCoefficients(spec.scaling);
    const metadata = teachableMetadata(source.classNames, modelName, exportedAt, {
      exportedBy: `${pkg.productName} ${pkg.version}`,
      runId: source.runId,
      backboneId: source.backbone.id,
      preprocessing: spec,
      inputAdapter: a === 1 && b === 0 ? null : { layer: 'tm_input_adapter', scale: a, offset: b, maps: `x / 127 - 1 to ${spec.scaling}` },
    });
    fs.writeFileSync(path.join(staging, TM_FILES.metadata), JSON.stringify(metadata));
    fs.writeFileSync(path.join(staging, 'README.md'), teachableReadme(modelName, source.classNames, spec));
    const warnings =
      spec.resizeMode === 'center-crop'
        ? []
        : [`This run resized images by "${spec.resizeMode}", but Teachable Machine's library centre-crops them: on photos that are not square its predictions will differ from the studio's. Retrain with the centre-crop resize mode for a Teachable Machine export that matches exactly.`];
    return {
      files: [...written.files, TM_FILES.metadata, 'README.md'],
      weightBytes: written.weightBytes,
      float32WeightBytes: written.float32WeightBytes,
      warnings,
      // Fed as Teachable Machine's capture() does: tensor.div(127).sub(1).
      reload: () => reloadLayersModel(staging, `${TFJS_RUNTIME()}, input as Teachable Machine feeds it (x / 127 - 1)`, (x) => tf.sub(tf.div(x, 127), 1)),
    };
  },
};
