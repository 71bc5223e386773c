// Synthetic rows for store-level tests (no pixels needed to test labels and queries).
import { createHash } from 'node:crypto';
import { createClass } from '../../electron/project/classes.js';
import type { Db } from '../../electron/project/database.js';
import { insertImage } from '../../electron/project/images.js';

export function fakeHash(n: number): string {
  return createHash('sha256').update(`image-${n}`).digest('hex');
}

export function seedImages(db: Db, count: number, start = 0): number[] {
  const ids: number[] = [];
  db.transaction(() => {
    for (let n = start; n < start + count; n++) {
      ids.push(
        insertImage(db, { hash: fakeHash(n), path: `/data/photos/img ${n}.jpg`, byteSize: 1000 + n, width: 500, height: 375, format: 'jpeg' }).id,
      );
    }
  })();
  return ids;
}

export function seedClasses(db: Db, names: string[]): number[] {
  return names.map((name) => createClass(db, { name }).id);
}

/**
 * Many rows at once, in SQL (a 100,000-image library in seconds): image n has a unique fake
 * hash and the path `/data/many/img NNNNNN.jpg`, unlabelled and unassigned. Returns the ids.
 */
export function seedManyImages(db: Db, count: number): { first: number; last: number } {
  const before = (db.prepare('SELECT coalesce(max(id), 0) FROM images').pluck().get() as number) + 1;
  db.transaction(() => {
    db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       INSERT INTO images (hash, byte_size, width, height, format, split, added_at)
       SELECT printf('%064x', ? + i), 1000 + i, 500, 375, 'jpeg', 'unassigned', ? FROM n`,
    ).run(count, before, Date.now());
    db.prepare(
      `INSERT INTO image_paths (image_id, path, mtime_ms, present)
       SELECT id, printf('/data/many/img %06d.jpg', id), NULL, 1 FROM images WHERE id >= ?`,
    ).run(before);
  })();
  return { first: before, last: before + count - 1 };
}
