// Serve mode's drag-and-drop: the browser cannot hand over a file's path, so the bytes come
// here, one file per request: POST /upload?token=…&batch=<drop id>&path=<relative path>. Each
// file is streamed (never buffered whole) into the open project's own imported/<batch>/ folder,
// keeping the dropped folders' structure, then the page imports the dropped items from there
// with import:files, so class folders and the bad-file report work as for a local import.
// Guarded like media (the per-launch token) and like the WebSocket (a browser's Origin must be
// the studio's own); a file over the size limit is refused and nothing of it is kept.
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { TOKEN_PARAM } from '../ipc/ws-protocol.js';
import type { Project } from '../project/project.js';
import { sameToken } from './token.js';

export const UPLOAD_PATH = '/upload';
/** Larger than any photo worth training on; the import refuses images over its pixel limit anyway. */
export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;
export const IMPORTED_FOLDER = 'imported';

export interface UploadRouteOptions {
  token: string;
  project: () => Project | null;
  allowedOrigins: () => string[];
  maxBytes?: number;
}

function reply(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
}

/** The relative path's segments, or null when it is empty, climbs out or names something odd. */
export function safeSegments(relative: string): string[] | null {
  if (relative.length === 0 || relative.length > 1024) return null;
  const segments = relative.split('/');
  if (segments.length > 32) return null;
  for (const s of segments) {
    if (s === '' || s === '.' || s === '..' || /[\u0000-\u001f\\:]/.test(s) || s.length > 255) return null;
  }
  return segments;
}

class TooLarge extends Error {}

export function uploadRoute(options: UploadRouteOptions) {
  const maxBytes = options.maxBytes ?? MAX_UPLOAD_BYTES;
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== UPLOAD_PATH) return false;
    if (req.method !== 'POST') {
      reply(res, 405, { error: 'Send files with POST.' });
      return true;
    }
    if (!sameToken(url.searchParams.get(TOKEN_PARAM), options.token)) {
      reply(res, 401, { error: 'Unauthorized' });
      return true;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !options.allowedOrigins().includes(origin)) {
      reply(res, 403, { error: 'Forbidden' });
      return true;
    }
    const project = options.project();
    if (!project) {
      reply(res, 409, { error: 'Open a project before dropping photos into it.' });
      return true;
    }
    const batch = url.searchParams.get('batch') ?? '';
    const segments = safeSegments(url.searchParams.get('path') ?? '');
    if (!/^[\w-]{1,64}$/.test(batch) || !segments) {
      reply(res, 400, { error: 'The file name cannot be stored as it is (empty, too long, or with .. or control characters).' });
      return true;
    }
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > maxBytes) {
      reply(res, 413, { error: `${segments.at(-1)} is larger than ${Math.round(maxBytes / 1024 / 1024)} MB.` });
      req.resume();
      return true;
    }
    const root = path.join(project.dir, IMPORTED_FOLDER, batch);
    const file = path.join(root, ...segments);
    const part = `${file}.part-upload`;
    void (async () => {
      try {
        await fs.promises.mkdir(path.dirname(file), { recursive: true });
        if (fs.existsSync(file)) {
          reply(res, 409, { error: `${segments.join('/')} was already dropped in this batch.` });
          req.resume();
          return;
        }
        let received = 0;
        await pipeline(
          req,
          async function* limit(source: AsyncIterable<Buffer>) {
            for await (const chunk of source) {
              received += chunk.length;
              if (received > maxBytes) throw new TooLarge();
              yield chunk;
            }
          },
          fs.createWriteStream(part, { flags: 'wx' }),
        );
        // Complete files only appear under their name: a cut upload leaves no half image to import.
        await fs.promises.rename(part, file);
        reply(res, 201, { path: file, root, bytes: received });
      } catch (error) {
        await fs.promises.rm(part, { force: true });
        if (res.headersSent) return;
        if (error instanceof TooLarge) reply(res, 413, { error: `${segments.at(-1)} is larger than ${Math.round(maxBytes / 1024 / 1024)} MB.` });
        else reply(res, 500, { error: `Could not store ${segments.join('/')}: ${error instanceof Error ? error.message : String(error)}` });
      }
    })();
    return true;
  };
}
