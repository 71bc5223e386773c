// What the page may not do: navigate away from the app, open windows, embed webviews, reach the
// network, or be granted a permission — with one exception: the app's own page may use the
// camera (video only, never the microphone) for the Capture and Live panels. Everything else
// is refused outright.
import type { Session, WebContents } from 'electron';
import { APP_ORIGIN } from './protocol-names.js';

/** A page of the app itself (studio://app/…). */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}` === APP_ORIGIN && !parsed.username && !parsed.password;
  } catch {
    return false;
  }
}

const NETWORK_OR_DISK = new Set(['http:', 'https:', 'ws:', 'wss:', 'ftp:', 'file:']);

/** No remote content and no file:// reads: the app's scheme, data: and blob: only. */
export function requestAllowed(url: string): boolean {
  try {
    return !NETWORK_OR_DISK.has(new URL(url).protocol);
  } catch {
    return false;
  }
}

export type GuardedContents = Pick<WebContents, 'setWindowOpenHandler' | 'on'>;

export function guardWebContents(contents: GuardedContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export type HardenedSession = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler' | 'setDisplayMediaRequestHandler'> & {
  webRequest: Pick<Session['webRequest'], 'onBeforeRequest'>;
};

/** What a permission request or check says about itself (Electron's details, loosely). */
export interface PermissionDetails {
  isMainFrame?: boolean;
  requestingUrl?: string;
  securityOrigin?: string;
  /** A request: what it asks for. */
  mediaTypes?: readonly string[];
  /** A check: what it asks about. */
  mediaType?: string;
}

/** The origin (or URL) is the app's own page: studio://app. */
function fromApp(where: string | undefined): boolean {
  return where !== undefined && isAppUrl(where);
}

/**
 * A camera request: the `media` permission asking for video and nothing else (no microphone),
 * from the app's main frame. A request naming no media type is refused: it cannot be told apart
 * from one that wants the microphone.
 */
export function cameraRequestAllowed(permission: string, details: PermissionDetails): boolean {
  if (permission !== 'media' || details.isMainFrame === false) return false;
  const types = details.mediaTypes ?? [];
  if (types.length === 0 || !types.every((t) => t === 'video')) return false;
  return fromApp(details.requestingUrl) && (details.securityOrigin === undefined || fromApp(details.securityOrigin));
}

/** A permission check (e.g. before the device list shows camera names): video, from the app. */
export function cameraCheckAllowed(permission: string, requestingOrigin: string, details: PermissionDetails): boolean {
  if (permission !== 'media' || details.mediaType !== 'video') return false;
  return fromApp(requestingOrigin) && (details.securityOrigin === undefined || fromApp(details.securityOrigin));
}

export function hardenSession(session: HardenedSession): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => callback(cameraRequestAllowed(permission, details as PermissionDetails)));
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) => cameraCheckAllowed(permission, requestingOrigin, details));
  session.setDevicePermissionHandler(() => false);
  session.setDisplayMediaRequestHandler(null);
  session.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !requestAllowed(details.url) }));
}
