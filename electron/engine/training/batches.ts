// Shuffled training batches streamed from the embedding cache. Each epoch visits the shards
// (embeddings/shards.ts) in a new random order and each shard's rows in a new random order; rows
// carry over between shards so every batch but the epoch's last is full. Memory is one shard and
// one batch; a set that fits in one shard is read from SQLite once, not once per epoch.
import type { CacheKey, EmbeddingCache } from '../embeddings/cache.js';
import { planShards, SHARD_ROWS } from '../embeddings/shards.js';
import { shuffleInPlace, type Random } from '../images/random.js';

export interface LabeledKey {
  key: CacheKey;
  label: number;
}

export interface Batch {
  /** n x dim values; valid until the next batch is drawn. */
  x: Float32Array;
  labels: Int32Array;
  n: number;
}

export class ShuffledBatches {
  private readonly shards: Array<{ keys: CacheKey[]; labels: Int32Array }>;
  private readonly shardVectors: Float32Array;
  private readonly x: Float32Array;
  private readonly labels: Int32Array;
  private loaded = -1;

  constructor(
    private readonly cache: EmbeddingCache,
    items: readonly LabeledKey[],
    readonly batchSize: number,
    shardRows = Math.max(SHARD_ROWS, batchSize * 4),
  ) {
    this.shards = planShards(items, shardRows).map((shard) => ({ keys: shard.map((s) => s.key), labels: Int32Array.from(shard, (s) => s.label) }));
    this.shardVectors = new Float32Array(Math.min(shardRows, items.length) * cache.dim);
    this.x = new Float32Array(batchSize * cache.dim);
    this.labels = new Int32Array(batchSize);
  }

  /** Vector values held in memory: one shard and one batch, whatever the number of items. */
  get bufferedValues(): number {
    return this.shardVectors.length + this.x.length;
  }

  get batchesPerEpoch(): number {
    return Math.ceil(this.shards.reduce((n, s) => n + s.keys.length, 0) / this.batchSize);
  }

  *epoch(random: Random): Generator<Batch> {
    const dim = this.cache.dim;
    let filled = 0;
    for (const s of shuffleInPlace(
      this.shards.map((_, i) => i),
      random,
    )) {
      const shard = this.shards[s]!;
      if (this.loaded !== s) {
        this.loaded = -1;
        this.cache.readKeys(shard.keys, this.shardVectors);
        this.loaded = s;
      }
      for (const row of shuffleInPlace(
        Array.from(shard.keys, (_, i) => i),
        random,
      )) {
        this.x.set(this.shardVectors.subarray(row * dim, (row + 1) * dim), filled * dim);
        this.labels[filled] = shard.labels[row]!;
        if (++filled === this.batchSize) {
          yield { x: this.x, labels: this.labels, n: filled };
          filled = 0;
        }
      }
    }
    if (filled > 0) yield { x: this.x.subarray(0, filled * dim), labels: this.labels.subarray(0, filled), n: filled };
  }
}
