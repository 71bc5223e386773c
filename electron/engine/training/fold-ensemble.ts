// The k heads of a k-fold selection merged into one head that averages their logits: their
// hidden layers side by side (k x units ReLUs), the output kernel stacked and divided by k, the
// output biases averaged. It is an ordinary dense-ReLU-dense-softmax model (a linear head stays
// linear: its kernels simply average), so it saves, predicts and exports like any head, and
// every labeled photo outside the test split trained k - 1 of its members. Averaging the folds'
// heads also evens out what one seed's training draws (its initial weights, dropout masks and
// batch order), which on a few dozen photos per class moves test accuracy by several points.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { TrainConfig } from '../../domain/schemas.js';
import { buildHead, type TrainedHead } from './head.js';

export function mergeFoldHeads(heads: readonly TrainedHead[], dim: number, nClasses: number, config: TrainConfig): tfl.Sequential {
  const k = heads.length;
  const weights = heads.map((h) => h.model.getWeights());
  const hidden = config.hiddenUnits > 0;
  const merged = buildHead(dim, nClasses, { ...config, hiddenUnits: hidden ? config.hiddenUnits * k : 0 });
  const values = tf.tidy(() => {
    if (!hidden) {
      // [kernel, bias]: plain averages.
      return [0, 1].map((i) => tf.div(tf.addN(weights.map((w) => w[i]!)), k));
    }
    // [hiddenKernel dim x u, hiddenBias u, outputKernel u x C, outputBias C]
    return [
      tf.concat(weights.map((w) => w[0]!), 1),
      tf.concat(weights.map((w) => w[1]!), 0),
      tf.div(tf.concat(weights.map((w) => w[2]!), 0), k),
      tf.div(tf.addN(weights.map((w) => w[3]!)), k),
    ];
  });
  merged.setWeights(values);
  tf.dispose(values);
  return merged;
}
