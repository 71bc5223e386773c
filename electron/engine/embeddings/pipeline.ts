// Embedding as a pipeline: several images decode (sharp, on libuv threads) while the current
// batch runs through the backbone, so both cores stay busy. With the backbone on its own thread
// (onnxruntime, inference-thread.ts) the next batch is also warped and scaled meanwhile: two
// batch buffers take turns, one being filled while the other is embedded, and vectors are
// written in batch order. Already cached views are skipped, each image is decoded once per
// view, and an unreadable image is reported, not fatal.
import type { Preprocessing } from '../../domain/schemas.js';
import type { Embedder } from '../embedder.js';
import type { AugmentParams } from '../images/augment.js';
import { decodeForModel, scalePixels, type DecodedImage } from '../images/decode.js';
import type { CacheKey, EmbeddingCache } from './cache.js';

export interface EmbedItem {
  key: CacheKey;
  /** Every known path of this content; the first that decodes is used. */
  paths: string[];
  augment: AugmentParams;
}

export interface EmbedProgress {
  done: number;
  total: number;
}

export interface EmbedOptions {
  embedder: Embedder;
  cache: EmbeddingCache;
  preprocessing: Preprocessing;
  batchSize?: number;
  /** Decodes kept in flight ahead of the backbone. */
  inFlight?: number;
  onProgress?: (p: EmbedProgress) => void;
  /** Called between batches; throw to stop (cancel). */
  checkpoint?: () => void;
}

export interface EmbedResult {
  embedded: number;
  cached: number;
  failed: Array<{ key: CacheKey; reason: string }>;
  decodeMs: number;
  embedMs: number;
}

async function decodeFirst(item: EmbedItem, preprocessing: Preprocessing): Promise<DecodedImage> {
  let lastError: unknown = new Error('no path');
  for (const path of item.paths) {
    try {
      return await decodeForModel(path, preprocessing, item.augment);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/**
 * Views per model run: on 2 cores a run of 64 views cost about a third more per view than runs
 * of 16 (activations outgrow the caches). The import's embedding uses it too (embed-ahead.ts).
 */
export const RUN_VIEWS = 16;

export async function embedItems(items: readonly EmbedItem[], options: EmbedOptions): Promise<EmbedResult> {
  const { embedder, cache, preprocessing } = options;
  const batchSize = options.batchSize ?? RUN_VIEWS;
  const inFlight = Math.max(batchSize, options.inFlight ?? batchSize * 2);
  const cached = cache.hasMany(items.map((item) => item.key));
  const todo = items.filter((_, i) => !cached[i]);
  const result: EmbedResult = { embedded: 0, cached: items.length - todo.length, failed: [], decodeMs: 0, embedMs: 0 };
  const total = items.length;
  options.onProgress?.({ done: result.cached, total });

  const size = preprocessing.inputSize;
  const pixelsPerImage = size * size * 3;
  // Two buffers: the one being filled, and the one the backbone may still be reading.
  const buffers = [new Float32Array(batchSize * pixelsPerImage), new Float32Array(batchSize * pixelsPerImage)];
  let filling = 0;
  let batchKeys: CacheKey[] = [];
  let next = 0;
  const pending: Array<Promise<{ item: EmbedItem; decoded: DecodedImage | null; reason?: string }>> = [];
  let waiting = 0;
  /** The batch being embedded (at most one: runs are serial anyway, memory stays two batches). */
  let embedding: Promise<void> | null = null;

  const launch = () => {
    while (pending.length < inFlight && next < todo.length) {
      const item = todo[next++]!;
      pending.push(
        decodeFirst(item, preprocessing).then(
          (decoded) => ({ item, decoded }),
          (error: unknown) => ({ item, decoded: null, reason: error instanceof Error ? error.message : String(error) }),
        ),
      );
    }
  };

  const embedBatch = async (keys: CacheKey[], pixels: Float32Array) => {
    const t = Date.now();
    const vectors = await embedder.embed(pixels, keys.length);
    result.embedMs += Date.now() - t;
    cache.putMany(keys, vectors);
    result.embedded += keys.length;
    options.onProgress?.({ done: result.cached + result.embedded + result.failed.length, total });
  };

  /** Waits for the batch before (and stops here on a cancel), then starts this one. */
  const flush = async () => {
    if (embedding) {
      await embedding;
      embedding = null;
      options.checkpoint?.();
    }
    if (batchKeys.length === 0) return;
    const keys = batchKeys;
    const pixels = buffers[filling]!.subarray(0, keys.length * pixelsPerImage);
    batchKeys = [];
    filling = 1 - filling;
    embedding = embedBatch(keys, pixels);
    // Not awaited here; a failure surfaces at the next flush. Mark it handled meanwhile.
    embedding.catch(() => undefined);
  };

  launch();
  while (pending.length > 0) {
    const t = Date.now();
    const { item, decoded, reason } = await pending.shift()!;
    waiting += Date.now() - t;
    launch();
    if (!decoded) {
      result.failed.push({ key: item.key, reason: reason ?? 'could not decode' });
      continue;
    }
    scalePixels(decoded.pixels, preprocessing.scaling, buffers[filling]!, batchKeys.length * pixelsPerImage);
    batchKeys.push(item.key);
    if (batchKeys.length === batchSize) await flush();
  }
  await flush();
  // The last batch (flush started it); a second call waits for it.
  await flush();
  // Decode time the backbone had to wait for; the rest overlapped with embedding.
  result.decodeMs = waiting;
  return result;
}
