// studio://media/<thumb|image>/<imageId>: pictures of the open project, asked for by image id
// only. The URL can name a kind and a number and nothing else, so no part of it ever reaches
// the file system: which file answers is decided by the injected resolver (the project's own
// records). Each file is then checked on the open handle before a byte is sent: a regular
// file, under the allowed folders once symlinks are followed, and an image a browser shows.
import { DEFAULT_MAX_MEDIA_BYTES, openCheckedMedia, type OpenedMedia } from '../services/media-open.js';
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
  /**
   * Resolves and checks in one step (services/media.ts openMedia, the same as serve mode's
   * /media route); when given, resolve and roots are not used.
   */
  open?: (imageId: number, kind: MediaKind) => Promise<OpenedMedia | null>;
  /** Larger files are refused (a project image is never this big). */
  maxBytes?: number;
}

const MEDIA_PATH = /^\/(thumb|image)\/([1-9][0-9]{0,15})$/;

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

export function createMediaHandler(options: MediaProtocolOptions): (request: Request) => Promise<Response> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_MEDIA_BYTES;
  const notFound = () => textResponse(404, 'Not found', { 'X-Content-Type-Options': 'nosniff' });
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return textResponse(405, 'Method not allowed');
    const wanted = parseMediaUrl(request.url, options.host);
    if (!wanted) return notFound();
    let opened: OpenedMedia | null;
    try {
      if (options.open) {
        opened = await options.open(wanted.imageId, wanted.kind);
      } else {
        const file = options.resolve(wanted.imageId, wanted.kind);
        opened = file ? await openCheckedMedia(file, options.roots?.(wanted.kind) ?? null, maxBytes) : null;
      }
    } catch {
      return notFound();
    }
    if (!opened) return notFound();
    try {
      return fileResponse(opened.handle, opened.size, {
        'Content-Type': opened.contentType,
        'X-Content-Type-Options': 'nosniff',
        // Ids are per project: a cached picture must be checked again after a project switch.
        'Cache-Control': 'private, no-cache',
      }, request.method);
    } catch {
      await opened.handle.close().catch(() => undefined);
      return notFound();
    }
  };
}
