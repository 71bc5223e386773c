// Issue 20 #12: serve mode checks the Host header on the WebSocket handshake too (DNS
// rebinding), takes the token out of the address bar once the page has read it (a reload still
// works), and sends Referrer-Policy: no-referrer.
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImport } from '../../electron/dataset/import-job.js';
import { wsUrl } from '../../electron/ipc/ws-transport.js';
import type { RunningServer } from '../../electron/server/serve.js';
import { createStudio } from '../../electron/services/studio.js';
import { chromiumUnavailable } from '../helpers/chromium.js';
import { closeE2eStudio, startE2eStudio } from '../helpers/e2e-studio.js';
import { writeSyntheticDataset } from '../helpers/synthetic-images.js';
import { tempDir } from '../helpers/temp-dir.js';
import { upgradeStatus } from '../reliability/serve/run-serve.js';

const skipReason = chromiumUnavailable();
if (skipReason) console.warn(`[e2e] skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('serve-mode hardening', () => {
  const tmp = tempDir();
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    ({ server, browser } = await startE2eStudio(createStudio({ userDataDir: path.join(tmp.dir, 'user-data') })));
    const images = path.join(tmp.dir, 'images');
    await writeSyntheticDataset(images, 4, ['ant', 'bee']);
    await runImport(server.studio.session.create(path.join(tmp.dir, 'project')), { kind: 'folder', root: images });
  });
  afterAll(async () => {
    await closeE2eStudio({ browser, server });
    tmp.cleanup();
  });

  it('refuses a WebSocket handshake addressed to a foreign Host', async () => {
    const url = wsUrl(server.origin, server.token);
    expect(await upgradeStatus(url, {})).toBe(101);
    expect(await upgradeStatus(url, { Host: `localhost:${server.port}` })).toBe(101);
    expect(await upgradeStatus(url, { Host: `rebound.example:${server.port}` })).toBe(421);
  });

  it('takes the token out of the address bar, keeps working after a reload, and sends no referrer', async () => {
    const page = await browser.newPage();
    const response = await page.goto(server.url);
    expect(response?.headers()['referrer-policy']).toBe('no-referrer');
    await expect.poll(() => page.getByTestId('status').textContent()).toMatch(/Connected · websocket/);
    expect(page.url()).toBe(`${server.origin}/`);
    // Thumbnails still carry the token the page read.
    await expect.poll(() => page.locator('img[src*="/media/thumb/"]').count()).toBeGreaterThan(0);
    const loaded = await page.locator('img[src*="/media/thumb/"]').first().evaluate((img: HTMLImageElement) => img.decode().then(() => img.naturalWidth));
    expect(loaded).toBeGreaterThan(0);
    await page.reload();
    await expect.poll(() => page.getByTestId('status').textContent()).toMatch(/Connected · websocket/);
    expect(page.url()).toBe(`${server.origin}/`);
    expect(await page.evaluate(() => history.length)).toBeGreaterThan(0);
    await page.close();
  });
});
