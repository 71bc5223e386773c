// The checks every served picture passes, whichever transport serves it (serve mode's /media
// route, the desktop studio://media handler): under the allowed folders once symlinks are
// followed, opened without following a link swapped in meanwhile, a regular non-empty file of
// bounded size, and content that sniffs as an image a browser shows. The type sent is the one
// the bytes say, never the one the database or the file name says.
import fs from 'node:fs';
import path from 'node:path';
import { SNIFF_BYTES, sniff, type DecodableFormat } from '../dataset/sniff.js';

export const SHOWN_BY_BROWSER: Partial<Record<DecodableFormat, string>> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
};

export const DEFAULT_MAX_MEDIA_BYTES = 256 * 1024 * 1024;
// O_NOFOLLOW: the checked real path must not have become a symlink by the time it is opened.
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0);

export interface OpenedMedia {
  /** Open on the checked file: stream from it, not from the path. */
  handle: fs.promises.FileHandle;
  size: number;
  contentType: string;
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

/**
 * Opens `file` when it passes every check, or null. `roots` are the folders it must lie in once
 * links are followed (null: anywhere, as source images may). The caller owns the handle.
 */
export async function openCheckedMedia(file: string, roots: readonly string[] | null, maxBytes = DEFAULT_MAX_MEDIA_BYTES): Promise<OpenedMedia | null> {
  const real = await allowedRealPath(file, roots);
  if (!real) return null;
  let handle: fs.promises.FileHandle | null = null;
  try {
    handle = await fs.promises.open(real, OPEN_FLAGS);
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size === 0 || stat.size > maxBytes) return null;
    const head = Buffer.alloc(Math.min(SNIFF_BYTES, stat.size));
    await handle.read(head, 0, head.length, 0);
    const sniffed = sniff(head);
    const contentType = sniffed.kind === 'image' ? SHOWN_BY_BROWSER[sniffed.format] : undefined;
    if (!contentType) return null;
    const opened = { handle, size: stat.size, contentType };
    handle = null;
    return opened;
  } catch {
    return null;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
