// Which file answers studio://media/<kind>/<id> for the open project: its thumbnail under
// thumbs/ (which must stay inside thumbs/ once symlinks are followed), or the first of its
// recorded source paths that still exists. Only ids the project's database knows resolve.
import fs from 'node:fs';
import path from 'node:path';
import { thumbPath } from '../dataset/thumbnails.js';
import { imageFiles } from '../project/images.js';
import type { Project } from '../project/project.js';
import type { MediaKind, MediaProtocolOptions } from './media-protocol.js';

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function projectMedia(project: () => Project | null): Pick<MediaProtocolOptions, 'resolve' | 'roots'> {
  return {
    resolve(imageId: number, kind: MediaKind) {
      const open = project();
      const files = open && imageFiles(open.db, imageId);
      if (!open || !files || !SHA256_HEX.test(files.hash)) return null;
      if (kind === 'thumb') return thumbPath(open.dir, files.hash);
      return files.paths.find((file) => fs.existsSync(file)) ?? null;
    },
    roots(kind: MediaKind) {
      const open = project();
      if (kind === 'image') return null;
      return open ? [path.join(open.dir, 'thumbs')] : [];
    },
  };
}
