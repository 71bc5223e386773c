import type { filesChannels } from '../../ipc/channels/files.js';
import type { HandlerGroup } from '../../ipc/dispatch.js';
import { browseFolder } from '../../files/browse.js';

export function filesHandlers(): HandlerGroup<keyof typeof filesChannels> {
  return {
    'files:browse': ({ path, show }) => browseFolder(path, show ?? 'folders'),
  };
}
