// studio://media/<thumb|image>/<imageId>: pictures of the open project, asked for by image id
// only. The URL can name a kind and a number and nothing else, so no part of it ever reaches
// the file system: which file answers is decided by the injected resolver (the project's own
// records). Each file is then checked on the open handle before a byte is sent: a regular
// file, under the allowed folders once symlinks are followed, and an image a browser shows.
import fs from 'node:fs';
import path from 'node:path';
import { SNIFF_BYTES, sniff, type DecodableFormat } from '../dataset/sniff.js';
import { fileResponse, textResponse } from './file-response.js';

export const MEDIA_KINDS = ['thumb', 'image'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** The file the open project records for an image (its thumbnail, or its source), or null. */
export type MediaResolver = (imageId: number, kind: MediaKind) => string | null;

export interface MediaProtocolOptions {
  host: string;
  resolve: MediaResolver;
  /**
   * Real folders a served file must lie in once symlinks are followed (e.g. the project's
   * thumbs/ for 'thumb'); null lets the file lie anywhere, as source images do.
   */
  roots?: (kind: MediaKind) => readonly string[] | null;
  /** Larger files are refused (a project image is never this big). */
  maxBytes?: number;
}

const SHOWN_BY_BROWSER: Partial<Record<DecodableFormat, string>> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
};

const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
const MEDIA_PATH = /^\/(thumb|image)\/([1-9][0-9]{0,15})$/;
// O_NOFOLLOW: the checked real path must not have become a symlink by the time it is opened.
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0);

export function parseMediaUrl(url: string, host: string): { kind: MediaKind; imageId: number } | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.host !== host || parsed.username || parsed.password) return null;
  const match = MEDIA_PATH.exec(parsed.pathname);
  if (!match) return null;
  const imageId = Number(match[2]);
  return Number.isSafeInteger(imageId) ? { kind: match[1] as MediaKind, imageId } : null;
}

function inside(file: string, root: string): boolean {
  return file.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

async function allowedRealPath(file: string, roots: readonly string[] | null): Promise<string | null> {
  if (!path.isAbsolute(file) || file.includes('\0')) return null;
  const real = await fs.promises.realpath(file).catch(() => null);
  if (!real) return null;
  if (roots === null) return real;
  for (const root of roots) {
    const realRoot = await fs.promises.realpath(root).catch(() => null);
    if (realRoot && inside(real, realRoot)) return real;
  }
  return null;
}

export function createMediaHandler(options: MediaProtocolOptions): (request: Request) => Promise<Response> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const notFound = () => textResponse(404, 'Not found', { 'X-Content-Type-Options': 'nosniff' });
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return textResponse(405, 'Method not allowed');
    const wanted = parseMediaUrl(request.url, options.host);
    if (!wanted) return notFound();
    let file: string | null;
    try {
      file = options.resolve(wanted.imageId, wanted.kind);
    } catch {
      return notFound();
    }
    if (!file) return notFound();
    const real = await allowedRealPath(file, options.roots?.(wanted.kind) ?? null);
    if (!real) return notFound();

    let handle: fs.promises.FileHandle | null = null;
    try {
      handle = await fs.promises.open(real, OPEN_FLAGS);
      const stat = await handle.stat();
      if (!stat.isFile() || stat.size === 0 || stat.size > maxBytes) return notFound();
      const head = Buffer.alloc(Math.min(SNIFF_BYTES, stat.size));
      await handle.read(head, 0, head.length, 0);
      const sniffed = sniff(head);
      const contentType = sniffed.kind === 'image' ? SHOWN_BY_BROWSER[sniffed.format] : undefined;
      if (!contentType) return notFound();
      const response = fileResponse(handle, stat.size, {
        'Content-Type': contentType,
        'X-Content-Type-Options': 'nosniff',
        // Ids are per project: a cached picture must be checked again after a project switch.
        'Cache-Control': 'private, no-cache',
      }, request.method);
      handle = null;
      return response;
    } catch {
      return notFound();
    } finally {
      await handle?.close().catch(() => undefined);
    }
  };
}
