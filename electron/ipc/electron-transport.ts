// Transport 1: the contract over Electron IPC. Every request goes through one ipcMain handler
// into the shared dispatcher; events fan out to every window that is still alive. ipcMain is
// passed in, so this runs (and is tested) without the Electron binary.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { Dispatch } from './dispatch.js';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from './electron-names.js';
import type { EventBus } from './event-bus.js';
import { fail } from '../domain/result.js';

export function registerElectronTransport(options: {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  dispatch: Dispatch;
  bus: EventBus;
  /** Only frames loaded from the app itself may call in. */
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean;
  targets: () => Array<Pick<WebContents, 'isDestroyed' | 'send'>>;
}): () => void {
  const { ipcMain } = options;
  ipcMain.handle(INVOKE_CHANNEL, (event, channel: unknown, payload: unknown) => {
    if (!options.isTrustedSender(event)) return fail('unauthorized', 'This frame may not call the studio.');
    return options.dispatch(channel, payload, { transport: 'electron' });
  });
  const stop = options.bus.listen((event, payload) => {
    for (const target of options.targets()) if (!target.isDestroyed()) target.send(EVENT_CHANNEL, event, payload);
  });
  return () => {
    ipcMain.removeHandler(INVOKE_CHANNEL);
    stop();
  };
}
