// Exposes the transport of the typed contract to the renderer, and where pictures come from
// (the media protocol, by image id): nothing else. Bundled alone into preload.cjs, because a
// sandboxed preload can require nothing but 'electron'.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { Transport } from './ipc/client.js';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from './ipc/electron-names.js';
import type { Result } from './domain/result.js';
import { MEDIA_ORIGIN } from './shell/protocol-names.js';

const listeners = new Map<string, Set<(payload: unknown) => void>>();
ipcRenderer.on(EVENT_CHANNEL, (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
  if (typeof name !== 'string') return;
  for (const callback of listeners.get(name) ?? []) callback(payload);
});

const transport: Transport = {
  kind: 'electron',
  invoke: (channel, payload) => ipcRenderer.invoke(INVOKE_CHANNEL, channel, payload) as Promise<Result<unknown>>,
  subscribe(event, callback) {
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    set.add(callback);
    return () => set.delete(callback);
  },
};

contextBridge.exposeInMainWorld('studioTransport', transport);
contextBridge.exposeInMainWorld('studioMediaBase', MEDIA_ORIGIN);
// A dropped File's path on disk, so photos dropped into the window are imported in place (the
// page still sends the path through import:files, which checks it like a typed one).
contextBridge.exposeInMainWorld('studioFilePath', (file: File) => webUtils.getPathForFile(file));
