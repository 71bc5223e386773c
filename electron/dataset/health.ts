// The dataset health check: what would quietly make a model worse. Each finding names the
// images it is about, so the grid can open them. Image statistics come from import (no
// decoding here), so the check stays fast at 100k images.
import type { HealthFinding, HealthGroup, HealthReport, Split } from '../domain/schemas.js';
import type { Db } from '../project/database.js';
import { listClasses } from '../project/classes.js';
import { copiedImagePaths, healthImageRows } from '../project/health-reports.js';
import { pushTo } from './collections.js';
import { classFindings } from './health-classes.js';
import { findNearDuplicates, type NearDuplicateFinder } from './near-duplicates.js';

/** Image ids listed per finding (its `count` is the full number). */
export const HEALTH_ID_CAP = 1000;
export const HEALTH_GROUP_CAP = 500;

export const HEALTH_THRESHOLDS = {
  /** Largest class over smallest in one split. */
  imbalanceRatio: 3,
  /** Long side over short side; a centre crop keeps less than a third of such an image. */
  extremeAspect: 3,
  /**
   * Luminance entropy in bits under which an image looks like a placeholder, a render on a
   * flat background or a blank frame. Photos of the fixtures score 4-7.5; the
   * "image not found" GIF scores 1.3.
   */
  lowEntropyBits: 2.5,
  /** A format used by less than this share of images (in a dataset of at least minImages). */
  rareFormatShare: 0.05,
  rareFormatMinImages: 20,
};

const SPLITS: readonly Split[] = ['train', 'val', 'test', 'unassigned'];

function finding(kind: HealthFinding['kind'], severity: HealthFinding['severity'], message: string, ids: readonly number[], groups?: HealthGroup[]): HealthFinding {
  return { kind, severity, message, count: ids.length, imageIds: ids.slice(0, HEALTH_ID_CAP), ...(groups ? { groups: groups.slice(0, HEALTH_GROUP_CAP) } : {}) };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export interface HealthOptions {
  inputSize: number;
  finders?: readonly NearDuplicateFinder[];
}

export function runHealthCheck(db: Db, options: HealthOptions): HealthReport {
  const rows = healthImageRows(db);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const classes = listClasses(db);
  const className = new Map(classes.map((c) => [c.id, c.name]));
  const name = (classId: number) => `"${className.get(classId) ?? classId}"`;
  const findings: HealthFinding[] = [];

  // ---- balance per split ----
  const splits: HealthReport['splits'] = [];
  for (const split of SPLITS) {
    const inSplit = rows.filter((r) => r.split === split);
    if (inSplit.length === 0) continue;
    const perClass = new Map<number, number[]>();
    for (const r of inSplit) if (r.classId !== null) pushTo(perClass, r.classId, r.id);
    const counts = [...perClass.entries()].map(([classId, ids]) => ({ classId, count: ids.length })).sort((a, b) => a.classId - b.classId);
    const sorted = [...counts].sort((a, b) => b.count - a.count);
    const imbalance = sorted.length >= 2 ? sorted[0]!.count / sorted.at(-1)!.count : null;
    splits.push({ split, total: inSplit.length, unlabeled: inSplit.filter((r) => r.classId === null).length, perClass: counts, imbalance });
    if (imbalance !== null && imbalance >= HEALTH_THRESHOLDS.imbalanceRatio && split !== 'unassigned') {
      const big = sorted[0]!;
      const small = sorted.at(-1)!;
      findings.push(
        finding(
          'class_imbalance',
          'warning',
          `In ${split}, class ${name(big.classId)} has ${big.count} images and ${name(small.classId)} only ${small.count} (${imbalance.toFixed(1)} : 1). Add images of the small class or turn on class weights.`,
          perClass.get(small.classId)!,
        ),
      );
    }
  }
  // A class that is trained on but never validated or tested cannot be measured.
  const classSplits = new Map<number, Set<Split>>();
  for (const r of rows) if (r.classId !== null) classSplits.set(r.classId, (classSplits.get(r.classId) ?? new Set()).add(r.split));
  for (const split of ['val', 'test'] as const) {
    if (!rows.some((r) => r.split === split)) continue;
    for (const [classId, present] of classSplits) {
      if (present.has('train') && !present.has(split)) {
        const ids = rows.filter((r) => r.classId === classId).map((r) => r.id);
        findings.push(finding('class_missing_in_split', 'warning', `Class ${name(classId)} has no images in ${split}, so its ${split} accuracy cannot be measured.`, ids));
      }
    }
  }

  // ---- duplicates ----
  const pathRows = copiedImagePaths(db);
  const copies = new Map<number, string[]>();
  for (const { imageId, path } of pathRows) pushTo(copies, imageId, path);
  if (copies.size > 0) {
    const groups = [...copies.entries()].map(([id, paths]) => ({ imageIds: [id], splits: [byId.get(id)!.split], paths, distance: 0 }));
    findings.push(
      finding(
        'exact_duplicate',
        'warning',
        `${plural(copies.size, 'image')} exist as identical files under several names (${pathRows.length} files). They are stored and trained once; check that the copies were not meant to carry different labels.`,
        [...copies.keys()],
        groups,
      ),
    );
  }
  const near = findNearDuplicates(db, options.finders);
  if (near.groups.length > 0) {
    const groups: HealthGroup[] = near.groups.map((g) => ({ imageIds: g.imageIds, splits: [...new Set(g.imageIds.map((id) => byId.get(id)?.split ?? 'unassigned'))], distance: g.distance }));
    findings.push(
      finding(
        'near_duplicate',
        'warning',
        `${plural(groups.length, 'group')} of near-duplicate images (the same picture re-encoded, resized or lightly edited; ${near.method}).`,
        groups.flatMap((g) => g.imageIds),
        groups,
      ),
    );
    const leaking = groups.filter((g) => new Set(g.splits.filter((s) => s !== 'unassigned')).size > 1);
    if (leaking.length > 0) {
      findings.push(
        finding(
          'split_leakage',
          'error',
          `${plural(leaking.length, 'near-duplicate group')} span${leaking.length === 1 ? 's' : ''} several splits: the model is graded on pictures it trained on, so validation and test scores are too optimistic. Move each group into one split.`,
          leaking.flatMap((g) => g.imageIds),
          leaking,
        ),
      );
    }
  }

  // ---- single images ----
  const measured = rows.filter((r) => r.width !== null && r.height !== null);
  const tiny = measured.filter((r) => Math.min(r.width!, r.height!) < options.inputSize).map((r) => r.id);
  if (tiny.length) findings.push(finding('tiny', 'warning', `${plural(tiny.length, 'image')} smaller than the model input (${options.inputSize} px) on the short side: they are upscaled, and blurry.`, tiny));
  const gray = rows.filter((r) => r.grayscale === 1).map((r) => r.id);
  if (gray.length) findings.push(finding('grayscale', 'info', `${plural(gray.length, 'image')} without colour (grayscale). Fine if deliberate; a class that is mostly grayscale lets the model learn colour instead of content.`, gray));
  const aspect = measured.filter((r) => Math.max(r.width!, r.height!) / Math.min(r.width!, r.height!) >= HEALTH_THRESHOLDS.extremeAspect).map((r) => r.id);
  if (aspect.length) findings.push(finding('extreme_aspect', 'info', `${plural(aspect.length, 'image')} with an extreme aspect ratio (${HEALTH_THRESHOLDS.extremeAspect}:1 or more): a centre crop keeps only a part of them.`, aspect));
  const flat = rows.filter((r) => r.entropy !== null && r.entropy < HEALTH_THRESHOLDS.lowEntropyBits).map((r) => r.id);
  if (flat.length) findings.push(finding('low_information', 'warning', `${plural(flat.length, 'image')} with very little detail (few tones on a flat background): they look like placeholders, renders or blank frames rather than photos.`, flat));
  const byFormat = new Map<string, number[]>();
  for (const r of measured) if (r.format) pushTo(byFormat, r.format, r.id);
  if (measured.length >= HEALTH_THRESHOLDS.rareFormatMinImages && byFormat.size > 1) {
    const common = [...byFormat.entries()].sort((a, b) => b[1].length - a[1].length)[0]![0];
    for (const [format, ids] of byFormat) {
      if (ids.length / measured.length >= HEALTH_THRESHOLDS.rareFormatShare) continue;
      findings.push(
        finding('rare_format', 'info', `${plural(ids.length, `${format.toUpperCase()} image`)} among ${measured.length} mostly ${common.toUpperCase()} images: an odd format often marks a placeholder, screenshot or download error.`, ids),
      );
    }
  }
  const missing = rows.filter((r) => r.status === 'missing').map((r) => r.id);
  if (missing.length) findings.push(finding('missing_file', 'warning', `${plural(missing.length, 'image')} whose files are gone (moved or deleted). Their labels are kept; re-import or watch the new folder to find them again.`, missing));
  const unlabeled = rows.filter((r) => r.classId === null).map((r) => r.id);
  if (unlabeled.length) findings.push(finding('unlabeled', 'info', `${plural(unlabeled.length, 'image')} without a label.`, unlabeled));
  findings.push(...classFindings(rows, classes, finding));

  return { createdAt: Date.now(), imageCount: rows.length, nearDuplicateMethod: near.method, splits, findings };
}
