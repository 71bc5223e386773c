// The exports table: every export the studio made (or tried to make), what it came from, its
// options, its parity check and its failure reason. A channel's export is begun 'running' before
// its job starts (so the channel can answer with its id) and settled when the job ends; a kill
// leaves it 'running' under a gone owner, which the next open marks 'interrupted'. Paths inside the project are stored
// relative to it, so a moved project still finds its exports.
import fs from 'node:fs';
import path from 'node:path';
import {
  ExportOptions,
  ExportParity,
  ExportSummary,
  type ExportKind,
  type ExportRecord,
  type ExportStatus,
} from '../domain/schemas.js';
import type { Db } from './database.js';
import { claimJob, markOrphanedJobs, releaseJob } from './job-owner.js';

export interface NewExport {
  kind: ExportKind;
  format: string;
  runId: number | null;
  modelId: number | null;
  /** Absolute. */
  path: string;
  status: 'done' | 'failed';
  options: ExportOptions;
  parity?: ExportParity | null;
  bytes?: number | null;
  summary?: ExportSummary | null;
  error?: string | null;
  /** The row begun when the export started: it is settled instead of a new one written. */
  id?: number | undefined;
}

/** What is known of an export before it runs; path is where it is planned to go. */
export type ExportStart = Pick<NewExport, 'kind' | 'format' | 'runId' | 'modelId' | 'path' | 'options'>;

function storedPath(projectDir: string, file: string): string {
  const relative = path.relative(projectDir, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

/** Records an export as 'running', owned by this process, and returns its id. */
export function beginExport(db: Db, projectDir: string, e: ExportStart): number {
  return db.transaction(() => {
    const id = Number(
      db
        .prepare(`INSERT INTO exports (kind, format, run_id, model_id, created_at, path, status, options) VALUES (?, ?, ?, ?, ?, ?, 'running', ?)`)
        .run(e.kind, e.format, e.runId, e.modelId, Date.now(), storedPath(projectDir, e.path), JSON.stringify(e.options)).lastInsertRowid,
    );
    claimJob(db, 'exports', id);
    return id;
  })();
}

/** Writes a finished (or failed) export: settles its begun row when `e.id` is given, else adds one. */
export function recordExport(db: Db, projectDir: string, e: NewExport): number {
  const values = [
    e.kind,
    e.format,
    e.runId,
    e.modelId,
    storedPath(projectDir, e.path),
    e.status,
    JSON.stringify(e.options),
    e.parity ? JSON.stringify(e.parity) : null,
    e.parity ? (e.parity.passed ? 1 : 0) : null,
    e.bytes ?? null,
    e.summary ? JSON.stringify(e.summary) : null,
    e.error ?? null,
    Date.now(),
  ];
  if (e.id !== undefined) {
    db.prepare(
      `UPDATE exports SET kind = ?, format = ?, run_id = ?, model_id = ?, path = ?, status = ?, options = ?, parity = ?, passed = ?, bytes = ?, summary = ?, error = ?, finished_at = ?
       WHERE id = ? AND status = 'running'`,
    ).run(...values, e.id);
    releaseJob(db, 'exports', e.id);
    return e.id;
  }
  return Number(
    db
      .prepare(
        `INSERT INTO exports (kind, format, run_id, model_id, path, status, options, parity, passed, bytes, summary, error, finished_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(...values, values[values.length - 1]).lastInsertRowid,
  );
}

/**
 * Settles a begun export that its job left 'running' (cancelled, or failed before the exporter
 * could say why: a crashed worker). A row already settled is left as it is. Never throws: it
 * runs while the job's own error is on its way out (and the project may be closing).
 */
export function settleExport(db: Db, id: number, status: 'failed' | 'cancelled', error: string | null): void {
  try {
    if (!db.open) return;
    db.prepare(`UPDATE exports SET status = ?, error = coalesce(error, ?), finished_at = ? WHERE id = ? AND status = 'running'`).run(status, error, Date.now(), id);
    releaseJob(db, 'exports', id);
  } catch {
    // The job's error is reported anyway.
  }
}

/** Exports still 'running' when a project opens were cut off by a crash or kill, unless their process still runs. */
export function markInterruptedExports(db: Db): number {
  return markOrphanedJobs(db, 'exports', ['running']);
}

interface ExportRow {
  id: number;
  kind: ExportKind;
  format: string;
  runId: number | null;
  modelId: number | null;
  createdAt: number;
  path: string;
  status: ExportStatus;
  options: string | null;
  parity: string | null;
  passed: number | null;
  bytes: number | null;
  summary: string | null;
  error: string | null;
}

/** A stored JSON column read leniently: a row from an older writer never breaks the list. */
function parsed<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, raw: string | null): T | null {
  if (raw === null) return null;
  try {
    const result = schema.safeParse(JSON.parse(raw));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

function toRecord(projectDir: string, row: ExportRow): ExportRecord {
  const full = path.resolve(projectDir, row.path);
  return {
    id: row.id,
    kind: row.kind,
    format: row.format,
    runId: row.runId,
    modelId: row.modelId,
    createdAt: row.createdAt,
    path: full,
    status: row.status,
    exists: row.status === 'done' && fs.existsSync(full),
    bytes: row.bytes,
    options: parsed(ExportOptions, row.options) ?? {},
    parity: parsed(ExportParity, row.parity),
    passed: row.passed === null ? null : row.passed === 1,
    summary: parsed(ExportSummary, row.summary),
    error: row.error,
  };
}

const COLUMNS = `id, kind, format, run_id AS runId, model_id AS modelId, created_at AS createdAt, path, status, options, parity, passed, bytes, summary, error`;

/** Newest first; optionally one run's, optionally only the finished (done) ones. */
export function listExports(db: Db, projectDir: string, options: { limit: number; runId?: number | undefined; finished?: boolean | undefined }): ExportRecord[] {
  const where = [...(options.runId !== undefined ? ['run_id = ?'] : []), ...(options.finished ? [`status = 'done'`] : [])];
  const params = options.runId !== undefined ? [options.runId] : [];
  const rows = db
    .prepare(`SELECT ${COLUMNS} FROM exports ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`)
    .all(...params, options.limit) as ExportRow[];
  return rows.map((r) => toRecord(projectDir, r));
}

export function getExport(db: Db, projectDir: string, id: number): ExportRecord | null {
  const row = db.prepare(`SELECT ${COLUMNS} FROM exports WHERE id = ?`).get(id) as ExportRow | undefined;
  return row ? toRecord(projectDir, row) : null;
}

/**
 * Records a failed export; never throws, because it runs while another error is on its way out
 * (and the project may be closing).
 */
export function recordFailedExport(db: Db, projectDir: string, e: Omit<NewExport, 'status'>): number | null {
  try {
    return db.open ? recordExport(db, projectDir, { ...e, status: 'failed' }) : null;
  } catch {
    return null;
  }
}
