// The rows an import writes for the files it commits: an image's new content and the features
// measured from it, a path seen again, the split a folder or CSV hints, the label an image has
// now, and the classes the import created and must take back when no image ended up in them.
import type { Split } from '../domain/schemas.js';
import { freeShortcut } from './classes.js';
import { inTransaction, type Db } from './database.js';

export interface ImageFeatures {
  width: number;
  height: number;
  format: string;
  channels: number | null;
  orientation: number | null;
  dhash: string;
  grayscale: boolean;
  entropy: number;
}

export function writeImageFeatures(db: Db, imageId: number, f: ImageFeatures): void {
  db.prepare(
    `UPDATE images SET width = ?, height = ?, format = ?, channels = ?, orientation = ?, dhash = ?, grayscale = ?, entropy = ? WHERE id = ?`,
  ).run(f.width, f.height, f.format, f.channels, f.orientation, f.dhash, f.grayscale ? 1 : 0, f.entropy, imageId);
}

/** An edited file: its image keeps id, label and split; only the content changes. */
export function replaceImageContent(db: Db, imageId: number, hash: string, byteSize: number): void {
  db.prepare(`UPDATE images SET hash = ?, byte_size = ?, status = 'ok' WHERE id = ?`).run(hash, byteSize, imageId);
}

/** A known path seen again (touched, copied back in place, or edited). */
export function touchImagePath(db: Db, file: string, mtimeMs: number): void {
  db.prepare('UPDATE image_paths SET mtime_ms = ?, present = 1 WHERE path = ?').run(mtimeMs, file);
}

export function imageSplitSource(db: Db, imageId: number): { split: Split; split_source: string | null } {
  return db.prepare('SELECT split, split_source FROM images WHERE id = ?').get(imageId) as { split: Split; split_source: string | null };
}

export function setHintedSplit(db: Db, imageId: number, split: Split, source: string): void {
  db.prepare('UPDATE images SET split = ?, split_source = ? WHERE id = ?').run(split, source, imageId);
}

export function classExists(db: Db, classId: number): boolean {
  return db.prepare('SELECT 1 FROM classes WHERE id = ?').get(classId) !== undefined;
}

export function currentLabel(db: Db, imageId: number): { class_id: number; source: string } | undefined {
  return db.prepare('SELECT class_id, source FROM labels WHERE image_id = ?').get(imageId) as { class_id: number; source: string } | undefined;
}

/**
 * Deletes the given classes that label no image; the kept ones get the lowest free number keys,
 * in order (the dropped ones took keys first). Returns how many were removed.
 */
export function dropUnlabeledClasses(db: Db, created: readonly number[]): number {
  const drop = db.prepare('DELETE FROM classes WHERE id = ? AND NOT EXISTS (SELECT 1 FROM labels WHERE class_id = ?)');
  return inTransaction(db, () => {
    const kept = created.filter((id) => drop.run(id, id).changes === 0);
    if (kept.length === created.length) return 0;
    const clear = db.prepare('UPDATE classes SET shortcut = NULL WHERE id = ?');
    for (const id of kept) clear.run(id);
    const give = db.prepare('UPDATE classes SET shortcut = ? WHERE id = ?');
    for (const id of kept) give.run(freeShortcut(db), id);
    return created.length - kept.length;
  });
}
