// Issue 16 in real Chromium against the real services over the WebSocket transport: the studio
// behaves like a desktop app. A project folder and an import folder are chosen with the
// studio's own file browser; photos and a folder are dropped on the Library (real drag events
// through the DevTools protocol, uploaded in serve mode); double clicks on Import, Export and
// Train start one job each; the server is killed and restarted under the page; a class is
// deleted and brought back with Undo; the layout is shot at 1024×700 and 1920×1080.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BACKBONE_ID, findBackbone } from '../../electron/engine/backbones/catalogue.js';
import { importBackboneFolder } from '../../electron/engine/backbones/install.js';
import { EngineHost } from '../../electron/worker/engine-host.js';
import type { EventPayload } from '../../electron/ipc/contract.js';
import { startServer, type RunningServer } from '../../electron/server/serve.js';
import { CATCH_UP_PHASE } from '../../electron/services/import-embedding.js';
import { createStudio, type Studio } from '../../electron/services/studio.js';
import { chromiumUnavailable } from '../helpers/chromium.js';
import { closeE2eStudio, E2E_OUTPUT, openStudioPage, startE2eStudio } from '../helpers/e2e-studio.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';

const skipReason = chromiumUnavailable() ?? fixturesUnavailable();
if (skipReason) console.warn(`[e2e desktop] skipped: ${skipReason}`);

const OUTPUT = E2E_OUTPUT;
const FIGURES = path.join(OUTPUT, 'desktop-figures.json');
const VIEWPORT = { width: 1400, height: 900 };
const PER_CLASS = 12;

describe.skipIf(skipReason !== null)('the studio as a desktop app, in Chromium', () => {
  const tmp = tempDir('studio-desktop-e2e-');
  const cache = path.join(tmp.dir, 'model cache');
  let studio: Studio;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const figures: Record<string, number> = {};
  /** Job ids seen per kind (job:progress and job:finished), to count the jobs a gesture started. */
  const jobIds = new Map<string, Set<string>>();
  const jobsOf = (kind: string) => {
    // A job that has not reported yet (the engine starting on a busy machine) is still running.
    for (const job of studio.jobs.list()) jobIds.set(job.kind, (jobIds.get(job.kind) ?? new Set()).add(job.jobId));
    return jobIds.get(kind)?.size ?? 0;
  };
  const db = () => studio.session.requireProject().db;
  const nav = (name: string) => page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name, exact: true });
  const shot = (name: string) => page.screenshot({ path: path.join(OUTPUT, name) });

  /** Class folders of real photos (links into the fixture, read in place). */
  function photoFolder(root: string, classes: string[], from: string, perClass = PER_CLASS) {
    for (const cls of classes) {
      const src = fixture('datasets', 'flower_photos_small', from, cls);
      fs.mkdirSync(path.join(root, cls), { recursive: true });
      for (const name of fs.readdirSync(src).sort().slice(0, perClass)) fs.symlinkSync(path.join(src, name), path.join(root, cls, name));
    }
  }

  /** A real drop of files and folders from disk: Chromium builds the DataTransfer from the paths. */
  async function dropPaths(paths: string[]) {
    const cdp = await page.context().newCDPSession(page);
    const data = { items: [], files: paths, dragOperationsMask: 1 };
    const at = { x: 700, y: 450, modifiers: 0 };
    await cdp.send('Input.dispatchDragEvent', { type: 'dragEnter', ...at, data });
    await cdp.send('Input.dispatchDragEvent', { type: 'dragOver', ...at, data });
    await cdp.send('Input.dispatchDragEvent', { type: 'drop', ...at, data });
    await cdp.detach();
  }

  /**
   * Records every state the tray's progress lines go through (phase|count|message), however
   * briefly shown: a small import's phases can come and go between two polls.
   */
  async function recordJobProgress() {
    await page.evaluate(() => {
      const shown: string[] = [];
      (window as unknown as { progressShown: string[] }).progressShown = shown;
      const record = (line: Element) => {
        const text = (id: string) => line.querySelector(`[data-testid=${id}]`)?.textContent?.trim() ?? '';
        shown.push(`${line.getAttribute('data-phase')}|${text('progress-count')}|${line.querySelector('.message')?.textContent?.trim() ?? ''}`);
      };
      new MutationObserver((records) => {
        for (const r of records) {
          const at = r.target instanceof Element ? r.target : r.target.parentElement;
          const line = at?.closest('[data-testid=progress]');
          if (line) record(line);
          for (const node of r.addedNodes) if (node instanceof Element) for (const l of node.querySelectorAll('[data-testid=progress]')) record(l);
        }
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-phase'], characterData: true });
    });
  }

  beforeAll(async () => {
    fs.rmSync(FIGURES, { force: true });
    await importBackboneFolder(fixture('models', 'tm-mobilenet_v2_0.35_224-backbone'), { cache, spec: findBackbone(DEFAULT_BACKBONE_ID)! });
    studio = createStudio({ checkOutput: true, userDataDir: path.join(tmp.dir, 'user-data'), engine: new EngineHost({ modelCache: cache, preferBackend: 'wasm' }) });
    studio.bus.listen((event, payload) => {
      if (event !== 'job:progress' && event !== 'job:finished') return;
      const { kind, jobId } = payload as EventPayload<'job:finished'>;
      jobIds.set(kind, (jobIds.get(kind) ?? new Set()).add(jobId));
    });
    const e2e = await startE2eStudio(studio);
    ({ server, browser } = e2e);
    // Killing the server on purpose resets the thumbnails in flight and refuses the reconnections meanwhile.
    page = await openStudioPage(e2e, { viewport: VIEWPORT, pageErrors, colorScheme: 'light', expectedConsoleErrors: /ERR_CONNECTION_REFUSED|ERR_CONNECTION_RESET|WebSocket connection/ });
  });

  afterAll(async () => {
    if (Object.keys(figures).length) fs.writeFileSync(FIGURES, `${JSON.stringify(figures)}\n`);
    await closeE2eStudio({ browser, server, studio });
    tmp.cleanup();
  });

  it('creates a project in a folder chosen with the file browser, which starts at home', async () => {
    await page.getByRole('button', { name: 'Browse…' }).first().click();
    const browserPath = page.getByTestId('browser-path');
    await expect.poll(() => browserPath.inputValue()).toBe(process.env.HOME);
    // Typing a path goes there; the folders of it are listed, files are not.
    fs.mkdirSync(path.join(tmp.dir, 'projects'));
    fs.writeFileSync(path.join(tmp.dir, 'a note.txt'), 'not a folder');
    await browserPath.fill(tmp.dir);
    await browserPath.press('Enter');
    const names = () => page.locator('[data-testid=browser-entry]').evaluateAll((es) => es.map((e) => e.getAttribute('data-name')));
    await expect.poll(names).toContain('projects');
    expect(await names()).not.toContain('a note.txt');
    // Keyboard: arrows move between entries; Enter opens the focused folder.
    await page.locator('[data-testid=browser-entry][data-name="projects"]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => browserPath.inputValue()).toBe(path.join(tmp.dir, 'projects'));
    await browserPath.fill(path.join(tmp.dir, 'projects', 'desk project'));
    await shot('desktop-file-browser.png');
    await page.getByTestId('browser-choose').click();
    await expect.poll(() => page.getByLabel('Project folder').inputValue()).toBe(path.join(tmp.dir, 'projects', 'desk project'));
    await page.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => page.getByTestId('project-name').textContent()).toBe('desk project');
  });

  it('imports a folder chosen with the browser; a double click on Import runs one import, which the tray follows as it embeds', { timeout: 120_000 }, async () => {
    const source = path.join(tmp.dir, 'flowers');
    photoFolder(source, ['daisy', 'roses', 'tulips'], 'train');
    await page.getByTestId('open-import').click();
    await page.getByTestId('import-panel').getByRole('button', { name: 'Browse…' }).first().click();
    await page.getByTestId('browser-path').fill(tmp.dir);
    await page.getByTestId('browser-path').press('Enter');
    await page.locator('[data-testid=browser-entry][data-name="flowers"]').click();
    await expect.poll(() => page.getByTestId('browser-path').inputValue()).toBe(source);
    await page.getByTestId('browser-choose').click();
    await expect.poll(() => page.getByTestId('import-folder').inputValue()).toBe(source);
    const before = jobsOf('import');
    await recordJobProgress();
    await page.getByRole('button', { name: 'Import folder' }).dblclick();
    await expect.poll(() => db().prepare("SELECT count(*) FROM imports WHERE status = 'done'").pluck().get(), { timeout: 60_000 }).toBe(1);
    figures.double_click_jobs = jobsOf('import') - before;
    // The tray said what the import's embedding stage was doing (issue 21): its count beside the
    // import's own progress, then the 'embedding' phase once the photos were committed.
    await expect.poll(() => studio.jobs.list().filter((job) => job.kind === 'import').length, { timeout: 60_000 }).toBe(0);
    await expect.poll(() => page.locator('[data-testid=job][data-kind=import]').getAttribute('data-status'), { timeout: 10_000 }).toBe('done');
    const shown = await page.evaluate(() => (window as unknown as { progressShown: string[] }).progressShown);
    expect(shown.some((line) => /^importing\|.*\|embedding \d+\/\d+$/.test(line)), shown.join('\n')).toBe(true);
    expect(shown.some((line) => line.startsWith('embedding|')), shown.join('\n')).toBe(true);
    // The stage's count in photos ends at every photo; the catch-up then counts views, under its
    // own phase; a phase whose events carry no message shows none (not the import phase's).
    expect(shown.filter((line) => line.startsWith('embedding|')).at(-1)).toBe(`embedding|${3 * PER_CLASS} / ${3 * PER_CLASS}|`);
    expect(shown.some((line) => line.startsWith(`${CATCH_UP_PHASE}|`)), shown.join('\n')).toBe(true);
    expect(shown.filter((line) => line.startsWith('embedding') && !line.endsWith('|')), shown.join('\n')).toEqual([]);
    expect(db().prepare('SELECT count(*) FROM imports').pluck().get()).toBe(1);
    expect(db().prepare('SELECT count(*) FROM images').pluck().get()).toBe(3 * PER_CLASS);
    await page.getByRole('button', { name: 'Close import' }).click();
  });

  it('imports photos and a folder dropped on the Library (uploaded in serve mode), with the report', async () => {
    const loose = fixture('datasets', 'flower_photos_small', 'val', 'sunflowers');
    const files = fs.readdirSync(loose).sort().slice(0, 8).map((n) => path.join(loose, n));
    // Copies, not links: a browser's folder reader leaves symbolic links out of a dropped folder.
    const folder = path.join(tmp.dir, 'dandelion');
    const dandelions = fixture('datasets', 'flower_photos_small', 'val', 'dandelion');
    fs.mkdirSync(folder);
    for (const name of fs.readdirSync(dandelions).sort().slice(0, 6)) fs.copyFileSync(path.join(dandelions, name), path.join(folder, name));
    fs.writeFileSync(path.join(folder, 'readme.md'), '# not a photo\n');
    const imagesBefore = db().prepare('SELECT count(*) FROM images').pluck().get() as number;
    await dropPaths([...files, folder]);
    await page.getByTestId('drop-report').waitFor({ timeout: 60_000 });
    await shot('desktop-drop-report.png');
    const added = (db().prepare('SELECT count(*) FROM images').pluck().get() as number) - imagesBefore;
    figures.dropped_files_imported = added;
    expect(added).toBe(files.length + 6);
    // The bytes live in the project's own imported/ folder; the readme is reported, not a class.
    const imported = path.join(studio.session.requireProject().dir, 'imported');
    expect(fs.readdirSync(imported)).toHaveLength(1);
    expect(await page.getByTestId('drop-report').textContent()).toContain('readme.md');
    expect(db().prepare("SELECT count(*) FROM classes WHERE name = 'dandelion'").pluck().get()).toBe(0);
    await page.getByTestId('drop-report').getByRole('button', { name: 'Close' }).click();
  });

  it('a double click on Export dataset writes one export; on Train starts one training', async () => {
    await nav('Export').click();
    const exportsBefore = jobsOf('export');
    await page.getByTestId('export-dataset').dblclick();
    await expect.poll(() => db().prepare("SELECT count(*) FROM exports WHERE status = 'done'").pluck().get(), { timeout: 60_000 }).toBe(1);
    expect(db().prepare('SELECT count(*) FROM exports').pluck().get()).toBe(1);
    const exportJobs = jobsOf('export') - exportsBefore;
    await shot('desktop-export.png');

    await nav('Train').click();
    await page.getByTestId('train-button').waitFor();
    await expect.poll(() => page.getByTestId('train-button').isEnabled(), { timeout: 60_000 }).toBe(true);
    const trainBefore = jobsOf('train');
    await page.getByTestId('train-button').dblclick();
    await page.getByTestId('train-cancel').waitFor();
    await expect.poll(() => jobsOf('train') - trainBefore, { timeout: 30_000 }).toBe(1);
    await page.waitForTimeout(500);
    expect(await page.getByTestId('train-error').count()).toBe(0);
    const trainJobs = jobsOf('train') - trainBefore;
    // With the embeddings made by the import, this small training may already be over: cancel it
    // if it still runs; either way one run exists.
    await page.getByTestId('train-cancel').click({ timeout: 2_000 }).catch(() => undefined);
    await expect.poll(() => page.getByTestId('train-cancel').count(), { timeout: 60_000 }).toBe(0);
    expect(db().prepare('SELECT count(*) FROM runs').pluck().get()).toBeLessThanOrEqual(1);
    figures.double_click_jobs = (figures.double_click_jobs ?? 0) + exportJobs + trainJobs;
    expect(figures.double_click_jobs).toBe(3);
  });

  it('says "Disconnected — reconnecting…" within 3 s of losing the server, and recovers when it is back', async () => {
    await nav('Library').click();
    const { port, token } = server;
    const started = Date.now();
    await server.close();
    await page.getByTestId('disconnected').waitFor({ timeout: 10_000 });
    figures.disconnect_banner_ms = Date.now() - started;
    expect(await page.getByTestId('status').textContent()).toContain('Disconnected');
    expect(await page.locator('main').getAttribute('inert')).not.toBeNull();
    await shot('desktop-disconnected.png');
    // The studio changes while the page is away; the page must show it once back.
    db().prepare("UPDATE classes SET name = 'tulips (renamed)' WHERE name = 'tulips'").run();
    server = await startServer({ studio, port, token });
    await expect.poll(() => page.getByTestId('disconnected').count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(() => page.locator('.sidebar').textContent(), { timeout: 10_000 }).toContain('tulips (renamed)');
    expect(await page.locator('main').getAttribute('inert')).toBeNull();
    const renamed = db().prepare("SELECT id FROM classes WHERE name = 'tulips (renamed)'").pluck().get() as number;
    await studio.dispatch('classes:update', { id: renamed, name: 'tulips' }, { transport: 'in-process' });
  });

  it('deletes a class after a confirmation with its count, and Undo brings it and its labels back', async () => {
    const roses = db().prepare("SELECT id FROM classes WHERE name = 'roses'").pluck().get() as number;
    const labeled = db().prepare('SELECT count(*) FROM labels WHERE class_id = ?').pluck().get(roses) as number;
    expect(labeled).toBe(PER_CLASS);
    await page.getByTestId('manage-classes').click();
    await page.locator('[data-testid=class-row][data-name=roses]').getByTestId('class-delete-button').click();
    await expect.poll(() => page.getByTestId('class-delete').textContent()).toContain(`Its ${labeled} images will become unlabeled`);
    await shot('desktop-class-delete.png');
    await page.getByTestId('class-delete-confirm').click();
    await page.getByTestId('class-deleted').waitFor();
    expect(db().prepare('SELECT count(*) FROM classes WHERE id = ?').pluck().get(roses)).toBe(0);
    expect(db().prepare('SELECT count(*) FROM labels WHERE class_id = ?').pluck().get(roses)).toBe(0);
    await page.getByTestId('class-delete-undo').click();
    await expect.poll(() => db().prepare('SELECT count(*) FROM labels WHERE class_id = ?').pluck().get(roses)).toBe(labeled);
    await expect.poll(() => page.locator('[data-testid=class-row][data-name=roses]').count()).toBe(1);
    await page.keyboard.press('Escape');
  });

  it('keeps the header on one line at 1024×700 and lays out at 1920×1080', async () => {
    /** Header items that broke onto a second line, plus extra rows of the header itself. */
    const headerWraps = () =>
      page.evaluate(() => {
        const header = document.querySelector('.app > header')!;
        const items = [...header.children].filter((e) => (e as HTMLElement).offsetParent !== null);
        const rows = new Set(items.map((e) => Math.round(e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2))).size;
        // An item wraps when its text takes more than one line ("Transfer / Studio").
        const wrapped = items.filter((e) => {
          const rects: DOMRect[] = [];
          const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            if (!node.textContent?.trim()) continue;
            const range = document.createRange();
            range.selectNodeContents(node);
            rects.push(...[...range.getClientRects()].filter((r) => r.width > 0));
          }
          rects.sort((a, b) => a.top - b.top);
          return rects.some((r, i) => i > 0 && r.top - rects[i - 1]!.top > rects[i - 1]!.height * 0.6);
        }).length;
        return rows - 1 + wrapped;
      });
    await page.setViewportSize({ width: 1024, height: 700 });
    await nav('Library').click();
    await page.waitForTimeout(300);
    figures.header_wraps_1024 = await headerWraps();
    await shot('desktop-library-1024.png');
    expect(figures.header_wraps_1024).toBe(0);
    // The import panel lies over the grid as a drawer here instead of squeezing it.
    const columns = () => page.evaluate(() => new Set([...document.querySelectorAll('[data-testid=card]')].map((c) => Math.round(c.getBoundingClientRect().left))).size);
    const before = await columns();
    await page.getByTestId('open-import').click();
    await page.waitForTimeout(300);
    expect(await columns()).toBe(before);
    await shot('desktop-import-1024.png');
    await page.getByRole('button', { name: 'Close import' }).click();
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.waitForTimeout(300);
    expect(await headerWraps()).toBe(0);
    await shot('desktop-library-1920.png');
    await nav('Train').click();
    await page.waitForTimeout(300);
    await shot('desktop-train-1920.png');
    await page.setViewportSize(VIEWPORT);
    expect(pageErrors).toEqual([]);
  });
});
