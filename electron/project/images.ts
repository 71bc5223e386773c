// Queries on images and their paths.
import type { ImageFilter, ImageRow, ImageSort, Split } from '../domain/schemas.js';
import type { Db } from './database.js';

export interface NewImage {
  hash: string;
  path: string;
  byteSize: number;
  width: number | null;
  height: number | null;
  format: string | null;
  split?: Split;
  mtimeMs?: number | null;
}

/**
 * Adds an image by content hash, or only its path when that content is already known.
 * Returns the image id and whether the content was new.
 */
export function insertImage(db: Db, image: NewImage): { id: number; created: boolean } {
  const existing = db.prepare('SELECT id FROM images WHERE hash = ?').get(image.hash) as { id: number } | undefined;
  let id: number;
  let created = false;
  if (existing) {
    id = existing.id;
  } else {
    const info = db
      .prepare(
        `INSERT INTO images (hash, byte_size, width, height, format, split, added_at)
         VALUES (@hash, @byteSize, @width, @height, @format, @split, @addedAt)`,
      )
      .run({ ...image, split: image.split ?? 'unassigned', addedAt: Date.now() });
    id = Number(info.lastInsertRowid);
    created = true;
  }
  db.prepare(
    `INSERT INTO image_paths (image_id, path, mtime_ms, present) VALUES (?, ?, ?, 1)
     ON CONFLICT(path) DO UPDATE SET image_id = excluded.image_id, mtime_ms = excluded.mtime_ms, present = 1`,
  ).run(id, image.path, image.mtimeMs ?? null);
  return { id, created };
}

export function countImages(db: Db): number {
  return (db.prepare('SELECT count(*) AS n FROM images').get() as { n: number }).n;
}

export function existingImageIds(db: Db, ids: readonly number[]): Set<number> {
  const found = new Set<number>();
  const stmt = db.prepare('SELECT id FROM images WHERE id = ?').pluck();
  for (const id of ids) if (stmt.get(id) !== undefined) found.add(id);
  return found;
}

interface ImageDbRow {
  id: number;
  hash: string;
  path: string | null;
  byte_size: number;
  width: number | null;
  height: number | null;
  format: string | null;
  split: ImageRow['split'];
  status: ImageRow['status'];
  class_id: number | null;
  source: ImageRow['labelSource'];
  confidence: number | null;
  p_image_id: number | null;
  p_class_id: number | null;
  p_confidence: number | null;
  p_margin: number | null;
  p_loss: number | null;
}

/** The run whose predictions the library shows: the newest finished one (see latestDoneRun). */
const SHOWN_RUN = `(SELECT max(id) FROM runs WHERE status = 'done')`;

const byPrediction = (sort: ImageSort): boolean => sort === 'uncertain' || sort === 'loss';

/**
 * What the grid's queries read from: each image with its label and, with `rows` (the page's
 * rows) or a prediction sort, its prediction in the shown run. Prediction sorts list only the
 * images the shown run predicted, with the prediction index as the outer loop (CROSS JOIN keeps
 * it there), so a page is an index walk, not a sort. Counts and id lists of the other orders
 * leave predictions out: SQLite does not drop an unused LEFT JOIN on them by itself.
 */
const fromFor = (sort: ImageSort, rows = false): string =>
  byPrediction(sort)
    ? `FROM predictions p CROSS JOIN images i ON i.id = p.image_id AND p.run_id = ${SHOWN_RUN} LEFT JOIN labels l ON l.image_id = i.id`
    : `FROM images i LEFT JOIN labels l ON l.image_id = i.id${rows ? ` LEFT JOIN predictions p ON p.run_id = ${SHOWN_RUN} AND p.image_id = i.id` : ''}`;

function whereClause(filter: ImageFilter | undefined): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (filter?.classId !== undefined) {
    parts.push('l.class_id = ?');
    params.push(filter.classId);
  }
  if (filter?.unlabeled) parts.push('l.image_id IS NULL');
  if (filter?.split !== undefined) {
    parts.push('i.split = ?');
    params.push(filter.split);
  }
  if (filter?.nameContains) {
    parts.push(`EXISTS (SELECT 1 FROM image_paths q WHERE q.image_id = i.id AND instr(lower(q.path), lower(?)) > 0)`);
    params.push(filter.nameContains);
  }
  if (filter?.imageIds) {
    parts.push('i.id IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(filter.imageIds));
  }
  // Prediction filters are subqueries on their own indexes (predictions_class,
  // predictions_confidence), so they hold whatever the outer query joins.
  if (filter?.predictedClassId !== undefined) {
    parts.push(`i.id IN (SELECT q.image_id FROM predictions q WHERE q.run_id = ${SHOWN_RUN} AND q.class_id = ?)`);
    params.push(filter.predictedClassId);
  }
  if (filter?.maxConfidence !== undefined) {
    parts.push(`i.id IN (SELECT q.image_id FROM predictions q WHERE q.run_id = ${SHOWN_RUN} AND q.confidence <= ?)`);
    params.push(filter.maxConfidence);
  }
  if (filter?.disagreements) {
    parts.push(
      `i.id IN (SELECT ql.image_id FROM labels ql CROSS JOIN predictions q ON q.run_id = ${SHOWN_RUN} AND q.image_id = ql.image_id WHERE q.class_id IS NOT ql.class_id)`,
    );
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

/**
 * How many images match, counted from indexes: joining 100k images to their labels costs about
 * 10 ms, and the grid asks on every page. Label filters count from labels (labels_class); the
 * unlabeled ones are all matching images minus the labeled ones among them.
 */
function countMatching(db: Db, filter: ImageFilter | undefined, sort: ImageSort = 'added'): number {
  const count = (sql: string, params: unknown[]) => db.prepare(sql).pluck().get(...params) as number;
  if (byPrediction(sort)) {
    // Prediction sorts list the shown run's images only, from its index.
    const where = whereClause(filter);
    return count(`SELECT count(*) ${fromFor(sort)} ${where.sql}`, where.params);
  }
  const fromLabels = (f: ImageFilter | undefined) => {
    const where = whereClause(f);
    // CROSS JOIN keeps labels as the outer loop: there are at most as many labels as images.
    return count(`SELECT count(*) FROM labels l CROSS JOIN images i ON i.id = l.image_id ${where.sql}`, where.params);
  };
  if (filter?.classId !== undefined) return fromLabels(filter);
  const rest = filter?.unlabeled ? { ...filter, unlabeled: undefined } : filter;
  const where = whereClause(rest);
  const all = count(`SELECT count(*) FROM images i ${where.sql}`, where.params);
  return filter?.unlabeled ? all - fromLabels(rest) : all;
}

// Ids grow with added_at, so id order is date order and needs no index of its own.
const orderBy = (sort: ImageSort, t: string): string =>
  ({
    added: `${t}.id`,
    'added-desc': `${t}.id DESC`,
    name: `${t}.name COLLATE NOCASE, ${t}.id`,
    'name-desc': `${t}.name COLLATE NOCASE DESC, ${t}.id DESC`,
    // predictions_margin and predictions_loss end with the key's image_id: both orders are index walks.
    uncertain: 'p.margin, p.image_id',
    loss: 'p.loss DESC, p.image_id DESC',
  })[sort];

/** Every image id the filter matches, in grid order, up to `cap` (select all, bulk actions). */
export function matchingImageIds(db: Db, filter: ImageFilter | undefined, sort: ImageSort, cap: number): { total: number; ids: number[] } {
  const where = whereClause(filter);
  const ids = db
    .prepare(`SELECT i.id ${fromFor(sort)} ${where.sql} ORDER BY ${orderBy(sort, 'i')} LIMIT ?`)
    .pluck()
    .all(...where.params, cap + 1) as number[];
  if (ids.length <= cap) return { total: ids.length, ids };
  return { total: countMatching(db, filter, sort), ids: ids.slice(0, cap) };
}

const ROW_COLUMNS = `i.id, i.hash, i.byte_size, i.width, i.height, i.format, i.split, i.status,
  (SELECT ip.path FROM image_paths ip WHERE ip.image_id = i.id ORDER BY ip.present DESC, ip.id LIMIT 1) AS path,
  l.class_id, l.source, l.confidence,
  p.image_id AS p_image_id, p.class_id AS p_class_id, p.confidence AS p_confidence, p.margin AS p_margin, p.loss AS p_loss`;

/**
 * A page of the grid. Prediction sorts walk the prediction index directly. The other orders
 * take the page's ids first (the offset is walked on ids alone), then their rows, paths and
 * predictions; CROSS JOIN keeps the page as the outer loop rather than a scan of every image.
 */
const pageSql = (where: string, sort: ImageSort) =>
  byPrediction(sort)
    ? `SELECT ${ROW_COLUMNS} ${fromFor(sort, true)} ${where} ORDER BY ${orderBy(sort, 'i')} LIMIT ? OFFSET ?`
    : `SELECT ${ROW_COLUMNS}
       FROM (SELECT i.id, i.name FROM images i LEFT JOIN labels l ON l.image_id = i.id ${where}
             ORDER BY ${orderBy(sort, 'i')} LIMIT ? OFFSET ?) page
       CROSS JOIN images i ON i.id = page.id LEFT JOIN labels l ON l.image_id = i.id
       LEFT JOIN predictions p ON p.run_id = ${SHOWN_RUN} AND p.image_id = i.id
       ORDER BY ${orderBy(sort, 'page')}`;

/** How SQLite runs pageImages' query (EXPLAIN QUERY PLAN details, outer loop first): for tests. */
export function explainPage(db: Db, filter: ImageFilter | undefined, sort: ImageSort): string[] {
  const where = whereClause(filter);
  return (db.prepare(`EXPLAIN QUERY PLAN ${pageSql(where.sql, sort)}`).all(...where.params, 200, 0) as Array<{ detail: string }>).map((r) => r.detail);
}

/**
 * One page of the library grid, in a stable order (date added unless told otherwise); each row
 * carries its prediction in the newest finished run.
 */
export function pageImages(db: Db, offset: number, limit: number, filter?: ImageFilter, sort: ImageSort = 'added'): { total: number; rows: ImageRow[] } {
  const where = whereClause(filter);
  const total = countMatching(db, filter, sort);
  const rows = db.prepare(pageSql(where.sql, sort)).all(...where.params, limit, offset) as ImageDbRow[];
  return {
    total,
    rows: rows.map((r) => ({
      id: r.id,
      hash: r.hash,
      path: r.path ?? '',
      byteSize: r.byte_size,
      width: r.width,
      height: r.height,
      format: r.format,
      split: r.split,
      status: r.status,
      classId: r.class_id,
      labelSource: r.source,
      confidence: r.confidence,
      prediction:
        r.p_image_id === null ? null : { classId: r.p_class_id, confidence: r.p_confidence!, margin: r.p_margin!, loss: r.p_loss },
    })),
  };
}

/** An image's content hash and its files that are present, best first; null for an unknown id. */
export function imageFiles(db: Db, imageId: number): { hash: string; paths: string[] } | null {
  const hash = db.prepare('SELECT hash FROM images WHERE id = ?').pluck().get(imageId) as string | undefined;
  if (hash === undefined) return null;
  const paths = db.prepare('SELECT path FROM image_paths WHERE image_id = ? AND present = 1 ORDER BY id').pluck().all(imageId) as string[];
  return { hash, paths };
}

/** An image's stored format and size (what the media route serves it as); null for an unknown id. */
export function imageFormat(db: Db, imageId: number): { format: string | null; byteSize: number } | null {
  return (db.prepare('SELECT format, byte_size AS byteSize FROM images WHERE id = ?').get(imageId) as { format: string | null; byteSize: number } | undefined) ?? null;
}

/** Paths of the first `limit` images whose file is present (e.g. to check a backbone conversion on). */
export function presentImagePaths(db: Db, limit: number): string[] {
  return db.prepare(`SELECT path FROM image_paths WHERE present = 1 ORDER BY image_id LIMIT ?`).pluck().all(limit) as string[];
}

/** Present, readable images, each with every present path of its content (embedding ahead of training). */
export function presentImageContents(db: Db): Array<{ hash: string; paths: string[] }> {
  const rows = db
    .prepare(`SELECT i.hash, p.path FROM images i JOIN image_paths p ON p.image_id = i.id WHERE p.present = 1 AND i.status = 'ok' ORDER BY i.id, p.id`)
    .raw()
    .all() as Array<[string, string]>;
  const byHash = new Map<string, string[]>();
  for (const [hash, file] of rows) {
    const paths = byHash.get(hash);
    if (paths) paths.push(file);
    else byHash.set(hash, [file]);
  }
  return [...byHash].map(([hash, paths]) => ({ hash, paths }));
}

/** Every image with a perceptual hash (near-duplicate search). */
export function dhashedImages(db: Db): Array<{ id: number; dhash: string }> {
  return db.prepare('SELECT id, dhash FROM images WHERE dhash IS NOT NULL').all() as Array<{ id: number; dhash: string }>;
}

/** One row per image for a dataset export: its split, label and first present file, in split and class order. */
export interface DatasetImageRow {
  imageId: number;
  hash: string;
  split: Split;
  status: 'ok' | 'missing' | 'corrupt';
  byteSize: number;
  width: number | null;
  height: number | null;
  label: string | null;
  path: string | null;
  mtimeMs: number | null;
}

export function datasetImageRows(db: Db): DatasetImageRow[] {
  return db
    .prepare(
      `SELECT i.id AS imageId, i.hash, i.split, i.status, i.byte_size AS byteSize, i.width, i.height, c.name AS label, p.path, p.mtime_ms AS mtimeMs
       FROM images i LEFT JOIN image_paths p ON p.id = (SELECT q.id FROM image_paths q WHERE q.image_id = i.id AND q.present = 1 ORDER BY q.id LIMIT 1)
       LEFT JOIN labels l ON l.image_id = i.id LEFT JOIN classes c ON c.id = l.class_id
       ORDER BY i.split, c.sort_order, i.id`,
    )
    .all() as DatasetImageRow[];
}

/** Readable images with a present file, validation split first, then test and train, in a stable (hash) order: parity-check samples. */
export function sampleCandidates(db: Db, limit: number): Array<{ imageId: number; path: string; split: string }> {
  return db
    .prepare(
      `SELECT i.id AS imageId, i.split AS split,
              (SELECT p.path FROM image_paths p WHERE p.image_id = i.id AND p.present = 1 ORDER BY p.id LIMIT 1) AS path
       FROM images i
       WHERE i.status = 'ok' AND path IS NOT NULL
       ORDER BY CASE i.split WHEN 'val' THEN 0 WHEN 'test' THEN 1 WHEN 'train' THEN 2 ELSE 3 END, i.hash
       LIMIT ?`,
    )
    .all(limit) as Array<{ imageId: number; path: string; split: string }>;
}

/** Labeled images with their first present path, class name and split, by split, class order and id (the training bundle's dataset). */
export function labeledImagePaths(db: Db): Array<{ hash: string; split: string; label: string; path: string }> {
  return db
    .prepare(
      `SELECT i.hash, i.split, c.name AS label, p.path
       FROM images i JOIN labels l ON l.image_id = i.id JOIN classes c ON c.id = l.class_id
       JOIN image_paths p ON p.id = (SELECT q.id FROM image_paths q WHERE q.image_id = i.id AND q.present = 1 ORDER BY q.id LIMIT 1)
       WHERE i.status = 'ok' ORDER BY i.split, c.sort_order, i.id`,
    )
    .all() as Array<{ hash: string; split: string; label: string; path: string }>;
}

/** Up to `limit` present paths of train-split images, in hash order (a stable, content-chosen sample: int8 calibration). */
export function trainImagePaths(db: Db, limit: number): string[] {
  return db
    .prepare(
      `SELECT (SELECT p.path FROM image_paths p WHERE p.image_id = i.id AND p.present = 1 ORDER BY p.id LIMIT 1) AS path
       FROM images i WHERE i.status = 'ok' AND i.split = 'train' AND path IS NOT NULL ORDER BY i.hash LIMIT ?`,
    )
    .pluck()
    .all(limit) as string[];
}
