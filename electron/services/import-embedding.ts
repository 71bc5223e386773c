// Embedding ahead of training for the studio's import jobs (issue 21): when the project's
// backbone is installed (or ships with the studio), an import hands the model inputs of the
// photos it decodes to the engine worker in batches, then a catch-up pass embeds from the files
// whatever present image still lacks its vector (a re-run after a kill, known content, a photo
// whose input could not be made). Without a backbone the import runs exactly as before.
import { DEFAULT_BACKBONE_ID } from '../engine/backbones/catalogue.js';
import { readInstall } from '../engine/backbones/model-cache.js';
import { ensureInstalled } from '../engine/backbones/shipped.js';
import { EmbeddingCache } from '../engine/embeddings/cache.js';
import { importViews, missingViews } from '../engine/embeddings/embed-ahead.js';
import { oneClickViews, runPreprocessing, type TrainViews } from '../engine/embeddings/train-keys.js';
import type { EngineHost } from '../worker/engine-host.js';
import { EmbedStage, type EmbedAhead, type EmbedSink } from '../dataset/embed-stage.js';
import { StudioError } from '../domain/result.js';
import type { JobHandle, JobManager } from '../jobs/job-manager.js';
import { readBackboneChoice } from '../project/backbone-choice.js';
import type { Project } from '../project/project.js';
import { readSettings } from '../project/settings.js';

export interface ProjectModel {
  backboneId: string;
  /** The views a one-click Train embeds, with their spec. */
  plan: TrainViews;
}

/** The project's backbone and training views, or null when that backbone is not on this machine. */
export function projectModel(project: Project, engine: EngineHost): ProjectModel | null {
  const backboneId = readBackboneChoice(project.db) ?? DEFAULT_BACKBONE_ID;
  try {
    if (!ensureInstalled(backboneId, engine.modelCache)) return null;
  } catch {
    // A damaged shipped copy: Train says so by name; the import just does not embed.
    return null;
  }
  const record = readInstall(backboneId, engine.modelCache);
  if (!record) return null;
  const settings = readSettings(project.db);
  return { backboneId, plan: oneClickViews(runPreprocessing(record.spec, settings), settings) };
}

const count = (n: number) => n.toLocaleString('en-US');

export class ImportEmbedding implements EmbedAhead {
  readonly stage: EmbedStage;

  constructor(
    private readonly project: Project,
    private readonly engine: EngineHost,
    private readonly model: ProjectModel,
    private readonly job: JobHandle,
  ) {
    const { backboneId, plan } = model;
    const cache = new EmbeddingCache(project.db, backboneId, 0);
    const stageViews = importViews(plan);
    const sink: EmbedSink = {
      preprocessing: plan.preprocessing,
      missing: (hash) => missingViews(cache, stageViews, hash),
      embed: async (items) => {
        await engine.call(
          'embedPixels',
          {
            projectDir: project.dir,
            backboneId,
            plan,
            items: items.flatMap(({ hash, inputs }) => inputs.map(({ view, pixels }) => ({ hash, view, pixels }))),
            samples: items.map((i) => i.path),
          },
          { signal: job.signal },
        );
      },
    };
    this.stage = new EmbedStage(sink, { signal: job.signal });
  }

  /** The import's progress, with the embedding stage's count in the message ("embedding 1,200/3,000"). */
  progress = (phase: string, done: number, total: number, message?: string): void => {
    const { embedded, accepted } = this.stage;
    this.job.progress(phase, done, total, message ?? (accepted > 0 ? `embedding ${count(embedded)}/${count(accepted)}` : undefined));
  };

  /**
   * After the import committed: the queued inputs (the job's 'embedding' phase, in photos),
   * then the catch-up pass (CATCH_UP_PHASE, in views). A cancel stops it (what is cached
   * stays); a failing backbone does not fail the import — Train embeds what is missing, as before.
   */
  async finish(): Promise<void> {
    const { stage, job } = this;
    const tick = setInterval(() => job.progress('embedding', stage.embedded, stage.accepted), 250);
    try {
      job.progress('embedding', stage.embedded, stage.accepted);
      await stage.finish();
      // The stage's count is final: its ticks would now interleave with the catch-up's phase.
      clearInterval(tick);
      job.progress('embedding', stage.embedded, stage.accepted);
      job.throwIfCancelled();
      await this.engine.call(
        'embedMissing',
        { projectDir: this.project.dir, ...this.model },
        // Its own phase: it counts views (cached ones included), where 'embedding' counted photos.
        { signal: job.signal, onProgress: (p) => job.progress(CATCH_UP_PHASE, p.done, p.total) },
      );
    } catch (error) {
      if (job.signal.aborted || (error instanceof StudioError && error.code === 'cancelled')) throw error;
      console.warn(`[import] embedding ahead of training stopped: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      clearInterval(tick);
    }
    if (stage.error) console.warn(`[import] embedding stage stopped: ${stage.error instanceof Error ? stage.error.message : String(stage.error)}`);
  }
}

/** The import job's last phase: what its embedding stage left, embedded from the files. */
export const CATCH_UP_PHASE = 'embedding the rest';

/** The import job's embedding, or null when the project's backbone is not installed (import as before). */
export function importEmbeddingFor(project: Project, engine: EngineHost, job: JobHandle): ImportEmbedding | null {
  const model = projectModel(project, engine);
  return model && new ImportEmbedding(project, engine, model, job);
}

/**
 * Re-embeds the project's images for its (newly chosen) backbone in the background, as an
 * 'embed' job; null when that backbone is not installed (Train then says what to do).
 */
export function startEmbedJob(project: Project, engine: EngineHost, jobs: JobManager): { jobId: string; done: Promise<unknown> } | null {
  const model = projectModel(project, engine);
  if (!model) return null;
  return jobs.start('embed', async (job) => {
    job.progress('embedding', 0, 0);
    return engine.call('embedMissing', { projectDir: project.dir, ...model }, { signal: job.signal, onProgress: (p) => job.progress('embedding', p.done, p.total) });
  });
}
