// The export channels through the studio's real handler table, the engine worker doing the
// tensor work: a model export as a job with progress, then listed with its parity; dataset and
// predictions exports; a Teachable Machine folder imported and predicting; bad requests refused
// at once with a readable error. Also the exports table surviving the migration that made it.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineHost } from '../../electron/worker/engine-host.js';
import type { EventPayload } from '../../electron/ipc/contract.js';
import type { ExportRecord, TeachableImport } from '../../electron/domain/schemas.js';
import { openDatabase } from '../../electron/project/database.js';
import { listExports } from '../../electron/project/exports.js';
import { createStudio, type Studio } from '../../electron/services/studio.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { invoke, watchJobs } from '../helpers/studio-jobs.js';
import { tempDir } from '../helpers/temp-dir.js';
import { trainedProject, type TrainedProject } from '../helpers/trained-project.js';

const skip = fixturesUnavailable();

describe('exports table migration', () => {
  const tmp = tempDir('studio-export-migration-');
  afterAll(() => tmp.cleanup());

  it('keeps the rows of the first schema\'s exports table as model exports', () => {
    const file = path.join(tmp.dir, 'v3.sqlite');
    const old = openDatabase(file, { targetVersion: 3 });
    old.prepare(`INSERT INTO runs (id, created_at, status, config) VALUES (1, 0, 'done', '{}')`).run();
    old.prepare(`INSERT INTO models (id, run_id, created_at, backbone_id, preprocessing, labels, path) VALUES (1, 1, 0, 'b', '{}', '[]', 'models/run-1')`).run();
    old.prepare(`INSERT INTO exports (model_id, created_at, format, path, status, parity) VALUES (1, 5, 'onnx', 'exports/old', 'done', NULL)`).run();
    old.close();
    const db = openDatabase(file);
    expect(listExports(db, tmp.dir, { limit: 5 })).toMatchObject([{ kind: 'model', format: 'onnx', modelId: 1, runId: null, createdAt: 5, path: path.join(tmp.dir, 'exports/old'), status: 'done', exists: false, options: {} }]);
    // A model deleted later leaves its export's record in place.
    db.prepare('DELETE FROM models').run();
    expect(listExports(db, tmp.dir, { limit: 5 })[0]?.modelId).toBeNull();
    db.close();
  });
});

describe.skipIf(skip)('export channels', () => {
  const tmp = tempDir('studio-export-service-');
  let t: TrainedProject;
  let studio: Studio;
  let jobs: ReturnType<typeof watchJobs>;
  const progress: Array<EventPayload<'job:progress'>> = [];

  beforeAll(async () => {
    t = await trainedProject(tmp.dir, { perClass: 8 });
    t.project.close();
    studio = createStudio({ checkOutput: true, engine: new EngineHost({ modelCache: t.cache, preferBackend: 'wasm' }) });
    jobs = watchJobs(studio);
    studio.bus.listen((event, payload) => {
      if (event === 'job:progress') progress.push(payload as EventPayload<'job:progress'>);
    });
    studio.session.open(t.project.dir);
  });
  afterAll(async () => {
    jobs?.stop();
    await studio?.close();
    tmp.cleanup();
  });

  it('exports a model as a job with progress, then lists it with its parity check', async () => {
    const { jobId, exportId } = await invoke<{ jobId: string; exportId: number }>(studio, 'export:model', { format: 'onnx', sampleCount: 8, name: 'ants vs bees' });
    expect(await jobs.finished(jobId, 120_000)).toMatchObject({ status: 'done', kind: 'export' });
    expect(progress.filter((p) => p.jobId === jobId).map((p) => p.phase)).toEqual(expect.arrayContaining(['loading model', 'writing', 'checking parity', 'writing model card']));
    const [record] = await invoke<ExportRecord[]>(studio, 'export:list', {});
    // The engine worker settled the row the channel began (its own connection to the project).
    expect(record).toMatchObject({ id: exportId, kind: 'model', format: 'onnx', runId: t.run.runId, status: 'done', exists: true, passed: true, path: path.join(t.project.dir, 'exports', 'ants vs bees'), options: { sampleCount: 8, quantization: null } });
    expect(record!.parity).toMatchObject({ examples: 8, top1Agreement: 1, judged: true });
    expect(fs.existsSync(path.join(record!.path, 'model.onnx'))).toBe(true);

    // The same name again: refused by the job, the first export untouched.
    const again = await invoke<{ jobId: string }>(studio, 'export:model', { format: 'tfjs', name: 'ants vs bees' });
    expect(await jobs.finished(again.jobId, 120_000)).toMatchObject({ status: 'failed', error: expect.stringMatching(/already exists/) });
    expect(fs.existsSync(path.join(record!.path, 'model.json'))).toBe(false);
  });

  it('refuses impossible exports at once with the reason', async () => {
    const cases: Array<[unknown, string, RegExp]> = [
      [{ format: 'onnx', quantization: 'uint8' }, 'conflict', /float32 weights only/],
      [{ format: 'card', quantization: 'float16' }, 'invalid_payload', /no weights to quantize/],
      [{ format: 'tfjs', runId: 99 }, 'not_found', /no run 99/],
      [{ format: 'tfjs', modelId: 99 }, 'not_found', /no model 99/],
      [{ format: 'tfjs', name: '../escape' }, 'invalid_payload', /export name/],
      [{ format: 'tfjs', folder: '  ' }, 'invalid_payload', /Type a path/],
      [{ format: 'tfjs', folder: '~someone-else/models' }, 'invalid_payload', /only your own home folder/],
    ];
    for (const [payload, code, message] of cases) {
      const result = await studio.dispatch('export:model', payload, { transport: 'in-process' });
      expect(result.ok ? 'ok' : result.error.code, JSON.stringify(payload)).toBe(code);
      if (!result.ok) expect(result.error.message + (result.error.issues ?? []).join(' ')).toMatch(message);
    }
  });

  it('exports the dataset and the predictions as jobs', async () => {
    const dataset = await invoke<{ jobId: string }>(studio, 'export:dataset', { layout: 'class', folder: path.join(tmp.dir, 'elsewhere') });
    expect(await jobs.finished(dataset.jobId)).toMatchObject({ status: 'done' });
    const predictions = await invoke<{ jobId: string }>(studio, 'export:predictions', { filter: { split: 'val' } });
    expect(await jobs.finished(predictions.jobId)).toMatchObject({ status: 'done' });
    const [p, d] = await invoke<ExportRecord[]>(studio, 'export:list', { limit: 2 });
    expect(p).toMatchObject({ kind: 'predictions', format: 'csv', runId: t.run.runId, summary: { rows: 16 } });
    expect(d).toMatchObject({ kind: 'dataset', format: 'class', summary: { rows: 32, files: 33 } });
    expect(d!.path.startsWith(path.join(tmp.dir, 'elsewhere'))).toBe(true);
    expect(fs.readdirSync(d!.path).sort()).toEqual(['ants', 'bees', 'dataset.csv']);
  });

  it('imports a Teachable Machine model whose labels become classes, and predicts with it', async () => {
    const events: unknown[] = [];
    const stop = studio.bus.listen((event, payload) => event === 'project:changed' && events.push(payload));
    const imported = await invoke<TeachableImport>(studio, 'import:teachable', { folder: fixture('models', 'tm-mobilenet_v2_0.35_224-truncated') });
    stop();
    expect(imported.labels).toHaveLength(14);
    expect(events).toHaveLength(1);
    const bee = fixture('datasets', 'hymenoptera', 'val', 'bees', '10870992_eebeeb3a12.jpg');
    const result = await invoke<{ labels: string[]; classIds: Array<number | null>; results: Array<{ probs: number[] | null }> }>(studio, 'predict:teachable', {
      modelId: imported.modelId,
      images: [{ path: bee }, { base64: fs.readFileSync(bee).toString('base64') }],
    });
    expect(result.classIds).toEqual(imported.classes.map((c) => c.id));
    expect(result.results[0]!.probs).toHaveLength(14);
    expect(result.results[1]!.probs).toEqual(result.results[0]!.probs);

    const wrong = await studio.dispatch('predict:teachable', { modelId: 1, images: [{ path: bee }] }, { transport: 'in-process' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/trained in the studio/) } });
    const notTm = await studio.dispatch('import:teachable', { folder: tmp.dir }, { transport: 'in-process' });
    expect(notTm).toMatchObject({ ok: false, error: { code: 'invalid_payload', message: expect.stringMatching(/not a Teachable Machine export/) } });
  });
});
