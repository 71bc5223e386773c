// The forward pass of MobileNetV2's top blocks, from cached cut activations to the pooled
// embedding, written with ops that have gradients on the wasm backend (which has no conv
// backprop kernels): a 1x1 conv is a matMul over [n*h*w, c] (dense-grad.ts, the fast untransposed
// form), a 3x3 depthwise conv is nine shifted multiply-adds over a padded input, batch norm is
// already folded into kernel and bias (mobilenet-top.ts), ReLU6 is clipByValue.
import * as tf from '@tensorflow/tfjs-core';
import { trainingDense, type DenseWeights } from '../training/dense-grad.js';
import type { FoldedConv, FoldedTop, TopPlan } from './mobilenet-top.js';

const relu6 = (x: tf.Tensor) => tf.clipByValue(x, 0, 6);

/** Keras 'same' padding at stride 1: one pixel each side, then the 3x3 window as 9 slices. */
function depthwise3x3(x: tf.Tensor4D, w: FoldedConv): tf.Tensor4D {
  const [n, h, width, c] = x.shape;
  const padded = tf.pad(x, [
    [0, 0],
    [1, 1],
    [1, 1],
    [0, 0],
  ]);
  let sum: tf.Tensor | null = null;
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      const tap = tf.reshape(tf.slice(w.kernel, [i, j, 0], [1, 1, c]), [c]);
      const term = tf.mul(tf.slice(padded, [0, i, j, 0], [n, h, width, c]), tap);
      sum = sum ? tf.add(sum, term) : term;
    }
  }
  return tf.add(sum!, w.bias) as tf.Tensor4D;
}

/**
 * Cut activations [n, h, w, c] → embeddings [n, channels of the top conv] (ReLU6, then the
 * global average pool the backbone ends with). With `training`, every weight must be a
 * tf.Variable (the 1x1 convs take dense-grad's gradient path).
 */
export function topForward(x: tf.Tensor4D, plan: TopPlan, weights: FoldedTop, training = false): tf.Tensor2D {
  const [n, h, w, c] = x.shape;
  const rows = n * h * w;
  const get = (name: string) => {
    const found = weights.get(name);
    if (!found) throw new Error(`no weights for ${name}`);
    return found;
  };
  const conv1x1 = (input: tf.Tensor2D, name: string, inputNeedsGradient: boolean): tf.Tensor2D => {
    const cw = get(name);
    return training ? trainingDense(input, cw as unknown as DenseWeights, inputNeedsGradient) : (tf.add(tf.matMul(input, cw.kernel as tf.Tensor2D), cw.bias) as tf.Tensor2D);
  };

  let flat = tf.reshape(x, [rows, c]) as tf.Tensor2D;
  let first = true;
  for (const block of plan.blocks) {
    const expanded = relu6(conv1x1(flat, block.expand, !first));
    first = false;
    const ce = expanded.shape[1]!;
    const depth = relu6(depthwise3x3(tf.reshape(expanded, [n, h, w, ce]) as tf.Tensor4D, get(block.depthwise)));
    const projected = conv1x1(tf.reshape(depth, [rows, ce]) as tf.Tensor2D, block.project, true);
    flat = block.residual ? (tf.add(flat, projected) as tf.Tensor2D) : projected;
  }
  const top = relu6(conv1x1(flat, plan.top, true));
  return tf.mean(tf.reshape(top, [n, h * w, top.shape[1]!]), 1) as tf.Tensor2D;
}
