import type { shellChannels } from '../../ipc/channels/shell.js';
import type { HandlerGroup } from '../../ipc/dispatch.js';
import { StudioError } from '../../domain/result.js';
import type { NativeDialogs } from '../dialogs.js';
import type { ServiceDeps } from '../deps.js';

function unsupported(): never {
  throw new StudioError('unsupported', 'Native dialogs exist only in the desktop window. Type or paste the path instead.');
}

export function shellHandlers({ dialogs }: ServiceDeps): HandlerGroup<keyof typeof shellChannels> {
  const native = (): NativeDialogs => dialogs ?? unsupported();
  return {
    'dialog:openFolder': async (request) => ({ path: await native().openFolder(request) }),
    'dialog:openFile': async (request) => ({ paths: await native().openFiles(request) }),
    'dialog:saveFolder': async (request) => ({ path: await native().saveFolder(request) }),
  };
}
