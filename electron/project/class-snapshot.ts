// A deleted class travels in the label history: the action that unlabeled its images carries
// the class row in its description, so undo can put the class back (same id, so the restored
// labels point at it) and redo can remove it again. Kept apart from labels.ts and
// class-delete.ts so that neither imports the other.
import { ClassRow } from '../domain/schemas.js';
import type { Db } from './database.js';

const PREFIX = 'delete class ';

export function deletionDescription(row: ClassRow): string {
  return PREFIX + JSON.stringify(row);
}

function deletedClass(description: string): ClassRow | null {
  if (!description.startsWith(PREFIX)) return null;
  const parsed = ClassRow.safeParse(JSON.parse(description.slice(PREFIX.length)));
  return parsed.success ? parsed.data : null;
}

/** Undo of a deletion: the class comes back before its labels do. True when a class was restored. */
export function restoreDeletedClass(db: Db, description: string): boolean {
  const row = deletedClass(description);
  if (!row || db.prepare('SELECT 1 FROM classes WHERE id = ?').get(row.id) !== undefined) return false;
  // A class created since may have taken the name or the number key; the restored one yields.
  const nameTaken = db.prepare('SELECT 1 FROM classes WHERE name = ?').get(row.name) !== undefined;
  const keyTaken = row.shortcut !== null && db.prepare('SELECT 1 FROM classes WHERE shortcut = ?').get(row.shortcut) !== undefined;
  db.prepare('INSERT INTO classes (id, name, color, sort_order, shortcut, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
    row.id,
    nameTaken ? `${row.name} (restored)` : row.name,
    row.color,
    row.order,
    keyTaken ? null : row.shortcut,
    Date.now(),
  );
  return true;
}

/** Redo of a deletion: the class goes again once its images are unlabeled. */
export function removeDeletedClass(db: Db, description: string): boolean {
  const row = deletedClass(description);
  return row !== null && db.prepare('DELETE FROM classes WHERE id = ?').run(row.id).changes > 0;
}
