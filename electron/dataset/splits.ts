// Train/val/test assignment. Splits given by folders, CSV rows or the user are kept; images
// without one get a stratified (per class), seeded assignment. Only unassigned images are ever
// assigned, so a later import cannot reshuffle the test split; a reshuffle on request moves
// automatic train/val images only. Near-duplicate groups go to one split together, so the same
// picture cannot train the model and then grade it.
import { createHash } from 'node:crypto';
import type { Split, SplitAssignment } from '../domain/schemas.js';
import { inTransaction, type Db } from '../project/database.js';
import { hasUnassignedImages, imageSplitRows, splitCounts, unassignAutomaticTrainVal, writeAutomaticSplits, type ImageSplitRow } from '../project/image-splits.js';
import { pushTo } from './collections.js';
import { findNearDuplicates, type NearDuplicateFinder } from './near-duplicates.js';

export interface SplitFractions {
  train: number;
  val: number;
  test: number;
  seed: number;
}

type Assigned = Exclude<Split, 'unassigned'>;
const ORDER: readonly Assigned[] = ['train', 'val', 'test'];

/** The split most of a group already has; ties go to the split that must not leak (test, then val). */
function dominantSplit(members: readonly ImageSplitRow[]): Assigned | null {
  const counts = new Map<Assigned, number>();
  for (const m of members) if (m.split !== 'unassigned') counts.set(m.split, (counts.get(m.split) ?? 0) + 1);
  let best: Assigned | null = null;
  for (const split of ['test', 'val', 'train'] as const) {
    if ((counts.get(split) ?? 0) > (best ? counts.get(best)! : 0)) best = split;
  }
  return best;
}

export function assignSplits(
  db: Db,
  plan: SplitFractions,
  options: { reshuffle?: boolean; finders?: readonly NearDuplicateFinder[] } = {},
): SplitAssignment {
  // Every training starts here: with nothing to assign, answer from an index rather than hold
  // the write lock while 100k rows are read (the main thread waits on that lock to label).
  if (!options.reshuffle && !hasUnassignedImages(db)) {
    return { assigned: 0, perSplit: splitCounts(db) };
  }
  return inTransaction(db, (): SplitAssignment => {
    if (options.reshuffle) unassignAutomaticTrainVal(db);
    const rows = imageSplitRows(db);
    const byId = new Map(rows.map((r) => [r.id, r]));
    if (!rows.some((r) => r.split === 'unassigned')) return { assigned: 0, perSplit: splitCounts(db) };

    const decided = new Map<number, Assigned>();
    const units: ImageSplitRow[][] = [];
    const inUnit = new Set<number>();
    for (const group of findNearDuplicates(db, options.finders).groups) {
      const members = group.imageIds.map((id) => byId.get(id)).filter((m): m is ImageSplitRow => m !== undefined);
      const open = members.filter((m) => m.split === 'unassigned');
      if (open.length === 0) continue;
      const join = dominantSplit(members);
      for (const m of open) {
        inUnit.add(m.id);
        if (join) decided.set(m.id, join);
      }
      if (!join) units.push(open);
    }
    for (const row of rows) if (row.split === 'unassigned' && !inUnit.has(row.id)) units.push([row]);

    // Strata: the class of a unit's first labeled member; unlabeled images form one more.
    const strata = new Map<number, ImageSplitRow[][]>();
    for (const unit of units) {
      pushTo(strata, unit.find((m) => m.classId !== null)?.classId ?? -1, unit);
    }
    const fractions: Record<Assigned, number> = { train: plan.train, val: plan.val, test: plan.test };
    const orderKey = (unit: readonly ImageSplitRow[]) =>
      createHash('sha256')
        .update(`${plan.seed}:${unit.map((m) => m.hash).sort()[0]}`)
        .digest('hex');

    // What each stratum holds already: assigned images and group members joining a split.
    const existing = new Map<number, Record<Assigned, number>>();
    const tally = (classId: number | null, split: Assigned) => {
      const key = classId ?? -1;
      const count = existing.get(key) ?? { train: 0, val: 0, test: 0 };
      count[split]++;
      existing.set(key, count);
    };
    for (const row of rows) if (row.split !== 'unassigned') tally(row.classId, row.split);
    for (const [id, split] of decided) tally(byId.get(id)!.classId, split);

    for (const [classKey, stratumUnits] of strata) {
      const count = existing.get(classKey) ?? { train: 0, val: 0, test: 0 };
      const total = count.train + count.val + count.test + stratumUnits.reduce((n, u) => n + u.length, 0);
      // Seeded order independent of ids and import order; each unit goes where the split is
      // furthest below its share of the stratum's final size.
      const ordered = stratumUnits.map((unit) => ({ unit, key: orderKey(unit) })).sort((a, b) => (a.key < b.key ? -1 : 1));
      for (const { unit } of ordered) {
        let best: Assigned = 'train';
        let bestDeficit = -Infinity;
        for (const split of ORDER) {
          const deficit = fractions[split] * total - count[split];
          if (fractions[split] > 0 && deficit > bestDeficit) {
            best = split;
            bestDeficit = deficit;
          }
        }
        count[best] += unit.length;
        for (const m of unit) decided.set(m.id, best);
      }
    }
    writeAutomaticSplits(db, decided);
    return { assigned: decided.size, perSplit: splitCounts(db) };
  });
}
