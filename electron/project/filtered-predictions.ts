// A run's stored predictions, filtered as the predictions export asks (a split, a label, a
// predicted class, unlabeled images, disagreements, low confidence), with each image's file,
// label and split: counted, then read page by page in image id order.
import type { PredictionFilter } from '../domain/schemas.js';
import type { Db } from './database.js';

export interface FilteredPredictionRow {
  imageId: number;
  hash: string;
  split: string;
  /** The image's first present path (or first path when all are missing). */
  path: string | null;
  /** Its current label's class name. */
  label: string | null;
  /** The predicted class. */
  classId: number | null;
  confidence: number;
  margin: number;
  probs: Buffer;
}

function where(filter: PredictionFilter): { sql: string; params: unknown[] } {
  const parts: string[] = ['p.run_id = ?'];
  const params: unknown[] = [];
  if (filter.split !== undefined) {
    parts.push('i.split = ?');
    params.push(filter.split);
  }
  if (filter.labelClassId !== undefined) {
    parts.push('l.class_id = ?');
    params.push(filter.labelClassId);
  }
  if (filter.predictedClassId !== undefined) {
    parts.push('p.class_id = ?');
    params.push(filter.predictedClassId);
  }
  if (filter.unlabeled) parts.push('l.image_id IS NULL');
  if (filter.disagreements) parts.push('l.image_id IS NOT NULL AND l.class_id IS NOT p.class_id');
  if (filter.maxConfidence !== undefined) {
    parts.push('p.confidence <= ?');
    params.push(filter.maxConfidence);
  }
  return { sql: parts.join(' AND '), params };
}

export interface FilteredPredictions {
  total: number;
  /** The next `limit` rows after image id `after` (0 for the first page); empty at the end. */
  page(after: number, limit: number): FilteredPredictionRow[];
}

/**
 * Paged rather than iterated: an open iterator would keep the connection busy across the
 * caller's awaits, and the UI uses the same connection meanwhile.
 */
export function filteredPredictions(db: Db, runId: number, filter: PredictionFilter): FilteredPredictions {
  const clause = where(filter);
  const args = [runId, ...clause.params];
  const from = `FROM predictions p JOIN images i ON i.id = p.image_id LEFT JOIN labels l ON l.image_id = p.image_id LEFT JOIN classes c ON c.id = l.class_id WHERE ${clause.sql}`;
  const total = db.prepare(`SELECT count(*) ${from}`).pluck().get(...args) as number;
  const page = db.prepare(
    `SELECT p.image_id AS imageId, i.hash, i.split, c.name AS label, p.class_id AS classId, p.confidence, p.margin, p.probs,
            (SELECT q.path FROM image_paths q WHERE q.image_id = i.id ORDER BY q.present DESC, q.id LIMIT 1) AS path
     ${from} AND p.image_id > ? ORDER BY p.image_id LIMIT ?`,
  );
  return { total, page: (after, limit) => page.all(...args, after, limit) as FilteredPredictionRow[] };
}
