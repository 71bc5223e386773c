// Several heads of one shape averaged into ONE ordinary head, so that an ensemble needs nothing
// new from the exporters (TF.js, Teachable Machine, ONNX, Keras all read plain Dense layers):
// - softmax regression: the logits are linear in the weights, so the mean of the members'
//   kernels and biases gives exactly the mean of their logits;
// - MLPs: the members' hidden layers side by side (m x h units, still relu) and the output
//   kernels stacked and divided by m, the output bias the mean: each member's hidden units feed
//   only their own block of the output, so the logits are again the mean of the members'.
// Dropout is identity at inference and keeps the members' rate (it matters only if the merged
// head trains further, as fine-tuning's start head). The class probabilities are the softmax of
// the mean logits: the geometric mean of the members' probabilities, renormalized.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { TrainConfig } from '../../domain/schemas.js';
import { buildHead } from './head.js';

interface HeadShape {
  dim: number;
  nClasses: number;
  hidden: number;
  dropout: number;
}

function shapeOf(model: tfl.Sequential): HeadShape {
  const dense = (name: string) => model.layers.find((l) => l.name === name);
  const output = dense('head_output');
  if (!output) throw new Error('A head to merge has no "head_output" layer.');
  const hidden = dense('head_hidden');
  const input = model.inputs[0]!.shape[1]!;
  const rate = dense('head_dropout')?.getConfig().rate;
  return { dim: input, nClasses: output.outputShape[1] as number, hidden: hidden ? (hidden.outputShape[1] as number) : 0, dropout: typeof rate === 'number' ? rate : 0 };
}

/** The seed of ensemble member `index`: member 0 is the run's own seed, so one member is the plain refit. */
export function memberSeed(seed: number, index: number): number {
  return (seed + index * 104729) % 2 ** 31;
}

/**
 * One head whose logits are the mean of `members`' logits (exactly, up to float rounding). The
 * members must share input size, classes and kind (all with a hidden layer, or none); MLP
 * widths may differ. A single member is returned as it is. The members stay the caller's.
 */
export function mergeHeads(members: readonly tfl.Sequential[], config: TrainConfig): tfl.Sequential {
  if (members.length === 0) throw new Error('No heads to merge.');
  if (members.length === 1) return members[0]!;
  const shapes = members.map(shapeOf);
  const first = shapes[0]!;
  if (shapes.some((s) => s.dim !== first.dim || s.nClasses !== first.nClasses || s.hidden > 0 !== first.hidden > 0)) {
    throw new Error('Only heads of one kind, input size and class count can be merged.');
  }
  const m = members.length;
  const hidden = shapes.reduce((n, s) => n + s.hidden, 0);
  const merged = buildHead(first.dim, first.nClasses, { ...config, hiddenUnits: hidden, dropout: first.dropout });
  const weights = members.map((model) => model.getWeights());
  const averaged = tf.tidy(() => {
    const mean = (index: number) => tf.div(tf.addN(weights.map((w) => w[index]!)), m);
    if (hidden === 0) return [mean(0), mean(1)];
    // [hidden kernel, hidden bias, output kernel, output bias] per member (dropout has none).
    return [
      tf.concat(
        weights.map((w) => w[0]!),
        1,
      ),
      tf.concat(
        weights.map((w) => w[1]!),
        0,
      ),
      tf.div(
        tf.concat(
          weights.map((w) => w[2]!),
          0,
        ),
        m,
      ),
      mean(3),
    ];
  });
  merged.setWeights(averaged);
  tf.dispose(averaged);
  return merged;
}
