// Where fine-tuning starts and what it stops on (finetune/start-head.ts): never a head that has
// seen the stop set. After a refit the final head has seen every training photo, so fine-tuning
// gets a head of the chosen kind trained without the hold-out it stops on.
import '@tensorflow/tfjs-layers';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainConfig } from '../../electron/domain/schemas.js';
import { initBackend } from '../../electron/engine/backend.js';
import { EmbeddingCache } from '../../electron/engine/embeddings/cache.js';
import { fineTuneStart } from '../../electron/engine/finetune/start-head.js';
import { seededRandom } from '../../electron/engine/images/random.js';
import { planHead } from '../../electron/engine/training/final-head.js';
import { buildHead } from '../../electron/engine/training/head.js';
import type { Example } from '../../electron/project/examples.js';
import { createProject, type Project } from '../../electron/project/project.js';
import { fakeHash } from '../helpers/seed.js';
import { tempDir } from '../helpers/temp-dir.js';

const DIM = 8;
const tmp = tempDir('studio-finetune-start-');
let project: Project;
let cache: EmbeddingCache;
const example = (i: number, split: Example['split'] = 'train'): Example => ({ imageId: i, hash: fakeHash(i), paths: [], label: i % 2, split });
const train = Array.from({ length: 80 }, (_, i) => example(i));
const val = Array.from({ length: 20 }, (_, i) => example(100 + i, 'val'));
const key = (e: Example) => ({ imageHash: e.hash, view: 0, specHash: 's' });
const ids = (set: readonly Example[]) => set.map((e) => e.imageId).sort((a, b) => a - b);

beforeAll(async () => {
  await initBackend('wasm');
  project = createProject(path.join(tmp.dir, 'p'));
  cache = new EmbeddingCache(project.db, 'bb', DIM, 'float32');
  const random = seededRandom(3);
  const all = [...train, ...val];
  cache.putMany(all.map(key), Float32Array.from({ length: all.length * DIM }, (_, j) => random() - 0.5 + (j % DIM === all[Math.floor(j / DIM)]!.label ? 1 : 0)));
});
afterAll(() => {
  project?.close();
  tmp.cleanup();
});

describe('the head fine-tuning starts from', () => {
  const config = TrainConfig.parse({ seed: 4, epochs: 5 });
  const start = (finalHead: ReturnType<typeof buildHead>, refit: boolean, valSplit: Example[]) =>
    fineTuneStart({ finalHead, refit, chosen: { kind: 'linear', param: 1e-3 }, train, valSplit, config, rows: (e) => [{ key: key(e), label: e.label }], row0: (e) => ({ key: key(e), label: e.label }), dim: DIM, nClasses: 2, cache });

  it('after a refit is a new head trained without the hold-out fine-tuning stops on', async () => {
    const finalHead = buildHead(DIM, 2, config);
    const s = await start(finalHead, true, []);
    try {
      expect(s.own).toBe(true);
      expect(s.head).not.toBe(finalHead);
      // The chosen kind: softmax regression, one dense layer.
      expect(s.head.layers.map((l) => l.name)).toEqual(['head_output']);
      expect(s.stop.length).toBeGreaterThan(0);
      expect(ids(s.stop).filter((id) => ids(s.train).includes(id))).toEqual([]);
      expect(ids([...s.train, ...s.stop])).toEqual(ids(train));
    } finally {
      s.head.dispose();
      finalHead.dispose();
    }
  });

  it("is the run's final head where that head never saw the stop set", async () => {
    const finalHead = buildHead(DIM, 2, config);
    try {
      // A validation split: no head trains on it.
      const withVal = await start(finalHead, true, val);
      expect(withVal).toMatchObject({ own: false, head: finalHead });
      expect(ids(withVal.stop)).toEqual(ids(val));
      expect(ids(withVal.train)).toEqual(ids(train));
      // No refit: the final head was early-stopped on the run's own hold-out, the same photos.
      const plan = planHead(train, [], { ...config, refit: false }, null);
      const noRefit = await start(finalHead, false, []);
      expect(noRefit).toMatchObject({ own: false, head: finalHead });
      expect(ids(noRefit.stop)).toEqual(ids(plan.folds[0]!.val));
      expect(ids(noRefit.train)).toEqual(ids(plan.folds[0]!.train));
    } finally {
      finalHead.dispose();
    }
  });
});
