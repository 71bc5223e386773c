// The real renderer build under the desktop window's CSP, in real Chromium. Electron cannot be
// launched here, so the two studio:// origins are served over loopback HTTP by the same
// protocol handlers, and the preload's transport is injected before the page runs, carrying
// calls to a real studio. Anything the renderer needs that the CSP forbids shows up as a
// violation; what the CSP must forbid (inline script, network, foreign images) is tried too.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desktopCsp } from '../../electron/security/csp.js';
import { DEFAULT_RENDERER_DIR } from '../../electron/server/serve.js';
import { inProcessClient } from '../../electron/services/in-process-client.js';
import { createStudio, type Studio } from '../../electron/services/studio.js';
import { createAppHandler } from '../../electron/shell/app-protocol.js';
import { createMediaHandler } from '../../electron/shell/media-protocol.js';
import { projectMedia } from '../../electron/shell/project-media.js';
import { chromiumUnavailable, fakeCameraArgs, launchChromium } from '../helpers/chromium.js';
import { requireRendererBuild } from '../helpers/e2e-studio.js';
import { writeSyntheticDataset } from '../helpers/synthetic-images.js';
import { tempDir } from '../helpers/temp-dir.js';

const skipReason = chromiumUnavailable();
if (skipReason) console.warn(`[e2e] skipped: ${skipReason}`);

/** Serves `studio://<host>/…` requests arriving as http://127.0.0.1:PORT/…. */
async function serveScheme(host: string, handler: (request: Request) => Promise<Response>): Promise<{ origin: string; server: http.Server }> {
  const server = http.createServer(async (req, res) => {
    const response = await handler(new Request(`studio://${host}${req.url ?? '/'}`, { method: req.method ?? 'GET' }));
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}


/**
 * What preload.ts gives the page (the transport, the media base), plus a recorder of CSP
 * violations, as a script that runs before any of the page's own. In-page code is written as
 * strings: this project's TypeScript has no DOM types outside the renderer.
 */
function preloadStandIn(mediaBase: string): string {
  return `
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + (e.blockedURI === 'eval' ? ' at ' + e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber : '')));
    const listeners = new Map();
    window.__deliver = (event, payload) => listeners.get(event)?.forEach((cb) => cb(payload));
    window.studioMediaBase = ${JSON.stringify(mediaBase)};
    window.studioTransport = {
      kind: 'electron',
      invoke: (channel, payload) => window.__studioInvoke(channel, payload),
      subscribe(event, callback) {
        const set = listeners.get(event) ?? new Set();
        listeners.set(event, set);
        set.add(callback);
        return () => set.delete(callback);
      },
    };`;
}

const violations = (page: Page) => page.evaluate('window.__violations') as Promise<string[]>;

describe.skipIf(skipReason !== null)('renderer under the desktop CSP in Chromium', () => {
  const tmp = tempDir('studio-csp-');
  let studio: Studio;
  let browser: Browser;
  let page: Page;
  let app: { origin: string; server: http.Server };
  let media: { origin: string; server: http.Server };
  let elsewhere: { origin: string; server: http.Server };
  const calls: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    requireRendererBuild();
    studio = createStudio();
    const client = inProcessClient(studio);
    await client.invoke('project:create', { path: path.join(tmp.dir, 'project') });
    await writeSyntheticDataset(path.join(tmp.dir, 'images'), 2, ['ant']);
    const { jobId } = await client.invoke('import:folder', { path: path.join(tmp.dir, 'images') });
    await new Promise<void>((resolve) => client.on('job:finished', (e) => e.jobId === jobId && resolve()));

    media = await serveScheme('media', createMediaHandler({ host: 'media', ...projectMedia(() => studio.session.project) }));
    app = await serveScheme('app', createAppHandler({ rendererDir: DEFAULT_RENDERER_DIR, host: 'app', csp: desktopCsp(media.origin) }));
    elsewhere = await serveScheme('media', createMediaHandler({ host: 'media', ...projectMedia(() => studio.session.project) }));

    browser = await launchChromium();
    page = await appPage(browser);
  });

  /** A page of the app with the preload's stand-in, talking to the studio as the desktop window does. */
  async function appPage(on: Browser): Promise<Page> {
    const p = await on.newPage();
    p.on('console', (m) => (m.type() === 'error' || /Refused to|Content Security Policy/.test(m.text())) && problems.push(m.text()));
    p.on('pageerror', (e) => problems.push(e.message));
    await p.exposeBinding('__studioInvoke', async (_source, channel: string, payload: unknown) => {
      calls.push(channel);
      return studio.dispatch(channel, payload, { transport: 'electron' });
    });
    // What preload.ts gives the page, and a recorder of CSP violations, before any page script.
    await p.addInitScript(preloadStandIn(media.origin));
    studio.bus.listen((event, payload) => void p.evaluate(`window.__deliver(${JSON.stringify(event)}, ${JSON.stringify(payload)})`).catch(() => undefined));
    return p;
  }

  afterAll(async () => {
    await browser?.close();
    for (const s of [app, media, elsewhere]) s?.server.close();
    await studio?.close();
    tmp.cleanup();
  });

  it('runs the app with no CSP violation, talking to the studio over the injected transport', async () => {
    const response = await page.goto(`${app.origin}/index.html`);
    expect(response?.headers()['content-security-policy']).toBe(desktopCsp(media.origin));
    await expect.poll(() => calls.length).toBeGreaterThan(0);
    expect(calls).toContain('app:info');
    await expect.poll(() => page.locator('#app > *').count()).toBeGreaterThan(0);
    await page.waitForLoadState('networkidle');
    expect(await violations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('shows pictures from the media protocol and refuses them from anywhere else', async () => {
    const load = (src: string) =>
      page.evaluate(`new Promise((resolve) => {
        const img = document.createElement('img');
        img.onload = () => resolve(img.naturalWidth > 0);
        img.onerror = () => resolve(false);
        img.src = ${JSON.stringify(src)};
        document.body.append(img);
      })`);
    expect(await load(`${media.origin}/thumb/1`)).toBe(true);
    expect(await load(`${elsewhere.origin}/thumb/1`)).toBe(false);
    expect(await violations(page)).toEqual([`img-src ${elsewhere.origin}/thumb/1`]);
  });

  it('blocks injected inline script and any network connection', async () => {
    await page.evaluate(`{
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true';
      document.body.append(script);
    }`);
    expect(await page.evaluate('window.__inlineRan ?? false')).toBe(false);
    expect(await page.evaluate(`fetch(${JSON.stringify(`${media.origin}/thumb/1`)}).then(() => 'fetched', () => 'blocked')`)).toBe('blocked');
    const seen = await violations(page);
    expect(seen.some((v) => v.startsWith('script-src-elem inline'))).toBe(true);
    expect(seen.some((v) => v.startsWith('connect-src'))).toBe(true);
  });

  it('records from a camera under the CSP: the picture plays and a frame becomes an image, with no violation', async () => {
    const withCamera = await launchChromium(fakeCameraArgs());
    const earlier = problems.length;
    try {
      const cameraPage = await appPage(withCamera);
      await cameraPage.goto(`${app.origin}/index.html`);
      await cameraPage.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Library', exact: true }).click();
      await cameraPage.getByTestId('open-camera').click();
      await expect.poll(() => cameraPage.evaluate('document.querySelector("[data-testid=camera-video]")?.videoWidth ?? 0'), { timeout: 30_000 }).toBeGreaterThan(0);
      const before = studio.session.requireProject().db.prepare('SELECT count(*) FROM images').pluck().get() as number;
      await cameraPage.getByTestId('capture-snap').click();
      await expect.poll(() => studio.session.requireProject().db.prepare("SELECT count(*) FROM labels WHERE source = 'capture'").pluck().get(), { timeout: 30_000 }).toBe(1);
      expect(studio.session.requireProject().db.prepare('SELECT count(*) FROM images').pluck().get()).toBe(before + 1);
      expect(await violations(cameraPage)).toEqual([]);
      expect(problems.slice(earlier)).toEqual([]);
    } finally {
      await withCamera.close();
    }
  }, 90_000);
});
