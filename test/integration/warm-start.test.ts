// A retrain that reuses an earlier run's head choice starts from the previous run's head when
// that is fair (warm-start.ts), and refits cold otherwise: other settings or classes, the same
// photos, too many changed photos, too many warm starts in a row. Real runs (runTraining) on
// synthetic cached embeddings.
import '@tensorflow/tfjs-layers';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendInfo } from '../../electron/engine/backend.js';
import { WARM_START_EPOCHS, WARM_START_MAX_CHAIN, warmStartRefusal, type WarmBase, type WarmNow } from '../../electron/engine/training/warm-start.js';
import { TrainConfig } from '../../electron/domain/schemas.js';
import { createClass } from '../../electron/project/classes.js';
import { applyLabels } from '../../electron/project/labels.js';
import { createProject, type Project } from '../../electron/project/project.js';
import { runDetail } from '../../electron/project/runs.js';
import { syntheticRunProject } from '../helpers/synthetic-runs.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir('studio-warm-start-');
const projects: Project[] = [];
let backend: BackendInfo;
beforeAll(async () => {
  backend = await initBackend('wasm');
});
afterAll(() => {
  for (const p of projects) p.close();
  tmp.cleanup();
});

const N = 140;
const isTest = (i: number) => i % 5 === 0;
/** Training photos 100-139: unlabeled at first, labeled in batches by the tests. */
const later = Array.from({ length: N - 100 }, (_, k) => 100 + k).filter((i) => !isTest(i));
const config = TrainConfig.parse({ augmentViews: 0, outOfFoldK: 0 });

function project() {
  const p = createProject(path.join(tmp.dir, `p${projects.length}`));
  projects.push(p);
  return syntheticRunProject(p, backend, N, (i) => (isTest(i) ? 'test' : 'train'), (i) => later.includes(i));
}

describe('warm-started retrains', () => {
  it('starts a retrain after new labels from the previous head, the same seed and photos giving the same weights, and records it', async () => {
    const a = project();
    const first = await a.train(config);
    expect(a.headOf(first.runId)).toMatchObject({ reusedFrom: null, warmStart: null });
    a.label(later.slice(0, 8));
    const warm = await a.train(config);
    expect(a.headOf(warm.runId)).toMatchObject({ reusedFrom: first.runId, warmStart: { fromRun: first.runId, epochs: WARM_START_EPOCHS, chain: 1 }, refitImages: 88, refitEpochs: WARM_START_EPOCHS });
    // Its learning curve is the warm epochs on every training photo (no validation: refit on all).
    expect(a.valLosses(warm.runId)).toEqual(Array.from({ length: WARM_START_EPOCHS }, () => null));
    // Evaluate reads it through the run detail.
    expect(runDetail(a.project.db, warm.runId)?.head).toMatchObject({ warmStart: { fromRun: first.runId } });

    // The same project built again, the same labels, the same seed: the same previous head, the same warm weights.
    const b = project();
    const firstB = await b.train(config);
    expect(b.probs(firstB.runId)).toEqual(a.probs(first.runId));
    b.label(later.slice(0, 8));
    const warmB = await b.train(config);
    expect(b.headOf(warmB.runId)?.warmStart).toMatchObject({ fromRun: firstB.runId });
    expect(b.probs(warmB.runId)).toEqual(a.probs(warm.runId));

    // Nothing changed since: the cold refit, which gives what a first training on these photos gives.
    const same = await a.train(config);
    expect(a.headOf(same.runId)).toMatchObject({ warmStart: null, coldReason: `the training photos are those of run ${warm.runId}`, refitEpochs: a.headOf(first.runId)!.refitEpochs });
    expect(a.probs(same.runId)).not.toEqual(a.probs(warm.runId));
    // And again: still the same photos, still the cold refit, the same weights.
    const again = await a.train(config);
    expect(a.headOf(again.runId)).toMatchObject({ warmStart: null, coldReason: `the training photos are those of run ${same.runId}` });
    expect(a.probs(again.runId)).toEqual(a.probs(same.runId));
  }, 300_000);

  it('refits cold when the settings change, when many photos changed, and after warm starts in a row', async () => {
    const a = project();
    const first = await a.train(config);
    a.label(later.slice(0, 2));
    // Another label smoothing: a head trained for other settings is no fair start.
    const other = await a.train({ ...config, labelSmoothing: 0.2 });
    expect(a.headOf(other.runId)).toMatchObject({ reusedFrom: first.runId, warmStart: null });
    expect(a.headOf(other.runId)!.coldReason).toMatch(/settings.*changed/);
    // Warm starts in a row, each after new labels, up to the limit; then a cold refit.
    let previous = other.runId;
    for (let k = 1; k <= WARM_START_MAX_CHAIN + 1; k++) {
      a.label(later.slice(2 * k, 2 * k + 2));
      const run = await a.train({ ...config, labelSmoothing: 0.2 });
      const head = a.headOf(run.runId)!;
      if (k <= WARM_START_MAX_CHAIN) expect(head.warmStart).toEqual({ fromRun: previous, epochs: WARM_START_EPOCHS, chain: k });
      else expect(head).toMatchObject({ warmStart: null, coldReason: `${WARM_START_MAX_CHAIN} retrains in a row started warm` });
      previous = run.runId;
    }
    // Relabel a third of the training photos: too much changed for the previous head.
    a.label(
      Array.from({ length: 100 }, (_, i) => i).filter((i) => !isTest(i) && i % 3 === 0),
      (i) => 1 - (i % 2),
    );
    const relabeled = await a.train({ ...config, labelSmoothing: 0.2 });
    expect(a.headOf(relabeled.runId)).toMatchObject({ warmStart: null });
    expect(a.headOf(relabeled.runId)!.coldReason).toMatch(/^\d+ photos changed since run/);
  }, 300_000);

  it('does not start warm when the classes change (the choice is not reused either)', async () => {
    const a = project();
    await a.train(config);
    const extra = createClass(a.project.db, { name: 'c2' }).id;
    a.label(later.slice(0, 4));
    applyLabels(a.project.db, later.slice(4, 10).map((i) => a.imageIds[i]!), extra);
    const run = await a.train(config);
    expect(a.headOf(run.runId)).toMatchObject({ reusedFrom: null, warmStart: null });
    expect(a.headOf(run.runId)!.coldReason).toBeUndefined();
  }, 300_000);
});

describe('warmStartRefusal', () => {
  const chosen = { kind: 'mlp' as const, param: 128 };
  const base = (head: Partial<NonNullable<WarmBase['head']>> = {}): WarmBase => ({
    runId: 4,
    signature: 's',
    fineTuned: false,
    head: { chosen, trainDigest: 'old', labelBookmark: 10, refitImages: 100, warmStart: null, ...head },
  });
  const now: WarmNow = { signature: 's', chosen, trainDigest: 'new', trainImages: 110, fineTuneBlocks: 0 };

  it('allows a warm start only from the same head, settings and a modest change', () => {
    expect(warmStartRefusal(base(), now, 10)).toBeNull();
    expect(warmStartRefusal(base(), { ...now, signature: 't' }, 10)).toMatch(/changed since run 4/);
    expect(warmStartRefusal(base(), { ...now, chosen: { kind: 'linear', param: 1e-3 } }, 10)).toBe('run 4 kept another head');
    expect(warmStartRefusal(base(), { ...now, trainDigest: 'old' }, 0)).toBe('the training photos are those of run 4');
    expect(warmStartRefusal(base(), { ...now, fineTuneBlocks: 1 }, 10)).toMatch(/fine-tuning/);
    expect(warmStartRefusal({ ...base(), fineTuned: true }, now, 10)).toMatch(/fine-tuned/);
    expect(warmStartRefusal(base({ trainDigest: undefined }), now, 10)).toMatch(/did not record/);
    // 25 % of 110 photos may change: 27 relabelled passes, 28 does not; so does the count's change.
    expect(warmStartRefusal(base(), now, 27)).toBeNull();
    expect(warmStartRefusal(base(), now, 28)).toBe('28 photos changed since run 4');
    expect(warmStartRefusal(base({ refitImages: 70 }), now, 0)).toBe('40 photos changed since run 4');
    expect(warmStartRefusal(base({ warmStart: { fromRun: 3, epochs: 1, chain: WARM_START_MAX_CHAIN - 1 } }), now, 1)).toBeNull();
    expect(warmStartRefusal(base({ warmStart: { fromRun: 3, epochs: 1, chain: WARM_START_MAX_CHAIN } }), now, 1)).toMatch(/in a row/);
  });
});
