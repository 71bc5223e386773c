// The classifier head on top of frozen embeddings, trained by a hand-written loop rather than
// model.fit: batches stream from the embedding cache (memory holds one shard and one batch, see
// batches.ts), and the loop owns early stopping with best-weights restore, class weights and
// label smoothing.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { TrainConfig } from '../../domain/schemas.js';
import type { CacheKey, EmbeddingCache } from '../embeddings/cache.js';
import { planShards, SHARD_ROWS } from '../embeddings/shards.js';
import { seededRandom, type Random } from '../images/random.js';
import { ShuffledBatches, type Batch, type LabeledKey } from './batches.js';
import { trainingDense, type DenseWeights } from './dense-grad.js';

export type { LabeledKey } from './batches.js';

export interface EpochStats {
  epoch: number;
  trainLoss: number;
  trainAcc: number;
  valLoss: number | null;
  valAcc: number | null;
  durationMs: number;
}

export interface HeadTrainingOptions {
  dim: number;
  nClasses: number;
  config: TrainConfig;
  train: readonly LabeledKey[];
  val: readonly LabeledKey[];
  cache: EmbeddingCache;
  /** Fixed epoch count without early stopping (used by out-of-fold training and the refit). */
  fixedEpochs?: number;
  /** L2 penalty on the kernels (sum of squares times this); 0 or absent: none. */
  l2?: number;
  /** Weights to start from instead of the seeded initialization (a warm start, warm-start.ts); the caller's. */
  initialWeights?: readonly tf.Tensor[];
  onEpoch?: (stats: EpochStats) => void;
  onBatch?: (epoch: number, batch: number, batches: number, loss: number) => void;
  /** Called between batches; throws to cancel. */
  checkpoint?: () => void;
}

export interface TrainedHead {
  model: tfl.Sequential;
  history: EpochStats[];
  bestEpoch: number;
  batchSize: number;
  /** Validation loss and accuracy of the weights kept (null without validation images). */
  best: { valLoss: number; valAcc: number } | null;
}

const EPSILON = 1e-7;
const EVAL_BATCH = 512;

/** Fewest epochs without improvement before stopping, whatever the best epoch. */
export const MIN_PATIENCE = 3;

/**
 * Epochs to wait for a better validation loss: as many as it took to reach the best one, at
 * least MIN_PATIENCE, at most the configured patience. A frozen backbone's head usually peaks
 * within a few epochs (hymenoptera: epoch 1-3), and waiting the full patience after such an
 * early peak was most of a retrain's time without changing the weights kept.
 */
export function adaptivePatience(patience: number, bestEpoch: number): number {
  return Math.min(patience, Math.max(MIN_PATIENCE, bestEpoch));
}

export function autoBatchSize(items: number): number {
  const target = 2 ** Math.round(Math.log2(Math.max(1, items / 25)));
  return Math.min(256, Math.max(16, target));
}

export function buildHead(dim: number, nClasses: number, config: TrainConfig): tfl.Sequential {
  const head = tfl.sequential({ name: 'head' });
  const init = (offset: number) => tfl.initializers.glorotUniform({ seed: config.seed + offset });
  let first = true;
  const input = () => (first ? ((first = false), { inputShape: [dim] }) : {});
  if (config.hiddenUnits > 0) {
    head.add(tfl.layers.dense({ ...input(), units: config.hiddenUnits, activation: 'relu', kernelInitializer: init(1), name: 'head_hidden' }));
  }
  if (config.dropout > 0) head.add(tfl.layers.dropout({ ...input(), rate: config.dropout, seed: config.seed + 2, name: 'head_dropout' }));
  head.add(tfl.layers.dense({ ...input(), units: nClasses, activation: 'softmax', kernelInitializer: init(3), name: 'head_output' }));
  return head;
}

/** Balanced weights n / (C * n_c), so each class contributes equally to the loss. */
export function balancedClassWeights(labels: readonly number[], nClasses: number): Float32Array {
  const counts = new Float32Array(nClasses);
  for (const l of labels) counts[l]! += 1;
  const weights = new Float32Array(nClasses);
  for (let c = 0; c < nClasses; c++) weights[c] = counts[c]! > 0 ? labels.length / (nClasses * counts[c]!) : 0;
  return weights;
}

/** Cross-entropy from logits against smoothed one-hot targets, optionally class-weighted. */
export function lossTensor(logits: tf.Tensor2D, labels: tf.Tensor1D, nClasses: number, smoothing: number, weights: tf.Tensor1D | null): tf.Scalar {
  const target = tf.add(tf.mul(tf.oneHot(labels, nClasses), 1 - smoothing), smoothing / nClasses);
  const ce = tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 1));
  if (!weights) return tf.mean(ce);
  const w = tf.gather(weights, labels);
  return tf.div(tf.sum(tf.mul(ce, w)), tf.add(tf.sum(w), EPSILON));
}

function denseWeights(model: tfl.Sequential, name: string): DenseWeights {
  const [kernel, bias] = model.getLayer(name).trainableWeights.map((w) => w.read() as tf.Variable);
  return { kernel: kernel!, bias: bias! };
}

/**
 * The head's forward pass for training, on the layers model's own variables: the same maths as
 * model.apply(x, { training: true }) but with wasm-friendly gradients (dense-grad.ts), logits
 * for a stable loss, and a fresh dropout mask per step (a seeded Dropout layer would draw the
 * same mask for every batch of the same shape). `xNeedsGradient` when x comes from trained layers
 * (fine-tuned backbone blocks) rather than the cache.
 */
export function trainingLogits(model: tfl.Sequential, x: tf.Tensor2D, dropoutSeed: number, xNeedsGradient = false): tf.Tensor2D {
  // The layers say which head this is: head selection may have chosen softmax regression (no
  // hidden layer, no dropout) while the run's config describes the MLP.
  const hidden = model.layers.some((l) => l.name === 'head_hidden');
  const dropout = model.layers.find((l) => l.name === 'head_dropout')?.getConfig().rate;
  let h = x;
  if (hidden) h = tf.relu(trainingDense(h, denseWeights(model, 'head_hidden'), xNeedsGradient));
  if (typeof dropout === 'number' && dropout > 0) h = tf.dropout(h, dropout, undefined, dropoutSeed) as tf.Tensor2D;
  return trainingDense(h, denseWeights(model, 'head_output'), xNeedsGradient || hidden);
}

/** Class probabilities for many cached vectors, n x C row-major in the order of `keys`. */
export async function predictCached(model: tfl.LayersModel, cache: EmbeddingCache, keys: readonly CacheKey[], nClasses: number): Promise<Float32Array> {
  const out = new Float32Array(keys.length * nClasses);
  const buffer = new Float32Array(Math.min(SHARD_ROWS, keys.length) * cache.dim);
  for (const shard of planShards(keys.map((key, index) => ({ key, index })))) {
    cache.readKeys(
      shard.map((s) => s.key),
      buffer,
    );
    // predict() would cut the rows into its default batches of 32: 6x slower here (measured on wasm).
    const probs = tf.tidy(() => model.predict(tf.tensor2d(buffer.subarray(0, shard.length * cache.dim), [shard.length, cache.dim]), { batchSize: EVAL_BATCH }) as tf.Tensor);
    const values = (await probs.data()) as Float32Array;
    probs.dispose();
    shard.forEach((s, row) => out.set(values.subarray(row * nClasses, (row + 1) * nClasses), s.index * nClasses));
  }
  return out;
}

export function crossEntropy(probs: Float32Array, labels: readonly number[], nClasses: number): { loss: number; accuracy: number } {
  let loss = 0;
  let correct = 0;
  labels.forEach((label, i) => {
    const row = probs.subarray(i * nClasses, (i + 1) * nClasses);
    loss -= Math.log(Math.max(row[label]!, EPSILON));
    let best = 0;
    for (let c = 1; c < nClasses; c++) if (row[c]! > row[best]!) best = c;
    if (best === label) correct++;
  });
  return { loss: labels.length ? loss / labels.length : 0, accuracy: labels.length ? correct / labels.length : 0 };
}

/** What one step minimizes: the batch's logits (for its hits) and its loss. */
export type StepObjective = (batch: Batch, labels: tf.Tensor1D, dropoutSeed: number) => { logits: tf.Tensor2D; loss: tf.Scalar };

/**
 * One optimizer step on a batch: minimizes the objective over `variables` and returns the
 * batch's loss and correct predictions, read from the backend once for both figures.
 */
export async function trainStep(optimizer: tf.Optimizer, variables: tf.Variable[], batch: Batch, dropoutSeed: number, objective: StepObjective): Promise<{ loss: number; hits: number }> {
  const stats = tf.tidy(() => {
    const y = tf.tensor1d(batch.labels, 'int32');
    let predicted: tf.Tensor | null = null;
    const cost = optimizer.minimize(
      () => {
        const { logits, loss } = objective(batch, y, dropoutSeed);
        predicted = tf.keep(tf.argMax(logits, 1));
        return loss;
      },
      true,
      variables,
    )!;
    const hits = tf.sum(tf.cast(tf.equal(predicted!, y), 'float32'));
    (predicted as tf.Tensor | null)?.dispose();
    return tf.stack([cost, hits]);
  });
  const [loss, hits] = (await stats.data()) as Float32Array;
  stats.dispose();
  return { loss: loss!, hits: hits! };
}

/**
 * One epoch of shuffled batches, a step each (the head's loop and fine-tuning's): the seeded
 * random draws each batch's dropout seed after its rows, so the same seed gives the same steps.
 */
export async function trainEpoch(options: {
  batches: ShuffledBatches;
  random: Random;
  epoch: number;
  optimizer: tf.Optimizer;
  variables: tf.Variable[];
  objective: StepObjective;
  checkpoint?: () => void;
  onBatch?: (epoch: number, batch: number, batches: number, loss: number) => void;
}): Promise<{ trainLoss: number; trainAcc: number }> {
  let lossSum = 0;
  let correct = 0;
  let seen = 0;
  let b = 0;
  for (const batch of options.batches.epoch(options.random)) {
    options.checkpoint?.();
    const { loss, hits } = await trainStep(options.optimizer, options.variables, batch, Math.floor(options.random() * 2 ** 31), options.objective);
    lossSum += loss * batch.n;
    correct += hits;
    seen += batch.n;
    options.onBatch?.(options.epoch, ++b, options.batches.batchesPerEpoch, loss);
  }
  return { trainLoss: lossSum / Math.max(1, seen), trainAcc: correct / Math.max(1, seen) };
}

export async function trainHead(options: HeadTrainingOptions): Promise<TrainedHead> {
  const { dim, nClasses, config, cache } = options;
  const model = buildHead(dim, nClasses, config);
  if (options.initialWeights) model.setWeights([...options.initialWeights]);
  const trainable = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = tf.train.adam(config.learningRate);
  const batchSize = config.batchSize > 0 ? config.batchSize : autoBatchSize(options.train.length);
  const weights = config.classWeights ? tf.tensor1d(balancedClassWeights(options.train.map((t) => t.label), nClasses)) : null;
  const random = seededRandom(`${config.seed}:shuffle`);
  const batches = new ShuffledBatches(cache, options.train, batchSize);
  const epochs = options.fixedEpochs ?? config.epochs;
  const useEarlyStopping = options.fixedEpochs === undefined && config.patience > 0 && options.val.length > 0;

  const history: EpochStats[] = [];
  let best: { loss: number; acc: number; epoch: number; weights: tf.Tensor[] } | null = null;
  const l2 = options.l2 ?? 0;
  const kernels = trainable.filter((v) => v.shape.length === 2);
  const valKeys = options.val.map((v) => v.key);
  const valLabels = options.val.map((v) => v.label);

  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const started = Date.now();
      const { trainLoss, trainAcc } = await trainEpoch({
        batches,
        random,
        epoch,
        optimizer,
        variables: trainable,
        objective: (batch, y, dropoutSeed) => {
          const logits = trainingLogits(model, tf.tensor2d(batch.x, [batch.n, dim]), dropoutSeed);
          const ce = lossTensor(logits, y, nClasses, config.labelSmoothing, weights);
          return { logits, loss: l2 > 0 ? tf.add(ce, tf.mul(tf.addN(kernels.map((k) => tf.sum(tf.square(k)))), l2)) : ce };
        },
        ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
        ...(options.onBatch ? { onBatch: options.onBatch } : {}),
      });
      let valLoss: number | null = null;
      let valAcc: number | null = null;
      if (valKeys.length > 0) {
        const probs = await predictCached(model, cache, valKeys, nClasses);
        ({ loss: valLoss, accuracy: valAcc } = crossEntropy(probs, valLabels, nClasses));
      }
      const stats: EpochStats = {
        epoch,
        trainLoss,
        trainAcc,
        valLoss,
        valAcc,
        durationMs: Date.now() - started,
      };
      history.push(stats);
      options.onEpoch?.(stats);
      if (useEarlyStopping && valLoss !== null) {
        if (!best || valLoss < best.loss - 1e-4) {
          best?.weights.forEach((w) => w.dispose());
          best = { loss: valLoss, acc: valAcc!, epoch, weights: model.getWeights().map((w) => tf.clone(w)) };
        } else if (epoch - best.epoch >= adaptivePatience(config.patience, best.epoch)) {
          break;
        }
      }
    }
    if (best) model.setWeights(best.weights);
    const last = history.at(-1);
    const kept = best ? { valLoss: best.loss, valAcc: best.acc } : last?.valLoss != null ? { valLoss: last.valLoss, valAcc: last.valAcc! } : null;
    return { model, history, bestEpoch: best?.epoch ?? history.length, batchSize, best: kept };
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    best?.weights.forEach((w) => w.dispose());
    weights?.dispose();
    optimizer.dispose();
  }
}
