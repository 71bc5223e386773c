// The frozen part of the backbone below the cut, as an Embedder: pixels in, the flattened
// activations at the input of the first fine-tuned block out (7x7xC for MobileNetV2), so the
// embedding pipeline (decode, augmented views, cache, cancel) fills the cut cache unchanged.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { currentBackend } from '../backend.js';
import type { BackboneSpec } from '../backbones/catalogue.js';
import type { EmbedEngine, Embedder } from '../embedder.js';
import { findLayer, ownerOf, type TopPlan } from './mobilenet-top.js';

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
