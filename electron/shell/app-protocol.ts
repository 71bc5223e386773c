// studio://app/… serves the built renderer and nothing else: the URL path is resolved inside
// the renderer folder (anything escaping it is a 404) and every answer carries the desktop CSP.
import fs from 'node:fs';
import path from 'node:path';
import { CONTENT_TYPES, resolveInside } from '../server/static-files.js';
import { fileResponse, textResponse } from './file-response.js';

export interface AppProtocolOptions {
  rendererDir: string;
  /** The host the renderer is served under (studio://<host>/). */
  host: string;
  csp: string;
}

export function createAppHandler(options: AppProtocolOptions): (request: Request) => Promise<Response> {
  const root = path.resolve(options.rendererDir);
  const securityHeaders = { 'Content-Security-Policy': options.csp, 'X-Content-Type-Options': 'nosniff' };
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return textResponse(405, 'Method not allowed', securityHeaders);
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return textResponse(400, 'Bad request', securityHeaders);
    }
    if (url.host !== options.host) return textResponse(404, 'Not found', securityHeaders);
    const file = resolveInside(root, url.pathname === '/' ? '/index.html' : url.pathname);
    if (!file) return textResponse(404, 'Not found', securityHeaders);
    let handle: fs.promises.FileHandle | null = null;
    try {
      // A link inside the build that points elsewhere is not part of the renderer.
      const [real, realRoot] = await Promise.all([fs.promises.realpath(file), fs.promises.realpath(root)]);
      if (!real.startsWith(realRoot + path.sep)) throw new Error('outside the renderer');
      handle = await fs.promises.open(real, fs.constants.O_RDONLY);
      const stat = await handle.stat();
      if (!stat.isFile()) throw new Error('not a file');
      const contentType = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
      const response = fileResponse(handle, stat.size, { ...securityHeaders, 'Content-Type': contentType, 'Cache-Control': 'no-cache' }, request.method);
      handle = null;
      return response;
    } catch {
      return textResponse(404, 'Not found', securityHeaders);
    } finally {
      await handle?.close().catch(() => undefined);
    }
  };
}
