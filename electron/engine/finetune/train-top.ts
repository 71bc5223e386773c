// Fine-tuning: the top blocks (folded weights, top-forward.ts) and the already trained head,
// trained together from cached cut activations with Adam at a small learning rate. Validation
// loss is measured before the first step too (epoch 0 = the frozen backbone), and the best
// epoch's weights are kept — so fine-tuning that does not help leaves the frozen model as it was.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { TrainConfig } from '../../domain/schemas.js';
import type { CacheKey, EmbeddingCache } from '../embeddings/cache.js';
import { seededRandom } from '../images/random.js';
import { ShuffledBatches, type LabeledKey } from '../training/batches.js';
import { autoBatchSize, balancedClassWeights, crossEntropy, lossTensor, trainEpoch, trainingLogits, type EpochStats } from '../training/head.js';
import type { FoldedTop, TopPlan } from './mobilenet-top.js';
import { topForward } from './top-forward.js';

/** Cut activations are 49x wider than embeddings: batches stay small enough for memory. */
const MAX_BATCH = 64;
const EVAL_BATCH = 64;
/** Epochs without a better validation loss before stopping (fine-tuning peaks early); config.patience caps it. */
const PATIENCE = 3;

export interface TopTrainingOptions {
  plan: TopPlan;
  /** The folded frozen weights (not consumed: the caller disposes them). */
  initial: FoldedTop;
  /** The head trained on frozen embeddings; trained further in place. */
  head: tfl.Sequential;
  config: TrainConfig;
  nClasses: number;
  train: readonly LabeledKey[];
  val: readonly LabeledKey[];
  /** Cut activations (cutBackbone's vectors), keyed like the embeddings. */
  cache: EmbeddingCache;
  epochs: number;
  learningRate: number;
  onEpoch?: (stats: EpochStats) => void;
  onBatch?: (epoch: number, batch: number, batches: number, loss: number) => void;
  /** Called between batches; throws to cancel. */
  checkpoint?: () => void;
}

export interface TunedTop {
  /** The kept weights (the caller disposes them). */
  weights: FoldedTop;
  history: EpochStats[];
  /** 0 when no epoch beat the frozen backbone on validation (the frozen weights are kept). */
  bestEpoch: number;
  valLossBefore: number | null;
}

function cloneTop(weights: FoldedTop): FoldedTop {
  return new Map([...weights].map(([name, w]) => [name, { kernel: tf.clone(w.kernel), bias: tf.clone(w.bias) }]));
}

/** Embeddings through the (tuned) top blocks for cached cut activations, in the order of `keys`. */
export async function embedFromCut(plan: TopPlan, weights: FoldedTop, cache: EmbeddingCache, keys: readonly CacheKey[], checkpoint?: () => void): Promise<Float32Array> {
  const buffer = new Float32Array(Math.min(EVAL_BATCH, keys.length) * cache.dim);
  let out: Float32Array | null = null;
  for (let start = 0; start < keys.length; start += EVAL_BATCH) {
    checkpoint?.();
    const slice = keys.slice(start, start + EVAL_BATCH);
    cache.readKeys(slice, buffer);
    const emb = tf.tidy(() => topForward(tf.tensor4d(buffer.subarray(0, slice.length * cache.dim), [slice.length, ...plan.cutShape]), plan, weights));
    const values = (await emb.data()) as Float32Array;
    const dim = emb.shape[1]!;
    emb.dispose();
    out ??= new Float32Array(keys.length * dim);
    out.set(values, start * dim);
  }
  return out ?? new Float32Array(0);
}

async function validate(options: TopTrainingOptions, weights: FoldedTop): Promise<{ loss: number; accuracy: number } | null> {
  if (options.val.length === 0) return null;
  const embeddings = await embedFromCut(options.plan, weights, options.cache, options.val.map((v) => v.key), options.checkpoint);
  const probs = tf.tidy(() => options.head.predict(tf.tensor2d(embeddings, [options.val.length, embeddings.length / options.val.length])) as tf.Tensor);
  const values = (await probs.data()) as Float32Array;
  probs.dispose();
  return crossEntropy(values, options.val.map((v) => v.label), options.nClasses);
}

export async function trainTop(options: TopTrainingOptions): Promise<TunedTop> {
  const { plan, head, config, nClasses } = options;
  const variables: FoldedTop = new Map([...options.initial].map(([name, w]) => [name, { kernel: tf.variable(w.kernel, true), bias: tf.variable(w.bias, true) as tf.Variable<tf.Rank.R1> }]));
  const blockVars = [...variables.values()].flatMap((w) => [w.kernel as tf.Variable, w.bias as tf.Variable]);
  const headVars = head.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = tf.train.adam(options.learningRate);
  const batchSize = Math.min(MAX_BATCH, config.batchSize > 0 ? config.batchSize : autoBatchSize(options.train.length));
  const classWeights = config.classWeights ? tf.tensor1d(balancedClassWeights(options.train.map((t) => t.label), nClasses)) : null;
  const random = seededRandom(`${config.seed}:fine-tune`);
  const batches = new ShuffledBatches(options.cache, options.train, batchSize);
  const history: EpochStats[] = [];

  // Patience 0 turns selection off as for the head: the last epoch's weights are kept.
  const selecting = config.patience > 0 && options.val.length > 0;
  const before = selecting ? await validate(options, variables) : null;
  let best: { loss: number; epoch: number; top: FoldedTop; head: tf.Tensor[] } | null = before
    ? { loss: before.loss, epoch: 0, top: cloneTop(variables), head: head.getWeights().map((w) => tf.clone(w)) }
    : null;
  const disposeBest = () => {
    if (!best) return;
    for (const w of best.top.values()) tf.dispose([w.kernel, w.bias]);
    tf.dispose(best.head);
  };
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const started = Date.now();
      const { trainLoss, trainAcc } = await trainEpoch({
        batches,
        random,
        epoch,
        optimizer,
        variables: [...blockVars, ...headVars],
        objective: (batch, y, dropoutSeed) => {
          const logits = trainingLogits(head, topForward(tf.tensor4d(batch.x, [batch.n, ...plan.cutShape]), plan, variables, true), dropoutSeed, true);
          return { logits, loss: lossTensor(logits, y, nClasses, config.labelSmoothing, classWeights) };
        },
        ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
        ...(options.onBatch ? { onBatch: options.onBatch } : {}),
      });
      const val = await validate(options, variables);
      const stats: EpochStats = {
        epoch,
        trainLoss,
        trainAcc,
        valLoss: val?.loss ?? null,
        valAcc: val?.accuracy ?? null,
        durationMs: Date.now() - started,
      };
      history.push(stats);
      options.onEpoch?.(stats);
      if (val && selecting) {
        if (!best || val.loss < best.loss - 1e-4) {
          disposeBest();
          best = { loss: val.loss, epoch, top: cloneTop(variables), head: head.getWeights().map((w) => tf.clone(w)) };
        } else if (epoch - best.epoch >= Math.min(PATIENCE, config.patience)) {
          break;
        }
      }
    }
    if (best) {
      head.setWeights(best.head);
      const kept = best.top;
      best.top = new Map();
      return { weights: kept, history, bestEpoch: best.epoch, valLossBefore: before?.loss ?? null };
    }
    return { weights: cloneTop(variables), history, bestEpoch: history.length, valLossBefore: null };
  } finally {
    disposeBest();
    for (const v of blockVars) v.dispose();
    classWeights?.dispose();
    optimizer.dispose();
  }
}
