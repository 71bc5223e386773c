// The desktop window's Content-Security-Policy. No inline or evaluated script: the Vite build
// emits one module script and one stylesheet (test/e2e/desktop-csp.test.ts loads the real build
// under this policy in Chromium and fails on any violation).
export type CspDirectives = Record<string, readonly string[]>;

export function serializeCsp(directives: CspDirectives): string {
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/**
 * The contract travels over Electron IPC, which CSP does not govern, so the page may connect
 * nowhere; pictures come from the media protocol (by image id), data: (augmentation previews
 * sent as base64) and blob: (images dropped on "test an image").
 */
export function desktopCspDirectives(mediaOrigin: string): CspDirectives {
  return {
    'default-src': ["'none'"],
    'script-src': ["'self'"],
    // Stylesheets only from the app; style attributes (Svelte's style: directives) may be
    // inline, <style> elements may not.
    'style-src': ["'self'"],
    'style-src-attr': ["'unsafe-inline'"],
    'font-src': ["'self'"],
    'img-src': ["'self'", 'data:', 'blob:', mediaOrigin],
    'connect-src': ["'none'"],
    // The camera needs no source here: a MediaStream set as a <video>'s srcObject is not a URL
    // load, so media-src stays 'none' (test/e2e/desktop-csp.test.ts records from a fake camera
    // under this policy). Frames are drawn to a canvas and sent over IPC as bytes.
    'media-src': ["'none'"],
    'object-src': ["'none'"],
    'worker-src': ["'none'"],
    'frame-src': ["'none'"],
    'frame-ancestors': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
  };
}

export function desktopCsp(mediaOrigin: string): string {
  return serializeCsp(desktopCspDirectives(mediaOrigin));
}
