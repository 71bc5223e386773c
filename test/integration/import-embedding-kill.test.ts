// kill -9 during an import's embedding stage (issue 21), then a re-run: the cache is the
// checkpoint, so every photo ends with exactly one view-0 embedding, every training image with
// its one-click augmented view, and no vector is computed twice.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presentImageContents as presentImages } from '../../electron/project/images.js';
import { createProject, openProject } from '../../electron/project/project.js';
import { runTsChild } from '../helpers/child.js';
import { allViewWrites, recordEmbeddingWrites, viewZeroWrites } from '../helpers/embed-writes.js';
import { EmbeddingCache } from '../../electron/engine/embeddings/cache.js';
import { DEFAULT_BACKBONE_ID } from '../../electron/engine/backbones/catalogue.js';
import { oneClickViews, runPreprocessing, viewKey } from '../../electron/engine/embeddings/train-keys.js';
import { readInstall } from '../../electron/engine/backbones/model-cache.js';
import { loadExamples, runClasses } from '../../electron/project/examples.js';
import { readSettings } from '../../electron/project/settings.js';
import { fixtureModelCache } from '../reliability/model-cache.js';
import { writeSyntheticDataset } from '../helpers/synthetic-images.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir('studio-import-embed-kill-');
const source = path.join(tmp.dir, 'source');
const RUNNER = path.join(import.meta.dirname, '../helpers/import-embed-runner.ts');
const COUNT = 240;
let cache: string | null = null;

beforeAll(async () => {
  cache = await fixtureModelCache(tmp.dir);
  await writeSyntheticDataset(source, COUNT, ['cats', 'dogs', 'owls']);
});
afterAll(() => tmp.cleanup());

describe('an import killed while it embeds', () => {
  it('re-run: nothing embedded twice, nothing missing', { timeout: 600_000 }, async (ctx) => {
    if (!cache) return ctx.skip('fixtures absent: no backbone to embed with');
    const dir = path.join(tmp.dir, 'project');
    const project = createProject(dir);
    recordEmbeddingWrites(project.db);
    project.close();

    let embedded = 0;
    const killed = await runTsChild(RUNNER, [dir, source, cache], (line, child) => {
      if (line.startsWith('embedded ')) embedded = Number(line.slice(9));
      if (embedded >= 64 && !child.killed) child.kill('SIGKILL');
    });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');

    let db = openProject(dir);
    const afterKill = allViewWrites(db.db);
    expect(afterKill.total).toBeGreaterThanOrEqual(64);
    expect(viewZeroWrites(db.db).total).toBeLessThan(COUNT);
    db.close();

    let summary = '';
    const rerun = await runTsChild(RUNNER, [dir, source, cache], (line) => {
      if (line.startsWith('done ')) summary = line;
    });
    expect(rerun.code, rerun.stderr).toBe(0);
    const [, stage, missing] = /^done stage (\d+) missing (\d+)$/.exec(summary)!.map(Number);

    db = openProject(dir);
    const images = presentImages(db.db);
    expect(images).toHaveLength(COUNT);
    const writes = viewZeroWrites(db.db);
    // Every photo has its vector, each computed exactly once over both runs.
    expect(writes).toEqual({ total: COUNT, distinct: COUNT, twice: 0 });
    const all = allViewWrites(db.db);
    expect(all.twice).toBe(0);
    expect(afterKill.total + stage! + missing!).toBe(all.total);
    // Every labeled training image has the augmented view a one-click Train uses.
    const settings = readSettings(db.db);
    const train = loadExamples(db.db, runClasses(db.db)).filter((e) => e.label >= 0 && e.split === 'train');
    expect(train.length).toBeGreaterThan(COUNT / 2);
    const plan = oneClickViews(runPreprocessing(readInstall(DEFAULT_BACKBONE_ID, cache)!.spec, settings), settings);
    expect(plan.views).toBe(1);
    const views = new EmbeddingCache(db.db, DEFAULT_BACKBONE_ID, 0);
    expect(views.hasMany(train.map((e) => viewKey(plan, e.hash, 1))).every(Boolean)).toBe(true);
    const rows = db.db.prepare('SELECT count(*) FROM embeddings WHERE view = 0').pluck().get();
    expect(rows).toBe(COUNT);
    db.close();
  });
});
