// Training runs and their per-epoch metrics.
import type { HeadChoice } from '../domain/engine-schemas.js';
import { claimJob, markOrphanedJobs, releaseJob } from './job-owner.js';
import type { Db } from './database.js';

export type RunStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

export function createRun(db: Db, config: unknown, backend: string | null): number {
  const now = Date.now();
  return db.transaction(() => {
    const id = Number(
      db
        .prepare(`INSERT INTO runs (created_at, started_at, status, backend, config) VALUES (?, ?, 'running', ?, ?)`)
        .run(now, now, backend, JSON.stringify(config)).lastInsertRowid,
    );
    claimJob(db, 'runs', id);
    return id;
  })();
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
  releaseJob(db, 'runs', runId);
}

/**
 * A run still 'running' when a project opens was cut off by a crash or kill, unless the process
 * that runs it is still alive (another process training on this project).
 */
export function markInterruptedRuns(db: Db): number {
  return markOrphanedJobs(db, 'runs', ['running', 'queued']);
}

interface RunRow {
  id: number;
  status: RunStatus;
  createdAt: number;
  finishedAt: number | null;
  backend: string | null;
  embedEngine: string | null;
  config: string;
  metrics: string | null;
  timings: string | null;
  error: string | null;
}

interface StoredMetrics {
  val?: { accuracy: number } | null;
  test?: { accuracy: number } | null;
  bestEpoch?: number;
}

const RUN_COLUMNS = `id, status, created_at AS createdAt, finished_at AS finishedAt, backend, embed_engine AS embedEngine, config, metrics, timings, error`;

function summary(row: RunRow) {
  const config = JSON.parse(row.config) as { backboneId?: string; backboneName?: string; backboneSha256?: string; classIds?: number[] };
  const metrics = row.metrics ? (JSON.parse(row.metrics) as StoredMetrics) : {};
  return {
    id: row.id,
    status: row.status,
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
    backend: row.backend,
    embedEngine: row.embedEngine,
    backboneId: config.backboneId ?? null,
    backboneName: config.backboneName ?? null,
    backboneSha256: config.backboneSha256 ?? null,
    classIds: config.classIds ?? [],
    valAccuracy: metrics.val?.accuracy ?? null,
    testAccuracy: metrics.test?.accuracy ?? null,
    error: row.error,
  };
}

export type RunSummaryRow = ReturnType<typeof summary>;

/** Newest first. */
export function listRuns(db: Db, limit: number): RunSummaryRow[] {
  return (db.prepare(`SELECT ${RUN_COLUMNS} FROM runs ORDER BY id DESC LIMIT ?`).all(limit) as RunRow[]).map(summary);
}

export function runEpochs(db: Db, runId: number) {
  return db
    .prepare(
      `SELECT epoch, train_loss AS trainLoss, train_acc AS trainAcc, val_loss AS valLoss, val_acc AS valAcc, duration_ms AS durationMs
       FROM run_epochs WHERE run_id = ? ORDER BY epoch`,
    )
    .all(runId) as Array<{ epoch: number; trainLoss: number | null; trainAcc: number | null; valLoss: number | null; valAcc: number | null; durationMs: number | null }>;
}

/** Everything the Evaluate screen shows about one run; null when there is no such run. */
export function runDetail(db: Db, runId: number) {
  const row = db.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`).get(runId) as RunRow | undefined;
  if (!row) return null;
  const config = JSON.parse(row.config) as Record<string, unknown> & { classNames?: string[] };
  const metrics = row.metrics ? (JSON.parse(row.metrics) as StoredMetrics & { val?: unknown; test?: unknown }) : {};
  const checked = db.prepare('SELECT 1 FROM predictions WHERE run_id = ? AND oof_label_prob IS NOT NULL LIMIT 1').get(runId) !== undefined;
  return {
    ...summary(row),
    classNames: config.classNames ?? [],
    config,
    val: metrics.val ?? null,
    test: metrics.test ?? null,
    bestEpoch: metrics.bestEpoch ?? null,
    head: (metrics as { head?: HeadChoice }).head ?? null,
    history: runEpochs(db, runId),
    timings: row.timings ? (JSON.parse(row.timings) as Record<string, number>) : null,
    labelsChecked: checked,
  };
}

/**
 * The newest finished run's head selection on the same backbone and the same classes (ids in
 * the same order), with the run that made it: what a retrain reuses instead of selecting again.
 * Runs that reused a choice themselves point back to the run that made it; `latestRun` is the
 * run the record was read from (the newest such run: a retrain's warm-start candidate).
 */
export function latestHeadChoice(db: Db, backboneId: string, classIds: readonly number[]): { runId: number; latestRun: number; choice: HeadChoice } | null {
  const rows = db.prepare(`SELECT id, config, metrics FROM runs WHERE status = 'done' AND metrics IS NOT NULL ORDER BY id DESC LIMIT 50`).all() as Array<{ id: number; config: string; metrics: string }>;
  for (const row of rows) {
    const config = JSON.parse(row.config) as { backboneId?: string; classIds?: number[] };
    if (config.backboneId !== backboneId || JSON.stringify(config.classIds ?? []) !== JSON.stringify(classIds)) continue;
    const head = (JSON.parse(row.metrics) as { head?: HeadChoice }).head;
    if (!head || head.scores.length < 2) continue;
    return { runId: head.reusedFrom ?? row.id, latestRun: row.id, choice: head };
  }
  return null;
}

/** A run's status; undefined for an unknown run. */
export function runStatus(db: Db, runId: number): RunStatus | undefined {
  return db.prepare('SELECT status FROM runs WHERE id = ?').pluck().get(runId) as RunStatus | undefined;
}

/** The newest saved head model of a run (a path relative to the project), or null. */
export function runModelPath(db: Db, runId: number): string | null {
  return (db.prepare('SELECT path FROM models WHERE run_id = ? ORDER BY id DESC LIMIT 1').pluck().get(runId) as string | undefined) ?? null;
}

/** When and where a run trained, and its stored metrics (JSON), for reports such as the model card. */
export function runFacts(db: Db, runId: number): { finishedAt: number | null; backend: string | null; embedEngine: string | null; metrics: string | null } | undefined {
  return db.prepare('SELECT finished_at AS finishedAt, backend, embed_engine AS embedEngine, metrics FROM runs WHERE id = ?').get(runId) as
    | { finishedAt: number | null; backend: string | null; embedEngine: string | null; metrics: string | null }
    | undefined;
}

/** The run's config as stored (JSON), or undefined when there is no such run. */
export function runConfigJson(db: Db, runId: number): string | undefined {
  return db.prepare('SELECT config FROM runs WHERE id = ?').pluck().get(runId) as string | undefined;
}

/** Which engine embedded the run's images (onnxruntime, tfjs), known once the embedder loaded. */
export function setRunEmbedEngine(db: Db, runId: number, engine: string): void {
  db.prepare('UPDATE runs SET embed_engine = ? WHERE id = ?').run(engine, runId);
}
