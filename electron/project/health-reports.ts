// What the dataset health check reads (each image's stored statistics and label, the files
// stored under several names) and the reports it keeps (the newest few).
import type { HealthReport, Split } from '../domain/schemas.js';
import type { Db } from './database.js';

/** One image as the health check sees it: statistics measured at import, and its label. */
export interface HealthImageRow {
  id: number;
  split: Split;
  width: number | null;
  height: number | null;
  format: string | null;
  grayscale: number | null;
  entropy: number | null;
  status: string;
  classId: number | null;
}

export function healthImageRows(db: Db): HealthImageRow[] {
  return db
    .prepare(
      `SELECT i.id, i.split, i.width, i.height, i.format, i.grayscale, i.entropy, i.status, l.class_id AS classId
       FROM images i LEFT JOIN labels l ON l.image_id = i.id ORDER BY i.id`,
    )
    .all() as HealthImageRow[];
}

/** Present paths of the images stored under more than one present path, by image then path. */
export function copiedImagePaths(db: Db): Array<{ imageId: number; path: string }> {
  return db
    .prepare(
      `SELECT image_id AS imageId, path FROM image_paths WHERE present = 1 AND image_id IN
         (SELECT image_id FROM image_paths WHERE present = 1 GROUP BY image_id HAVING count(*) > 1)
       ORDER BY image_id, path`,
    )
    .all() as Array<{ imageId: number; path: string }>;
}

const KEEP_REPORTS = 10;

export function storeHealthReport(db: Db, report: HealthReport): void {
  db.transaction(() => {
    const id = Number(db.prepare('INSERT INTO health_reports (created_at, report) VALUES (?, ?)').run(report.createdAt, JSON.stringify(report)).lastInsertRowid);
    db.prepare('DELETE FROM health_reports WHERE id <= ?').run(id - KEEP_REPORTS);
  })();
}

export function latestHealthReport(db: Db): HealthReport | null {
  const raw = db.prepare('SELECT report FROM health_reports ORDER BY id DESC LIMIT 1').pluck().get() as string | undefined;
  return raw ? (JSON.parse(raw) as HealthReport) : null;
}
