// Head selection's softmax-regression candidates (one per L2 strength) trained together, as one
// dense layer with a block of class columns per candidate. The blocks share no weight and Adam
// updates each weight from its own gradient, so every block follows the trajectory it would
// follow alone (same batches, same steps); each block keeps its own best epoch and stops being
// scored when its own patience runs out. What is shared is the work: a linear candidate's step
// is almost all per-step overhead on wasm (reading the batch, dispatching ops, one read back),
// so two strengths trained together cost about one. Only the held-out probabilities and best
// epochs come back: selection refits the winner, it does not keep these weights.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { TrainConfig } from '../../domain/schemas.js';
import type { EmbeddingCache } from '../embeddings/cache.js';
import { seededRandom } from '../images/random.js';
import { ShuffledBatches, type LabeledKey } from './batches.js';
import { trainingDense } from './dense-grad.js';
import { adaptivePatience, autoBatchSize, balancedClassWeights, crossEntropy, lossTensor, trainEpoch } from './head.js';

export interface LinearHeadResult {
  l2: number;
  /** Validation probabilities of the weights kept (n x C, rows in `val` order). */
  valProbs: Float32Array;
  bestEpoch: number;
}

/** Improvement smaller than this is no improvement (as in head.ts). */
const MIN_DELTA = 1e-4;

export async function trainLinearHeads(options: {
  dim: number;
  nClasses: number;
  /** A linear candidate's settings (candidateConfig): learning rate, batch, epochs, patience. */
  config: TrainConfig;
  l2s: readonly number[];
  train: readonly LabeledKey[];
  val: readonly LabeledKey[];
  cache: EmbeddingCache;
  checkpoint?: () => void;
  onBatch?: (epoch: number, batch: number, batches: number, loss: number) => void;
}): Promise<LinearHeadResult[]> {
  const { dim, nClasses: c, config, l2s, cache } = options;
  const k = l2s.length;
  // Every block starts where a linear head built alone starts (buildHead's initializer and seed).
  const init = tf.tidy(() => tf.tile(tfl.initializers.glorotUniform({ seed: config.seed + 3 }).apply([dim, c]) as tf.Tensor2D, [1, k]));
  const kernel = tf.variable(init, true);
  init.dispose();
  const bias = tf.variable(tf.zeros([k * c]), true);
  const optimizer = tf.train.adam(config.learningRate);
  const batchSize = config.batchSize > 0 ? config.batchSize : autoBatchSize(options.train.length);
  const weights = config.classWeights ? tf.tensor1d(balancedClassWeights(options.train.map((t) => t.label), c)) : null;
  // Each column's L2 strength: the penalty of every block in one product.
  const columnL2 = tf.tensor1d(l2s.flatMap((l2) => Array<number>(c).fill(l2)));
  const random = seededRandom(`${config.seed}:shuffle`);
  const batches = new ShuffledBatches(cache, options.train, batchSize);
  const valVectors = new Float32Array(options.val.length * dim);
  cache.readKeys(
    options.val.map((v) => v.key),
    valVectors,
  );
  const valX = tf.tensor2d(valVectors, [options.val.length, dim]);
  const valLabels = options.val.map((v) => v.label);
  const earlyStopping = config.patience > 0 && options.val.length > 0;
  const blocks = l2s.map(() => ({ best: null as { loss: number; epoch: number; probs: Float32Array } | null, stopped: false }));
  const block = (t: tf.Tensor2D, i: number) => tf.slice(t, [0, i * c], [-1, c]);

  try {
    for (let epoch = 1; epoch <= config.epochs && !blocks.every((b) => b.stopped); epoch++) {
      await trainEpoch({
        batches,
        random,
        epoch,
        optimizer,
        variables: [kernel, bias],
        objective: (batch, y, _dropoutSeed) => {
          const logits = trainingDense(tf.tensor2d(batch.x, [batch.n, dim]), { kernel, bias }, false);
          const ce = tf.addN(l2s.map((_, i) => lossTensor(block(logits, i), y, c, config.labelSmoothing, weights)));
          // Block 0's logits give the step's hit count (a progress figure only).
          return { logits: block(logits, 0), loss: tf.add(ce, tf.sum(tf.mul(tf.square(kernel), columnL2))) };
        },
        ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
        ...(options.onBatch ? { onBatch: options.onBatch } : {}),
      });
      const probsT = tf.tidy(() => {
        const logits = tf.add(tf.matMul(valX, kernel), bias) as tf.Tensor2D;
        return tf.concat(l2s.map((_, i) => tf.softmax(block(logits, i))), 1);
      });
      const all = (await probsT.data()) as Float32Array;
      probsT.dispose();
      const n = options.val.length;
      blocks.forEach((b, i) => {
        if (b.stopped) return;
        const probs = new Float32Array(n * c);
        for (let r = 0; r < n; r++) probs.set(all.subarray(r * k * c + i * c, r * k * c + (i + 1) * c), r * c);
        const { loss } = crossEntropy(probs, valLabels, c);
        if (!earlyStopping || !b.best || loss < b.best.loss - MIN_DELTA) {
          b.best = { loss, epoch, probs };
        } else if (epoch - b.best.epoch >= adaptivePatience(config.patience, b.best.epoch)) {
          b.stopped = true;
        }
      });
    }
    return l2s.map((l2, i) => ({ l2, valProbs: blocks[i]!.best!.probs, bestEpoch: blocks[i]!.best!.epoch }));
  } finally {
    tf.dispose([kernel, bias, columnL2, valX]);
    weights?.dispose();
    optimizer.dispose();
  }
}
