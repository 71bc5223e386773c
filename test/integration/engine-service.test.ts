// The engine's channels through the studio's real handler table (the table both transports
// run): one-click train as a job with live metrics, runs, queues, "test an image", previews.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BACKBONE_ID, findBackbone } from '../../electron/engine/backbones/catalogue.js';
import { importBackboneFolder } from '../../electron/engine/backbones/install.js';
import { EngineHost } from '../../electron/worker/engine-host.js';
import type { EventPayload } from '../../electron/ipc/contract.js';
import type { BackboneEntry, PredictResult, QueueEntry, RunDetail } from '../../electron/domain/engine-schemas.js';
import type { RunSummary } from '../../electron/domain/schemas.js';
import { createStudio, type Studio } from '../../electron/services/studio.js';
import { addSplitClassFolder } from '../helpers/fixture-project.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { invoke, watchJobs } from '../helpers/studio-jobs.js';
import { tempDir } from '../helpers/temp-dir.js';

const skip = fixturesUnavailable();
if (skip) console.warn(`[engine-service] skipped: ${skip}`);

describe.skipIf(skip)('engine channels', () => {
  const tmp = tempDir('studio-engine-service-');
  const cache = path.join(tmp.dir, 'cache');
  let studio: Studio;
  let jobs: ReturnType<typeof watchJobs>;
  const metrics: Array<EventPayload<'train:metrics'>> = [];

  beforeAll(async () => {
    studio = createStudio({ checkOutput: true, engine: new EngineHost({ modelCache: cache }) });
    jobs = watchJobs(studio);
    studio.bus.listen((event, payload) => {
      if (event === 'train:metrics') metrics.push(payload as EventPayload<'train:metrics'>);
    });
    const project = studio.session.create(path.join(tmp.dir, 'project'), 'bees');
    addSplitClassFolder(project, fixture('datasets', 'hymenoptera'), { limitPerClass: 20 });
  });
  afterAll(async () => {
    jobs.stop();
    await studio.close();
    tmp.cleanup();
  });

  it('refuses to train with a backbone that is neither installed nor shipped, saying what to do', async () => {
    const result = await studio.dispatch('train:start', { config: { backboneId: 'mobilenet-v2-1.0-224' } }, { transport: 'in-process' });
    expect(result).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/Download it .* or import its model folder/) } });
    const list = await invoke<BackboneEntry[]>(studio, 'backbones:list', {});
    // The default ships with the studio: not in the cache yet, but ready (it installs on first use).
    expect(list.find((b) => b.id === DEFAULT_BACKBONE_ID)).toMatchObject({ state: 'missing', isDefault: true, shipped: true });
    expect(await invoke(studio, 'backbones:choice', {})).toMatchObject({ backboneId: DEFAULT_BACKBONE_ID, isDefault: true, ready: true, reason: null });
    expect(list.map((b) => b.id)).toEqual(expect.arrayContaining(['mobilenet-v2-1.0-224', 'mobilenet-v3-large-1.0-224', 'efficientnet-lite0-224']));
  });

  it('imports a backbone folder, then trains in one click with live curves', { timeout: 300_000 }, async () => {
    // The fixture's folder is not byte-identical to a catalogue download, so name its entry.
    await importBackboneFolder(fixture('models', 'tm-mobilenet_v2_0.35_224-backbone'), { cache, spec: findBackbone(DEFAULT_BACKBONE_ID)! });
    const list = await invoke<BackboneEntry[]>(studio, 'backbones:list', {});
    expect(list.find((b) => b.id === DEFAULT_BACKBONE_ID)?.state).toBe('installed');

    const { jobId } = await invoke<{ jobId: string }>(studio, 'train:start', { config: { augmentViews: 1 } });
    const second = await studio.dispatch('train:start', {}, { transport: 'in-process' });
    expect(second).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await jobs.finished(jobId, 120_000)).toMatchObject({ status: 'done' });

    // The backbone's conversion check is visible in the list.
    const converted = (await invoke<BackboneEntry[]>(studio, 'backbones:list', {})).find((b) => b.id === DEFAULT_BACKBONE_ID);
    expect(converted?.onnx).toMatchObject({ ok: true, reason: null, images: 8 });
    expect(converted!.onnx!.maxRel).toBeLessThanOrEqual(1e-4);

    const [run] = await invoke<RunSummary[]>(studio, 'runs:list', {});
    expect(run).toMatchObject({ status: 'done', backend: 'wasm', embedEngine: 'onnxruntime', backboneId: DEFAULT_BACKBONE_ID });
    expect(run!.valAccuracy).toBeGreaterThan(0.75);
    // "Likely mislabeled" follows the run as its own job (the Train click ends with the saved model).
    expect(await jobs.finishedKind('evaluate', 120_000)).toMatchObject({ status: 'done' });
    const detail = await invoke<RunDetail>(studio, 'runs:get', { runId: run!.id });
    expect(detail.classNames).toEqual(['ants', 'bees']);
    expect(detail.history.length).toBeGreaterThan(0);
    expect(detail.val?.confusion.flat().reduce((a, b) => a + b, 0)).toBe(40);
    expect(detail.labelsChecked).toBe(true);
    const epochs = metrics.filter((m) => m.runId === run!.id && m.batch === null);
    expect(epochs.map((m) => m.epoch)).toEqual(detail.history.map((h) => h.epoch));
    expect(metrics.some((m) => m.batch !== null)).toBe(true);
    // Every training's first batch reaches the page, though batches are thinned to ~10 a second:
    // each fold's candidates, then the final head. The page starts a new chart on it.
    const starts = metrics.filter((m) => m.runId === run!.id && m.epoch === 1 && m.batch === 1);
    expect(detail.head).not.toBeNull();
    expect(starts.length).toBeGreaterThanOrEqual(detail.head!.folds + 1);

    // Every confusion cell opens exactly as many images as it counts.
    const [ants, bees] = run!.classIds;
    for (const [t, p, count] of [[ants, ants, detail.val!.confusion[0]![0]], [ants, bees, detail.val!.confusion[0]![1]], [bees, bees, detail.val!.confusion[1]![1]]] as const) {
      const cell = await invoke<{ total: number; imageIds: number[] }>(studio, 'runs:cellImages', { runId: run!.id, split: 'val', trueClassId: t!, predictedClassId: p! });
      expect(cell.total).toBe(count);
      expect(cell.imageIds).toHaveLength(count!);
    }
  });

  it('refuses to fine-tune more blocks than it can express, with the reason', async () => {
    const { jobId } = await invoke<{ jobId: string }>(studio, 'train:start', { config: { fineTuneBlocks: 4 } });
    expect(await jobs.finished(jobId)).toMatchObject({ status: 'failed', error: expect.stringMatching(/at most 3 top blocks/) });
  });

  it('serves the label-next and likely-mislabeled queues from the run', async () => {
    const mislabeled = await invoke<QueueEntry[]>(studio, 'queue:mislabeled', { limit: 5 });
    expect(mislabeled).toHaveLength(5);
    const probs = mislabeled.map((e) => e.oofLabelProb!);
    expect([...probs].sort((a, b) => a - b)).toEqual(probs);
    // Every image here is labeled, so nothing is waiting for a label.
    expect(await invoke<QueueEntry[]>(studio, 'queue:uncertain', {})).toEqual([]);
  });

  it('tests an image dropped as bytes, and refuses a path that is not a file', async () => {
    const bytes = fs.readFileSync(fixture('datasets', 'hymenoptera', 'val', 'bees', '10870992_eebeeb3a12.jpg'));
    const result = await invoke<PredictResult>(studio, 'predict:images', { images: [{ name: 'bee.jpg', base64: bytes.toString('base64') }] });
    const probs = result.results[0]!.probs!;
    expect(probs[1]).toBeGreaterThan(probs[0]!);
    const missing = await studio.dispatch('predict:images', { images: [{ path: path.join(tmp.dir, 'nope.jpg') }] }, { transport: 'in-process' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('previews augmentation of a project image with unsaved settings', async () => {
    const augmentation = { flipHorizontal: true, flipVertical: true, rotationDeg: 30, zoom: 0.3, brightness: 0.3, contrast: 0.3, saturation: 0.3, views: 4 };
    const samples = await invoke<Array<{ view: number; webpBase64: string }>>(studio, 'augment:preview', { imageId: 1, count: 6, augmentation });
    expect(samples).toHaveLength(6);
    expect(new Set(samples.map((s) => s.webpBase64)).size).toBe(6);
  });

  it('reports the engine backend', async () => {
    const info = await invoke<{ backend: { name: string; label: string } }>(studio, 'engine:info', {});
    expect(info.backend).toMatchObject({ name: 'wasm', label: expect.stringMatching(/WebAssembly/) });
  });
});
