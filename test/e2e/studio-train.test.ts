// From photos to an exported model, as a person does it in the studio, in real Chromium against
// the real services over the WebSocket transport: import flower_photos_small, change an
// augmentation setting and watch the preview change, train in one click and watch the curves,
// open a confusion-matrix cell's images, test a photo, export TF.js and read its parity check.
// The backbone comes from the fixtures, installed into a private model cache.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BACKBONE_ID, findBackbone } from '../../electron/engine/backbones/catalogue.js';
import { importBackboneFolder } from '../../electron/engine/backbones/install.js';
import { EngineHost } from '../../electron/worker/engine-host.js';
import type { RunSummary } from '../../electron/domain/schemas.js';
import { readSettings } from '../../electron/project/settings.js';
import type { RunningServer } from '../../electron/server/serve.js';
import { createStudio, type Studio } from '../../electron/services/studio.js';
import { chromiumUnavailable } from '../helpers/chromium.js';
import { closeE2eStudio, E2E_OUTPUT, openStudioPage, startE2eStudio } from '../helpers/e2e-studio.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { invoke } from '../helpers/studio-jobs.js';
import { tempDir } from '../helpers/temp-dir.js';

const skipReason = chromiumUnavailable() ?? fixturesUnavailable();
if (skipReason) console.warn(`[e2e train] skipped: ${skipReason}`);

const OUTPUT = E2E_OUTPUT;
const VIEWPORT = { width: 1400, height: 900 };
const DATASET = () => fixture('datasets', 'flower_photos_small');
const TRAIN_TIMEOUT_MS = 240_000;

describe.skipIf(skipReason !== null)('from photos to an exported model in Chromium', () => {
  const tmp = tempDir('studio-train-e2e-');
  const cache = path.join(tmp.dir, 'model cache');
  let studio: Studio;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  /** Added to the JSON line `npm run test:e2e` prints. */
  const figures: Record<string, number> = {};
  const db = () => studio.session.requireProject().db;
  const nav = (name: string) => page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name, exact: true });
  /** What the page shows now, without waiting for the element to appear. */
  const attr = (testid: string, name: string) => page.evaluate(([t, n]) => document.querySelector(`[data-testid=${t}]`)?.getAttribute(n!) ?? null, [testid, name]);
  const text = (testid: string) => page.evaluate((t) => document.querySelector(`[data-testid=${t}]`)?.textContent ?? '', testid);
  /** The studio scrolls inside its main area, so a whole screen is shot in a taller window. */
  async function shot(name: string, height = VIEWPORT.height) {
    if (height !== VIEWPORT.height) await page.setViewportSize({ width: VIEWPORT.width, height });
    await page.waitForTimeout(150);
    await page.screenshot({ path: path.join(OUTPUT, name) });
    if (height !== VIEWPORT.height) await page.setViewportSize(VIEWPORT);
  }

  beforeAll(async () => {
    // The fixture's folder is not byte-identical to a catalogue download, so name its entry.
    await importBackboneFolder(fixture('models', 'tm-mobilenet_v2_0.35_224-backbone'), { cache, spec: findBackbone(DEFAULT_BACKBONE_ID)! });
    studio = createStudio({ checkOutput: true, userDataDir: path.join(tmp.dir, 'user-data'), engine: new EngineHost({ modelCache: cache, preferBackend: 'wasm' }) });
    const e2e = await startE2eStudio(studio);
    ({ server, browser } = e2e);
    page = await openStudioPage(e2e, { viewport: VIEWPORT, pageErrors, colorScheme: 'light' });
  });

  afterAll(async () => {
    if (Object.keys(figures).length) fs.writeFileSync(path.join(OUTPUT, 'train-figures.json'), `${JSON.stringify(figures)}\n`);
    await closeE2eStudio({ browser, server, studio });
    tmp.cleanup();
  });

  it('creates a project and imports flower_photos_small through the UI', async () => {
    await page.getByLabel('Project folder').fill(path.join(tmp.dir, 'flowers'));
    await page.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => page.getByTestId('project-name').textContent()).toBe('flowers');

    // Before any image: each screen says what to do first instead of failing.
    await nav('Evaluate').click();
    await expect.poll(() => page.getByTestId('evaluate-screen').textContent()).toContain('No runs yet');
    await nav('Export').click();
    await expect.poll(() => text('export-no-run')).toContain('train a model');
    expect(await page.getByTestId('export-model').isDisabled()).toBe(true);
    await nav('Train').click();
    await expect.poll(() => text('train-summary')).toContain('0 labeled images');
    await expect.poll(() => text('train-needs-labels')).toContain('at least two classes');
    expect(await page.getByTestId('train-button').isDisabled()).toBe(true);
    await shot('train-empty.png');
    await nav('Library').click();
    await page.getByTestId('open-import').click();
    await page.getByTestId('import-folder').fill(DATASET());
    await page.getByRole('button', { name: 'Import folder' }).click();
    await expect.poll(() => page.getByTestId('import-report').getAttribute('data-status'), { timeout: 90_000 }).toBe('done');
    await page.getByRole('button', { name: 'Close import' }).click();
    await expect.poll(() => page.getByTestId('count').textContent()).toBe('200 images');
    expect(db().prepare("SELECT count(*) FROM images WHERE split = 'val'").pluck().get()).toBe(40);
  }, 120_000);

  it('switches screens with Alt+number, in the order of the navigation', async () => {
    const labels = await page.getByRole('navigation', { name: 'Screens' }).getByRole('button').allTextContents();
    expect(labels).toEqual(['Projects', 'Library', 'Health', 'Augment', 'Train', 'Evaluate', 'Export']);
    await page.keyboard.press('Alt+5');
    await expect.poll(() => page.getByTestId('train-screen').isVisible()).toBe(true);
    await page.keyboard.press('Alt+2');
    await expect.poll(() => page.getByTestId('library').isVisible()).toBe(true);
    expect(await page.getByTestId('train-screen').isVisible()).toBe(false);
  });

  it('changes an augmentation setting and sees the preview change, the unaugmented tile staying', async () => {
    await nav('Augment').click();
    const tiles = page.getByTestId('augment-preview').locator('img');
    await expect.poll(() => tiles.count(), { timeout: 30_000 }).toBe(9);
    const sources = () => tiles.evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).src));
    const before = await sources();
    // A range input cannot be typed into: set it as a drag would, with an input event.
    await page.getByTestId('range-rotationDeg').evaluate((el: HTMLInputElement) => {
      el.value = '90';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await expect.poll(async () => (await sources()).slice(1).filter((src, i) => src !== before[i + 1]).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(6);
    expect((await sources())[0]).toBe(before[0]);
    await page.getByTestId('augment-save').click();
    await expect.poll(() => readSettings(db()).augmentation.rotationDeg).toBe(90);
    await expect.poll(() => page.getByTestId('augment-save').isDisabled()).toBe(true);
    await shot('augment.png');
  });

  it('trains in one click with live curves, progress and the backend, until the run finishes', async () => {
    await nav('Train').click();
    await expect.poll(() => page.getByTestId('backend').textContent(), { timeout: 30_000 }).toMatch(/Runs on /);
    await expect.poll(() => page.getByTestId('train-button').isEnabled()).toBe(true);
    // The advanced panel: the backbone from the catalogue with its size and state, and every knob.
    await page.getByTestId('advanced-toggle').check();
    await expect.poll(() => page.getByTestId('backbone-select').locator('option').allTextContents()).toContainEqual(expect.stringMatching(/MobileNetV2 0\.35.*installed/));
    await shot('train-advanced.png');
    await page.getByTestId('advanced-toggle').uncheck();
    const started = Date.now();
    await page.getByTestId('train-button').click();
    await expect.poll(() => page.getByTestId('train-progress').isVisible(), { timeout: 20_000 }).toBe(true);
    const points = async () => Number((await attr('loss-chart', 'data-points')) ?? 0);
    await expect.poll(points, { timeout: TRAIN_TIMEOUT_MS, interval: 250 }).toBeGreaterThanOrEqual(2);
    await shot('train-running.png');

    // A reload in the middle: the page follows the running job again, its curves read back from
    // the run's history (or, when it finished meanwhile, shows that run and its curves).
    await page.reload();
    await page.getByText(/Connected · websocket/).waitFor();
    await nav('Train').click();
    await expect.poll(async () => (await attr('train-progress', 'data-testid')) !== null || /finished/.test(await text('train-outcome')), { timeout: 30_000 }).toBe(true);
    const followed = (await attr('train-progress', 'data-testid')) !== null;
    console.log(`[e2e train] after a reload: ${followed ? 'following the running job' : 'the run had finished'}`);
    // Curves start with the final head's epochs, after the head selection ('choosing head'),
    // which can take minutes on a busy machine: wait as long as the training may take.
    await expect.poll(points, { timeout: TRAIN_TIMEOUT_MS }).toBeGreaterThanOrEqual(2);
    await expect.poll(() => text('train-outcome'), { timeout: TRAIN_TIMEOUT_MS, interval: 1000 }).toMatch(/Training finished\.|Run \d+ finished/);
    figures.ui_train_seconds = Math.round((Date.now() - started) / 100) / 10;
    const [run] = await invoke<RunSummary[]>(studio, 'runs:list', {});
    expect(run!.status).toBe('done');
    figures.ui_train_val_accuracy = run!.valAccuracy ?? NaN;
    // The chart holds one point per epoch the run trained.
    const epochs = db().prepare('SELECT count(*) FROM run_epochs WHERE run_id = ?').pluck().get(run!.id) as number;
    expect(epochs).toBeGreaterThan(0);
    expect(await points()).toBe(epochs);
    expect(await page.getByTestId('accuracy-chart').locator('canvas').count()).toBe(1);
    // Both charts mark the epoch whose model was kept, where the reported accuracy is read.
    const { bestEpoch, head } = await invoke<{ bestEpoch: number | null; head: { refitImages: number | null; refitMembers?: number; refitEpochs?: number } | null }>(studio, 'runs:get', { runId: run!.id });
    // The outcome names what was kept: the chosen head refit on every training photo, its seeds averaged.
    expect(head?.refitImages).toBe(160);
    expect(head?.refitMembers).toBe(3);
    expect(await text('train-outcome')).toContain(`refit on all 160 training photos for ${head!.refitEpochs} epochs, 3 seeds averaged into one`);
    await expect.poll(() => attr('loss-chart', 'data-marker')).toBe(String(bestEpoch));
    expect(await attr('accuracy-chart', 'data-marker')).toBe(String(bestEpoch));
    await shot('train.png');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('train-dark.png');
    await page.emulateMedia({ colorScheme: 'light' });
  }, TRAIN_TIMEOUT_MS * 2);

  it('opens the run in Evaluate and a confusion-matrix cell’s images in the library', async () => {
    await page.getByRole('button', { name: 'See the evaluation' }).click();
    await expect.poll(() => page.getByTestId('run-title').textContent()).toMatch(/^Run \d+$/);
    // Runs are named by number, backbone and validation accuracy, not by an internal id.
    expect(await page.getByTestId('run-item').first().locator('strong').textContent()).toMatch(/^Run \d+ · MobileNetV2 0\.35.* · \d+\.\d %$/);
    await expect.poll(() => page.getByTestId('per-class').locator('tbody tr').count()).toBe(6);
    expect(await page.getByText(/then refit on all 160 training photos/).textContent()).toMatch(/for \d+ epochs, 3 seeds averaged into one head/);
    await shot('evaluate.png', 1100);
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('evaluate-dark.png', 1100);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByTestId('tab-mislabeled').click();
    await page.waitForTimeout(500);
    await shot('evaluate-mislabeled.png');
    await page.getByRole('button', { name: 'Metrics', exact: true }).click();

    // The biggest mistake (or, with none, the biggest cell): its images, and only those, open.
    const cells = await page.getByTestId('confusion').locator('button').evaluateAll((bs) =>
      bs.map((b) => ({ id: b.getAttribute('data-testid')!, count: Number(b.textContent), diag: b.classList.contains('diag') })),
    );
    const byCount = [...cells].sort((a, b) => b.count - a.count);
    const cell = byCount.find((c) => !c.diag && c.count > 0) ?? byCount[0]!;
    expect(cell.count).toBeGreaterThan(0);
    await page.getByTestId(cell.id).click();
    await expect.poll(() => page.getByTestId('library').isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId('only').textContent()).toMatch(/predicted as/);
    await expect.poll(() => page.getByTestId('count').textContent()).toBe(`${cell.count} ${cell.count === 1 ? 'image matches' : 'images match'}`);
    await expect.poll(() => page.getByTestId('card').count()).toBe(cell.count);
    await shot('evaluate-cell-in-library.png');
    await page.getByTestId('only').getByRole('button', { name: 'Show all' }).click();
  });

  it('tests a photo and shows the class probabilities', async () => {
    await nav('Evaluate').click();
    await page.getByTestId('tab-test').click();
    const folder = path.join(DATASET(), 'val', 'sunflowers');
    const photo = path.join(folder, fs.readdirSync(folder).sort()[0]!);
    await page.getByTestId('test-input').setInputFiles(photo);
    const result = page.getByTestId('test-results').locator('li').first();
    await expect.poll(() => result.locator('.prob').count(), { timeout: 30_000 }).toBe(5);
    const shares = await result.locator('.prob .value').allTextContents();
    const total = shares.reduce((sum, s) => sum + Number.parseFloat(s), 0);
    expect(total).toBeGreaterThan(99);
    expect(total).toBeLessThan(101);

    // Dropped files are tested the same way (a drop as the browser delivers it, with a DataTransfer).
    const daisyDir = path.join(DATASET(), 'val', 'daisy');
    const daisy = fs.readdirSync(daisyDir).sort()[0]!;
    await page.getByTestId('test-drop').evaluate(
      (zone, [name, base64]) => {
        const bytes = Uint8Array.from(atob(base64!), (c) => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([bytes], name!, { type: 'image/jpeg' }));
        zone.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: transfer }));
        zone.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: transfer }));
      },
      [daisy, fs.readFileSync(path.join(daisyDir, daisy)).toString('base64')],
    );
    await expect.poll(() => page.getByTestId('test-results').locator('li').count(), { timeout: 30_000 }).toBe(2);
    expect(await page.getByTestId('test-results').locator('li').first().locator('strong').first().textContent()).toBe(daisy);
    await shot('evaluate-test-image.png');
  });

  it('says what is wrong with an export folder, before and after starting', async () => {
    await nav('Export').click();
    await expect.poll(() => page.getByTestId('export-run').locator('option').count()).toBeGreaterThan(0);
    // A relative folder is read from the home folder, and the page says so before anything is written.
    await page.getByTestId('export-folder').fill('exports here');
    await expect.poll(() => text('export-folder-note')).toBe('Goes to ~/exports here (in your home folder).');
    // A file where the folder should be: the export fails, and the page says why and what next.
    const notAFolder = path.join(tmp.dir, 'not a folder.txt');
    fs.writeFileSync(notAFolder, 'a file, not a folder\n');
    await page.getByTestId('export-folder').fill(notAFolder);
    await page.getByTestId('format-card').click();
    await page.getByTestId('export-model').click();
    await expect
      .poll(async () => (await text('export-failure')) || (await page.getByTestId('error').allTextContents()).join(' '), { timeout: 60_000 })
      .toMatch(/not a folder\.txt/);
    expect(await text('export-next-step')).toMatch(/is a file, not a folder/);
    await shot('export-error.png');
    console.log(`[e2e train] export into a file: ${(await text('export-failure')) || (await page.getByTestId('error').allTextContents()).join(' ')}`);
    await page.getByTestId('export-folder').fill('');
  }, 90_000);

  it('exports TF.js and shows the parity check passed, then lists it', async () => {
    await page.getByTestId('format-tfjs').click();
    await page.getByTestId('export-samples').fill('16');
    await page.getByTestId('export-model').click();
    const result = page.getByTestId('export-result');
    await expect.poll(() => attr('export-result', 'data-passed'), { timeout: 120_000, interval: 500 }).toBe('true');
    expect(await result.getByTestId('parity-top1').textContent()).toBe('100.0 %');
    expect(await result.getByTestId('parity-runtime').textContent()).toMatch(/\S/);
    figures.ui_export_tfjs_max_abs = Number(await result.getByTestId('parity-max').textContent());
    expect(figures.ui_export_tfjs_max_abs).toBeLessThan(1e-3);
    const done = page.locator('[data-testid=export-row][data-status=done]');
    await expect.poll(() => done.count()).toBe(1);
    expect(await done.first().getAttribute('data-format')).toBe('tfjs');
    const record = db().prepare('SELECT path FROM exports ORDER BY id DESC LIMIT 1').pluck().get() as string;
    expect(fs.existsSync(path.resolve(studio.session.requireProject().dir, record, 'model.json'))).toBe(true);
    await shot('export.png', 1250);
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('export-dark.png', 1250);
    await page.emulateMedia({ colorScheme: 'light' });
  }, 150_000);

  it('exports the predictions CSV from the same screen', async () => {
    await page.getByTestId('export-predictions').click();
    const done = page.locator('[data-testid=export-row][data-status=done]');
    await expect.poll(() => done.count(), { timeout: 30_000 }).toBe(2);
    expect(await done.first().getAttribute('data-format')).toBe('csv');
  });

  it('shows the newest run and its curves on the Train screen after a reload', async () => {
    await page.reload();
    await page.getByText(/Connected · websocket/).waitFor();
    await page.keyboard.press('Alt+5');
    await expect.poll(() => text('train-outcome')).toMatch(/^\s*Run \d+ finished/);
    const [run] = await invoke<RunSummary[]>(studio, 'runs:list', {});
    const epochs = db().prepare('SELECT count(*) FROM run_epochs WHERE run_id = ?').pluck().get(run!.id) as number;
    await expect.poll(() => attr('loss-chart', 'data-points')).toBe(String(epochs));
    await page.getByRole('button', { name: 'See the evaluation' }).click();
    await expect.poll(() => page.getByTestId('run-title').textContent()).toBe(`Run ${run!.id}`);
  });

  it('brings a Keras export back as a new run from the Export screen, and says why a file is refused', async () => {
    await nav('Export').click();
    await page.getByTestId('format-keras').click();
    await page.getByTestId('export-model').click();
    await expect.poll(() => attr('export-result', 'data-passed'), { timeout: 120_000, interval: 500 }).toBe('true');
    const record = db().prepare("SELECT path FROM exports WHERE format = 'keras' ORDER BY id DESC LIMIT 1").pluck().get() as string;
    const file = path.join(path.resolve(studio.session.requireProject().dir, record), 'model.keras');
    const before = (await invoke<RunSummary[]>(studio, 'runs:list', {})).length;

    await page.getByTestId('import-keras-file').fill(path.join(tmp.dir, 'nowhere', 'model.keras'));
    await page.getByTestId('import-keras-start').click();
    await expect.poll(() => text('import-keras-failure')).toMatch(/no such file/);

    await page.getByTestId('import-keras-file').fill(file);
    await page.getByTestId('import-keras-start').click();
    await expect.poll(() => attr('import-keras-result', 'data-run'), { timeout: 120_000, interval: 500 }).not.toBeNull();
    const runs = await invoke<RunSummary[]>(studio, 'runs:list', {});
    expect(runs.length).toBe(before + 1);
    expect(await attr('import-keras-result', 'data-run')).toBe(String(runs[0]!.id));
    expect(runs[0]!.valAccuracy).toBe(runs[1]!.valAccuracy);
    expect(await text('import-keras-result')).toMatch(/validation accuracy \d/);
    for (const width of [1024, 1920]) {
      await page.setViewportSize({ width, height: 1400 });
      await page.getByTestId('import-keras').scrollIntoViewIfNeeded();
      await page.waitForTimeout(150);
      await page.screenshot({ path: path.join(OUTPUT, `export-import-keras-${width}.png`) });
    }
    await page.setViewportSize(VIEWPORT);
  }, 300_000);

  it('retrains after a few labels change, starting from the last run’s head, and says so', async () => {
    // Ten training photos lose their label: few enough changes for a warm start (warm-start.ts).
    const ids = db().prepare("SELECT i.id FROM images i JOIN labels l ON l.image_id = i.id WHERE i.split = 'train' ORDER BY i.id LIMIT 10").pluck().all() as number[];
    expect(ids).toHaveLength(10);
    await invoke(studio, 'labels:set', { imageIds: ids, classId: null });
    const before = (await invoke<RunSummary[]>(studio, 'runs:list', {})).length;
    await nav('Train').click();
    await expect.poll(() => page.getByTestId('train-button').isEnabled()).toBe(true);
    // The split counts are of labeled photos (what a training uses): they add up to the labeled
    // count, the ten unlabeled photos left out.
    await expect.poll(() => text('train-summary')).toContain('190 labeled images');
    const summary = (await text('train-summary')).replace(/\s+/g, ' ');
    const counts = summary.match(/([\d,]+) labeled images .*\(train ([\d,]+), validation ([\d,]+)(?:, test ([\d,]+))?(?:, not split yet ([\d,]+))?\)/);
    expect(counts, summary).not.toBeNull();
    const [labeled, train, val, test, unsplit] = counts!.slice(1).map((c) => Number((c ?? '0').replace(/,/g, '')));
    expect(train! + val! + test! + unsplit!).toBe(labeled);
    expect(labeled).toBeLessThan(db().prepare('SELECT count(*) FROM images').pluck().get() as number);
    expect(train).toBe(db().prepare("SELECT count(*) FROM images i JOIN labels l ON l.image_id = i.id WHERE i.split = 'train'").pluck().get());
    await page.getByTestId('train-button').click();
    await expect.poll(() => text('train-outcome'), { timeout: TRAIN_TIMEOUT_MS, interval: 1000 }).toMatch(/Training finished\./);
    const runs = await invoke<RunSummary[]>(studio, 'runs:list', {});
    expect(runs.length).toBe(before + 1);
    const { head } = await invoke<{ head: { warmStart?: { fromRun: number; epochs: number } | null; coldReason?: string; refitImages: number | null } | null }>(studio, 'runs:get', { runId: runs[0]!.id });
    expect(head?.coldReason).toBeUndefined();
    expect(head?.warmStart).toBeTruthy();
    expect(head?.refitImages).toBe(150);
    expect(await text('train-outcome')).toContain(`run ${head!.warmStart!.fromRun}'s head trained ${head!.warmStart!.epochs} more epoch`);
    // One epoch is one point: the accuracy axis still spans 0-100 % (it auto-ranged to 0-2).
    await expect.poll(() => attr('accuracy-chart', 'data-y-max')).toBe('1');
    expect(await attr('accuracy-chart', 'data-y-min')).toBe('0');
    expect(await attr('accuracy-chart', 'data-points')).toBe('1');
    await shot('train-warm.png');
    await page.getByRole('button', { name: 'See the evaluation' }).click();
    await expect.poll(() => text('head-choice')).toContain(`warm-started from run ${head!.warmStart!.fromRun}'s head`);
    await shot('evaluate-warm.png');
  }, TRAIN_TIMEOUT_MS);

    it('left no errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
