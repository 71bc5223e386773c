// Queries on classes.
import { StudioError } from '../domain/result.js';
import type { ClassRow } from '../domain/schemas.js';
import type { Db } from './database.js';

// A palette that stays readable on light and dark backgrounds.
const PALETTE = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#bfef45', '#469990', '#9a6324'];

interface ClassDbRow {
  id: number;
  name: string;
  color: string;
  sort_order: number;
  shortcut: number | null;
}

const toRow = (r: ClassDbRow): ClassRow => ({ id: r.id, name: r.name, color: r.color, order: r.sort_order, shortcut: r.shortcut });

export function listClasses(db: Db): ClassRow[] {
  return (db.prepare('SELECT id, name, color, sort_order, shortcut FROM classes ORDER BY sort_order, id').all() as ClassDbRow[]).map(toRow);
}

export function getClass(db: Db, id: number): ClassRow {
  const row = db.prepare('SELECT id, name, color, sort_order, shortcut FROM classes WHERE id = ?').get(id) as ClassDbRow | undefined;
  if (!row) throw new StudioError('not_found', `There is no class with id ${id}.`);
  return toRow(row);
}

/** A class's name, undefined when there is no class with that id. */
export function className(db: Db, id: number): string | undefined {
  return db.prepare('SELECT name FROM classes WHERE id = ?').pluck().get(id) as string | undefined;
}

export function findClassByName(db: Db, name: string): ClassRow | null {
  const row = db.prepare('SELECT id, name, color, sort_order, shortcut FROM classes WHERE name = ?').get(name) as ClassDbRow | undefined;
  return row ? toRow(row) : null;
}

function shortcutOwner(db: Db, shortcut: number): number | undefined {
  return db.prepare('SELECT id FROM classes WHERE shortcut = ?').pluck().get(shortcut) as number | undefined;
}

/** The first free number key 1..9, or null when all nine are taken (0 clears a label in the grid). */
export function freeShortcut(db: Db): number | null {
  const taken = new Set(db.prepare('SELECT shortcut FROM classes WHERE shortcut IS NOT NULL').pluck().all() as number[]);
  return [1, 2, 3, 4, 5, 6, 7, 8, 9].find((k) => !taken.has(k)) ?? null;
}

export function createClass(db: Db, input: { name: string; color?: string | undefined; shortcut?: number | null | undefined }): ClassRow {
  return db.transaction(() => {
    if (findClassByName(db, input.name)) throw new StudioError('conflict', `A class named "${input.name}" already exists.`);
    if (input.shortcut != null && shortcutOwner(db, input.shortcut) !== undefined) {
      throw new StudioError('conflict', `Key ${input.shortcut} is already the shortcut of another class.`);
    }
    const count = (db.prepare('SELECT count(*) AS n, coalesce(max(sort_order), -1) AS maxOrder FROM classes').get() as { n: number; maxOrder: number });
    const info = db
      .prepare('INSERT INTO classes (name, color, sort_order, shortcut, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(
        input.name,
        input.color ?? PALETTE[count.n % PALETTE.length],
        count.maxOrder + 1,
        input.shortcut === undefined ? freeShortcut(db) : input.shortcut,
        Date.now(),
      );
    return getClass(db, Number(info.lastInsertRowid));
  })();
}

/** Finds a class by name or creates it; folder and CSV imports reuse existing classes. */
export function ensureClass(db: Db, name: string): ClassRow {
  return findClassByName(db, name) ?? createClass(db, { name });
}

export function updateClass(
  db: Db,
  input: { id: number; name?: string | undefined; color?: string | undefined; shortcut?: number | null | undefined; order?: number | undefined },
): ClassRow {
  return db.transaction(() => {
    const current = getClass(db, input.id);
    if (input.name !== undefined) {
      const clash = findClassByName(db, input.name);
      if (clash && clash.id !== input.id) throw new StudioError('conflict', `A class named "${input.name}" already exists.`);
    }
    if (input.shortcut != null) {
      const owner = shortcutOwner(db, input.shortcut);
      if (owner !== undefined && owner !== input.id) throw new StudioError('conflict', `Key ${input.shortcut} is already the shortcut of another class.`);
    }
    db.prepare('UPDATE classes SET name = ?, color = ?, shortcut = ?, sort_order = ? WHERE id = ?').run(
      input.name ?? current.name,
      input.color ?? current.color,
      input.shortcut === undefined ? current.shortcut : input.shortcut,
      input.order ?? current.order,
      input.id,
    );
    return getClass(db, input.id);
  })();
}

/**
 * Merges `sourceId` into `targetId`: its images take the target's label (keeping how and with
 * what confidence they were labelled), its number key passes to the target if the target has
 * none, and the source class goes. The label history is rewritten to name the target, so undo
 * and redo of earlier actions keep working instead of leaving images unlabelled. The merge
 * itself is not an undoable label action: the renderer asks before it runs.
 */
export function mergeClasses(db: Db, sourceId: number, targetId: number): { target: ClassRow; moved: number } {
  return db.transaction(() => {
    if (sourceId === targetId) throw new StudioError('conflict', 'A class cannot be merged into itself.');
    const source = getClass(db, sourceId);
    const target = getClass(db, targetId);
    const moved = db.prepare('UPDATE labels SET class_id = ?, updated_at = ? WHERE class_id = ?').run(targetId, Date.now(), sourceId).changes;
    db.prepare('UPDATE label_changes SET old_class_id = ? WHERE old_class_id = ?').run(targetId, sourceId);
    db.prepare('UPDATE label_changes SET new_class_id = ? WHERE new_class_id = ?').run(targetId, sourceId);
    db.prepare('DELETE FROM classes WHERE id = ?').run(sourceId);
    if (target.shortcut === null && source.shortcut !== null) db.prepare('UPDATE classes SET shortcut = ? WHERE id = ?').run(source.shortcut, targetId);
    return { target: getClass(db, targetId), moved };
  })();
}
