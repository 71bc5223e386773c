// Where the page gets pictures: by image id, never by path. Serve mode answers on
// /media/<kind>/<id> with the page's token; inside Electron the preload can name another base
// (a custom protocol resolving through the same electron/services/media.ts).
import { pageToken } from './page-token';

declare global {
  interface Window {
    /** Set by the Electron preload when images come through a custom protocol. */
    studioMediaBase?: string;
  }
}

export interface MediaUrls {
  thumb(imageId: number): string;
  image(imageId: number): string;
}

export function mediaUrls(location: Location = window.location): MediaUrls {
  if (window.studioMediaBase) {
    const base = window.studioMediaBase.replace(/\/$/, '');
    return { thumb: (id) => `${base}/thumb/${id}`, image: (id) => `${base}/image/${id}` };
  }
  const token = encodeURIComponent(pageToken() ?? '');
  return {
    thumb: (id) => `${location.origin}/media/thumb/${id}?token=${token}`,
    image: (id) => `${location.origin}/media/image/${id}?token=${token}`,
  };
}
