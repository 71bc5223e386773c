// Export channels. Model exports and the Teachable Machine import load tfjs models, so they run
// in the engine worker; dataset and predictions exports only read the database and copy files
// (asynchronously), so they run here. Every export's row is begun before its job starts. Each request is checked before its job starts, so a bad
// one fails at once with a readable error instead of a failed job.
import path from 'node:path';
import { exportDataset } from '../../export/dataset/dataset-export.js';
import { exportPredictions } from '../../export/dataset/predictions-export.js';
import { resolveTarget, type ExportTarget } from '../../export/folder.js';
import { FORMATS } from '../../export/model/export-model.js';
import { resolveModelSource } from '../../export/model/source.js';
import { readKerasSideSpec } from '../../export/keras/side-spec.js';
import { readTeachableFolder } from '../../export/teachable/format.js';
import { teachableModelDir } from '../../export/teachable/import.js';
import type { exportChannels } from '../../ipc/channels/export.js';
import type { HandlerGroup } from '../../ipc/dispatch.js';
import { StudioError } from '../../domain/result.js';
import { findClassByName } from '../../project/classes.js';
import type { Db } from '../../project/database.js';
import { beginExport, listExports, settleExport, type ExportStart } from '../../project/exports.js';
import type { JobHandle } from '../../jobs/job-manager.js';
import { requireFinishedRun } from '../../project/predictions.js';
import { projectInfo } from '../../project/project.js';
import type { ServiceDeps } from '../deps.js';
import { workerImage } from './engine.js';

function destination(input: { name?: string | undefined; folder?: string | undefined }): ExportTarget | undefined {
  if (input.name === undefined && input.folder === undefined) return undefined;
  return { ...(input.folder !== undefined ? { parentDir: input.folder } : {}), ...(input.name !== undefined ? { name: input.name } : {}) };
}

/**
 * Starts an export's job on a row begun 'running' (so the channel answers with its id), and
 * settles that row when the job ends without the exporter having done so: cancelled, or failed
 * before it could (a crashed worker).
 */
function startExport(
  deps: ServiceDeps,
  db: Db,
  dir: string,
  start: Omit<ExportStart, 'path'> & { target: ExportTarget | undefined },
  work: (job: JobHandle, exportId: number) => Promise<unknown>,
): { jobId: string; exportId: number } {
  const planned = resolveTarget(dir, start.target, '');
  const exportId = beginExport(db, dir, { kind: start.kind, format: start.format, runId: start.runId, modelId: start.modelId, options: start.options, path: path.join(planned.parentDir, planned.name) });
  const { jobId } = deps.jobs.start('export', async (job) => {
    try {
      return await work(job, exportId);
    } catch (error) {
      const cancelled = job.signal.aborted || (error instanceof StudioError && error.code === 'cancelled');
      settleExport(db, exportId, cancelled ? 'cancelled' : 'failed', cancelled ? null : error instanceof Error ? error.message : String(error));
      throw error;
    }
  });
  return { jobId, exportId };
}

export function exportHandlers(deps: ServiceDeps): HandlerGroup<keyof typeof exportChannels> {
  const { session, jobs, engine, bus } = deps;
  const project = () => session.requireProject();
  const once = jobs.intents.once.bind(jobs.intents);

  return {
    'export:model': ({ runId, modelId, format, quantization, sampleCount, name, folder, clientKey }) => once('export:model', clientKey, () => {
      const { db, dir } = project();
      const source = resolveModelSource(db, dir, engine.modelCache, { runId, modelId });
      if (format === 'card' && quantization) throw new StudioError('invalid_payload', 'A model card has no weights to quantize.');
      const refusal = format === 'card' ? null : FORMATS[format].refusal(source, quantization ?? null);
      if (refusal) throw new StudioError('conflict', refusal);
      const target = destination({ name, folder });
      const options = { quantization: quantization ?? null, ...(sampleCount !== undefined ? { sampleCount } : {}) };
      return startExport(deps, db, dir, { kind: 'model', format, runId: source.runId, modelId: source.modelId, options, target }, (job, exportId) =>
        engine.call(
          'exportModel',
          {
            projectDir: dir,
            runId: source.runId,
            ...(modelId !== undefined ? { modelId } : {}),
            format,
            ...(quantization ? { quantization } : {}),
            ...(sampleCount !== undefined ? { sampleCount } : {}),
            ...(target ? { target } : {}),
            exportId,
          },
          { signal: job.signal, onProgress: (p) => job.progress(p.phase, p.done, p.total, p.message) },
        ),
      );
    }),

    'export:dataset': ({ layout, splits, includeUnlabeled, name, folder, clientKey }) => once('export:dataset', clientKey, () => {
      const { db, dir } = project();
      const target = destination({ name, folder });
      const options = { layout, ...(splits ? { splits } : {}), ...(includeUnlabeled !== undefined ? { includeUnlabeled } : {}) };
      return startExport(deps, db, dir, { kind: 'dataset', format: layout, runId: null, modelId: null, options, target }, (job, exportId) =>
        exportDataset({ db, projectDir: dir, layout, splits, includeUnlabeled, target, onProgress: job.progress, checkpoint: job.throwIfCancelled, exportId }),
      );
    }),

    'export:predictions': ({ runId, filter, name, folder, clientKey }) => once('export:predictions', clientKey, () => {
      const { db, dir } = project();
      const id = requireFinishedRun(db, runId, 'it has no predictions to export');
      const target = destination({ name, folder });
      return startExport(deps, db, dir, { kind: 'predictions', format: 'csv', runId: id, modelId: null, options: { ...(filter ? { filter } : {}) }, target }, (job, exportId) =>
        exportPredictions({ db, projectDir: dir, runId: id, filter, target, onProgress: job.progress, checkpoint: job.throwIfCancelled, exportId }),
      );
    }),

    'export:list': ({ runId, limit, finished }) => {
      const { db, dir } = project();
      return listExports(db, dir, { limit: limit ?? 100, runId, finished });
    },

    'import:teachable': async ({ folder }) => {
      const { dir } = project();
      readTeachableFolder(folder);
      const imported = await engine.call('importTeachable', { projectDir: dir, folder });
      if (session.project) bus.emit('project:changed', { project: projectInfo(session.project) });
      return imported;
    },

    'import:keras': ({ file, clientKey }) => once('import:keras', clientKey, () => {
      const { dir } = project();
      // The side spec is read here so that a missing or wrong one fails before a job starts.
      readKerasSideSpec(file);
      const { jobId } = jobs.start('evaluate', (job) =>
        engine.call('importKerasRun', { projectDir: dir, file }, { signal: job.signal, onProgress: (p) => job.progress(p.phase, p.done, p.total, p.message) }),
      );
      return { jobId };
    }),

    'predict:teachable': async ({ modelId, images }) => {
      const { db, dir } = project();
      teachableModelDir(db, dir, modelId);
      const { labels, results } = await engine.call('predictTeachable', { projectDir: dir, modelId, images: images.map(workerImage) });
      return { modelId, labels, classIds: labels.map((label) => findClassByName(db, label)?.id ?? null), results };
    },
  };
}
