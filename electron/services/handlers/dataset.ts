import type { datasetChannels } from '../../ipc/channels/dataset.js';
import type { HandlerGroup } from '../../ipc/dispatch.js';
import { importReport, listImports } from '../../project/dataset-catalog.js';
import { latestHealthReport } from '../../project/health-reports.js';
import { DatasetService } from '../../dataset/service.js';
import { assignSplits } from '../../dataset/splits.js';
import { setSplit } from '../../project/image-splits.js';
import { readSettings } from '../../project/settings.js';
import type { ServiceDeps } from '../deps.js';

export function datasetHandlers(deps: ServiceDeps, service = new DatasetService(deps)): HandlerGroup<keyof typeof datasetChannels> {
  const db = () => deps.session.requireProject().db;
  const once = deps.jobs.intents.once.bind(deps.jobs.intents);
  const started = ({ jobId, importId }: { jobId: string; importId: number }) => ({ jobId, importId });

  return {
    'import:folder': ({ path, clientKey }) => once('import:folder', clientKey, () => started(service.startImport({ kind: 'folder', root: path }))),
    'import:files': ({ paths, clientKey }) => once('import:files', clientKey, () => started(service.startImport({ kind: 'files', paths }))),
    'import:csv': ({ path, clientKey }) => once('import:csv', clientKey, () => started(service.startImport({ kind: 'csv', file: path }))),
    'import:list': ({ limit }) => listImports(db(), limit ?? 50),
    'import:report': ({ importId, offset, limit }) => importReport(db(), importId, offset, limit),

    'watch:list': () => service.listWatched(),
    'watch:add': async ({ path }) => {
      const { folder, reconcile } = await service.addWatch(path);
      return { folder, reconcile: reconcile && started(reconcile) };
    },
    'watch:remove': async ({ id }) => ({ removed: await service.removeWatch(id) }),

    'health:run': ({ clientKey }) => once('health:run', clientKey, () => ({ jobId: service.startHealthCheck().jobId })),
    'health:report': () => latestHealthReport(db()),

    'splits:assign': ({ reshuffle }) => {
      const result = assignSplits(db(), readSettings(db()).split, { reshuffle: reshuffle ?? false });
      if (result.assigned) deps.bus.emit('splits:changed', { changed: result.assigned });
      return result;
    },
    'splits:set': ({ imageIds, split }) => {
      const changed = setSplit(db(), imageIds, split);
      if (changed) deps.bus.emit('splits:changed', { changed });
      return { changed };
    },
  };
}
