// A dense layer for the head's training step whose gradients use only untransposed matMuls.
// tfjs-core differentiates matMul with transposed-operand matMuls, and the wasm backend runs
// those 12-16x slower than a plain one (measured, 256x1280 by 1280x128: 47 ms with transposeA,
// 3.9 ms as transpose + matMul), which made the weight gradient ~85 % of every training step.
import * as tf from '@tensorflow/tfjs-core';

export interface DenseWeights {
  kernel: tf.Variable;
  bias: tf.Variable;
}

/**
 * x·W + b. `x` is a constant (the embeddings batch) unless `xNeedsGradient`: then the layer
 * also passes a gradient back to x, as a layer after the hidden one must.
 */
export function trainingDense(x: tf.Tensor2D, weights: DenseWeights, xNeedsGradient: boolean): tf.Tensor2D {
  const { kernel, bias } = weights;
  // Tensors the gradient needs go through save(): the forward pass runs in its own scope, so a
  // captured intermediate (the hidden activations) would be disposed before the backward pass.
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    save([input, w]);
    return {
      value: tf.add(tf.matMul(input, w), b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
        const dw = tf.matMul(tf.transpose(xs), dy as tf.Tensor2D);
        const db = tf.sum(dy, 0);
        // The input gradient of the first layer (x is the data) would be wasted work.
        const dx = xNeedsGradient ? tf.matMul(dy as tf.Tensor2D, tf.transpose(ws)) : tf.zerosLike(xs);
        return [dx, dw, db];
      },
    };
  });
  return op(x, kernel, bias) as tf.Tensor2D;
}
