// Deleting a class: its images become unlabeled and the class goes, as ONE label action, so
// the library's ordinary undo (Ctrl+Z) brings back both the class and its labels.
import type { ClassRow, LabelChange } from '../domain/schemas.js';
import { getClass } from './classes.js';
import { deletionDescription } from './class-snapshot.js';
import type { Db } from './database.js';
import { recordLabels, type LabelValue } from './labels.js';

export interface ClassDeletion {
  deleted: ClassRow;
  /** Images that lost this label. */
  unlabeled: number;
  /** The undoable action (labels:undo restores the class). */
  actionId: number;
}

/** The deletion, and the label change to announce to open views. */
export function deleteClass(db: Db, id: number): { deletion: ClassDeletion; change: LabelChange } {
  return db.transaction(() => {
    const row = getClass(db, id);
    const imageIds = db.prepare('SELECT image_id FROM labels WHERE class_id = ? ORDER BY image_id').pluck().all(id) as number[];
    const none: LabelValue = { classId: null, source: null, confidence: null };
    const change = recordLabels(db, new Map(imageIds.map((imageId) => [imageId, none])), deletionDescription(row), { always: true });
    db.prepare('DELETE FROM classes WHERE id = ?').run(id);
    return { deletion: { deleted: row, unlabeled: change.changed, actionId: change.actionId }, change };
  })();
}
