// kill -9 during an import's embedding stage (issue 21), then a re-run: the cache is the
// checkpoint, so every photo ends with exactly one view-0 embedding and none is computed twice.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presentImageContents as presentImages } from '../../electron/project/images.js';
import { createProject, openProject } from '../../electron/project/project.js';
import { runTsChild } from '../helpers/child.js';
import { recordEmbeddingWrites, viewZeroWrites } from '../helpers/embed-writes.js';
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
      if (embedded >= 48 && !child.killed) child.kill('SIGKILL');
    });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');

    let db = openProject(dir);
    const afterKill = viewZeroWrites(db.db);
    expect(afterKill.total).toBeGreaterThanOrEqual(48);
    expect(afterKill.total).toBeLessThan(COUNT);
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
    expect(afterKill.total + stage! + missing!).toBe(COUNT);
    const rows = db.db.prepare('SELECT count(*) FROM embeddings WHERE view = 0').pluck().get();
    expect(rows).toBe(COUNT);
    db.close();
  });
});
