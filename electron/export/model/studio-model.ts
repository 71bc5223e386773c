// The studio's own classifier for a run, computed as the studio computes it: the tfjs backbone
// on pixels scaled by the run's spec, then the trained head on the embeddings. This is the
// reference every exported artifact is checked against.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadBackbone, type LoadedBackbone } from '../../engine/backbones/load.js';
import { fromDisk } from '../../engine/model-files.js';
import { applyTunedTop } from '../../engine/finetune/tuned-backbone.js';
import type { ReferenceModel } from '../onnx/parity.js';
import type { ModelSource } from './source.js';

export interface StudioModel {
  backbone: LoadedBackbone;
  head: tfl.LayersModel;
  /** Scaled NHWC pixels in, class probabilities out. */
  forward: ReferenceModel;
  dispose(): void;
}

export async function loadStudioModel(source: ModelSource): Promise<StudioModel> {
  const backbone = await loadBackbone(source.backboneDir, source.backbone);
  let head: tfl.LayersModel;
  try {
    // A fine-tuned run's blocks go into the backbone first: the reference and every format carry them.
    applyTunedTop(backbone, source.headDir);
    head = await tfl.loadLayersModel(fromDisk(source.headDir));
  } catch (error) {
    backbone.dispose();
    throw error;
  }
  const forward: ReferenceModel = async (scaled, count) => {
    const embeddings = await backbone.embed(scaled, count);
    const probs = tf.tidy(() => head.predict(tf.tensor2d(embeddings, [count, backbone.dim])) as tf.Tensor);
    try {
      return new Float32Array(await probs.data());
    } finally {
      probs.dispose();
    }
  };
  return {
    backbone,
    head,
    forward,
    dispose: () => {
      head.dispose();
      backbone.dispose();
    },
  };
}
