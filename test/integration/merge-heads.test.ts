// The refit ensemble (refit-ensemble.ts) and the merge that makes it one ordinary head
// (merge-heads.ts): the merged head's logits are the mean of its members' logits, computed here
// from each member's own weights; softmax regression merges to exactly the averaged weights; the
// same seed gives the same weights, member by member and merged.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainConfig } from '../../electron/domain/schemas.js';
import { initBackend } from '../../electron/engine/backend.js';
import { EmbeddingCache } from '../../electron/engine/embeddings/cache.js';
import { seededRandom } from '../../electron/engine/images/random.js';
import { candidateConfig, candidateL2 } from '../../electron/engine/training/head-selection.js';
import { trainHead, type LabeledKey } from '../../electron/engine/training/head.js';
import { memberSeed, mergeHeads } from '../../electron/engine/training/merge-heads.js';
import { trainRefitEnsemble } from '../../electron/engine/training/refit-ensemble.js';
import { createProject, type Project } from '../../electron/project/project.js';
import { fakeHash } from '../helpers/seed.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir('studio-merge-heads-');
let project: Project;
let cache: EmbeddingCache;
const DIM = 12;
const CLASSES = 3;
const items: LabeledKey[] = [];
const probe = new Float32Array(40 * DIM);

beforeAll(async () => {
  await initBackend('wasm');
  project = createProject(path.join(tmp.dir, 'p'));
  cache = new EmbeddingCache(project.db, 'bb', DIM, 'float32');
  // Three overlapping classes: members trained with different seeds really differ.
  const random = seededRandom(11);
  const vectors = new Float32Array(90 * DIM);
  for (let i = 0; i < 90; i++) {
    const label = i % CLASSES;
    for (let d = 0; d < DIM; d++) vectors[i * DIM + d] = (random() - 0.5) * 3 + (d === label ? 1 : 0);
    items.push({ key: { imageHash: fakeHash(i), view: 0, specHash: 's' }, label });
  }
  cache.putMany(
    items.map((t) => t.key),
    vectors,
  );
  for (let i = 0; i < probe.length; i++) probe[i] = (random() - 0.5) * 4;
});
afterAll(() => {
  project.close();
  tmp.cleanup();
});

/** A head's logits on the probe rows, from its own weights (relu(x W1 + b1) W2 + b2, or x W + b). */
function logitsOf(model: tfl.Sequential): Float32Array {
  return tf.tidy(() => {
    const w = model.getWeights();
    let h: tf.Tensor = tf.tensor2d(probe, [probe.length / DIM, DIM]);
    if (w.length === 4) h = tf.relu(tf.add(tf.matMul(h as tf.Tensor2D, w[0] as tf.Tensor2D), w[1]!));
    return tf.add(tf.matMul(h as tf.Tensor2D, w[w.length - 2] as tf.Tensor2D), w[w.length - 1]!).dataSync() as Float32Array;
  });
}

function meanLogits(models: tfl.Sequential[]): Float32Array {
  const all = models.map(logitsOf);
  return all[0]!.map((_, i) => all.reduce((a, l) => a + l[i]!, 0) / all.length);
}

/** The merged model's own class probabilities on the probe rows (its predict, as exports run it). */
function predicted(model: tfl.Sequential): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor2d(probe, [probe.length / DIM, DIM])) as tf.Tensor).dataSync() as Float32Array);
}

function softmaxRows(logits: Float32Array): Float32Array {
  return tf.tidy(() => tf.softmax(tf.tensor2d(logits, [logits.length / CLASSES, CLASSES])).dataSync() as Float32Array);
}

const maxDiff = (a: Float32Array, b: Float32Array) => Math.max(...a.map((x, i) => Math.abs(x - b[i]!)));

async function member(config: TrainConfig, l2: number, index: number, epochs: number) {
  const head = await trainHead({ dim: DIM, nClasses: CLASSES, config: { ...config, seed: memberSeed(config.seed, index) }, l2, train: items, val: [], cache, fixedEpochs: epochs });
  return head.model;
}

describe('mergeHeads', () => {
  it("gives MLPs one wider MLP whose logits are the mean of the members' (within 1e-5)", async () => {
    const config = TrainConfig.parse({ seed: 4, hiddenUnits: 8 });
    const members = [await member(config, 0, 0, 5), await member(config, 0, 1, 5), await member(config, 0, 2, 5)];
    // The members differ (else averaging them would prove nothing).
    expect(maxDiff(logitsOf(members[0]!), logitsOf(members[1]!))).toBeGreaterThan(1e-2);
    const merged = mergeHeads(members, config);
    expect(merged.layers.map((l) => l.name)).toEqual(['head_hidden', 'head_dropout', 'head_output']);
    expect(merged.getLayer('head_hidden').outputShape).toEqual([null, 24]);
    expect(maxDiff(logitsOf(merged), meanLogits(members))).toBeLessThan(1e-5);
    expect(maxDiff(predicted(merged), softmaxRows(meanLogits(members)))).toBeLessThan(1e-5);
    [...members, merged].forEach((m) => m.dispose());
  });

  it('gives softmax-regression heads exactly their averaged weights', async () => {
    const config = candidateConfig(TrainConfig.parse({ seed: 4 }), { kind: 'linear', param: 1e-3 });
    const members = [await member(config, 1e-3, 0, 4), await member(config, 1e-3, 1, 4)];
    const merged = mergeHeads(members, config);
    expect(merged.layers.map((l) => l.name)).toEqual(['head_output']);
    const [k0, b0] = members[0]!.getWeights().map((w) => w.dataSync());
    const [k1, b1] = members[1]!.getWeights().map((w) => w.dataSync());
    const [k, b] = merged.getWeights().map((w) => w.dataSync() as Float32Array);
    expect(maxDiff(k!, k0!.map((x, i) => (x + k1![i]!) / 2) as Float32Array)).toBeLessThan(1e-7);
    expect(maxDiff(b!, b0!.map((x, i) => (x + b1![i]!) / 2) as Float32Array)).toBeLessThan(1e-7);
    expect(maxDiff(logitsOf(merged), meanLogits(members))).toBeLessThan(1e-5);
    [...members, merged].forEach((m) => m.dispose());
  });

  it('refuses to merge heads of different kinds', async () => {
    const mlp = await member(TrainConfig.parse({ seed: 1, hiddenUnits: 4 }), 0, 0, 1);
    const linear = await member(candidateConfig(TrainConfig.parse({ seed: 1 }), { kind: 'linear', param: 1e-3 }), 1e-3, 0, 1);
    expect(() => mergeHeads([mlp, linear], TrainConfig.parse({}))).toThrow(/one kind/);
    mlp.dispose();
    linear.dispose();
  });
});

describe('trainRefitEnsemble', () => {
  const ensemble = (seed: number, members: number) => {
    const config = TrainConfig.parse({ seed, hiddenUnits: 8 });
    return trainRefitEnsemble({ dim: DIM, nClasses: CLASSES, config: candidateConfig(config, { kind: 'mlp', param: 8 }), l2: candidateL2({ kind: 'mlp', param: 8 }), train: items, cache, epochs: 4, members });
  };

  it("is the merge of members trained alone with the members' seeds, and reproducible", async () => {
    const config = TrainConfig.parse({ seed: 6, hiddenUnits: 8 });
    const alone = [await member(config, 0, 0, 4), await member(config, 0, 1, 4), await member(config, 0, 2, 4)];
    const progress: Array<[number, number]> = [];
    const epochs: number[] = [];
    const head = await trainRefitEnsemble({ dim: DIM, nClasses: CLASSES, config, train: items, cache, epochs: 4, members: 3, onProgress: (d, t) => progress.push([d, t]), onEpoch: (s) => epochs.push(s.epoch) });
    expect(maxDiff(logitsOf(head.model), meanLogits(alone))).toBeLessThan(1e-5);
    // Member 0 is the plain refit (the run's own seed): its curve is the run's; progress counts all 12 epochs.
    expect(epochs).toEqual([1, 2, 3, 4]);
    expect(progress.at(-1)).toEqual([12, 12]);
    expect(head.history).toHaveLength(4);
    // Same seed, same data: the same weights, bit for bit.
    const again = await ensemble(6, 3);
    const a = head.model.getWeights().map((w) => Array.from(w.dataSync()));
    expect(again.model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(a);
    const other = await ensemble(7, 3);
    expect(other.model.getWeights().map((w) => Array.from(w.dataSync()))).not.toEqual(a);
    [...alone, head.model, again.model, other.model].forEach((m) => m.dispose());
  });

  it('with one member is the plain refit', async () => {
    const config = TrainConfig.parse({ seed: 8, hiddenUnits: 8 });
    const plain = await member(config, 0, 0, 3);
    const one = await trainRefitEnsemble({ dim: DIM, nClasses: CLASSES, config, train: items, cache, epochs: 3, members: 1 });
    expect(one.model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(plain.getWeights().map((w) => Array.from(w.dataSync())));
    plain.dispose();
    one.model.dispose();
  });
});
