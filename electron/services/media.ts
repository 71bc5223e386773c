// Which file answers a request for an image's thumbnail or full picture. Transport-independent:
// serve mode's HTTP route and the Electron custom protocol both resolve through here, so the
// renderer asks by image id only and can never name a path. Only files the open project
// records for that id come back: its thumbnail under <project>/thumbs, or one of its own paths.
import fs from 'node:fs';
import path from 'node:path';
import { thumbPath } from '../dataset/thumbnails.js';
import { imageFiles, imageFormat } from '../project/images.js';
import type { Project } from '../project/project.js';
import { openCheckedMedia, type OpenedMedia } from './media-open.js';

export const MEDIA_KINDS = ['thumb', 'image'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

export interface MediaRequest {
  kind: MediaKind;
  imageId: number;
}

export interface MediaFile {
  file: string;
  contentType: string;
  size: number;
  /** Content-addressed, so the image hash (plus kind) is a strong validator. */
  etag: string;
}

/** Formats a browser shows as they are; anything else is shown through its thumbnail. */
const BROWSER_TYPES: Record<string, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
};

const SHA256_HEX = /^[0-9a-f]{64}$/;
/** Decimal digits only, no sign, no leading zero, within the Id range. */
const ID_TEXT = /^[1-9][0-9]{0,15}$/;

/**
 * Reads `<kind>/<id>` (the path after the media prefix, still URL-encoded). Anything else —
 * an encoded slash, dots, a sign, extra segments — is not a media request.
 */
export function parseMediaPath(rest: string): MediaRequest | null {
  const parts = rest.split('/');
  if (parts.length !== 2) return null;
  const [kind, idText] = parts as [string, string];
  if (!(MEDIA_KINDS as readonly string[]).includes(kind) || !ID_TEXT.test(idText)) return null;
  const imageId = Number(idText);
  return Number.isSafeInteger(imageId) ? { kind: kind as MediaKind, imageId } : null;
}

function regularFile(file: string): fs.Stats | null {
  try {
    const stat = fs.statSync(file);
    return stat.isFile() ? stat : null;
  } catch {
    return null;
  }
}

function thumbnail(project: Project, hash: string): MediaFile | null {
  const thumbsRoot = path.join(project.dir, 'thumbs');
  const file = thumbPath(project.dir, hash);
  // The hash comes from the database; a tampered one must not walk out of thumbs/.
  if (!SHA256_HEX.test(hash) || !file.startsWith(thumbsRoot + path.sep)) return null;
  const stat = regularFile(file);
  return stat && { file, contentType: 'image/webp', size: stat.size, etag: `"t-${hash}"` };
}

/**
 * The file for a media request on the open project, or null (unknown id, file gone, ...).
 * A source file whose size no longer matches the import is not served (it is not the content
 * the project knows); the thumbnail stands in, as it does for formats a browser cannot show.
 */
export function resolveMedia(project: Project | null, request: MediaRequest): MediaFile | null {
  if (!project) return null;
  const files = imageFiles(project.db, request.imageId);
  if (!files) return null;
  if (request.kind === 'thumb') return thumbnail(project, files.hash);
  const stored = imageFormat(project.db, request.imageId);
  if (!stored) return null;
  const { format, byteSize } = stored;
  const contentType = format ? BROWSER_TYPES[format] : undefined;
  if (contentType) {
    for (const file of files.paths) {
      const stat = regularFile(file);
      if (stat?.size === byteSize) return { file, contentType, size: stat.size, etag: `"i-${files.hash}"` };
    }
  }
  return thumbnail(project, files.hash);
}

/** Real folders a file of this kind must lie in once links are followed (null: anywhere). */
export function mediaRoots(project: Project | null, kind: MediaKind): readonly string[] | null {
  if (kind === 'image') return null;
  return project ? [path.join(project.dir, 'thumbs')] : [];
}

/**
 * The media file opened and checked (services/media-open.ts), for both transports: the file
 * resolveMedia picks, and for a source picture that fails the checks (replaced by something
 * that is not an image, or by a link somewhere odd) its thumbnail instead.
 */
export async function openMedia(project: Project | null, request: MediaRequest): Promise<(OpenedMedia & { etag: string }) | null> {
  const media = resolveMedia(project, request);
  if (!project || !media) return null;
  const opened = await openCheckedMedia(media.file, mediaRoots(project, request.kind));
  if (opened) return { ...opened, etag: media.etag };
  if (request.kind === 'image') return openMedia(project, { ...request, kind: 'thumb' });
  return null;
}
