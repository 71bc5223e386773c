// The set-up the e2e tests share: a studio served over HTTP + WebSocket from the renderer build,
// a headless Chromium, and (for the tests that drive the UI) a page connected to it that
// collects its errors. Screenshots and figures go to E2E_OUTPUT.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_RENDERER_DIR, startServer, type RunningServer } from '../../electron/server/serve.js';
import type { Studio } from '../../electron/services/studio.js';
import { launchChromium } from './chromium.js';

export const E2E_OUTPUT = path.resolve(import.meta.dirname, '../../test-output/e2e');

export interface E2eStudio {
  server: RunningServer;
  browser: Browser;
}

/** Fails with the fix unless the renderer build exists; makes E2E_OUTPUT. */
export function requireRendererBuild(): void {
  if (!fs.existsSync(path.join(DEFAULT_RENDERER_DIR, 'index.html'))) {
    throw new Error(`No renderer build in ${DEFAULT_RENDERER_DIR}: run \`npm run build:renderer\` first (npm test does).`);
  }
  fs.mkdirSync(E2E_OUTPUT, { recursive: true });
}

/** Serves `studio` (the renderer build must exist; makes E2E_OUTPUT), for tests that launch their own browsers. */
export async function serveE2eStudio(studio: Studio): Promise<RunningServer> {
  requireRendererBuild();
  return startServer({ studio });
}

/** Serves `studio` (the renderer build must exist) and launches Chromium with `chromiumArgs`; makes E2E_OUTPUT. */
export async function startE2eStudio(studio: Studio, chromiumArgs: readonly string[] = []): Promise<E2eStudio> {
  const server = await serveE2eStudio(studio);
  try {
    return { server, browser: await launchChromium(chromiumArgs) };
  } catch (error) {
    await server.close();
    throw error;
  }
}

export interface StudioPageOptions {
  viewport: { width: number; height: number };
  /** Page errors and console errors are pushed here (the test asserts it stays empty). */
  pageErrors: string[];
  /** Console errors a test causes on purpose (a server it kills, thumbnails it never wrote). */
  expectedConsoleErrors?: RegExp;
  colorScheme?: 'light' | 'dark';
}

/** A page on the served studio (in-process, or a child's address), once it says it is connected over the WebSocket. */
export async function openStudioPage({ server, browser }: { server: Pick<RunningServer, 'url'>; browser: Browser }, options: StudioPageOptions): Promise<Page> {
  const page = await browser.newPage({ viewport: options.viewport });
  page.on('pageerror', (e) => options.pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !options.expectedConsoleErrors?.test(m.text())) options.pageErrors.push(m.text());
  });
  if (options.colorScheme) await page.emulateMedia({ colorScheme: options.colorScheme });
  await page.goto(server.url);
  await page.getByText(/Connected · websocket/).waitFor();
  return page;
}

/** Closes what was opened (any part may be missing when the set-up failed), the studio last. */
export async function closeE2eStudio(parts: { browser?: Browser | undefined; server?: RunningServer | undefined; studio?: Studio | undefined }): Promise<void> {
  await parts.browser?.close();
  await parts.server?.close();
  await (parts.studio ?? parts.server?.studio)?.close();
}
