// The one way the renderer reaches the studio: the preload's transport inside Electron, or the
// WebSocket transport (token from the page URL) in serve mode and in browser tests. The
// WebSocket one reconnects by itself and reports its state (connection.svelte.ts shows it).
import { createClient, type StudioClient, type Transport } from '../../../electron/ipc/client';
import { connectWithReconnect, type ReconnectingTransport } from '../../../electron/ipc/ws-reconnect';
import { wsUrl } from '../../../electron/ipc/ws-transport';
import { pageToken } from './page-token';

declare global {
  interface Window {
    studioTransport?: Transport;
    /** The preload's path of a dropped File (webUtils.getPathForFile); the window only. */
    studioFilePath?: (file: File) => string;
  }
}

export interface StudioConnection {
  studio: StudioClient;
  /** Null inside Electron: the window and its main process live and die together. */
  transport: ReconnectingTransport | null;
  /** The per-launch token (serve mode), for the upload route. */
  token: string | null;
}

export function connectStudio(): StudioConnection {
  if (window.studioTransport) return { studio: createClient(window.studioTransport), transport: null, token: null };
  const token = pageToken();
  if (!token) throw new Error('This page needs the address printed by `npm start` (it carries an access token).');
  const transport = connectWithReconnect(wsUrl(window.location.origin, token), WebSocket);
  return { studio: createClient(transport), transport, token };
}
