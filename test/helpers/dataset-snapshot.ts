// Everything an import decides, keyed by content and path rather than by row id, so that two
// projects (or one project before and after a re-run) can be compared for equality.
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../electron/project/database.js';

export interface DatasetSnapshot {
  images: unknown[];
  paths: unknown[];
  labels: unknown[];
  classes: unknown[];
  problems: unknown[];
  thumbnails: string[];
}

export function datasetSnapshot(db: Db, projectDir: string): DatasetSnapshot {
  const lastImport = db.prepare(`SELECT max(id) FROM imports WHERE status = 'done'`).pluck().get() as number | null;
  const thumbs = path.join(projectDir, 'thumbs');
  const thumbnails = fs.existsSync(thumbs) ? (fs.readdirSync(thumbs, { recursive: true }) as string[]).filter((f) => f.endsWith('.webp')).sort() : [];
  return {
    images: db
      .prepare(
        `SELECT hash, byte_size, width, height, format, channels, orientation, dhash, grayscale, round(entropy, 6) AS entropy, split, split_source, status
         FROM images ORDER BY hash`,
      )
      .all(),
    paths: db.prepare('SELECT p.path, i.hash, p.mtime_ms, p.present FROM image_paths p JOIN images i ON i.id = p.image_id ORDER BY p.path').all(),
    labels: db.prepare('SELECT i.hash, c.name, l.source FROM labels l JOIN images i ON i.id = l.image_id JOIN classes c ON c.id = l.class_id ORDER BY i.hash').all(),
    classes: db.prepare('SELECT name, color, sort_order, shortcut FROM classes ORDER BY name').all(),
    problems: lastImport === null ? [] : db.prepare('SELECT path, reason FROM import_problems WHERE import_id = ? ORDER BY path').all(lastImport),
    thumbnails,
  };
}
