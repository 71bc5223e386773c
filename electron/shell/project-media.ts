// Which file answers studio://media/<kind>/<id> for the open project. The choice itself is
// services/media.ts (the same resolver serve mode's /media route uses); this only adapts it to
// the protocol handler and names the folder a thumbnail must stay inside once links are followed.
import path from 'node:path';
import type { Project } from '../project/project.js';
import { resolveMedia } from '../services/media.js';
import type { MediaKind, MediaProtocolOptions } from './media-protocol.js';

export function projectMedia(project: () => Project | null): Pick<MediaProtocolOptions, 'resolve' | 'roots'> {
  return {
    resolve: (imageId: number, kind: MediaKind) => resolveMedia(project(), { kind, imageId })?.file ?? null,
    roots(kind: MediaKind) {
      const open = project();
      if (kind === 'image') return null;
      return open ? [path.join(open.dir, 'thumbs')] : [];
    },
  };
}
