// Training runs and their per-epoch metrics.
import type { Db } from './database.js';

export type RunStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

export function createRun(db: Db, config: unknown, backend: string | null): number {
  const now = Date.now();
  return Number(
    db
      .prepare(`INSERT INTO runs (created_at, started_at, status, backend, config) VALUES (?, ?, 'running', ?, ?)`)
      .run(now, now, backend, JSON.stringify(config)).lastInsertRowid,
  );
}

export function recordEpoch(
  db: Db,
  runId: number,
  e: { epoch: number; trainLoss: number | null; trainAcc: number | null; valLoss: number | null; valAcc: number | null; durationMs: number },
): void {
  db.prepare(
    `INSERT OR REPLACE INTO run_epochs (run_id, epoch, train_loss, train_acc, val_loss, val_acc, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(runId, e.epoch, e.trainLoss, e.trainAcc, e.valLoss, e.valAcc, e.durationMs);
}

export function finishRun(
  db: Db,
  runId: number,
  status: Exclude<RunStatus, 'queued' | 'running'>,
  details: { metrics?: unknown; timings?: unknown; error?: string } = {},
): void {
  db.prepare('UPDATE runs SET status = ?, finished_at = ?, metrics = ?, timings = ?, error = ? WHERE id = ?').run(
    status,
    Date.now(),
    details.metrics === undefined ? null : JSON.stringify(details.metrics),
    details.timings === undefined ? null : JSON.stringify(details.timings),
    details.error ?? null,
    runId,
  );
}

/** A run still 'running' when a project opens was cut off by a crash or kill. */
export function markInterruptedRuns(db: Db): number {
  return db
    .prepare(`UPDATE runs SET status = 'interrupted', finished_at = coalesce(finished_at, ?) WHERE status IN ('running', 'queued')`)
    .run(Date.now()).changes;
}
