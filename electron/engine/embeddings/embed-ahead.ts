// Embedding ahead of training (issue 21), in the engine worker: the import hands over model
// inputs it decoded anyway (embedPixels: view 0 and the one-click Train's augmented views), and
// a catch-up pass embeds from the files whatever is still missing (embedMissing) — after a kill,
// for content that was known already, or for a newly chosen backbone. The cache is the
// checkpoint: a vector is computed only when it is not there, so nothing is embedded twice and a
// re-run completes it.
import type { Db } from '../../project/database.js';
import { loadExamples, runClasses } from '../../project/examples.js';
import { presentImageContents } from '../../project/images.js';
import type { Embedder } from '../embedder.js';
import { IDENTITY, type AugmentParams } from '../images/augment.js';
import { scalePixels } from '../images/decode.js';
import type { EmbeddingCache } from './cache.js';
import { embedItems, RUN_VIEWS, type EmbedItem, type EmbedResult } from './pipeline.js';
import { viewAugment, viewKey, type TrainViews } from './train-keys.js';

export interface PixelItem {
  hash: string;
  view: number;
  /** inputSize x inputSize x 3 RGB, exactly what decodeForModel gives for this view and spec. */
  pixels: Uint8Array;
}

/**
 * The views of this content a one-click Train embeds that are not cached: every view, although
 * Train uses the augmented ones of training images only — an import draws the split when it
 * ends, and the decoded pixels are in memory only while it examines the photo.
 */
export function missingViews(cache: EmbeddingCache, plan: TrainViews, hash: string): Array<{ view: number; augment: AugmentParams }> {
  const views = Array.from({ length: plan.views + 1 }, (_, view) => view);
  const cached = cache.hasMany(views.map((view) => viewKey(plan, hash, view)));
  return views.filter((_, i) => !cached[i]).map((view) => ({ view, augment: viewAugment(plan, hash, view) }));
}

/**
 * The views an import embeds from its own decode: every view a one-click Train uses, for every
 * photo — val and test photos' augmented views are wasted backbone work, but the catch-up pass
 * would otherwise decode each training photo a second time, from the file, to warp its views
 * once the split is drawn. Measured on 10,000 generated photos in one run (load 3-5): import
 * with every view 140 s, with view 0 only and the catch-up pass 204 s (bench:import, README).
 * STUDIO_IMPORT_VIEWS=view-0 keeps the old behaviour, for that comparison.
 */
export function importViews(plan: TrainViews, mode = process.env.STUDIO_IMPORT_VIEWS): TrainViews {
  return mode === 'view-0' ? { ...plan, views: 0 } : plan;
}

/** Embeds the items not cached yet; returns how many it computed. */
export async function embedPixels(embedder: Embedder, cache: EmbeddingCache, plan: TrainViews, items: readonly PixelItem[]): Promise<number> {
  const { preprocessing } = plan;
  const size = preprocessing.inputSize * preprocessing.inputSize * 3;
  const keys = items.map((item) => viewKey(plan, item.hash, item.view));
  const cached = cache.hasMany(keys);
  const todo = items.flatMap((item, i) => (cached[i] ? [] : [{ item, key: keys[i]! }]));
  if (todo.length === 0) return 0;
  for (const { item } of todo) {
    if (item.pixels.length !== size) throw new Error(`model input of ${item.hash.slice(0, 12)} has ${item.pixels.length} values, expected ${size}`);
  }
  // An import hands over 32 photos with every view at once (the worker round trip pays per call);
  // the model runs them RUN_VIEWS at a time. Every run is sent before the first is awaited: on its
  // own thread the backbone runs one while this thread scales the next.
  const runs: Array<Promise<void>> = [];
  for (let start = 0; start < todo.length; start += RUN_VIEWS) {
    const part = todo.slice(start, start + RUN_VIEWS);
    const batch = new Float32Array(part.length * size);
    part.forEach(({ item }, i) => scalePixels(item.pixels, preprocessing.scaling, batch, i * size));
    runs.push(
      embedder.embed(batch, part.length, { handOver: true }).then((vectors) =>
        cache.putMany(
          part.map((t) => t.key),
          vectors,
        ),
      ),
    );
  }
  await Promise.all(runs);
  return todo.length;
}

/**
 * What a one-click Train would embed that is not cached, from the files: view 0 of every
 * present image, and the augmented views of every labeled training image.
 */
export function embedMissing(
  db: Db,
  embedder: Embedder,
  cache: EmbeddingCache,
  plan: TrainViews,
  options: { onProgress?: (done: number, total: number) => void; checkpoint?: () => void } = {},
): Promise<EmbedResult> {
  const present = presentImageContents(db);
  const pathsOf = new Map(present.map((image) => [image.hash, image.paths]));
  const items: EmbedItem[] = present.map((image) => ({ key: viewKey(plan, image.hash, 0), paths: image.paths, augment: IDENTITY }));
  if (plan.views > 0) {
    for (const e of loadExamples(db, runClasses(db))) {
      const paths = pathsOf.get(e.hash);
      if (e.label < 0 || e.split !== 'train' || !paths) continue;
      for (let view = 1; view <= plan.views; view++) items.push({ key: viewKey(plan, e.hash, view), paths, augment: viewAugment(plan, e.hash, view) });
    }
  }
  return embedItems(items, {
    embedder,
    cache,
    preprocessing: plan.preprocessing,
    ...(options.onProgress ? { onProgress: (p: { done: number; total: number }) => options.onProgress!(p.done, p.total) } : {}),
    ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
  });
}
