// The last run model the worker predicted with stays loaded: the live camera preview asks for
// one frame at a time, many times a second, and reading and building the head from disk on
// every frame would cost more than predicting. A run's saved model is found by its row in
// `models`, so a newer model for the same run (or another run, or project) loads afresh.
import type { Db } from '../project/database.js';
import { runModel } from '../project/models.js';
import { loadRunModel, type RunModel } from '../engine/training/predict-images.js';

let cached: { key: string; model: Promise<RunModel> } | null = null;

export async function cachedRunModel(db: Db, projectDir: string, runId: number): Promise<RunModel> {
  const row = runModel(db, runId);
  // No model row: loadRunModel says so with its own error.
  if (!row) return loadRunModel(db, projectDir, runId);
  const key = JSON.stringify([projectDir, runId, row.id, row.path]);
  if (cached?.key !== key) {
    const previous = cached;
    const model = loadRunModel(db, projectDir, runId);
    cached = { key, model };
    // A failed load is not kept: the next call tries again.
    model.catch(() => {
      if (cached?.model === model) cached = null;
    });
    // A prediction still running on the old head keeps it until it is done with it.
    void previous?.model.then(
      (m) =>
        setTimeout(() => {
          m.head.dispose();
          m.backbone?.dispose();
        }, 10_000).unref(),
      () => undefined,
    );
  }
  return cached.model;
}
