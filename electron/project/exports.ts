// The exports table: every export the studio made (or tried to make), what it came from, its
// options, its parity check and its failure reason. Paths inside the project are stored
// relative to it, so a moved project still finds its exports.
import fs from 'node:fs';
import path from 'node:path';
import {
  ExportOptions,
  ExportParity,
  ExportSummary,
  type ExportKind,
  type ExportRecord,
} from '../domain/schemas.js';
import type { Db } from './database.js';

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
}

function storedPath(projectDir: string, file: string): string {
  const relative = path.relative(projectDir, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

export function recordExport(db: Db, projectDir: string, e: NewExport): number {
  return Number(
    db
      .prepare(
        `INSERT INTO exports (kind, format, run_id, model_id, created_at, path, status, options, parity, passed, bytes, summary, error)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        e.kind,
        e.format,
        e.runId,
        e.modelId,
        Date.now(),
        storedPath(projectDir, e.path),
        e.status,
        JSON.stringify(e.options),
        e.parity ? JSON.stringify(e.parity) : null,
        e.parity ? (e.parity.passed ? 1 : 0) : null,
        e.bytes ?? null,
        e.summary ? JSON.stringify(e.summary) : null,
        e.error ?? null,
      ).lastInsertRowid,
  );
}

interface ExportRow {
  id: number;
  kind: ExportKind;
  format: string;
  runId: number | null;
  modelId: number | null;
  createdAt: number;
  path: string;
  status: 'done' | 'failed';
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

/** Newest first; optionally one run's. */
export function listExports(db: Db, projectDir: string, options: { limit: number; runId?: number | undefined }): ExportRecord[] {
  const rows = (
    options.runId === undefined
      ? db.prepare(`SELECT ${COLUMNS} FROM exports ORDER BY id DESC LIMIT ?`).all(options.limit)
      : db.prepare(`SELECT ${COLUMNS} FROM exports WHERE run_id = ? ORDER BY id DESC LIMIT ?`).all(options.runId, options.limit)
  ) as ExportRow[];
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
