// Which file answers studio://media/<kind>/<id> for the open project. The choice itself is
// services/media.ts (the same resolver serve mode's /media route uses); this only adapts it to
// the protocol handler and names the folder a thumbnail must stay inside once links are followed.
import type { Project } from '../project/project.js';
import { mediaRoots, openMedia, resolveMedia } from '../services/media.js';
import type { MediaKind, MediaProtocolOptions } from './media-protocol.js';

export function projectMedia(project: () => Project | null): Pick<MediaProtocolOptions, 'resolve' | 'roots' | 'open'> {
  return {
    resolve: (imageId: number, kind: MediaKind) => resolveMedia(project(), { kind, imageId })?.file ?? null,
    roots: (kind: MediaKind) => mediaRoots(project(), kind),
    open: (imageId: number, kind: MediaKind) => openMedia(project(), { kind, imageId }),
  };
}
