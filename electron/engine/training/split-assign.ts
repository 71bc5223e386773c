// Training needs train/val(/test) splits. Splits given by folders are kept; labeled images
// that have none get a stratified, seeded assignment, written back so that it stays stable
// (the test split especially must not reshuffle between runs).
import type { Split } from '../../ipc/schemas.js';
import type { Db } from '../../project/database.js';
import { seededRandom, shuffleInPlace } from '../images/random.js';

export interface SplitFractions {
  train: number;
  val: number;
  test: number;
  seed: number;
}

/** Assigns splits to labeled, unassigned images per class; returns how many were assigned. */
export function assignMissingSplits(db: Db, plan: SplitFractions): number {
  const rows = db
    .prepare(
      `SELECT i.id, i.hash, l.class_id AS classId FROM images i JOIN labels l ON l.image_id = i.id
       WHERE i.split = 'unassigned' AND i.status = 'ok' ORDER BY i.hash`,
    )
    .all() as Array<{ id: number; hash: string; classId: number }>;
  if (rows.length === 0) return 0;
  const byClass = new Map<number, typeof rows>();
  for (const row of rows) byClass.set(row.classId, [...(byClass.get(row.classId) ?? []), row]);
  const update = db.prepare('UPDATE images SET split = ? WHERE id = ?');
  db.transaction(() => {
    for (const [classId, members] of byClass) {
      shuffleInPlace(members, seededRandom(`${plan.seed}:${classId}`));
      const n = members.length;
      // Small classes still get one validation image before any test image: early stopping
      // needs validation more than a report needs a test score.
      let nVal = Math.round(n * plan.val);
      let nTest = Math.round(n * plan.test);
      if (n >= 2 && plan.val > 0 && nVal === 0) nVal = 1;
      if (n >= 3 && plan.test > 0 && nTest === 0) nTest = 1;
      if (nVal + nTest >= n) nTest = Math.max(0, n - nVal - 1);
      members.forEach((m, i) => {
        const split: Split = i < nVal ? 'val' : i < nVal + nTest ? 'test' : 'train';
        update.run(split, m.id);
      });
    }
  })();
  return rows.length;
}
