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
