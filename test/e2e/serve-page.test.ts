// The Svelte page in real Chromium, talking to the real services over the WebSocket transport.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../electron/server/serve.js';
import { createStudio } from '../../electron/services/studio.js';
import { chromiumUnavailable } from '../helpers/chromium.js';
import { closeE2eStudio, E2E_OUTPUT, startE2eStudio } from '../helpers/e2e-studio.js';
import { tempDir } from '../helpers/temp-dir.js';

const skipReason = chromiumUnavailable();
if (skipReason) console.warn(`[e2e] skipped: ${skipReason}`);

const OUTPUT = E2E_OUTPUT;

describe.skipIf(skipReason !== null)('renderer in Chromium over WebSocket', () => {
  const tmp = tempDir();
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    ({ server, browser } = await startE2eStudio(createStudio({ userDataDir: path.join(tmp.dir, 'user-data') })));
  });
  afterAll(async () => {
    await closeE2eStudio({ browser, server });
    tmp.cleanup();
  });

  it('connects with the token, calls the studio and creates a project', async () => {
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));

    await page.goto(server.url);
    await expect.poll(() => page.getByTestId('status').textContent()).toMatch(/Connected · websocket · v\d/);

    const dir = path.join(tmp.dir, 'first project');
    await page.getByLabel('Project folder').fill(dir);
    await page.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => page.getByTestId('project-name').textContent()).toBe('first project');
    expect(fs.existsSync(path.join(dir, 'project.sqlite'))).toBe(true);
    expect(server.studio.session.project?.dir).toBe(dir);
    await page.screenshot({ path: path.join(OUTPUT, 'foundation-project.png') });
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  it('shows a readable error for a bad path, and nothing without the token', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await server.studio.dispatch('project:close', {}, { transport: 'in-process' });
    await page.reload();
    await page.getByLabel('Project folder').fill('~someone-else/project');
    await page.getByRole('button', { name: 'Open' }).click();
    await expect.poll(() => page.getByTestId('error').textContent()).toMatch(/only your own home folder/);

    await page.close();
    // A tab that never had the token (the one above keeps it in sessionStorage for reloads).
    const stranger = await browser.newPage();
    await stranger.goto(server.origin);
    await expect.poll(() => stranger.getByTestId('error').textContent()).toMatch(/access token/);
    await stranger.close();
  });
});
