// Training as a job: one run at a time per studio, its curves pushed as train:metrics, and a
// run left 'running' by a crashed engine marked failed so that no run stays running forever.
import { DEFAULT_BACKBONE_ID, findBackbone } from '../engine/backbones/catalogue.js';
import { ensureInstalled } from '../engine/backbones/shipped.js';
import type { TaskEvent } from '../worker/protocol.js';
import { StudioError } from '../domain/result.js';
import { TrainConfig, type TrainConfigInput } from '../domain/schemas.js';
import { readBackboneChoice } from '../project/backbone-choice.js';
import { labelSummary } from '../project/labels.js';
import { finishRun, runStatus } from '../project/runs.js';
import type { Project } from '../project/project.js';
import type { ServiceDeps } from './deps.js';

/** Per-batch losses are for a live curve; more than ~10 points a second only costs the UI. */
const BATCH_EVENT_INTERVAL_MS = 100;

export class TrainJobs {
  private active: string | null = null;

  constructor(private readonly deps: ServiceDeps) {}

  start(input: TrainConfigInput): { jobId: string } {
    const { session, jobs, engine, bus } = this.deps;
    const project = session.requireProject();
    if (this.active) throw new StudioError('conflict', 'A model is already training. Wait for it or cancel it first.');
    // An explicit id wins; otherwise the project's choice; otherwise the shipped default.
    const backboneId = TrainConfig.parse(input).backboneId ?? readBackboneChoice(project.db) ?? DEFAULT_BACKBONE_ID;
    const config = TrainConfig.parse({ ...input, backboneId });
    // Said before a job starts (and before the shipped backbone installs), like the Train button says it.
    if (labelSummary(project.db).perClass.filter((c) => c.count > 0).length < 2) {
      throw new StudioError('conflict', 'Label images of at least two classes before training.');
    }
    if (!ensureInstalled(backboneId, engine.modelCache)) {
      const spec = findBackbone(backboneId);
      if (!spec) throw new StudioError('not_found', `There is no backbone "${backboneId}".`);
      throw new StudioError('conflict', `${spec.name} is not on this machine yet. Download it (about ${Math.round(spec.approxBytes / 1e6)} MB) or import its model folder, then train.`);
    }

    let runId: number | null = null;
    let lastBatch = 0;
    const onEvent = (e: TaskEvent) => {
      if (e.kind === 'run-started') runId = e.runId;
      else if (e.kind === 'epoch') {
        bus.emit('train:metrics', { runId: e.runId, epoch: e.epoch, batch: null, loss: e.trainLoss, acc: e.trainAcc, valLoss: e.valLoss, valAcc: e.valAcc });
      } else if (e.kind === 'batch') {
        const now = Date.now();
        // The first batch of a training (each selection candidate, then the final head) always
        // goes out: the page starts a new chart on it. Dropped, the next training's losses would
        // trail the last one's, a spike at its start.
        const startsTraining = e.epoch === 1 && e.batch === 1;
        if (!startsTraining && now - lastBatch < BATCH_EVENT_INTERVAL_MS) return;
        lastBatch = now;
        bus.emit('train:metrics', { runId: e.runId, epoch: e.epoch, batch: e.batch, loss: e.loss, acc: null, valLoss: null, valAcc: null });
      }
    };

    const { jobId, done } = jobs.start('train', async (job) => {
      try {
        // The label check (k more heads) is not part of the Train click: the run is done when its
        // model is saved, and "likely mislabeled" arrives from a follow-up job moments later.
        const outcome = await engine.call('train', { projectDir: project.dir, config, deferLabelCheck: true }, { signal: job.signal, onEvent, onProgress: (p) => job.progress(p.phase, p.done, p.total) });
        if (config.outOfFoldK >= 2) startLabelCheck(this.deps, project, outcome.runId);
        return outcome;
      } catch (error) {
        if (runId !== null && session.project === project) {
          if (runStatus(project.db, runId) === 'running') finishRun(project.db, runId, 'failed', { error: error instanceof Error ? error.message : String(error) });
        }
        throw error;
      }
    });
    this.active = jobId;
    void done.catch(() => undefined).finally(() => (this.active = null));
    return { jobId };
  }
}

/** "Likely mislabeled" for a finished run as an 'evaluate' job (after every Train, or on request). */
export function startLabelCheck(deps: Pick<ServiceDeps, 'jobs' | 'engine'>, project: Project, runId: number): { jobId: string; done: Promise<unknown> } {
  return deps.jobs.start('evaluate', (job) => {
    job.progress('checking labels', 0, 0);
    return deps.engine.call('checkLabels', { projectDir: project.dir, runId }, { signal: job.signal, onProgress: (p) => job.progress(p.phase, p.done, p.total) });
  });
}
