// Exported models in real Chromium: a page that loads TensorFlow.js bundles from node_modules
// (the versions the studio ships), served over HTTP beside the export folders as their READMEs
// say (studio-answers.ts gives what the page must answer).
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { serveFolders, type StaticServer } from './static-server.js';

export const TF_MODULES = path.resolve(import.meta.dirname, '../../node_modules/@tensorflow');

export interface TfPage {
  server: StaticServer;
  browser: Browser;
}

/**
 * Writes `dir`/index.html loading `scripts` (paths under node_modules/@tensorflow) from /tf/, and
 * `files` beside it; serves it at / with `routes` (prefix → folder), and launches Chromium.
 */
export async function serveTfPage(dir: string, scripts: readonly string[], files: Record<string, string | Buffer>, routes: Record<string, string>): Promise<TfPage> {
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'index.html'), `<!doctype html><html><body>${scripts.map((s) => `<script src="/tf/${s}"></script>`).join('')}</body></html>`);
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  const server = await serveFolders({ '/tf/': TF_MODULES, ...routes, '/': dir });
  try {
    return { server, browser: await launchChromium() };
  } catch (error) {
    await server.close();
    throw error;
  }
}

/** The page opened in a new tab, its uncaught errors collected (a test asserts there are none). */
export async function openTfPage({ server, browser }: TfPage): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}/index.html`);
  return { page, errors };
}

export async function closeTfPage(parts: Partial<TfPage>): Promise<void> {
  await parts.browser?.close();
  await parts.server?.close();
}
