// Serve mode: the renderer and the contract on 127.0.0.1, for a browser instead of a window.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStudio, type Studio } from '../services/studio.js';
import { allowedHosts, guardHost } from './host-guard.js';
import { mediaRoute } from './media-route.js';
import { serveStatic } from './static-files.js';
import { uploadRoute } from './upload-route.js';
import { attachWebSocket } from './ws-server.js';

export const DEFAULT_RENDERER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/renderer');

export interface ServeOptions {
  port?: number;
  rendererDir?: string;
  studio?: Studio;
  token?: string;
}

export interface RunningServer {
  studio: Studio;
  token: string;
  port: number;
  /** http://127.0.0.1:PORT */
  origin: string;
  /** What a person opens: the origin with the token the page needs. */
  url: string;
  close(): Promise<void>;
}

export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const studio = options.studio ?? createStudio();
  const token = options.token ?? randomBytes(24).toString('base64url');
  const media = mediaRoute({ token, project: () => studio.session.project });
  const files = serveStatic(options.rendererDir ?? DEFAULT_RENDERER_DIR);
  let port = 0;
  const allowedOrigins = () => [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
  const upload = uploadRoute({ token, project: () => studio.session.project, allowedOrigins });
  // Host is checked before anything else, media included (DNS rebinding).
  const server = http.createServer(
    guardHost(
      () => port,
      (req, res) => {
        if (!media(req, res) && !upload(req, res)) files(req, res);
      },
    ),
  );
  const ws = attachWebSocket({
    server,
    dispatch: studio.dispatch,
    bus: studio.bus,
    token,
    allowedOrigins,
    allowedHosts: () => allowedHosts(port),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Loopback only: the studio is never reachable from another machine.
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    studio,
    token,
    port,
    origin,
    url: `${origin}/?token=${token}`,
    async close() {
      ws.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (!options.studio) studio.close();
    },
  };
}
