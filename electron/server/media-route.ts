// Serve mode's images: GET /media/<thumb|image>/<imageId>?token=… answers with a file of the
// open project (electron/services/media.ts decides which), never with a path the URL names.
// Without the per-launch token nothing is looked up at all.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TOKEN_PARAM } from '../ipc/ws-protocol.js';
import type { Project } from '../project/project.js';
import { openMedia, parseMediaPath } from '../services/media.js';
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
    void answer(req, res).catch(() => res.destroy());
    return new URL(req.url ?? '/', 'http://127.0.0.1').pathname.startsWith(MEDIA_PREFIX);
  };

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!url.pathname.startsWith(MEDIA_PREFIX)) return;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      plain(res, 405, 'Method not allowed');
      return;
    }
    if (!sameToken(url.searchParams.get(TOKEN_PARAM), options.token)) {
      plain(res, 401, 'Unauthorized');
      return;
    }
    const request = parseMediaPath(url.pathname.slice(MEDIA_PREFIX.length));
    // Checked on the open handle (the same checks as studio://media): what is checked is what is sent.
    const media = request && (await openMedia(options.project(), request));
    if (!media) {
      plain(res, 404, 'Not found');
      return;
    }
    const headers = {
      'Content-Type': media.contentType,
      ETag: media.etag,
      // Ids are per project, so a cached answer must be revalidated (a cheap 304 when unchanged).
      'Cache-Control': 'private, no-cache',
      'X-Content-Type-Options': 'nosniff',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Referrer-Policy': 'no-referrer',
    };
    if (req.headers['if-none-match'] === media.etag || req.method === 'HEAD') {
      await media.handle.close().catch(() => undefined);
      if (req.method === 'HEAD') res.writeHead(200, { ...headers, 'Content-Length': media.size }).end();
      else res.writeHead(304, headers).end();
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Length': media.size });
    // autoClose: the handle closes at the end of the stream or on error.
    media.handle
      .createReadStream({ start: 0, end: media.size - 1 })
      .on('error', () => res.destroy())
      .pipe(res);
  }
}
