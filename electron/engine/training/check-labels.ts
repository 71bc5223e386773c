// "Likely mislabeled" for a finished run, as its own step after training: k heads, each
// trained without one fold, score the given label of every image in that fold. A linear head
// is enough to rank suspicious labels and keeps this fast on large projects.
import { StudioError } from '../../domain/result.js';
import type { Db } from '../../project/database.js';
import { EmbeddingCache, specHash } from '../embeddings/cache.js';
import { loadExamples } from '../../project/examples.js';
import { writeOutOfFoldLabelProbs } from '../../project/predictions.js';
import { outOfFoldLabelProbs } from './out-of-fold.js';
import { readRunConfig } from './run.js';

export interface CheckLabelsResult {
  checked: number;
  ms: number;
}

export async function checkLabels(
  db: Db,
  runId: number,
  hooks: { progress?: (done: number, total: number) => void; checkpoint?: () => void } = {},
): Promise<CheckLabelsResult> {
  const started = Date.now();
  const run = readRunConfig(db, runId);
  const k = run.outOfFoldK;
  if (k < 2) return { checked: 0, ms: 0 };
  const classes = { ids: run.classIds, names: run.classNames };
  const cache = new EmbeddingCache(db, run.backboneId, run.embeddingDim);
  const spec = specHash(run.preprocessing, 0, run.augmentation, run.seed);
  const candidates = loadExamples(db, classes).filter((e) => e.label >= 0 && e.split !== 'test');
  const cached = cache.hasMany(candidates.map((e) => ({ imageHash: e.hash, view: 0, specHash: spec })));
  const examples = candidates.filter((_, i) => cached[i]);
  if (new Set(examples.map((e) => e.label)).size < 2) throw new StudioError('conflict', 'Checking labels needs labeled images of at least two classes.');
  const keys = examples.map((e) => ({ key: { imageHash: e.hash, view: 0, specHash: spec }, label: e.label }));
  // k heads x 20 epochs read these vectors again and again: from memory, not SQLite.
  cache.keepInMemory(keys.map((r) => r.key));
  hooks.progress?.(0, k);
  const probs = await outOfFoldLabelProbs(
    keys,
    {
      k,
      epochs: 20,
      dim: run.embeddingDim,
      nClasses: classes.ids.length,
      config: { ...run, hiddenUnits: 0, dropout: 0, labelSmoothing: 0, batchSize: 0, learningRate: 0.003 },
      cache,
      ...(hooks.checkpoint ? { checkpoint: hooks.checkpoint } : {}),
      onFold: (fold) => hooks.progress?.(fold, k),
    },
  );
  writeOutOfFoldLabelProbs(
    db,
    runId,
    examples.map((e, i) => ({ imageId: e.imageId, prob: probs[i]! })),
  );
  return { checked: examples.length, ms: Date.now() - started };
}
