// The ONNX side of a parity check: the same raw pixels through the studio's model and through
// onnxruntime, each fed as its model expects (the ONNX model may scale pixels itself).
import * as tf from '@tensorflow/tfjs-core';
import type { OnnxRunner } from '../../engine/onnx-runner.js';
import { compareOutputs, judgeParity, type ParityVerdict } from '../../onnx/output-parity.js';
import { scalePixelArray } from '../../onnx/input-scaling.js';
import type { OnnxModelMetadata } from '../../onnx/metadata.js';

/** The studio's own forward pass: scaled NHWC input in, outputs of `count` examples out. */
export type ReferenceModel = (scaled: Float32Array, count: number) => Promise<Float32Array>;

/** A ReferenceModel from a tfjs forward function (LayersModel.predict, GraphModel.execute, ...). */
export function tfjsReference(predict: (x: tf.Tensor4D) => tf.Tensor, inputSize: number): ReferenceModel {
  return async (scaled, count) => {
    const out = tf.tidy(() => predict(tf.tensor4d(scaled, [count, inputSize, inputSize, 3])));
    try {
      return new Float32Array(await out.data());
    } finally {
      out.dispose();
    }
  };
}

export interface OnnxParityRequest {
  reference: ReferenceModel;
  runner: OnnxRunner;
  /** From the converted model (OnnxModel.metadata) or readOnnxMetadata. */
  metadata: Pick<OnnxModelMetadata, 'preprocessing' | 'inputScaling' | 'outputKind'>;
  /** Raw RGB 0..255, NHWC, `count` examples of inputSize². */
  pixels: Float32Array;
  count: number;
  batchSize?: number;
}

export interface OnnxParityResult extends ParityVerdict {
  referenceOutput: Float32Array;
  onnxOutput: Float32Array;
}

/** Chunks of outputs, in order, as one array. */
export function concat(chunks: Float32Array[]): Float32Array {
  const out = new Float32Array(chunks.reduce((a, c) => a + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

export async function checkOnnxParity(request: OnnxParityRequest): Promise<OnnxParityResult> {
  const { runner, metadata, pixels, count } = request;
  const batchSize = request.batchSize ?? 16;
  const size = metadata.preprocessing.inputSize;
  const perExample = size * size * 3;
  if (pixels.length !== count * perExample) throw new Error(`Expected ${count} images of ${size}x${size}x3, got ${pixels.length} values.`);

  const referenceChunks: Float32Array[] = [];
  const onnxChunks: Float32Array[] = [];
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const raw = pixels.subarray(start * perExample, (start + n) * perExample);
    const scaled = scalePixelArray(raw, metadata.preprocessing.scaling);
    referenceChunks.push(await request.reference(scaled, n));
    onnxChunks.push(await runner.run(metadata.inputScaling === 'in-model' ? raw : scaled, n));
  }
  const referenceOutput = concat(referenceChunks);
  const onnxOutput = concat(onnxChunks);
  const stats = compareOutputs(referenceOutput, onnxOutput, count, metadata.outputKind !== 'embedding');
  return { ...judgeParity(stats, metadata.outputKind), referenceOutput, onnxOutput };
}
