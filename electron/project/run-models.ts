// A run's saved head in the models table, recorded with the run's end in one transaction (a kill
// between them would list a model for a run that then reads as interrupted). Used by imported
// runs; training still records its own in engine/training/run.ts (grandfathered SQL).
import { finishRun } from './runs.js';
import type { Db } from './database.js';

export interface RunModelRow {
  backboneId: string;
  preprocessing: unknown;
  labels: readonly string[];
  /** The head's folder, relative to the project. */
  path: string;
  metrics: { val: number | null; test: number | null };
}

/** Which engine computed the run's embeddings. */
export function setRunEmbedEngine(db: Db, runId: number, engine: string): void {
  db.prepare('UPDATE runs SET embed_engine = ? WHERE id = ?').run(engine, runId);
}

/** Stores the run's model and marks the run done with its metrics; returns the model id. */
export function finishRunWithModel(db: Db, runId: number, model: RunModelRow, details: { metrics: unknown; timings: unknown }): number {
  return db.transaction(() => {
    const id = Number(
      db
        .prepare('INSERT INTO models (run_id, created_at, backbone_id, preprocessing, labels, path, metrics) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(runId, Date.now(), model.backboneId, JSON.stringify(model.preprocessing), JSON.stringify(model.labels), model.path, JSON.stringify(model.metrics)).lastInsertRowid,
    );
    finishRun(db, runId, 'done', details);
    return id;
  })();
}
