// Embedding ahead of training (issue 21), in the engine worker: the import hands over model
// inputs it decoded anyway (embedPixels), and a catch-up pass embeds from the files whatever
// present image still lacks its view-0 vector (embedMissing) — after a kill, for content that
// was known already, or for a newly chosen backbone. The cache is the checkpoint: a vector is
// computed only when it is not there, so nothing is embedded twice and a re-run completes it.
import type { Preprocessing } from '../../domain/schemas.js';
import type { Db } from '../../project/database.js';
import { presentImageContents } from '../../project/images.js';
import type { Embedder } from '../embedder.js';
import { IDENTITY } from '../images/augment.js';
import { scalePixels } from '../images/decode.js';
import type { EmbeddingCache } from './cache.js';
import { embedItems, type EmbedItem, type EmbedResult } from './pipeline.js';
import { viewZeroKey } from './view-zero.js';

export interface PixelItem {
  hash: string;
  /** inputSize x inputSize x 3 RGB, exactly what decodeForModel gives for this spec. */
  pixels: Uint8Array;
}

/** Embeds the items not cached yet, in one batch; returns how many it computed. */
export async function embedPixels(embedder: Embedder, cache: EmbeddingCache, preprocessing: Preprocessing, items: readonly PixelItem[]): Promise<number> {
  const size = preprocessing.inputSize * preprocessing.inputSize * 3;
  const keys = items.map((item) => viewZeroKey(preprocessing, item.hash));
  const cached = cache.hasMany(keys);
  const todo = items.flatMap((item, i) => (cached[i] ? [] : [{ item, key: keys[i]! }]));
  if (todo.length === 0) return 0;
  const batch = new Float32Array(todo.length * size);
  todo.forEach(({ item }, i) => {
    if (item.pixels.length !== size) throw new Error(`model input of ${item.hash.slice(0, 12)} has ${item.pixels.length} values, expected ${size}`);
    scalePixels(item.pixels, preprocessing.scaling, batch, i * size);
  });
  const vectors = await embedder.embed(batch, todo.length);
  cache.putMany(
    todo.map((t) => t.key),
    vectors,
  );
  return todo.length;
}

/** Embeds (from the files) every present image whose view-0 vector is missing. */
export function embedMissing(
  db: Db,
  embedder: Embedder,
  cache: EmbeddingCache,
  preprocessing: Preprocessing,
  options: { onProgress?: (done: number, total: number) => void; checkpoint?: () => void } = {},
): Promise<EmbedResult> {
  const items: EmbedItem[] = presentImageContents(db).map((image) => ({ key: viewZeroKey(preprocessing, image.hash), paths: image.paths, augment: IDENTITY }));
  return embedItems(items, {
    embedder,
    cache,
    preprocessing,
    ...(options.onProgress ? { onProgress: (p: { done: number; total: number }) => options.onProgress!(p.done, p.total) } : {}),
    ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
  });
}
