// Serve mode's images: GET /media/<thumb|image>/<imageId>?token=… answers with a file of the
// open project (electron/services/media.ts decides which), never with a path the URL names.
// Without the per-launch token nothing is looked up at all.
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TOKEN_PARAM } from '../ipc/ws-protocol.js';
import type { Project } from '../project/project.js';
import { parseMediaPath, resolveMedia } from '../services/media.js';
import { sameToken } from './token.js';

export const MEDIA_PREFIX = '/media/';

export interface MediaRouteOptions {
  token: string;
  project: () => Project | null;
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(text);
}

/** Returns a handler that answers media requests and says false for any other URL. */
export function mediaRoute(options: MediaRouteOptions) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!url.pathname.startsWith(MEDIA_PREFIX)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      plain(res, 405, 'Method not allowed');
      return true;
    }
    if (!sameToken(url.searchParams.get(TOKEN_PARAM), options.token)) {
      plain(res, 401, 'Unauthorized');
      return true;
    }
    const request = parseMediaPath(url.pathname.slice(MEDIA_PREFIX.length));
    const media = request && resolveMedia(options.project(), request);
    if (!media) {
      plain(res, 404, 'Not found');
      return true;
    }
    const headers = {
      'Content-Type': media.contentType,
      ETag: media.etag,
      // Ids are per project, so a cached answer must be revalidated (a cheap 304 when unchanged).
      'Cache-Control': 'private, no-cache',
      'X-Content-Type-Options': 'nosniff',
      'Cross-Origin-Resource-Policy': 'same-origin',
    };
    if (req.headers['if-none-match'] === media.etag) {
      res.writeHead(304, headers).end();
      return true;
    }
    res.writeHead(200, { ...headers, 'Content-Length': media.size });
    if (req.method === 'HEAD') {
      res.end();
      return true;
    }
    fs.createReadStream(media.file)
      .on('error', () => res.destroy())
      .pipe(res);
    return true;
  };
}
