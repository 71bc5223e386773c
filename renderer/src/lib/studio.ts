// The one way the renderer reaches the studio: the preload's transport inside Electron, or the
// WebSocket transport (token from the page URL) in serve mode and in browser tests.
import { createClient, type StudioClient, type Transport } from '../../../electron/ipc/client';
import { connectWebSocket, wsUrl } from '../../../electron/ipc/ws-transport';
import { pageToken } from './page-token';

declare global {
  interface Window {
    studioTransport?: Transport;
  }
}

export function connectStudio(): StudioClient {
  if (window.studioTransport) return createClient(window.studioTransport);
  const token = pageToken();
  if (!token) throw new Error('This page needs the address printed by `npm start` (it carries an access token).');
  return createClient(connectWebSocket(wsUrl(window.location.origin, token), WebSocket));
}
