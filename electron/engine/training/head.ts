// The classifier head on top of frozen embeddings, trained by a hand-written loop rather than
// model.fit: batches stream from the embedding cache (memory stays one batch wide), and the
// loop owns early stopping with best-weights restore, class weights and label smoothing.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { TrainConfig } from '../../ipc/schemas.js';
import type { CacheKey, EmbeddingCache } from '../embeddings/cache.js';
import { seededRandom, shuffleInPlace } from '../images/random.js';

export interface LabeledKey {
  key: CacheKey;
  label: number;
}

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
  /** Fixed epoch count without early stopping (used by out-of-fold training). */
  fixedEpochs?: number;
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
}

const EPSILON = 1e-7;
const EVAL_BATCH = 512;

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

function lossTensor(probs: tf.Tensor, labels: tf.Tensor1D, nClasses: number, smoothing: number, weights: tf.Tensor1D | null): tf.Scalar {
  const target = tf.add(tf.mul(tf.oneHot(labels, nClasses), 1 - smoothing), smoothing / nClasses);
  const ce = tf.neg(tf.sum(tf.mul(target, tf.log(tf.clipByValue(probs, EPSILON, 1))), 1));
  if (!weights) return tf.mean(ce);
  const w = tf.gather(weights, labels);
  return tf.div(tf.sum(tf.mul(ce, w)), tf.add(tf.sum(w), EPSILON));
}

/** Class probabilities for many cached vectors, n x C row-major. */
export async function predictCached(model: tfl.LayersModel, cache: EmbeddingCache, keys: readonly CacheKey[], nClasses: number): Promise<Float32Array> {
  const out = new Float32Array(keys.length * nClasses);
  const buffer = new Float32Array(EVAL_BATCH * cache.dim);
  for (let start = 0; start < keys.length; start += EVAL_BATCH) {
    const slice = keys.slice(start, start + EVAL_BATCH);
    cache.readBatch(slice, buffer);
    const probs = tf.tidy(() => model.predict(tf.tensor2d(buffer.subarray(0, slice.length * cache.dim), [slice.length, cache.dim])) as tf.Tensor);
    out.set((await probs.data()) as Float32Array, start * nClasses);
    probs.dispose();
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

export async function trainHead(options: HeadTrainingOptions): Promise<TrainedHead> {
  const { dim, nClasses, config, cache } = options;
  const model = buildHead(dim, nClasses, config);
  const trainable = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = tf.train.adam(config.learningRate);
  const batchSize = config.batchSize > 0 ? config.batchSize : autoBatchSize(options.train.length);
  const weights = config.classWeights ? tf.tensor1d(balancedClassWeights(options.train.map((t) => t.label), nClasses)) : null;
  const random = seededRandom(`${config.seed}:shuffle`);
  const order = [...options.train];
  const buffer = new Float32Array(batchSize * dim);
  const epochs = options.fixedEpochs ?? config.epochs;
  const useEarlyStopping = options.fixedEpochs === undefined && config.patience > 0 && options.val.length > 0;

  const history: EpochStats[] = [];
  let best: { loss: number; epoch: number; weights: tf.Tensor[] } | null = null;
  const valKeys = options.val.map((v) => v.key);
  const valLabels = options.val.map((v) => v.label);

  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const started = Date.now();
      shuffleInPlace(order, random);
      const batches = Math.ceil(order.length / batchSize);
      let lossSum = 0;
      let correct = 0;
      for (let b = 0; b < batches; b++) {
        options.checkpoint?.();
        const slice = order.slice(b * batchSize, (b + 1) * batchSize);
        cache.readBatch(
          slice.map((s) => s.key),
          buffer,
        );
        const { loss, hits } = tf.tidy(() => {
          const x = tf.tensor2d(buffer.subarray(0, slice.length * dim), [slice.length, dim]);
          const y = tf.tensor1d(
            slice.map((s) => s.label),
            'int32',
          );
          let predicted: tf.Tensor | null = null;
          const cost = optimizer.minimize(
            () => {
              const probs = model.apply(x, { training: true }) as tf.Tensor;
              predicted = tf.keep(tf.argMax(probs, 1));
              return lossTensor(probs, y, nClasses, config.labelSmoothing, weights);
            },
            true,
            trainable,
          )!;
          const hits = tf.sum(tf.cast(tf.equal(predicted!, y), 'float32'));
          (predicted as tf.Tensor | null)?.dispose();
          return { loss: cost, hits };
        });
        const [lossValue, hitCount] = [(await loss.data())[0]!, (await hits.data())[0]!];
        loss.dispose();
        hits.dispose();
        lossSum += lossValue * slice.length;
        correct += hitCount;
        options.onBatch?.(epoch, b + 1, batches, lossValue);
      }
      let valLoss: number | null = null;
      let valAcc: number | null = null;
      if (valKeys.length > 0) {
        const probs = await predictCached(model, cache, valKeys, nClasses);
        ({ loss: valLoss, accuracy: valAcc } = crossEntropy(probs, valLabels, nClasses));
      }
      const stats: EpochStats = {
        epoch,
        trainLoss: lossSum / Math.max(1, order.length),
        trainAcc: correct / Math.max(1, order.length),
        valLoss,
        valAcc,
        durationMs: Date.now() - started,
      };
      history.push(stats);
      options.onEpoch?.(stats);
      if (useEarlyStopping && valLoss !== null) {
        if (!best || valLoss < best.loss - 1e-4) {
          best?.weights.forEach((w) => w.dispose());
          best = { loss: valLoss, epoch, weights: model.getWeights().map((w) => tf.clone(w)) };
        } else if (epoch - best.epoch >= config.patience) {
          break;
        }
      }
    }
    if (best) model.setWeights(best.weights);
    return { model, history, bestEpoch: best?.epoch ?? history.length, batchSize };
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    best?.weights.forEach((w) => w.dispose());
    weights?.dispose();
    optimizer.dispose();
  }
}
