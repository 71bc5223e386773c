// The head's training machinery on real SQLite caches and the wasm backend: the wasm-friendly
// dense gradients, reading vectors by hash range, shuffled batches streamed shard by shard,
// batched prediction in input order, and early stopping with adaptive patience.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend } from '../../electron/engine/backend.js';
import { EmbeddingCache, type CacheKey, type EmbeddingDtype } from '../../electron/engine/embeddings/cache.js';
import { SHARD_ROWS } from '../../electron/engine/embeddings/shards.js';
import { seededRandom } from '../../electron/engine/images/random.js';
import { ShuffledBatches, type LabeledKey } from '../../electron/engine/training/batches.js';
import { trainingDense } from '../../electron/engine/training/dense-grad.js';
import { adaptivePatience, buildHead, crossEntropy, predictCached, trainHead } from '../../electron/engine/training/head.js';
import { TrainConfig } from '../../electron/domain/schemas.js';
import { createProject, type Project } from '../../electron/project/project.js';
import { fakeHash } from '../helpers/seed.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir('studio-head-');
const projects: Project[] = [];
const newProject = () => {
  const project = createProject(path.join(tmp.dir, `p${projects.length}`));
  projects.push(project);
  return project;
};

beforeAll(async () => {
  await initBackend('wasm');
});
afterAll(() => {
  for (const p of projects) p.close();
  tmp.cleanup();
});

/** A cache holding `n` vectors whose first value is their index and second their label. */
function cacheOf(n: number, options: { dim?: number; classes?: number; dtype?: EmbeddingDtype; extraRows?: number } = {}) {
  const dim = options.dim ?? 4;
  const cache = new EmbeddingCache(newProject().db, 'bb', dim, options.dtype ?? 'float32');
  const items: LabeledKey[] = [];
  const vectors = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const label = i % (options.classes ?? 2);
    items.push({ key: { imageHash: fakeHash(i), view: i % 3, specHash: i % 2 ? 'spec-views' : 'spec-plain' }, label });
    vectors[i * dim] = i;
    vectors[i * dim + 1] = label;
  }
  cache.putMany(
    items.map((t) => t.key),
    vectors,
  );
  // Rows nobody asks for (other images, as unlabeled ones would be), interleaved in hash order.
  const extra = options.extraRows ?? 0;
  cache.putMany(
    Array.from({ length: extra }, (_, i) => ({ imageHash: fakeHash(1_000_000 + i), view: 0, specHash: 'spec-plain' })),
    new Float32Array(extra * dim).fill(-1),
  );
  return { cache, items, dim };
}

describe('trainingDense', () => {
  it('gives the gradients tfjs autodiff gives for matMul + bias', () => {
    const random = seededRandom(5);
    const t = (shape: number[]) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => random() - 0.5), shape);
    const x = t([16, 40]) as tf.Tensor2D;
    const w1 = tf.variable(t([40, 8]));
    const b1 = tf.variable(t([8]));
    const w2 = tf.variable(t([8, 3]));
    const b2 = tf.variable(t([3]));
    const loss = (fast: boolean) => () => {
      const h = tf.relu(fast ? trainingDense(x, { kernel: w1, bias: b1 }, false) : tf.add(tf.matMul(x, w1), b1)) as tf.Tensor2D;
      const out = fast ? trainingDense(h, { kernel: w2, bias: b2 }, true) : tf.add(tf.matMul(h, w2), b2);
      return tf.sum(tf.square(out)) as tf.Scalar;
    };
    const reference = tf.variableGrads(loss(false));
    const fast = tf.variableGrads(loss(true));
    expect(fast.value.dataSync()[0]).toBeCloseTo(reference.value.dataSync()[0]!, 4);
    expect(Object.keys(fast.grads).sort()).toEqual(Object.keys(reference.grads).sort());
    for (const [name, grad] of Object.entries(reference.grads)) {
      const a = fast.grads[name]!.dataSync();
      grad.dataSync().forEach((v, i) => expect(a[i]).toBeCloseTo(v, 4));
      expect(Math.max(...grad.dataSync().map(Math.abs))).toBeGreaterThan(0.01);
    }
    tf.dispose([x, w1, b1, w2, b2, reference.value, fast.value, ...Object.values(reference.grads), ...Object.values(fast.grads)]);
  });
});

describe('EmbeddingCache.readKeys', () => {
  for (const [what, extraRows] of [
    ['a dense span (range scan)', 0],
    ['a sparse span (point lookups)', 3000],
  ] as const) {
    for (const dtype of ['float32', 'float16'] as const) {
      it(`reads ${what} of ${dtype} vectors into the rows asked for`, () => {
        const { cache, items, dim } = cacheOf(500, { dtype, extraRows });
        const keys = items.map((i) => i.key);
        const expected = cache.readBatch(keys);
        const rows = keys.map((_, i) => (i * 7) % keys.length);
        const out = new Float32Array(keys.length * dim);
        cache.readKeys(keys, out, rows);
        keys.forEach((_, i) => expect(out.subarray(rows[i]! * dim, rows[i]! * dim + dim)).toEqual(expected.subarray(i * dim, i * dim + dim)));
        expect(out[rows[123]! * dim]).toBe(123);
        // A key asked twice fills both rows.
        const twice = new Float32Array(2 * dim);
        cache.readKeys([keys[9]!, keys[9]!], twice);
        expect([twice[0], twice[dim]]).toEqual([9, 9]);
      });
    }
  }

  for (const [what, extraRows] of [
    ['dense', 0],
    ['sparse', 3000],
  ] as const) {
    it(`tells which keys are cached (${what} span)`, () => {
      const { cache, items } = cacheOf(400, { extraRows });
      const absent = (i: number): CacheKey => ({ imageHash: fakeHash(2_000_000 + i), view: 0, specHash: i % 2 ? 'spec-views' : 'spec-plain' });
      const keys = items.flatMap((item, i) => (i % 4 === 0 ? [item.key, absent(i)] : [item.key]));
      const expected = keys.map((key) => cache.has(key));
      expect(expected.filter((x) => !x)).toHaveLength(100);
      expect(cache.hasMany(keys)).toEqual(expected);
    });
  }

  it('names a key that is not cached', () => {
    const { cache, items, dim } = cacheOf(50);
    const missing: CacheKey = { imageHash: fakeHash(9999), view: 0, specHash: 'spec-plain' };
    expect(() => cache.readKeys([...items.map((i) => i.key), missing], new Float32Array(51 * dim))).toThrow(`embedding for ${missing.imageHash.slice(0, 12)} view 0 is not cached`);
  });
});

describe('ShuffledBatches', () => {
  function drain(batches: ShuffledBatches, seed: number, epochs: number): number[][] {
    const random = seededRandom(seed);
    return Array.from({ length: epochs }, () => {
      const order: number[] = [];
      for (const batch of batches.epoch(random)) {
        expect(batch.n).toBe(batch.labels.length);
        for (let r = 0; r < batch.n; r++) {
          order.push(batch.x[r * 4]!);
          expect(batch.x[r * 4 + 1]).toBe(batch.labels[r]);
        }
      }
      return order;
    });
  }

  it('yields every item once per epoch, in full batches, in a new order each epoch, reproducibly', () => {
    const { cache, items } = cacheOf(1000, { extraRows: 200 });
    const batches = new ShuffledBatches(cache, items, 48, 128);
    const sizes: number[] = [];
    for (const batch of batches.epoch(seededRandom(1))) sizes.push(batch.n);
    expect(sizes.slice(0, -1).every((n) => n === 48)).toBe(true);
    expect(sizes).toHaveLength(batches.batchesPerEpoch);

    const [first, second] = drain(batches, 2, 2);
    for (const order of [first!, second!]) expect([...order].sort((a, b) => a - b)).toEqual(items.map((_, i) => i));
    expect(first).not.toEqual(second);
    // Not just shards in a new order: neighbours within a shard change too.
    expect(first!.slice(0, 48).sort()).not.toEqual(second!.slice(0, 48).sort());
    expect(drain(new ShuffledBatches(cache, items, 48, 128), 2, 2)).toEqual([first, second]);
  });

  it('holds one shard and one batch in memory, whatever the number of items', () => {
    const small = cacheOf(600);
    const large = cacheOf(6000);
    const a = new ShuffledBatches(small.cache, small.items, 32, 256);
    const b = new ShuffledBatches(large.cache, large.items, 32, 256);
    expect(a.bufferedValues).toBe((256 + 32) * 4);
    expect(b.bufferedValues).toBe(a.bufferedValues);
    const reads = vi.spyOn(large.cache, 'readKeys');
    drain(b, 3, 1);
    expect(reads.mock.calls.length).toBeGreaterThanOrEqual(Math.ceil(6000 / 256) - 1);
    for (const [keys] of reads.mock.calls) expect(keys.length).toBeLessThanOrEqual(256);
  });

  it('reads a set that fits in one shard from SQLite once for all epochs', () => {
    const { cache, items } = cacheOf(300);
    const reads = vi.spyOn(cache, 'readKeys');
    drain(new ShuffledBatches(cache, items, 32), 4, 3);
    expect(reads).toHaveBeenCalledTimes(1);
  });
});

describe('predictCached', () => {
  it('predicts in the order of the keys across several shards', async () => {
    const { cache, items, dim } = cacheOf(SHARD_ROWS + 700, { dim: 6 });
    const model = buildHead(dim, 2, TrainConfig.parse({ hiddenUnits: 5 }));
    const keys = items.map((i) => i.key).reverse();
    const probs = await predictCached(model, cache, keys, 2);
    const direct = tf.tidy(() => model.predict(tf.tensor2d(cache.readBatch(keys), [keys.length, dim])) as tf.Tensor);
    const expected = direct.dataSync();
    probs.forEach((p, i) => expect(p).toBeCloseTo(expected[i]!, 5));
    direct.dispose();
    model.dispose();
  });
});

describe('early stopping', () => {
  it('waits as many epochs as the best took, at least 3, at most the configured patience', () => {
    expect([1, 2, 3, 5, 8, 20].map((best) => adaptivePatience(8, best))).toEqual([3, 3, 3, 5, 8, 8]);
    expect(adaptivePatience(2, 1)).toBe(2);
  });

  it('stops soon after an early best epoch and keeps the best weights', async () => {
    // Two well separated classes in 32 dimensions: the head is at its best within a few epochs.
    const dim = 32;
    const cache = new EmbeddingCache(newProject().db, 'bb', dim);
    const random = seededRandom(11);
    const all: LabeledKey[] = [];
    const vectors = new Float32Array(1200 * dim);
    for (let i = 0; i < 1200; i++) {
      const label = i % 2;
      all.push({ key: { imageHash: fakeHash(i), view: 0, specHash: 's' }, label });
      for (let d = 0; d < dim; d++) vectors[i * dim + d] = (d % 2 === label ? 1.5 : 0) + random();
    }
    cache.putMany(
      all.map((a) => a.key),
      vectors,
    );
    const config = TrainConfig.parse({ epochs: 60, patience: 8 });
    const head = await trainHead({ dim, nClasses: 2, config, train: all.slice(0, 1000), val: all.slice(1000), cache });
    try {
      expect(head.history.at(-1)!.valAcc).toBe(1);
      expect(head.history.length).toBe(head.bestEpoch + adaptivePatience(8, head.bestEpoch));
      expect(head.history.length).toBeLessThan(head.bestEpoch + 8);
      const valLosses = head.history.map((h) => h.valLoss!);
      expect(head.history[head.bestEpoch - 1]!.valLoss).toBeLessThanOrEqual(Math.min(...valLosses) + 1e-4);
      const val = all.slice(1000);
      const probs = await predictCached(head.model, cache, val.map((v) => v.key), 2);
      expect(crossEntropy(probs, val.map((v) => v.label), 2).loss).toBeCloseTo(head.history[head.bestEpoch - 1]!.valLoss!, 5);
    } finally {
      head.model.dispose();
    }
  });
});
