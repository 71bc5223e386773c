// The dataset's queries on the project store: paths and their files' identity (size + mtime,
// so unchanged files are never hashed again), image status, import runs and their reports.
import type { ImportCounts, ImportKind, ImportProblem, ImportReport, ImportStatus, ImportSummary } from '../domain/schemas.js';
import type { Db } from '../project/database.js';
import { claimJob, markOrphanedJobs, releaseJob } from './job-owner.js';

export interface KnownPath {
  imageId: number;
  hash: string;
  byteSize: number;
  mtimeMs: number | null;
  present: boolean;
}

export interface KnownImage {
  id: number;
  hash: string;
  byteSize: number;
  width: number | null;
  height: number | null;
  format: string | null;
  status: 'ok' | 'missing' | 'corrupt';
}

/** mtime as stored: whole milliseconds, so that a float never fails an equality test. */
export const storedMtime = (mtimeMs: number) => Math.trunc(mtimeMs);

export function lookupPath(db: Db, path: string): KnownPath | undefined {
  const row = db
    .prepare(
      `SELECT p.image_id AS imageId, i.hash, i.byte_size AS byteSize, p.mtime_ms AS mtimeMs, p.present
       FROM image_paths p JOIN images i ON i.id = p.image_id WHERE p.path = ?`,
    )
    .get(path) as (Omit<KnownPath, 'present'> & { present: number }) | undefined;
  return row && { ...row, present: row.present === 1 };
}

export function imageByHash(db: Db, hash: string): KnownImage | undefined {
  return db.prepare('SELECT id, hash, byte_size AS byteSize, width, height, format, status FROM images WHERE hash = ?').get(hash) as KnownImage | undefined;
}

/** Whether the image is also present under a path other than `path`. */
export function hasOtherPresentPath(db: Db, imageId: number, path: string): boolean {
  return db.prepare('SELECT 1 FROM image_paths WHERE image_id = ? AND present = 1 AND path <> ? LIMIT 1').get(imageId, path) !== undefined;
}

/** 'missing' when no file of the image is left, 'ok' again when one is. */
export function refreshStatus(db: Db, imageId: number): void {
  db.prepare(
    `UPDATE images SET status = CASE WHEN EXISTS (SELECT 1 FROM image_paths WHERE image_id = images.id AND present = 1) THEN 'ok' ELSE 'missing' END
     WHERE id = ?`,
  ).run(imageId);
}

/** Marks paths as gone; returns the image ids touched. Labels stay: the image may come back. */
export function markPathsMissing(db: Db, paths: Iterable<string>): number[] {
  const find = db.prepare('SELECT image_id FROM image_paths WHERE path = ? AND present = 1').pluck();
  const mark = db.prepare('UPDATE image_paths SET present = 0 WHERE path = ?');
  const touched: number[] = [];
  for (const p of paths) {
    const imageId = find.get(p) as number | undefined;
    if (imageId === undefined) continue;
    mark.run(p);
    refreshStatus(db, imageId);
    touched.push(imageId);
  }
  return touched;
}

/** Present paths below `root` (by string prefix on the unique path index). */
export function presentPathsUnder(db: Db, root: string, sep: string): string[] {
  const prefix = root.endsWith(sep) ? root : root + sep;
  // Paths starting with "root/" sort (bytewise) in ["root/", "root0"): '0' follows '/' in ASCII.
  const upper = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
  return db.prepare('SELECT path FROM image_paths WHERE present = 1 AND path >= ? AND path < ?').pluck().all(prefix, upper) as string[];
}

// ---- import runs and their reports ----

export const ZERO_COUNTS: ImportCounts = {
  seen: 0,
  added: 0,
  duplicates: 0,
  unchanged: 0,
  updated: 0,
  restored: 0,
  missing: 0,
  problems: 0,
  ignored: 0,
  labeled: 0,
};

/** Import runs kept in the store; older ones (and their reports) are dropped. */
const KEEP_IMPORTS = 200;

export function beginImport(db: Db, kind: ImportKind, source: string): number {
  return db.transaction(() => {
    const id = Number(
      db.prepare(`INSERT INTO imports (kind, source, status, started_at) VALUES (?, ?, 'running', ?)`).run(kind, source, Date.now()).lastInsertRowid,
    );
    db.prepare(`DELETE FROM imports WHERE id <= ? AND status <> 'running'`).run(id - KEEP_IMPORTS);
    claimJob(db, 'imports', id);
    return id;
  })();
}

export function recordProblems(db: Db, importId: number, problems: readonly ImportProblem[]): void {
  const insert = db.prepare('INSERT OR IGNORE INTO import_problems (import_id, path, reason, message) VALUES (?, ?, ?, ?)');
  for (const p of problems) insert.run(importId, p.path, p.reason, p.message);
}

export function updateImport(db: Db, importId: number, fields: { layout?: string; counts?: ImportCounts }): void {
  if (fields.layout !== undefined) db.prepare('UPDATE imports SET layout = ? WHERE id = ?').run(fields.layout, importId);
  if (fields.counts !== undefined) db.prepare('UPDATE imports SET counts = ? WHERE id = ?').run(JSON.stringify(fields.counts), importId);
}

export function finishImport(db: Db, importId: number, status: Exclude<ImportStatus, 'running'>, counts: ImportCounts, error?: string): void {
  db.prepare('UPDATE imports SET status = ?, finished_at = ?, counts = ?, error = ? WHERE id = ?').run(
    status,
    Date.now(),
    JSON.stringify(counts),
    error ?? null,
    importId,
  );
  releaseJob(db, 'imports', importId);
}

/** Imports still 'running' when a project opens were cut off by a crash or kill, unless their process still runs. */
export function markInterruptedImports(db: Db): number {
  return markOrphanedJobs(db, 'imports', ['running']);
}

interface ImportDbRow {
  id: number;
  kind: ImportSummary['kind'];
  source: string;
  layout: string | null;
  status: ImportStatus;
  started_at: number;
  finished_at: number | null;
  counts: string | null;
  error: string | null;
}

function toSummary(row: ImportDbRow): ImportSummary {
  return {
    id: row.id,
    kind: row.kind,
    source: row.source,
    layout: row.layout,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    counts: row.counts ? { ...ZERO_COUNTS, ...(JSON.parse(row.counts) as Partial<ImportCounts>) } : null,
    error: row.error,
  };
}

export function getImport(db: Db, importId: number): ImportSummary | null {
  const row = db.prepare('SELECT * FROM imports WHERE id = ?').get(importId) as ImportDbRow | undefined;
  return row ? toSummary(row) : null;
}

export function listImports(db: Db, limit: number): ImportSummary[] {
  return (db.prepare('SELECT * FROM imports ORDER BY id DESC LIMIT ?').all(limit) as ImportDbRow[]).map(toSummary);
}

/** One import's report (the latest import when no id is given), with a page of its problems. */
export function importReport(db: Db, importId: number | undefined, offset = 0, limit = 1000): ImportReport | null {
  const row = (
    importId === undefined ? db.prepare('SELECT * FROM imports ORDER BY id DESC LIMIT 1').get() : db.prepare('SELECT * FROM imports WHERE id = ?').get(importId)
  ) as ImportDbRow | undefined;
  if (!row) return null;
  const problems = db
    .prepare('SELECT path, reason, message FROM import_problems WHERE import_id = ? ORDER BY path LIMIT ? OFFSET ?')
    .all(row.id, limit, offset) as ImportProblem[];
  const problemTotal = db.prepare('SELECT count(*) FROM import_problems WHERE import_id = ?').pluck().get(row.id) as number;
  return { ...toSummary(row), problems, problemTotal };
}
