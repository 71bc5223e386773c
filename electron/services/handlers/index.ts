// The full handler table: one group per domain, the same table behind every transport.
import type { Handlers } from '../../ipc/dispatch.js';
import type { ServiceDeps } from '../deps.js';
import { DatasetService } from '../../dataset/service.js';
import { importEmbeddingFor } from '../import-embedding.js';
import { appHandlers } from './app.js';
import { backboneHandlers } from './backbones.js';
import { captureHandlers } from './capture.js';
import { datasetHandlers } from './dataset.js';
import { engineHandlers } from './engine.js';
import { exportHandlers } from './export.js';
import { filesHandlers } from './files.js';
import { libraryHandlers } from './library.js';
import { projectHandlers } from './project.js';
import { sampleHandlers } from './sample.js';
import { shellHandlers } from './shell.js';

export function createHandlers(deps: ServiceDeps): Handlers {
  // Imports embed ahead of training when the project's backbone is on this machine (issue 21).
  const dataset = new DatasetService({ ...deps, embedAhead: (project, job) => importEmbeddingFor(project, deps.engine, job) });
  return {
    ...appHandlers(deps),
    ...projectHandlers(deps),
    ...libraryHandlers(deps),
    ...datasetHandlers(deps, dataset),
    ...captureHandlers(deps, dataset),
    ...engineHandlers(deps),
    ...backboneHandlers(deps),
    ...sampleHandlers(deps),
    ...shellHandlers(deps),
    ...exportHandlers(deps),
    ...filesHandlers(),
  };
}
