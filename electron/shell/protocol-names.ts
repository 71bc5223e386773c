// The desktop window's own scheme. The renderer is served from studio://app/ rather than
// file:// (so 'self' in the CSP means the app's files only and nothing else on disk), and
// pictures from studio://media/<thumb|image>/<imageId>. Kept apart so that the preload can
// import the media base without pulling in anything else.
export const APP_SCHEME = 'studio';
export const APP_ORIGIN = `${APP_SCHEME}://app`;
export const MEDIA_ORIGIN = `${APP_SCHEME}://media`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;
