// The frozen part of the backbone below the cut, as an Embedder: pixels in, the flattened
// activations at the input of the first fine-tuned block out (7x7xC for MobileNetV2), so the
// embedding pipeline (decode, augmented views, cache, cancel) fills the cut cache unchanged.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { currentBackend } from '../backend.js';
import type { BackboneSpec } from '../backbones/catalogue.js';
import type { EmbedEngine, Embedder } from '../embedder.js';
import { findLayer, ownerOf, type TopPlan } from './mobilenet-top.js';
import type { Preprocessing } from '../../domain/schemas.js';
import { compareOutputs, judgeParity } from '../../onnx/output-parity.js';
import { layersModelToOnnx } from '../../onnx/index.js';
import { decodeForModel, scalePixels, type ImageSource } from '../images/decode.js';
import { loadOnnxRuntime, OnnxRunner } from '../onnx-runner.js';

export interface CutBackbone extends Embedder {
  readonly plan: TopPlan;
}

/** `model` is the backbone's layers model (it stays owned by the caller). */
export function cutBackbone(model: tfl.LayersModel, spec: BackboneSpec, plan: TopPlan): CutBackbone {
  const owner = ownerOf(model, plan.cutLayer);
  const layer = findLayer(model, plan.cutLayer);
  if (!owner || !layer) throw new Error(`the backbone has no layer ${plan.cutLayer}`);
  const cut = tfl.model({ inputs: owner.inputs, outputs: layer.input as tfl.SymbolicTensor, name: `${owner.name}_cut` });
  const [h, w, c] = plan.cutShape;
  const size = spec.input.size;
  return {
    spec,
    plan,
    dim: h * w * c,
    engine: `tfjs-${currentBackend()?.name ?? 'cpu'}` as EmbedEngine,
    async embed(batch, n) {
      const out = tf.tidy(() => cut.predict(tf.tensor4d(batch, [n, size, size, 3])) as tf.Tensor);
      const data = (await out.data()) as Float32Array;
      out.dispose();
      return data;
    },
    // The cut model shares the backbone's layers; those are freed with the backbone.
    dispose: () => undefined,
  };
}

/**
 * The cut on onnxruntime (converted by our ONNX writer, ~7x faster than tfjs wasm here) when it
 * is available and agrees with the tfjs cut on the sample images; else the tfjs cut. Set
 * STUDIO_EMBEDDER=tfjs to keep it on tfjs, as for the embeddings.
 */
export async function openCutBackbone(model: tfl.LayersModel, spec: BackboneSpec, plan: TopPlan, samples: readonly ImageSource[]): Promise<CutBackbone> {
  const tfjs = cutBackbone(model, spec, plan);
  if (process.env.STUDIO_EMBEDDER === 'tfjs') return tfjs;
  const runtime = await loadOnnxRuntime();
  if (!runtime.ok) return tfjs;
  const preprocessing: Preprocessing = { inputSize: spec.input.size, resizeMode: 'squash', scaling: spec.input.scaling };
  let runner: OnnxRunner | null = null;
  try {
    const owner = ownerOf(model, plan.cutLayer)!;
    const cut = tfl.model({ inputs: owner.inputs, outputs: findLayer(model, plan.cutLayer)!.input as tfl.SymbolicTensor });
    runner = await OnnxRunner.create(layersModelToOnnx(cut, { preprocessing, inputScaling: 'external', outputKind: 'embedding' }).bytes);
    const size = spec.input.size ** 2 * 3;
    const decoded = (await Promise.all(samples.slice(0, 4).map((s) => decodeForModel(s, preprocessing).catch(() => null)))).filter((d) => d !== null);
    if (decoded.length === 0) throw new Error('no sample image decoded');
    const scaled = new Float32Array(decoded.length * size);
    decoded.forEach((d, i) => scalePixels(d.pixels, spec.input.scaling, scaled, i * size));
    const verdict = judgeParity(compareOutputs(await tfjs.embed(scaled, decoded.length), await runner.run(scaled, decoded.length), decoded.length, false), 'embedding');
    if (!verdict.passed) throw new Error(`parity ${verdict.maxRel.toExponential(2)}`);
    const ort = runner;
    return { ...tfjs, engine: 'onnxruntime', embed: (batch, n) => ort.run(batch, n), dispose: () => void ort.dispose() };
  } catch (error) {
    console.warn(`Fine-tuning caches its activations with tfjs (onnxruntime not used: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}).`);
    await runner?.dispose();
    return tfjs;
  }
}
