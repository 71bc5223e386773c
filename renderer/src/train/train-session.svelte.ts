// The training the Train screen follows, carried out: it drives the state machine of
// train-state.ts and keeps what the screen draws (the epochs, the loss per batch, the kept
// model's result). A job's progress and end come from the job tracker; the run history from
// the project store; only the training's own metrics are subscribed to here.
import type { StudioClient } from '../../../electron/ipc/client';
import { IntentKey } from '../lib/intent';
import { runBackboneLabel } from '../lib/run-backbone';
import { errorText } from '../lib/errors';
import type { JobTracker, TrackedJob } from '../lib/jobs.svelte';
import type { ProjectStore } from '../lib/project-store.svelte';
import { runningRun } from '../lib/runs';
import type { EventPayload, RequestInput } from '../lib/types';
import { isFree, shownRun, transition, type TrainEvent, type TrainState } from './train-state';

export type EpochRow = EventPayload<'train:metrics'>;
export type TrainConfigInput = NonNullable<RequestInput<'train:start'>['config']>;

/** Batch losses kept for the per-batch chart (the newest; older ones scroll off). */
const BATCH_LOSSES = 500;

export class TrainSession {
  private readonly intent = new IntentKey();
  state = $state<TrainState>({ phase: 'idle' });
  /** One row per finished epoch of the shown run. */
  epochs = $state<EpochRow[]>([]);
  /** The loss of each batch of the followed run, newest last. */
  batchLoss = $state<number[]>([]);
  /** The finished run as the studio kept it: the model of its best epoch. */
  result = $state<{
    runId: number;
    valAccuracy: number | null;
    bestEpoch: number | null;
    backbone: string;
    /** The head selection's record (null for runs before it, or a head trained alone). */
    head: { refitImages: number | null; epochs: number; valStage: string; members: number; warmFrom: number | null } | null;
  } | null>(null);
  error = $state<string | null>(null);

  readonly jobId = $derived(this.state.phase === 'following' ? this.state.jobId : null);
  readonly busy = $derived(!isFree(this.state));

  constructor(
    private readonly studio: StudioClient,
    private readonly jobs: JobTracker,
    private readonly store: ProjectStore,
  ) {}

  /**
   * Follows training for as long as the calling component lives: its metrics, a training
   * started elsewhere, and (once the screen is shown) the newest run when nothing is followed.
   */
  connect(active: () => boolean): void {
    $effect(() =>
      this.studio.on('train:metrics', (m) => {
        if (this.state.phase !== 'following') return;
        this.dispatch({ type: 'run', runId: m.runId });
        if (m.batch === null) this.epochs = [...this.epochs.filter((r) => r.epoch !== m.epoch), m];
        // Epoch 1, batch 1 starts a new training (each head a selection compares, then the final
        // one): its losses start a new chart instead of trailing the last candidate's.
        else if (m.epoch === 1 && m.batch === 1) this.batchLoss = [m.loss];
        else this.batchLoss = [...this.batchLoss.slice(-(BATCH_LOSSES - 1)), m.loss];
      }),
    );
    // A training started elsewhere (the CLI's serve, another window, before a reload).
    $effect(() => {
      const running = this.jobs.running.find((j) => j.kind === 'train');
      if (running && isFree(this.state)) this.dispatch({ type: 'adopt', jobId: running.jobId });
    });
    // The adopted job's run, once the history has it.
    $effect(() => {
      const run = runningRun(this.store.runs);
      if (run && this.state.phase === 'following' && this.state.runId === null && this.state.adopted) this.dispatch({ type: 'run', runId: run.id });
    });
    // Nothing followed yet: the newest run's curves and how it ended.
    $effect(() => {
      const last = this.store.runs[0];
      if (active() && last && this.state.phase === 'idle') {
        this.dispatch({ type: 'show-earlier', runId: last.id, status: last.status, at: last.finishedAt ?? last.createdAt, error: last.error });
      }
    });
  }

  /** The followed job's progress (phase, counts, ETA), from the job tracker. */
  get progress(): TrackedJob | null {
    return this.jobId ? (this.jobs.get(this.jobId) ?? null) : null;
  }

  async train(config: TrainConfigInput): Promise<void> {
    if (!isFree(this.state)) return;
    this.dispatch({ type: 'start' });
    try {
      // One key per intent: should the request be sent twice, the studio answers with the same job.
      const { jobId } = await this.studio.invoke('train:start', { config, clientKey: this.intent.current() });
      this.dispatch({ type: 'started', jobId });
    } catch (e) {
      this.error = errorText(e);
      this.dispatch({ type: 'start-failed' });
    } finally {
      // The session itself refuses a second start while one is in progress (isFree).
      this.intent.release();
    }
  }

  async cancel(): Promise<void> {
    if (this.jobId) await this.studio.invoke('jobs:cancel', { jobId: this.jobId });
  }

  private dispatch(event: TrainEvent): void {
    const before = this.state;
    const after = transition(before, event);
    if (after === before) return;
    this.state = after;
    this.entered(before, after);
  }

  /** What entering a state does: clear, read back, wait for the job, load the result. */
  private entered(before: TrainState, after: TrainState): void {
    if (after.phase === 'starting') {
      this.error = null;
      this.clearCurves();
    }
    if (after.phase === 'following' && before.phase !== 'following') {
      const jobId = after.jobId;
      if (after.adopted) this.clearCurves();
      void this.jobs.finished(jobId).then((f) => {
        if (f.status !== 'running') this.dispatch({ type: 'job-finished', jobId, status: f.status, ...(f.error ? { error: f.error } : {}) });
      });
    }
    const run = shownRun(after);
    if (run !== null && run !== shownRun(before)) {
      // A new run: its curves from the start (read back when this page did not see them come).
      const followedFromStart = after.phase === 'following' && !after.adopted;
      if (!followedFromStart || before.phase !== 'following') this.clearCurves();
      if (!followedFromStart) void this.backfill(run);
    }
    if (after.phase === 'finished' && after.runId !== null) void this.loadResult(after.runId);
  }

  private clearCurves(): void {
    this.epochs = [];
    this.batchLoss = [];
    this.result = null;
  }

  private async loadResult(runId: number): Promise<void> {
    const detail = await this.studio.invoke('runs:get', { runId }).catch(() => null);
    if (detail && shownRun(this.state) === runId) {
      const head = detail.head && { refitImages: detail.head.refitImages, epochs: detail.head.refitEpochs ?? detail.head.epochs, valStage: detail.head.valStage, members: detail.head.refitMembers ?? 1, warmFrom: detail.head.warmStart?.fromRun ?? null };
      this.result = { runId, valAccuracy: detail.valAccuracy, bestEpoch: detail.bestEpoch, backbone: runBackboneLabel(detail), head };
    }
  }

  /** The epochs of a run that happened before this page followed it. */
  private async backfill(runId: number): Promise<void> {
    const detail = await this.studio.invoke('runs:get', { runId }).catch(() => null);
    if (!detail || shownRun(this.state) !== runId) return;
    const have = new Set(this.epochs.map((r) => r.epoch));
    const earlier = detail.history
      .filter((h) => !have.has(h.epoch) && h.trainLoss !== null)
      .map((h) => ({ runId, epoch: h.epoch, batch: null, loss: h.trainLoss!, acc: h.trainAcc, valLoss: h.valLoss, valAcc: h.valAcc }));
    this.epochs = [...earlier, ...this.epochs].sort((a, b) => a.epoch - b.epoch);
  }
}
