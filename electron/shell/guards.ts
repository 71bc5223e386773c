// What the page may not do: navigate away from the app, open windows, embed webviews, reach the
// network, or be granted a permission. No feature of the studio needs any of these (there is
// no webcam capture), so each is refused outright.
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

export function hardenSession(session: HardenedSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.setDisplayMediaRequestHandler(null);
  session.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !requestAllowed(details.url) }));
}
