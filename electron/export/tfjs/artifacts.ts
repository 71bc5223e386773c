// TF.js LayersModel artifacts to files: model.json with its weights manifest, the weights in
// shards (TF.js converter style, group1-shardXofN.bin) or in one named file (Teachable Machine's
// weights.bin), optionally quantized.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import fs from 'node:fs';
import path from 'node:path';
import type { WeightQuantization } from '../../domain/schemas.js';
import { quantizeWeights } from './quantize.js';

/** The converter's default: small enough for browser caches, few enough requests. */
export const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;

/** The model's topology and weights exactly as tf.io would save them. */
export async function captureArtifacts(model: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!captured) throw new Error(`Model ${model.name} did not save.`);
  return captured;
}

export type WeightsLayout = { kind: 'shards'; shardBytes: number } | { kind: 'single'; file: string };

export interface WriteArtifactsOptions {
  weights: WeightsLayout;
  quantization: WeightQuantization | null;
  /** model.json keys beside modelTopology and weightsManifest (format, generatedBy, ...). */
  extra?: Record<string, unknown>;
}

export interface WrittenArtifacts {
  /** Relative to the folder: model.json first, then the weight files. */
  files: string[];
  weightBytes: number;
  /** What the weights take unquantized, for the size report. */
  float32WeightBytes: number;
}

export function writeLayersArtifacts(dir: string, artifacts: tf.io.ModelArtifacts, options: WriteArtifactsOptions): WrittenArtifacts {
  const specs = artifacts.weightSpecs ?? [];
  const raw = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
  const weights = options.quantization ? quantizeWeights(specs, raw, options.quantization) : { specs, data: raw };
  const bytes = new Uint8Array(weights.data);

  let names: string[];
  if (options.weights.kind === 'single') {
    names = [options.weights.file];
    fs.writeFileSync(path.join(dir, options.weights.file), bytes);
  } else {
    const size = options.weights.shardBytes;
    const count = Math.max(1, Math.ceil(bytes.length / size));
    names = Array.from({ length: count }, (_, i) => `group1-shard${i + 1}of${count}.bin`);
    names.forEach((name, i) => fs.writeFileSync(path.join(dir, name), bytes.subarray(i * size, (i + 1) * size)));
  }
  const json = { modelTopology: artifacts.modelTopology, ...options.extra, weightsManifest: [{ paths: names, weights: weights.specs }] };
  fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
  return { files: ['model.json', ...names], weightBytes: bytes.length, float32WeightBytes: raw.byteLength };
}
