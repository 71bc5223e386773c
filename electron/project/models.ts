// The models table: heads saved by training runs, and models imported whole (Teachable Machine).
import type { Db } from './database.js';
import { finishRun } from './runs.js';

/** The run a model was trained by (null: imported); undefined for an unknown model. */
export function modelRunId(db: Db, modelId: number): number | null | undefined {
  const row = db.prepare('SELECT run_id AS runId FROM models WHERE id = ?').get(modelId) as { runId: number | null } | undefined;
  return row ? row.runId : undefined;
}

/** A run's newest saved model, or the given one of that run; undefined when it has none. */
export function runModel(db: Db, runId: number, modelId?: number): { id: number; path: string } | undefined {
  return db
    .prepare('SELECT id, path FROM models WHERE run_id = ? AND (? IS NULL OR id = ?) ORDER BY id DESC LIMIT 1')
    .get(runId, modelId ?? null, modelId ?? null) as { id: number; path: string } | undefined;
}

/** Stores a model imported whole (no run): its kind, preprocessing, labels and folder relative to the project. */
export function insertImportedModel(db: Db, model: { kind: string; preprocessing: unknown; labels: readonly string[]; path: string }): number {
  return Number(
    db
      .prepare('INSERT INTO models (run_id, created_at, backbone_id, preprocessing, labels, path, metrics) VALUES (NULL, ?, ?, ?, ?, ?, NULL)')
      .run(Date.now(), model.kind, JSON.stringify(model.preprocessing), JSON.stringify(model.labels), model.path).lastInsertRowid,
  );
}

/** An imported model's kind, folder (relative to the project) and labels (JSON); undefined for an unknown id. */
export function importedModel(db: Db, modelId: number): { kind: string; path: string; labels: string } | undefined {
  return db.prepare('SELECT backbone_id AS kind, path, labels FROM models WHERE id = ?').get(modelId) as { kind: string; path: string; labels: string } | undefined;
}

/** A trained run's model row; `path` relative to the project. Returns its id. */
export function insertRunModel(
  db: Db,
  model: { runId: number; backboneId: string; preprocessing: unknown; labels: readonly string[]; path: string; metrics: unknown },
): number {
  return Number(
    db
      .prepare('INSERT INTO models (run_id, created_at, backbone_id, preprocessing, labels, path, metrics) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(model.runId, Date.now(), model.backboneId, JSON.stringify(model.preprocessing), JSON.stringify(model.labels), model.path, JSON.stringify(model.metrics)).lastInsertRowid,
  );
}

/**
 * Stores the run's model and marks the run done in one transaction (a kill between them would
 * list a model for a run that then reads as interrupted); returns the model id.
 */
export function finishRunWithModel(
  db: Db,
  model: Parameters<typeof insertRunModel>[1],
  details: { metrics: unknown; timings: unknown },
): number {
  return db.transaction(() => {
    const id = insertRunModel(db, model);
    finishRun(db, model.runId, 'done', details);
    return id;
  })();
}
