// Many cached vectors are read shard by shard: runs of items adjacent in the cache's key order
// (image hash), so that EmbeddingCache.readKeys fetches each shard with range scans instead of
// one lookup per vector. Image hashes are content hashes, so a shard is a random sample of the
// images: visiting shards in random order and rows within a shard in random order shuffles an
// epoch while memory holds one shard, whatever the size of the dataset.
import type { CacheKey } from './cache.js';

/** Vectors per shard when reading a whole set (training epochs, predictions). */
export const SHARD_ROWS = 1024;

export function planShards<T extends { key: CacheKey }>(items: readonly T[], rows = SHARD_ROWS): T[][] {
  const sorted = [...items].sort((a, b) => (a.key.imageHash < b.key.imageHash ? -1 : a.key.imageHash > b.key.imageHash ? 1 : a.key.view - b.key.view));
  const shards: T[][] = [];
  for (let start = 0; start < sorted.length; start += rows) shards.push(sorted.slice(start, start + rows));
  return shards;
}
