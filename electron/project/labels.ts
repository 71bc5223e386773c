// Labels and their history. Every change goes through applyLabels so that undo and redo see
// exactly what the user did; a new action drops the redo stack, as editors do.
import { StudioError } from '../domain/result.js';
import type { LabelChange, LabelSource, LabelSummary, Split } from '../domain/schemas.js';
import { removeDeletedClass, restoreDeletedClass } from './class-snapshot.js';
import type { Db } from './database.js';
import { existingImageIds } from './images.js';
import { latestDoneRun } from './predictions.js';

export interface LabelValue {
  classId: number | null;
  source: LabelSource | null;
  confidence: number | null;
}

interface ChangeRow {
  image_id: number;
  old_class_id: number | null;
  old_source: LabelSource | null;
  old_confidence: number | null;
  new_class_id: number | null;
  new_source: LabelSource | null;
  new_confidence: number | null;
}

const NO_CHANGE: LabelChange = { actionId: 0, changed: 0, imageIds: [] };

function readLabel(db: Db, imageId: number): LabelValue {
  const row = db.prepare('SELECT class_id, source, confidence FROM labels WHERE image_id = ?').get(imageId) as
    | { class_id: number; source: LabelSource; confidence: number | null }
    | undefined;
  return row ? { classId: row.class_id, source: row.source, confidence: row.confidence } : { classId: null, source: null, confidence: null };
}

function writeLabel(db: Db, imageId: number, value: LabelValue, now: number): void {
  if (value.classId === null) {
    db.prepare('DELETE FROM labels WHERE image_id = ?').run(imageId);
  } else {
    db.prepare(
      `INSERT INTO labels (image_id, class_id, source, confidence, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(image_id) DO UPDATE SET class_id = excluded.class_id, source = excluded.source,
         confidence = excluded.confidence, updated_at = excluded.updated_at`,
    ).run(imageId, value.classId, value.source ?? 'human', value.confidence, now);
  }
}

/**
 * Sets one label value on many images as a single undoable action.
 * Images that already carry that value are left alone and not recorded.
 */
export function applyLabels(
  db: Db,
  imageIds: readonly number[],
  classId: number | null,
  options: { source?: LabelSource; confidence?: number | null; description?: string } = {},
): LabelChange {
  return db.transaction((): LabelChange => {
    if (classId !== null && db.prepare('SELECT 1 FROM classes WHERE id = ?').get(classId) === undefined) {
      throw new StudioError('not_found', `There is no class with id ${classId}.`);
    }
    const source: LabelSource | null = classId === null ? null : (options.source ?? 'human');
    const confidence = classId === null ? null : (options.confidence ?? null);
    const next: LabelValue = { classId, source, confidence };
    const unique = [...new Set(imageIds)];
    checkImages(db, unique);
    const values = new Map(unique.map((id) => [id, next]));
    return recordLabels(db, values, options.description ?? (classId === null ? 'clear label' : 'set label'));
  })();
}

/**
 * Gives images the class the newest finished run predicts for them, as one undoable action
 * whose labels say they came from the model (source 'model', with its confidence). Images the
 * run has no class for, or whose label already is that class, are left alone.
 */
export function acceptSuggestions(db: Db, imageIds: readonly number[]): LabelChange {
  return db.transaction((): LabelChange => {
    const runId = latestDoneRun(db);
    if (runId === null) throw new StudioError('not_found', 'No model has been trained in this project yet, so there are no suggestions to accept.');
    const suggestion = db.prepare(
      `SELECT p.class_id AS classId, p.confidence FROM predictions p JOIN classes c ON c.id = p.class_id WHERE p.run_id = ? AND p.image_id = ?`,
    );
    const values = new Map<number, LabelValue>();
    const unique = [...new Set(imageIds)];
    checkImages(db, unique);
    for (const imageId of unique) {
      const s = suggestion.get(runId, imageId) as { classId: number; confidence: number } | undefined;
      if (!s || readLabel(db, imageId).classId === s.classId) continue;
      values.set(imageId, { classId: s.classId, source: 'model', confidence: s.confidence });
    }
    return recordLabels(db, values, 'accept suggestion');
  })();
}

function checkImages(db: Db, unique: readonly number[]): void {
  const known = existingImageIds(db, unique);
  const missing = unique.filter((id) => !known.has(id));
  if (missing.length) throw new StudioError('not_found', `Unknown image id${missing.length > 1 ? 's' : ''}: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? '…' : ''}.`);
}

/**
 * Writes each image's new label value and records the whole as one action (in the caller's
 * transaction). `always` records the action even when no label changes (deleting an empty
 * class is still undoable).
 */
export function recordLabels(db: Db, values: ReadonlyMap<number, LabelValue>, description: string, options: { always?: boolean } = {}): LabelChange {
  const now = Date.now();
  const changes: Array<{ imageId: number; old: LabelValue; next: LabelValue }> = [];
  for (const [imageId, next] of values) {
    const old = readLabel(db, imageId);
    if (old.classId === next.classId && old.source === next.source && old.confidence === next.confidence) continue;
    changes.push({ imageId, old, next });
  }
  if (changes.length === 0 && !options.always) return NO_CHANGE;

  db.prepare('DELETE FROM label_actions WHERE undone = 1').run();
  const actionId = Number(db.prepare('INSERT INTO label_actions (created_at, description) VALUES (?, ?)').run(now, description).lastInsertRowid);
  const record = db.prepare(
    `INSERT INTO label_changes (action_id, image_id, old_class_id, old_source, old_confidence, new_class_id, new_source, new_confidence)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const { imageId, old, next } of changes) {
    writeLabel(db, imageId, next, now);
    record.run(actionId, imageId, old.classId, old.source, old.confidence, next.classId, next.source, next.confidence);
  }
  return { actionId, changed: changes.length, imageIds: changes.map((c) => c.imageId) };
}

function replay(db: Db, actionId: number, direction: 'undo' | 'redo'): LabelChange {
  const rows = db.prepare('SELECT * FROM label_changes WHERE action_id = ?').all(actionId) as ChangeRow[];
  const description = db.prepare('SELECT description FROM label_actions WHERE id = ?').pluck().get(actionId) as string;
  const now = Date.now();
  let classesChanged = direction === 'undo' && restoreDeletedClass(db, description);
  const classExists = db.prepare('SELECT 1 FROM classes WHERE id = ?');
  const touched: number[] = [];
  for (const row of rows) {
    const value: LabelValue =
      direction === 'undo'
        ? { classId: row.old_class_id, source: row.old_source, confidence: row.old_confidence }
        : { classId: row.new_class_id, source: row.new_source, confidence: row.new_confidence };
    // A class deleted since the action cannot come back through undo; leave that image unlabeled.
    if (value.classId !== null && classExists.get(value.classId) === undefined) value.classId = null;
    writeLabel(db, row.image_id, value, now);
    touched.push(row.image_id);
  }
  if (direction === 'redo') classesChanged = removeDeletedClass(db, description);
  db.prepare('UPDATE label_actions SET undone = ? WHERE id = ?').run(direction === 'undo' ? 1 : 0, actionId);
  return { actionId, changed: touched.length, imageIds: touched, ...(classesChanged ? { classesChanged } : {}) };
}

export function undoLabels(db: Db): LabelChange {
  return db.transaction(() => {
    const id = db.prepare('SELECT max(id) FROM label_actions WHERE undone = 0').pluck().get() as number | null;
    return id === null ? NO_CHANGE : replay(db, id, 'undo');
  })();
}

export function redoLabels(db: Db): LabelChange {
  return db.transaction(() => {
    const id = db.prepare('SELECT min(id) FROM label_actions WHERE undone = 1').pluck().get() as number | null;
    return id === null ? NO_CHANGE : replay(db, id, 'redo');
  })();
}

export function labelSummary(db: Db): LabelSummary {
  const total = db.prepare('SELECT count(*) FROM images').pluck().get() as number;
  const perClass = (db.prepare('SELECT class_id AS classId, count(*) AS count FROM labels GROUP BY class_id ORDER BY class_id').all() as Array<{
    classId: number;
    count: number;
  }>);
  const labeled = perClass.reduce((sum, c) => sum + c.count, 0);
  // `labeled` per split: what a training uses (the Train screen's "train N, validation M").
  const perSplit = db
    .prepare('SELECT i.split AS split, count(*) AS count, count(l.image_id) AS labeled FROM images i LEFT JOIN labels l ON l.image_id = i.id GROUP BY i.split ORDER BY i.split')
    .all() as LabelSummary['perSplit'];
  return { total, labeled, unlabeled: total - labeled, perClass, perSplit };
}

/** Labeled, readable images counted per class and split (the model card's data table). */
export function labelCountsByClassAndSplit(db: Db): Array<{ classId: number; split: Split; n: number }> {
  return db
    .prepare(`SELECT l.class_id AS classId, i.split, count(*) AS n FROM labels l JOIN images i ON i.id = l.image_id WHERE i.status = 'ok' GROUP BY l.class_id, i.split`)
    .all() as Array<{ classId: number; split: Split; n: number }>;
}
