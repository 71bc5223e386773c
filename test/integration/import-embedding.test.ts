// Embedding while importing (issue 21), through the studio's real import job and engine worker:
// with the backbone installed, an import leaves a view-0 embedding for every photo, equal to
// what training's own pipeline computes from the files, and the Train click after it computes
// none of them again; without a backbone the import works as before and Train embeds as today.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../electron/engine/backend.js';
import { DEFAULT_BACKBONE_ID, findBackbone } from '../../electron/engine/backbones/catalogue.js';
import { importBackboneFolder } from '../../electron/engine/backbones/install.js';
import { EmbeddingCache } from '../../electron/engine/embeddings/cache.js';
import { embedMissing } from '../../electron/engine/embeddings/embed-ahead.js';
import { presentImageContents as presentImages } from '../../electron/project/images.js';
import { viewZeroKey } from '../../electron/engine/embeddings/train-keys.js';
import { embedderFor } from '../../electron/worker/embedder-pool.js';
import { EngineHost } from '../../electron/worker/engine-host.js';
import { DB_FILE, createProject } from '../../electron/project/project.js';
import { createStudio, type Studio } from '../../electron/services/studio.js';
import { projectModel } from '../../electron/services/import-embedding.js';
import { allViewWrites, recordEmbeddingWrites, viewZeroWrites } from '../helpers/embed-writes.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { invoke, watchJobs } from '../helpers/studio-jobs.js';
import { tempDir } from '../helpers/temp-dir.js';

const skip = fixturesUnavailable();
if (skip) console.warn(`[import-embedding] skipped: ${skip}`);
const PER_CLASS = 14;

/** A class-per-folder copy of part of hymenoptera's train split. */
function photoFolder(dir: string): string {
  for (const cls of ['ants', 'bees']) {
    const from = fixture('datasets', 'hymenoptera', 'train', cls);
    fs.mkdirSync(path.join(dir, cls), { recursive: true });
    for (const f of fs.readdirSync(from).sort().slice(0, PER_CLASS)) fs.copyFileSync(path.join(from, f), path.join(dir, cls, f));
  }
  return dir;
}

async function importFolder(studio: Studio, jobs: ReturnType<typeof watchJobs>, folder: string): Promise<void> {
  const { jobId } = await invoke<{ jobId: string }>(studio, 'import:folder', { path: folder });
  const finished = await jobs.finished(jobId, 240_000);
  expect(finished, finished.error).toMatchObject({ status: 'done' });
}

async function train(studio: Studio, jobs: ReturnType<typeof watchJobs>, config: Record<string, unknown> = { augmentViews: 0, epochs: 3, outOfFoldK: 0 }): Promise<void> {
  const { jobId } = await invoke<{ jobId: string }>(studio, 'train:start', { config });
  const finished = await jobs.finished(jobId, 240_000);
  expect(finished, finished.error).toMatchObject({ status: 'done' });
}

describe.skipIf(skip)('an import with the backbone installed', () => {
  const tmp = tempDir('studio-import-embed-');
  const cache = path.join(tmp.dir, 'model-cache');
  let studio: Studio;
  let jobs: ReturnType<typeof watchJobs>;

  beforeAll(async () => {
    await importBackboneFolder(fixture('models', 'tm-mobilenet_v2_0.35_224-backbone'), { cache, spec: findBackbone(DEFAULT_BACKBONE_ID)! });
    studio = createStudio({ engine: new EngineHost({ modelCache: cache }) });
    jobs = watchJobs(studio);
  });
  afterAll(async () => {
    jobs.stop();
    await studio.close();
    tmp.cleanup();
  });

  it('leaves an embedding for every photo, equal to training’s; Train computes none again', { timeout: 600_000 }, async () => {
    const project = studio.session.create(path.join(tmp.dir, 'project'), 'bees');
    recordEmbeddingWrites(project.db);
    const folder = photoFolder(path.join(tmp.dir, 'photos'));
    const phases: string[] = [];
    const stop = studio.bus.listen((event, payload) => {
      if (event === 'job:progress') phases.push(`${(payload as { phase: string }).phase} ${(payload as { message?: string }).message ?? ''}`);
    });
    await importFolder(studio, jobs, folder);
    stop();
    expect(phases.some((p) => p.startsWith('embedding'))).toBe(true);

    const model = projectModel(project, studio.engine)!;
    const images = presentImages(project.db);
    expect(images).toHaveLength(PER_CLASS * 2);
    const ahead = new EmbeddingCache(project.db, model.backboneId, 0);
    const keys = images.map((image) => viewZeroKey(model.plan.preprocessing, image.hash));
    expect(ahead.hasMany(keys).every(Boolean)).toBe(true);
    // Each computed once: the import's stage and its catch-up pass never overlap.
    expect(viewZeroWrites(project.db)).toMatchObject({ distinct: images.length, twice: 0 });

    // What training's pipeline computes from the files (decodeForModel, same backbone, same runtime).
    process.env.STUDIO_MODEL_CACHE = cache;
    await initBackend('wasm');
    const { embedder } = await embedderFor(model.backboneId, async () => images.flatMap((i) => i.paths));
    const scratch = createProject(path.join(tmp.dir, 'scratch'));
    fs.rmSync(path.join(scratch.dir, 'thumbs'), { recursive: true, force: true });
    scratch.db.exec(`ATTACH DATABASE '${path.join(project.dir, DB_FILE).replaceAll("'", "''")}' AS source`);
    scratch.db.exec(`INSERT INTO images SELECT * FROM source.images; INSERT INTO image_paths SELECT * FROM source.image_paths;`);
    scratch.db.exec('DETACH DATABASE source');
    const fresh = new EmbeddingCache(scratch.db, model.backboneId, embedder.dim);
    const reference = await embedMissing(scratch.db, embedder, fresh, { ...model.plan, views: 0 });
    expect(reference).toMatchObject({ embedded: images.length, cached: 0, failed: [] });
    const a = new Float32Array(keys.length * embedder.dim);
    const b = new Float32Array(keys.length * embedder.dim);
    new EmbeddingCache(project.db, model.backboneId, embedder.dim).readKeys(keys, a);
    fresh.readKeys(keys, b);
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
    expect(maxDiff).toBeLessThanOrEqual(1e-5);
    scratch.close();

    // The one-click Train right after (its augmented view included) finds every vector it needs.
    const before = allViewWrites(project.db);
    expect(before.twice).toBe(0);
    // Every view of every photo came from the import's own decode (val and test photos' too:
    // the split is drawn at the end), so the catch-up pass decoded nothing again.
    expect(model.plan.views).toBeGreaterThan(0);
    expect(before.total).toBe(images.length * (1 + model.plan.views));
    await train(studio, jobs, { epochs: 3, outOfFoldK: 0 });
    expect(allViewWrites(project.db).total).toBe(before.total);

    // Photos that arrive later, in a watched folder, are embedded the same way.
    const watched = path.join(tmp.dir, 'watched');
    fs.mkdirSync(watched);
    const more = fs.readdirSync(fixture('datasets', 'hymenoptera', 'val', 'bees')).sort().slice(0, 3);
    fs.copyFileSync(fixture('datasets', 'hymenoptera', 'val', 'bees', more[0]!), path.join(watched, more[0]!));
    const { reconcile } = await invoke<{ reconcile: { jobId: string } }>(studio, 'watch:add', { path: watched });
    expect(await jobs.finished(reconcile.jobId, 240_000)).toMatchObject({ status: 'done' });
    for (const f of more.slice(1)) fs.copyFileSync(fixture('datasets', 'hymenoptera', 'val', 'bees', f), path.join(watched, f));
    const expected = images.length + more.length;
    const until = Date.now() + 240_000;
    while (presentImages(project.db).length < expected || !ahead.hasMany(presentImages(project.db).map((i) => viewZeroKey(model.plan.preprocessing, i.hash))).every(Boolean)) {
      if (Date.now() > until) throw new Error(`watched photos not embedded: ${JSON.stringify(viewZeroWrites(project.db))}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(viewZeroWrites(project.db)).toMatchObject({ distinct: expected, twice: 0 });
  });

  it('cancelling the import job stops the embedding too; importing again completes it, once each', { timeout: 600_000 }, async () => {
    const project = studio.session.create(path.join(tmp.dir, 'cancelled'), 'cancelled');
    recordEmbeddingWrites(project.db);
    const folder = path.join(tmp.dir, 'photos-cancelled');
    photoFolder(folder);
    let jobId = '';
    const stop = studio.bus.listen((event, payload) => {
      const p = payload as { jobId: string; message?: string; phase: string };
      if (event === 'job:progress' && p.jobId === jobId && (p.phase === 'embedding' || p.message?.startsWith('embedding'))) {
        void studio.dispatch('jobs:cancel', { jobId }, { transport: 'in-process' });
      }
    });
    ({ jobId } = await invoke<{ jobId: string }>(studio, 'import:folder', { path: folder }));
    expect(await jobs.finished(jobId, 240_000)).toMatchObject({ status: 'cancelled' });
    stop();
    const partial = viewZeroWrites(project.db);
    expect(partial.twice).toBe(0);
    expect(partial.total).toBeLessThan(PER_CLASS * 2);

    await importFolder(studio, jobs, folder);
    expect(viewZeroWrites(project.db)).toEqual({ total: PER_CLASS * 2, distinct: PER_CLASS * 2, twice: 0 });
  });
});

describe.skipIf(skip)('an import without a backbone', () => {
  const tmp = tempDir('studio-import-no-backbone-');
  const cache = path.join(tmp.dir, 'model-cache');
  const resources = path.join(tmp.dir, 'resources');
  let studio: Studio;
  let jobs: ReturnType<typeof watchJobs>;
  const saved = process.env.STUDIO_RESOURCES;

  beforeAll(() => {
    // A studio whose default backbone neither ships nor is in the model cache.
    fs.mkdirSync(resources, { recursive: true });
    const catalogue = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../resources/backbones.json'), 'utf8')) as { backbones: Array<Record<string, unknown>> };
    for (const b of catalogue.backbones) delete b.shipped;
    fs.writeFileSync(path.join(resources, 'backbones.json'), JSON.stringify(catalogue));
    process.env.STUDIO_RESOURCES = resources;
    studio = createStudio({ engine: new EngineHost({ modelCache: cache }) });
    jobs = watchJobs(studio);
  });
  afterAll(async () => {
    jobs.stop();
    await studio.close();
    if (saved === undefined) delete process.env.STUDIO_RESOURCES;
    else process.env.STUDIO_RESOURCES = saved;
    tmp.cleanup();
  });

  it('imports as before (no engine, no embeddings); Train then embeds as today', { timeout: 600_000 }, async () => {
    const project = studio.session.create(path.join(tmp.dir, 'project'), 'bees');
    recordEmbeddingWrites(project.db);
    await importFolder(studio, jobs, photoFolder(path.join(tmp.dir, 'photos')));
    expect(project.db.prepare('SELECT count(*) FROM images').pluck().get()).toBe(PER_CLASS * 2);
    expect(project.db.prepare('SELECT count(*) FROM embeddings').pluck().get()).toBe(0);
    expect(studio.engine.started).toBe(false);

    await importBackboneFolder(fixture('models', 'tm-mobilenet_v2_0.35_224-backbone'), { cache, spec: findBackbone(DEFAULT_BACKBONE_ID)! });
    await train(studio, jobs);
    expect(viewZeroWrites(project.db)).toMatchObject({ distinct: PER_CLASS * 2, twice: 0 });
  });
});
