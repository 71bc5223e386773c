// Export channels. Model exports and the Teachable Machine import load tfjs models, so they run
// in the engine worker; dataset and predictions exports only read the database and copy files
// (asynchronously), so they run here. Each request is checked before its job starts, so a bad
// one fails at once with a readable error instead of a failed job.
import { exportDataset } from '../../export/dataset/dataset-export.js';
import { exportPredictions } from '../../export/dataset/predictions-export.js';
import type { ExportTarget } from '../../export/folder.js';
import { FORMATS } from '../../export/model/export-model.js';
import { resolveModelSource } from '../../export/model/source.js';
import { readKerasSideSpec } from '../../export/keras/side-spec.js';
import { readTeachableFolder } from '../../export/teachable/format.js';
import { teachableModelDir } from '../../export/teachable/import.js';
import type { exportChannels } from '../../ipc/channels/export.js';
import type { HandlerGroup } from '../../ipc/dispatch.js';
import { StudioError } from '../../domain/result.js';
import { findClassByName } from '../../project/classes.js';
import { listExports } from '../../project/exports.js';
import { requireFinishedRun } from '../../project/predictions.js';
import { projectInfo } from '../../project/project.js';
import type { ServiceDeps } from '../deps.js';
import { workerImage } from './engine.js';

function destination(input: { name?: string | undefined; folder?: string | undefined }): ExportTarget | undefined {
  if (input.name === undefined && input.folder === undefined) return undefined;
  return { ...(input.folder !== undefined ? { parentDir: input.folder } : {}), ...(input.name !== undefined ? { name: input.name } : {}) };
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
      const { jobId } = jobs.start('export', (job) =>
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
          },
          { signal: job.signal, onProgress: (p) => job.progress(p.phase, p.done, p.total, p.message) },
        ),
      );
      return { jobId };
    }),

    'export:dataset': ({ layout, splits, includeUnlabeled, name, folder, clientKey }) => once('export:dataset', clientKey, () => {
      const { db, dir } = project();
      const { jobId } = jobs.start('export', (job) =>
        exportDataset({ db, projectDir: dir, layout, splits, includeUnlabeled, target: destination({ name, folder }), onProgress: job.progress, checkpoint: job.throwIfCancelled }),
      );
      return { jobId };
    }),

    'export:predictions': ({ runId, filter, name, folder, clientKey }) => once('export:predictions', clientKey, () => {
      const { db, dir } = project();
      const id = requireFinishedRun(db, runId, 'it has no predictions to export');
      const { jobId } = jobs.start('export', (job) =>
        exportPredictions({ db, projectDir: dir, runId: id, filter, target: destination({ name, folder }), onProgress: job.progress, checkpoint: job.throwIfCancelled }),
      );
      return { jobId };
    }),

    'export:list': ({ runId, limit }) => {
      const { db, dir } = project();
      return listExports(db, dir, { limit: limit ?? 100, runId });
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
