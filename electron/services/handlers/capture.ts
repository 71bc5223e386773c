import { CaptureService } from '../../dataset/capture.js';
import type { DatasetService } from '../../dataset/service.js';
import type { captureChannels } from '../../ipc/channels/capture.js';
import type { HandlerGroup } from '../../ipc/dispatch.js';
import type { ServiceDeps } from '../deps.js';

/** Shares the dataset service, so a take's import waits its turn behind any other import. */
export function captureHandlers(deps: ServiceDeps, dataset: DatasetService): HandlerGroup<keyof typeof captureChannels> {
  const capture = new CaptureService(deps.session, (paths, classId) => dataset.startImport({ kind: 'files', paths, capture: { classId } }));
  return {
    'capture:frames': (batch) => capture.addFrames(batch),
  };
}
