// Which images a run learns from and is judged on, read from the project database.
import type { Split } from '../domain/schemas.js';
import type { Db } from './database.js';

export interface Example {
  imageId: number;
  hash: string;
  paths: string[];
  /** Index into the run's class list, or -1 for unlabeled images. */
  label: number;
  split: Split;
}

export interface RunClasses {
  ids: number[];
  names: string[];
}

export function runClasses(db: Db): RunClasses {
  const rows = db
    .prepare('SELECT c.id, c.name FROM classes c WHERE EXISTS (SELECT 1 FROM labels l WHERE l.class_id = c.id) ORDER BY c.sort_order, c.id')
    .all() as Array<{ id: number; name: string }>;
  return { ids: rows.map((r) => r.id), names: rows.map((r) => r.name) };
}

function pathsOf(db: Db): (imageId: number) => string[] {
  const stmt = db.prepare('SELECT path FROM image_paths WHERE image_id = ? ORDER BY present DESC, id').pluck();
  return (imageId) => stmt.all(imageId) as string[];
}

/** Every usable image with its label (or -1), in a stable order. */
export function loadExamples(db: Db, classes: RunClasses): Example[] {
  const index = new Map(classes.ids.map((id, i) => [id, i]));
  const paths = pathsOf(db);
  const rows = db
    .prepare(
      `SELECT i.id, i.hash, i.split, l.class_id AS classId FROM images i LEFT JOIN labels l ON l.image_id = i.id
       WHERE i.status = 'ok' ORDER BY i.id`,
    )
    .all() as Array<{ id: number; hash: string; split: Split; classId: number | null }>;
  return rows.map((r) => ({
    imageId: r.id,
    hash: r.hash,
    paths: paths(r.id),
    label: r.classId === null ? -1 : (index.get(r.classId) ?? -1),
    split: r.split,
  }));
}
