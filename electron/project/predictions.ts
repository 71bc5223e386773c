// Per-run predictions: suggestions for unlabeled images, disagreements for labeled ones, the
// uncertainty queue ("label these next") and the out-of-fold "likely mislabeled" queue.
import { StudioError } from '../domain/result.js';
import type { Db } from './database.js';

export interface PredictionRow {
  imageId: number;
  classId: number | null;
  confidence: number;
  margin: number;
  entropy: number;
  probs: Float32Array;
  loss: number | null;
  oofLabelProb: number | null;
}

const PREDICTION_CHUNK = 2000;

export function writePredictions(db: Db, runId: number, rows: readonly PredictionRow[]): void {
  const insert = db.prepare(
    `INSERT OR REPLACE INTO predictions (run_id, image_id, class_id, confidence, margin, entropy, probs, loss, oof_label_prob)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // In chunks: one transaction over 100k rows would hold the write lock for a second, and the
  // main thread waits on that lock to save a label. A run is shown only once it is 'done', so
  // a kill between chunks leaves nothing half visible.
  const write = db.transaction((chunk: readonly PredictionRow[]) => {
    for (const r of chunk) {
      insert.run(runId, r.imageId, r.classId, r.confidence, r.margin, r.entropy, Buffer.from(r.probs.buffer, r.probs.byteOffset, r.probs.byteLength), r.loss, r.oofLabelProb);
    }
  });
  for (let start = 0; start < rows.length; start += PREDICTION_CHUNK) write(rows.slice(start, start + PREDICTION_CHUNK));
}


/** The newest finished run, whose predictions the library shows. */
export function latestDoneRun(db: Db): number | null {
  return (db.prepare(`SELECT max(id) FROM runs WHERE status = 'done'`).pluck().get() as number | null) ?? null;
}

/**
 * The run a command works on: the one asked for, or else the newest finished one. Every
 * channel and export that needs a trained model asks here, so each says the same when there is
 * none: no run trained yet, no such run, or a run that did not finish (`purpose` ends that
 * sentence: "it has no predictions to export").
 */
export function requireFinishedRun(db: Db, runId: number | null | undefined, purpose = 'pick a finished run'): number {
  const id = runId ?? latestDoneRun(db);
  if (id === null) throw new StudioError('not_found', 'No model has been trained in this project yet. Train one first.');
  const status = db.prepare('SELECT status FROM runs WHERE id = ?').pluck().get(id) as string | undefined;
  if (status === undefined) throw new StudioError('not_found', `There is no run ${id}.`);
  if (status !== 'done') throw new StudioError('conflict', `Run ${id} did not finish (${status}); ${purpose}.`);
  return id;
}

export interface QueueEntry {
  imageId: number;
  classId: number | null;
  confidence: number;
  margin: number;
  labelClassId: number | null;
  oofLabelProb: number | null;
}

/** Unlabeled images the model is least sure about, most uncertain first. */
export function uncertainQueue(db: Db, runId: number, limit: number): QueueEntry[] {
  return db
    .prepare(
      `SELECT p.image_id AS imageId, p.class_id AS classId, p.confidence, p.margin, l.class_id AS labelClassId, p.oof_label_prob AS oofLabelProb
       FROM predictions p LEFT JOIN labels l ON l.image_id = p.image_id
       WHERE p.run_id = ? AND l.image_id IS NULL ORDER BY p.margin ASC, p.image_id LIMIT ?`,
    )
    .all(runId, limit) as QueueEntry[];
}

/** Labeled images whose given label the out-of-fold model finds least likely. */
export function mislabeledQueue(db: Db, runId: number, limit: number): QueueEntry[] {
  return db
    .prepare(
      `SELECT p.image_id AS imageId, p.class_id AS classId, p.confidence, p.margin, l.class_id AS labelClassId, p.oof_label_prob AS oofLabelProb
       FROM predictions p JOIN labels l ON l.image_id = p.image_id
       WHERE p.run_id = ? AND p.oof_label_prob IS NOT NULL ORDER BY p.oof_label_prob ASC, p.image_id LIMIT ?`,
    )
    .all(runId, limit) as QueueEntry[];
}

/** The images behind one confusion-matrix cell of a run: true class (label now) × predicted class. */
export function confusionCellImages(
  db: Db,
  cell: { runId: number; split: 'train' | 'val' | 'test'; trueClassId: number; predictedClassId: number; limit: number },
): { total: number; imageIds: number[] } {
  const where = `FROM predictions p JOIN labels l ON l.image_id = p.image_id JOIN images i ON i.id = p.image_id
     WHERE p.run_id = ? AND i.split = ? AND l.class_id = ? AND p.class_id = ?`;
  const args = [cell.runId, cell.split, cell.trueClassId, cell.predictedClassId];
  const total = db.prepare(`SELECT count(*) ${where}`).pluck().get(...args) as number;
  const imageIds = db.prepare(`SELECT p.image_id ${where} ORDER BY p.confidence DESC, p.image_id LIMIT ?`).pluck().all(...args, cell.limit) as number[];
  return { total, imageIds };
}

/** Stores each image's out-of-fold probability of its own label (NaN: not scored), in one transaction. */
export function writeOutOfFoldLabelProbs(db: Db, runId: number, scores: ReadonlyArray<{ imageId: number; prob: number }>): void {
  const update = db.prepare('UPDATE predictions SET oof_label_prob = ? WHERE run_id = ? AND image_id = ?');
  db.transaction(() => {
    for (const { imageId, prob } of scores) if (!Number.isNaN(prob)) update.run(prob, runId, imageId);
  })();
}

/** A run's stored probability blob for one image, or undefined (a reader for many lookups). */
export function storedProbsReader(db: Db, runId: number): (imageId: number) => Buffer | undefined {
  const get = db.prepare('SELECT probs FROM predictions WHERE run_id = ? AND image_id = ?').pluck();
  return (imageId) => get.get(runId, imageId) as Buffer | undefined;
}
