// One import from start to end: plan, mark vanished files, examine files several at a time,
// commit their outcomes in plan order in batches, assign splits, close the report. Runs
// without the job manager too (CLI, tests); the service wraps it in a job.
import path from 'node:path';
import { StudioError } from '../domain/result.js';
import type { ImportCounts, ImportSummary } from '../domain/schemas.js';
import { inTransaction } from '../project/database.js';
import type { Project } from '../project/project.js';
import { readSettings } from '../project/settings.js';
import { ZERO_COUNTS, beginImport, finishImport, getImport, markPathsMissing, presentPathsUnder, recordProblems, updateImport } from '../project/dataset-catalog.js';
import { examine, type ExamineContext, type Outcome } from './examine.js';
import { commitOutcomes, dropEmptyNewClasses, prepareClasses, type CommitState } from './import-commit.js';
import { describeSource, planImport, type ImportPlan, type ImportSource } from './import-plan.js';
import type { EmbedStage } from './embed-stage.js';
import type { NearDuplicateFinder } from './near-duplicates.js';
import { PIXEL_LIMIT } from './probe.js';
import { assignSplits } from './splits.js';
import { sweepPartialThumbnails } from './thumbnails.js';

export interface ImportOptions {
  signal?: AbortSignal;
  progress?: (phase: string, done: number, total: number, message?: string) => void;
  /** Called after each committed batch with the number of files committed so far. */
  onCommit?: (committed: number, total: number) => void;
  /** Files examined at once: sharp runs one libvips thread per image here, so throughput comes from several in flight. */
  concurrency?: number;
  /** Outcomes per transaction (a batch is also committed after BATCH_MS). */
  batchSize?: number;
  pixelLimit?: number;
  /** An import row created by the caller (the service returns its id before the work starts). */
  importId?: number;
  finders?: readonly NearDuplicateFinder[];
  /** Embeds ahead of training from the import's own decode (issue 21); absent = no backbone. */
  embed?: EmbedStage;
}

export const DEFAULT_CONCURRENCY = 6;
const DEFAULT_BATCH = 256;
const BATCH_MS = 1000;

export function startImportRecord(project: Project, source: ImportSource): number {
  return beginImport(project.db, source.kind, describeSource(source));
}

/** Marks known paths that the plan says are gone; returns how many. */
function markVanished(project: Project, plan: ImportPlan): number {
  const seen = new Set(plan.candidates.map((c) => c.path));
  const gone = plan.scopes.flatMap((root) => presentPathsUnder(project.db, root, path.sep)).filter((p) => !seen.has(p));
  // A watcher reports a deleted folder once, not each file in it.
  const removed = plan.removed.flatMap((p) => [p, ...presentPathsUnder(project.db, p, path.sep)]);
  return markPathsMissing(project.db, [...gone, ...removed]).length;
}

function cancelled(): StudioError {
  return new StudioError('cancelled', 'The import was cancelled; everything committed so far is kept, and running it again resumes.');
}

export async function runImport(project: Project, source: ImportSource, options: ImportOptions = {}): Promise<ImportSummary> {
  const { db } = project;
  const importId = options.importId ?? startImportRecord(project, source);
  const counts: ImportCounts = { ...ZERO_COUNTS };
  const progress = options.progress ?? (() => undefined);
  const signal = options.signal;
  let createdClasses: number[] = [];
  try {
    if (signal?.aborted) throw cancelled();
    progress('scanning', 0, 0);
    if (!(source.kind === 'watch' && source.batch)) await sweepPartialThumbnails(project.dir);
    const plan = await planImport(source, { exclude: [project.dir], ...(signal ? { signal } : {}) });
    if (signal?.aborted) throw cancelled();
    counts.seen = plan.candidates.length;
    counts.ignored = plan.ignored;
    const prepared = inTransaction(db, () => {
      updateImport(db, importId, { layout: plan.layout });
      recordProblems(db, importId, plan.problems);
      counts.problems += plan.problems.length;
      counts.missing += markVanished(project, plan);
      return prepareClasses(db, plan.candidates);
    });

    createdClasses = prepared.created;
    const state: CommitState = { db, importId, counts, classIds: prepared.ids };
    // A camera take is one gesture, so its labels are one undoable action: its frames (at most
    // a few thousand small files) are committed together. Interrupted, they stay on disk in
    // captured/<class>/ for the next import of that folder.
    const commitOptions = source.kind === 'files' && source.capture ? { ...options, batchSize: Number.POSITIVE_INFINITY } : options;
    const model = options.embed && { preprocessing: options.embed.preprocessing, wants: (hash: string) => options.embed!.wants(hash) };
    await examineAndCommit(plan, state, { db, projectDir: project.dir, pixelLimit: options.pixelLimit ?? PIXEL_LIMIT, ...(model ? { model } : {}) }, commitOptions);
    if (signal?.aborted) throw cancelled();

    progress('assigning splits', 0, 1);
    assignSplits(db, readSettings(db).split, options.finders ? { finders: options.finders } : {});
    progress('assigning splits', 1, 1);
    dropEmptyNewClasses(db, createdClasses);
    finishImport(db, importId, 'done', counts);
  } catch (error) {
    dropEmptyNewClasses(db, createdClasses);
    const wasCancelled = signal?.aborted || (error instanceof StudioError && error.code === 'cancelled');
    if (db.open) {
      // The classes it created and never used went above (dropEmptyNewClasses): no empty class is left behind.
      finishImport(db, importId, wasCancelled ? 'cancelled' : 'failed', counts, wasCancelled ? undefined : String((error as Error)?.message ?? error));
    }
    throw wasCancelled && !(error instanceof StudioError) ? cancelled() : error;
  }
  const summary = getImport(db, importId);
  if (!summary) throw new StudioError('internal', `Import ${importId} vanished from the project while it ran.`);
  return summary;
}

async function examineAndCommit(plan: ImportPlan, state: CommitState, ctx: ExamineContext, options: ImportOptions): Promise<void> {
  const candidates = plan.candidates;
  const total = candidates.length;
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const results: Array<Outcome | undefined> = new Array(total);
  let next = 0;
  let examined = 0;
  let committed = 0;
  let batch: Outcome[] = [];
  let lastCommit = Date.now();
  let fatal: { error: unknown } | null = null;

  // Outcomes arrive out of order; only the finished prefix of the plan is committed.
  const flush = (force: boolean) => {
    while (committed + batch.length < total && results[committed + batch.length]) {
      batch.push(results[committed + batch.length]!);
      results[committed + batch.length - 1] = undefined;
    }
    const due = batchSize !== Number.POSITIVE_INFINITY && Date.now() - lastCommit >= BATCH_MS;
    if (batch.length === 0 || (!force && batch.length < batchSize && !due)) return;
    // The project was closed under a cancelled import: nothing can be written any more.
    if (!state.db.open) return;
    commitOutcomes(state, batch);
    committed += batch.length;
    batch = [];
    lastCommit = Date.now();
    options.onCommit?.(committed, total);
  };

  const worker = async () => {
    while (!fatal && !options.signal?.aborted) {
      const index = next++;
      if (index >= total) return;
      try {
        const outcome = await examine(candidates[index]!, ctx);
        examined++;
        options.progress?.('importing', examined, total);
        // The commit never waits on the backbone; only a full embedding queue holds this worker.
        if (outcome.kind === 'content' && outcome.modelInputs) {
          const { modelInputs, ...rest } = outcome;
          results[index] = rest;
          flush(false);
          await options.embed?.push({ hash: outcome.hash, inputs: modelInputs, path: outcome.candidate.path });
        } else {
          results[index] = outcome;
          flush(false);
        }
      } catch (error) {
        fatal ??= { error };
      }
    }
  };
  options.progress?.('importing', 0, total);
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY) }, worker));
  // Whatever finished in order is kept, also on cancel or failure: a re-run skips it.
  flush(true);
  if (fatal) throw (fatal as { error: unknown }).error;
}
