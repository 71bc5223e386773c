// Which split each image is in (train, val, test or unassigned) and who chose it: the queries
// the split assignment reads and the writes it makes.
import type { Split, SplitAssignment } from '../domain/schemas.js';
import type { Db } from './database.js';

/** One image as the split assignment sees it. */
export interface ImageSplitRow {
  id: number;
  hash: string;
  split: Split;
  classId: number | null;
}

export function splitCounts(db: Db): SplitAssignment['perSplit'] {
  return db.prepare('SELECT split, count(*) AS count FROM images GROUP BY split ORDER BY split').all() as SplitAssignment['perSplit'];
}

/** From the split index, without reading every row. */
export function hasUnassignedImages(db: Db): boolean {
  return db.prepare(`SELECT 1 FROM images WHERE split = 'unassigned' LIMIT 1`).get() !== undefined;
}

/** Takes back the automatic train/val assignments (a reshuffle); test and chosen splits stay. */
export function unassignAutomaticTrainVal(db: Db): void {
  db.prepare(`UPDATE images SET split = 'unassigned', split_source = NULL WHERE split_source = 'auto' AND split IN ('train', 'val')`).run();
}

export function imageSplitRows(db: Db): ImageSplitRow[] {
  return db.prepare(`SELECT i.id, i.hash, i.split, l.class_id AS classId FROM images i LEFT JOIN labels l ON l.image_id = i.id ORDER BY i.id`).all() as ImageSplitRow[];
}

export function writeAutomaticSplits(db: Db, decided: ReadonlyMap<number, Split>): void {
  const update = db.prepare(`UPDATE images SET split = ?, split_source = 'auto' WHERE id = ?`);
  for (const [id, split] of decided) update.run(split, id);
}

/** The user's own choice, kept like a folder's: neither imports nor reshuffles move it. */
export function setSplit(db: Db, imageIds: readonly number[], split: Split): number {
  const update = db.prepare(`UPDATE images SET split = ?, split_source = ? WHERE id = ?`);
  return db.transaction(() => {
    let changed = 0;
    for (const id of new Set(imageIds)) changed += update.run(split, split === 'unassigned' ? null : 'user', id).changes;
    return changed;
  })();
}
