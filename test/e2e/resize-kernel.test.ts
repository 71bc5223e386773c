// A project recorded with sharp's Lanczos3 (before issue 22) moved to bilinear from the Augment
// screen, in real Chromium over the WebSocket transport: the screen says which kernel the project
// uses, the switch asks first (Cancel changes nothing), the confirmation says the next train
// re-embeds, and saving other settings afterwards keeps the new kernel.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSettings } from '../../electron/project/settings.js';
import type { RunningServer } from '../../electron/server/serve.js';
import { createStudio, type Studio } from '../../electron/services/studio.js';
import { chromiumUnavailable } from '../helpers/chromium.js';
import { closeE2eStudio, E2E_OUTPUT, openStudioPage, startE2eStudio } from '../helpers/e2e-studio.js';
import { tempDir } from '../helpers/temp-dir.js';

const skipReason = chromiumUnavailable();

describe.skipIf(skipReason !== null)('resize kernel switch in Chromium', () => {
  const tmp = tempDir('studio-resize-kernel-e2e-');
  let studio: Studio;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const db = () => studio.session.requireProject().db;
  const nav = (name: string) => page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name, exact: true });

  beforeAll(async () => {
    studio = createStudio({ checkOutput: true, userDataDir: path.join(tmp.dir, 'user-data') });
    ({ server, browser } = await startE2eStudio(studio));
    page = await openStudioPage({ server, browser }, { viewport: { width: 1024, height: 800 }, pageErrors });
  });

  afterAll(async () => {
    await closeE2eStudio({ browser, server, studio });
    tmp.cleanup();
  });

  it('switches a Lanczos3 project to bilinear only after the confirmation, and keeps it on later saves', async () => {
    await page.getByLabel('Project folder').fill(path.join(tmp.dir, 'old'));
    await page.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => page.getByTestId('project-name').textContent()).toBe('old');
    expect(readSettings(db()).preprocessing.resampling).toBe('bilinear');
    // As a project made before issue 22: no recorded preprocessing, which means Lanczos3.
    db().prepare("DELETE FROM settings WHERE key = 'preprocessing'").run();

    await nav('Augment').click();
    const kernel = page.getByTestId('resize-kernel');
    await expect.poll(() => kernel.textContent()).toContain('Lanczos3');
    await page.getByTestId('resize-kernel-switch').click();
    const dialog = page.getByTestId('resize-kernel-confirm');
    await expect.poll(() => dialog.textContent()).toContain('the next train embeds all');
    await page.screenshot({ path: path.join(E2E_OUTPUT, 'resize-kernel-confirm-1024.png') });
    await page.setViewportSize({ width: 1920, height: 1000 });
    await page.screenshot({ path: path.join(E2E_OUTPUT, 'resize-kernel-confirm-1920.png') });
    await page.setViewportSize({ width: 1024, height: 800 });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect(readSettings(db()).preprocessing.resampling).toBeUndefined();

    await page.getByTestId('resize-kernel-switch').click();
    await page.getByTestId('resize-kernel-confirm-button').click();
    await expect.poll(() => page.getByTestId('resize-kernel-done').textContent()).toContain('The next train embeds');
    expect(readSettings(db()).preprocessing).toEqual({ inputSize: 224, resizeMode: 'center-crop', scaling: 'minus1to1', resampling: 'bilinear', colourProfile: 'ignore' });
    await expect.poll(() => kernel.textContent()).toContain('bilinear');
    await page.screenshot({ path: path.join(E2E_OUTPUT, 'resize-kernel-done-1024.png') });

    // Saving the screen's other settings afterwards must not write the old spec back.
    await page.getByTestId('range-rotationDeg').evaluate((el: HTMLInputElement) => {
      el.value = '20';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.getByTestId('augment-save').click();
    await expect.poll(() => readSettings(db()).augmentation.rotationDeg).toBe(20);
    expect(readSettings(db()).preprocessing.resampling).toBe('bilinear');
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
