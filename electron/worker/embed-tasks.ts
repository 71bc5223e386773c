// The engine worker's side of embedding ahead of training (issue 21): batches of model inputs an
// import decoded, and the catch-up pass over a project's images. Both write into the project's
// embedding cache under training's keys (train-keys.ts).
import { EmbeddingCache } from '../engine/embeddings/cache.js';
import { embedMissing, embedPixels, type PixelItem } from '../engine/embeddings/embed-ahead.js';
import type { TrainViews } from '../engine/embeddings/train-keys.js';
import { presentImagePaths } from '../project/images.js';
import { withProjectDb } from '../project/open-project-db.js';
import { embedderFor } from './embedder-pool.js';
import type { TaskContext } from './task-context.js';

export interface EmbedAheadTasks {
  embedPixels: {
    /** `samples`: files of these images, should the backbone's ONNX conversion need checking first. */
    args: { projectDir: string; backboneId: string; plan: TrainViews; items: PixelItem[]; samples: string[] };
    result: { embedded: number };
  };
  embedMissing: {
    args: { projectDir: string; backboneId: string; plan: TrainViews };
    result: { embedded: number; cached: number; failed: number };
  };
}

export const embedAheadTasks = {
  embedPixels: ({ projectDir, backboneId, plan, items, samples }: EmbedAheadTasks['embedPixels']['args']) =>
    withProjectDb(projectDir, async (db) => {
      const { embedder } = await embedderFor(backboneId, async () => samples);
      return { embedded: await embedPixels(embedder, new EmbeddingCache(db, backboneId, embedder.dim), plan, items) };
    }),

  embedMissing: ({ projectDir, backboneId, plan }: EmbedAheadTasks['embedMissing']['args'], ctx: TaskContext) =>
    withProjectDb(projectDir, async (db) => {
      const { embedder } = await embedderFor(backboneId, async () => presentImagePaths(db, 16));
      const result = await embedMissing(db, embedder, new EmbeddingCache(db, backboneId, embedder.dim), plan, {
        onProgress: (done, total) => ctx.progress({ phase: 'embedding', done, total }),
        checkpoint: ctx.checkpoint,
      });
      return { embedded: result.embedded, cached: result.cached, failed: result.failed.length };
    }),
};
