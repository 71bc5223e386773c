// studio://app serves the built renderer under the desktop CSP, and nothing outside it.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desktopCsp, desktopCspDirectives } from '../../electron/security/csp.js';
import { createAppHandler } from '../../electron/shell/app-protocol.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir('studio-app-');
const renderer = path.join(tmp.dir, 'renderer');
const CSP = desktopCsp('studio://media');
const handler = createAppHandler({ rendererDir: renderer, host: 'app', csp: CSP });
const get = (url: string, method = 'GET') => handler(new Request(url, { method }));

beforeAll(() => {
  fs.mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><script type="module" src="./assets/app.js"></script>');
  fs.writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(renderer, 'assets', 'app.wasm'), Buffer.from([0, 97, 115, 109]));
  fs.writeFileSync(path.join(tmp.dir, 'secret.txt'), 'hunter2');
  fs.symlinkSync(path.join(tmp.dir, 'secret.txt'), path.join(renderer, 'assets', 'link.txt'));
});
afterAll(() => tmp.cleanup());

describe('app protocol', () => {
  it('serves index.html at / and at /index.html with the desktop CSP', async () => {
    for (const url of ['studio://app/', 'studio://app/index.html']) {
      const response = await get(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toBe(CSP);
      expect(await response.text()).toContain('<script type="module"');
    }
    const js = await get('studio://app/assets/app.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await get('studio://app/assets/app.wasm')).headers.get('content-type')).toBe('application/wasm');
  });

  it.each([
    'studio://app/../secret.txt',
    'studio://app/%2e%2e/secret.txt',
    'studio://app/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    'studio://app/..%5csecret.txt',
    'studio://app/%00index.html',
    'studio://app/missing.js',
    'studio://app/assets/link.txt',
    'studio://app/assets',
    'studio://media/index.html',
  ])('answers 404 for %s', async (url) => {
    const response = await get(url);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('hunter2');
    expect(response.headers.get('content-security-policy')).toBe(CSP);
  });

  it('refuses writes', async () => {
    expect((await get('studio://app/index.html', 'POST')).status).toBe(405);
  });
});

describe('desktop CSP', () => {
  const directives = desktopCspDirectives('studio://media');

  it('allows scripts only from the app: no inline, no eval, no remote', () => {
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(CSP).not.toMatch(/unsafe-eval|unsafe-inline'[^;]*script|https?:|\*/);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['base-uri']).toEqual(["'none'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
  });

  it('lets the page connect nowhere and load pictures only from itself, data:, blob: and the media protocol', () => {
    expect(directives['connect-src']).toEqual(["'none'"]);
    expect(directives['img-src']).toEqual(["'self'", 'data:', 'blob:', 'studio://media']);
  });

  it('serialises every directive once, separated by semicolons', () => {
    const names = CSP.split('; ').map((part) => part.split(' ')[0]);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(Object.keys(directives));
  });
});
