// The camera in real Chromium with a fake camera playing a clip made from a fixture photo (a
// still with per-frame sensor noise): record 2 s into a class and find every frame imported and
// labelled; the live preview of a trained run predicts the class of the clip's photo (one clip
// per class); "add this frame" files the frame the bars describe, and the engine's prediction
// for the stored file equals what the bars showed; without a camera the panel says so and the
// library carries on.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineHost } from '../../electron/worker/engine-host.js';
import type { PredictResult } from '../../electron/domain/engine-schemas.js';
import type { RunningServer } from '../../electron/server/serve.js';
import { createStudio, type Studio } from '../../electron/services/studio.js';
import { ffmpegUnavailable, photoClip } from '../helpers/camera-clip.js';
import { chromiumUnavailable, fakeCameraArgs, launchChromium } from '../helpers/chromium.js';
import { closeE2eStudio, E2E_OUTPUT, openStudioPage, requireRendererBuild, serveE2eStudio } from '../helpers/e2e-studio.js';
import { fixturesUnavailable } from '../helpers/fixtures.js';
import { invoke } from '../helpers/studio-jobs.js';
import { tempDir } from '../helpers/temp-dir.js';
import { trainedProject } from '../helpers/trained-project.js';

const skipReason = chromiumUnavailable() ?? fixturesUnavailable() ?? ffmpegUnavailable();
if (skipReason) console.warn(`[e2e camera] skipped: ${skipReason}`);

const VIEWPORT = { width: 1024, height: 800 };
const WIDE = { width: 1920, height: 1000 };
/** The first prediction starts the engine and loads the backbone: generous on a busy machine. */
const FIRST_PREDICTION_MS = 120_000;

describe.skipIf(skipReason !== null)('camera capture and live preview in Chromium', () => {
  const tmp = tempDir('studio-camera-e2e-');
  let studio: Studio;
  let server: RunningServer;
  let runId: number;
  const clips: Record<'ants' | 'bees', string> = { ants: '', bees: '' };
  const classIds: Record<string, number> = {};
  const shortcuts: Record<string, number> = {};
  const browsers: Browser[] = [];
  const pageErrors: string[] = [];
  const figures: Record<string, number> = {};
  const db = () => studio.session.requireProject().db;
  const projectDir = path.join(tmp.dir, 'project');
  const capturedFiles = (cls: string) => {
    const dir = path.join(projectDir, 'captured', cls);
    return fs.existsSync(dir) ? fs.readdirSync(dir).map((f) => path.join(dir, f)) : [];
  };

  async function openPage(args: string[]): Promise<Page> {
    const browser = await launchChromium(args);
    browsers.push(browser);
    // The fixture project records files without thumbnails, so the grid's thumbnail requests
    // answer 404 (the cards show the format instead); anything else is a page error.
    const page = await openStudioPage({ server, browser }, { viewport: VIEWPORT, pageErrors, expectedConsoleErrors: /Failed to load resource: .*404/, colorScheme: 'light' });
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Library', exact: true }).click();
    await page.getByTestId('open-camera').click();
    return page;
  }

  /** Width of the video's picture once frames arrive (0 before). */
  const videoWidth = (page: Page) => page.evaluate(() => (document.querySelector('[data-testid=camera-video]') as HTMLVideoElement | null)?.videoWidth ?? 0);

  async function shoot(page: Page, name: string) {
    await page.screenshot({ path: path.join(E2E_OUTPUT, `${name}-1024.png`) });
    await page.setViewportSize(WIDE);
    await page.waitForTimeout(200);
    await page.screenshot({ path: path.join(E2E_OUTPUT, `${name}-1920.png`) });
    await page.setViewportSize(VIEWPORT);
  }

  beforeAll(async () => {
    requireRendererBuild();
    // A real run on hymenoptera photos (trained in-process on wasm), then the studio on it.
    const trained = await trainedProject(tmp.dir, { perClass: 12 });
    runId = trained.run.runId;
    // Each clip shows the training photo of its class the run is surest about.
    for (const cls of ['ants', 'bees'] as const) {
      const photo = trained.project.db
        .prepare(
          `SELECT p.path FROM predictions pr JOIN labels l ON l.image_id = pr.image_id JOIN classes c ON c.id = l.class_id
           JOIN image_paths p ON p.image_id = pr.image_id
           WHERE pr.run_id = ? AND c.name = ? AND pr.class_id = l.class_id ORDER BY pr.confidence DESC LIMIT 1`,
        )
        .pluck()
        .get(runId, cls) as string;
      clips[cls] = await photoClip(photo, path.join(tmp.dir, `${cls}.y4m`));
    }
    trained.project.close();
    studio = createStudio({ checkOutput: true, userDataDir: path.join(tmp.dir, 'user-data'), engine: new EngineHost({ modelCache: trained.cache, preferBackend: 'wasm' }) });
    studio.session.open(projectDir);
    for (const row of db().prepare('SELECT id, name, shortcut FROM classes').all() as Array<{ id: number; name: string; shortcut: number | null }>) {
      classIds[row.name] = row.id;
      if (row.shortcut !== null) shortcuts[row.name] = row.shortcut;
    }
    server = await serveE2eStudio(studio);
  }, 300_000);

  afterAll(async () => {
    if (Object.keys(figures).length) fs.writeFileSync(path.join(E2E_OUTPUT, 'camera-figures.json'), `${JSON.stringify(figures)}\n`);
    for (const browser of browsers) await browser.close();
    await closeE2eStudio({ server, studio });
    tmp.cleanup();
  });

  describe('with the bees clip', () => {
    let page: Page;
    beforeAll(async () => {
      page = await openPage(fakeCameraArgs(clips.bees));
    }, 60_000);

    it('records 2 s into a class: every frame is written, imported and labelled with source capture, and undo takes the take back', async () => {
      await expect.poll(() => videoWidth(page), { timeout: 30_000 }).toBe(640);
      expect(await page.getByTestId('camera-device').locator('option').count()).toBeGreaterThan(0);
      await page.getByTestId('capture-class').selectOption(String(classIds.bees));
      expect(await page.getByTestId('capture-rate').inputValue()).toBe('10');
      const before = db().prepare('SELECT count(*) FROM images').pluck().get() as number;

      const hold = page.getByTestId('capture-hold');
      const box = (await hold.boundingBox())!;
      const idle = /saved in the project's captured/;
      const beesFolder = `${path.join(projectDir, 'captured', 'bees')}%`;
      const distinctImages = (paths: string[]) =>
        new Set(paths.map((p) => db().prepare('SELECT image_id FROM image_paths WHERE path = ?').pluck().get(p) as number));
      const captureLabels = () => db().prepare("SELECT count(*) FROM labels WHERE source = 'capture'").pluck().get();

      // Take 1: the button held for 2 s, nothing else going on.
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.waitForTimeout(2000);
      await page.mouse.up();
      // The take is imported once it ends; then every written frame is an image labelled bees.
      await expect.poll(() => page.getByTestId('capture-status').textContent(), { timeout: 60_000 }).toMatch(idle);
      const take1 = capturedFiles('bees');
      figures.webcam_frames_captured = take1.length;
      expect(take1.length).toBeGreaterThan(1);
      const labelled = db()
        .prepare(`SELECT p.path, l.source, l.class_id AS classId FROM image_paths p JOIN labels l ON l.image_id = p.image_id WHERE p.path LIKE ? ORDER BY p.path`)
        .all(beesFolder) as Array<{ path: string; source: string; classId: number }>;
      expect(labelled.map((r) => r.path)).toEqual([...take1].sort());
      expect(labelled.every((r) => r.source === 'capture' && r.classId === classIds.bees)).toBe(true);
      // Real frames of the clip: 640×480 JPEGs. Two grabs of the same clip frame are one image
      // (the import dedupes by content), so the new images are the distinct contents.
      const images1 = distinctImages(take1);
      expect(images1.size).toBeGreaterThan(1);
      expect(db().prepare('SELECT count(*) FROM images').pluck().get()).toBe(before + images1.size);
      expect(db().prepare(`SELECT count(*) FROM images WHERE width = 640 AND height = 480 AND format = 'jpeg' AND id IN (${[...images1].join(',')})`).pluck().get()).toBe(images1.size);
      await expect.poll(() => page.getByTestId('count').textContent()).toBe(`${before + images1.size} images`);

      // Take 2, shot on screen while recording: the class's count grows as frames are taken.
      await page.mouse.down();
      await page.waitForTimeout(800);
      expect(await hold.textContent()).toMatch(/Recording… \d+/);
      await shoot(page, 'camera-recording');
      await page.mouse.up();
      await expect.poll(() => page.getByTestId('capture-status').textContent(), { timeout: 60_000 }).toMatch(idle);
      const files = capturedFiles('bees');
      expect(files.length).toBeGreaterThan(take1.length);
      await expect.poll(() => db().prepare('SELECT count(*) FROM image_paths WHERE path LIKE ?').pluck().get(beesFolder)).toBe(files.length);
      const allImages = distinctImages(files);
      const beesNow = db().prepare('SELECT count(*) FROM labels WHERE class_id = ?').pluck().get(classIds.bees) as number;
      await expect.poll(() => page.locator('[data-testid=capture-counts] li[data-class=bees]').getAttribute('data-count')).toBe(String(beesNow));

      // Each take is one undoable action: Ctrl+Z in the library takes take 2's labels back
      // (take 1's stay), Ctrl+Y restores them.
      expect(captureLabels()).toBe(allImages.size);
      await page.keyboard.press('Control+z');
      await expect.poll(captureLabels).toBe(images1.size);
      await page.keyboard.press('Control+y');
      await expect.poll(captureLabels).toBe(allImages.size);

      // Space held records as the button does (the library's keys leave it alone).
      await page.locator('body').focus();
      await page.keyboard.down('Space');
      await page.waitForTimeout(800);
      await page.keyboard.up('Space');
      await expect.poll(() => page.getByTestId('capture-status').textContent(), { timeout: 60_000 }).toMatch(idle);
      const afterSpace = capturedFiles('bees').length;
      expect(afterSpace).toBeGreaterThan(files.length);
      await expect.poll(() => db().prepare('SELECT count(*) FROM image_paths WHERE path LIKE ?').pluck().get(beesFolder), { timeout: 60_000 }).toBe(afterSpace);

      // A single shot with the S key adds one frame.
      await page.keyboard.press('s');
      await expect.poll(() => capturedFiles('bees').length, { timeout: 30_000 }).toBe(afterSpace + 1);
      await expect.poll(() => db().prepare('SELECT count(*) FROM image_paths WHERE path LIKE ?').pluck().get(beesFolder), { timeout: 60_000 }).toBe(afterSpace + 1);
      await shoot(page, 'camera-record');
    }, 120_000);

    it('shows the model predicting the clip live, and files the current frame under a class with one key', async () => {
      await page.getByTestId('camera-tab-live').click();
      await expect.poll(() => page.getByTestId('live-bars').getAttribute('data-top'), { timeout: FIRST_PREDICTION_MS }).toBe('bees');
      // The preview keeps predicting: frames per second over a few seconds, measured, not asserted.
      const seq0 = Number(await page.getByTestId('live-bars').getAttribute('data-seq'));
      const t0 = Date.now();
      await page.waitForTimeout(4000);
      const seq1 = Number(await page.getByTestId('live-bars').getAttribute('data-seq'));
      expect(seq1).toBeGreaterThan(seq0);
      figures.live_preview_fps = Number(((seq1 - seq0) / ((Date.now() - t0) / 1000)).toFixed(2));
      expect(await page.getByTestId('live-fps').textContent()).toMatch(/\d+\.\d frames\/s/);
      expect(await page.getByTestId('live-bars').getAttribute('data-top')).toBe('bees');
      await shoot(page, 'camera-live');

      // "Add this frame to bees", three times by its number key.
      const digit = shortcuts.bees;
      expect(digit).toBeDefined();
      const capturedPaths = () => db().prepare('SELECT count(*) FROM image_paths WHERE path LIKE ?').pluck().get(`${path.join(projectDir, 'captured', 'bees')}%`);
      const capturedBefore = capturedPaths() as number;
      for (let i = 0; i < 3; i++) {
        await page.keyboard.press(String(digit));
        await page.waitForTimeout(300);
      }
      await expect.poll(capturedPaths, { timeout: 60_000 }).toBe(capturedBefore + 3);
      const filed = await page.locator('[data-testid=live-filed] li').evaluateAll((items) =>
        items.map((li) => ({ take: li.getAttribute('data-take')!, className: li.getAttribute('data-class')!, probs: JSON.parse(li.getAttribute('data-probs')!) as number[] })),
      );
      expect(filed).toHaveLength(3);

      // Agreement: the engine's prediction for each stored file equals what the bars showed for it.
      let maxDp = 0;
      for (const f of filed) {
        expect(f.className).toBe('bees');
        const stored = db()
          .prepare("SELECT p.path FROM image_paths p JOIN labels l ON l.image_id = p.image_id WHERE l.source = 'capture' AND l.class_id = ? AND p.path LIKE ?")
          .pluck()
          .all(classIds.bees, `%-${f.take.slice(0, 8)}-0001.jpg`) as string[];
        expect(stored).toHaveLength(1);
        const engine = await invoke<PredictResult>(studio, 'predict:images', { runId, images: [{ path: stored[0]! }] });
        const probs = engine.results[0]!.probs!;
        expect(probs).toHaveLength(f.probs.length);
        for (let k = 0; k < probs.length; k++) maxDp = Math.max(maxDp, Math.abs(probs[k]! - f.probs[k]!));
      }
      figures.live_preview_max_dp = maxDp;
      expect(maxDp).toBeLessThanOrEqual(1e-4);
    }, 200_000);
  });

  it('predicts ants live from the ants clip', async () => {
    const page = await openPage(fakeCameraArgs(clips.ants));
    await page.getByTestId('camera-tab-live').click();
    await expect.poll(() => page.getByTestId('live-bars').getAttribute('data-top'), { timeout: FIRST_PREDICTION_MS }).toBe('ants');
    // Another screen turns the camera off; back in the library it runs again.
    const track = () => page.evaluate(() => ((document.querySelector('[data-testid=camera-video]') as HTMLVideoElement | null)?.srcObject as MediaStream | null)?.getVideoTracks()[0]?.readyState ?? 'none');
    expect(await track()).toBe('live');
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Train', exact: true }).click();
    await expect.poll(track).toBe('ended');
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Library', exact: true }).click();
    await expect.poll(track, { timeout: 30_000 }).toBe('live');
    await page.close();
  }, 180_000);

  it('says there is no camera, and the rest of the studio carries on', async () => {
    // Prompts granted, but no camera attached.
    const page = await openPage(['--use-fake-ui-for-media-stream']);
    const problem = page.getByTestId('camera-problem');
    await problem.waitFor({ timeout: 30_000 });
    expect(await problem.getAttribute('data-kind')).toBe('none');
    expect(await problem.textContent()).toContain('No camera was found');
    expect(await page.getByTestId('capture-hold').isDisabled()).toBe(true);
    // The library around it works: the grid counts its images, labels still change by key.
    const total = db().prepare('SELECT count(*) FROM images').pluck().get() as number;
    await expect.poll(() => page.getByTestId('count').textContent()).toBe(`${total} images`);
    await page.getByTestId('camera-tab-live').click();
    await expect.poll(() => page.getByTestId('live-fps').textContent()).toBe('no picture');
    await shoot(page, 'camera-none');
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Train', exact: true }).click();
    await expect.poll(() => page.getByTestId('train-screen').isVisible()).toBe(true);
    expect(pageErrors.slice(0, 5)).toEqual([]);
  }, 60_000);
});
