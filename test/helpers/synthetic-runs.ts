// A project of two classes whose labeled photos have synthetic cached view-0 vectors (class c
// shifted along dimension c), trained through the real runTraining with an embedder that refuses
// to embed: head selection, refit and retrain tests know the right answer and run in seconds.
import type { BackendInfo } from '../../electron/engine/backend.js';
import { findBackbone } from '../../electron/engine/backbones/catalogue.js';
import type { Embedder } from '../../electron/engine/embedder.js';
import { EmbeddingCache, specHash, type CacheKey } from '../../electron/engine/embeddings/cache.js';
import { runPreprocessing } from '../../electron/engine/embeddings/train-keys.js';
import { seededRandom } from '../../electron/engine/images/random.js';
import type { HeadRecord } from '../../electron/engine/training/head-record.js';
import { runTraining } from '../../electron/engine/training/run.js';
import type { TrainConfig } from '../../electron/domain/schemas.js';
import { createClass } from '../../electron/project/classes.js';
import { insertImage } from '../../electron/project/images.js';
import { applyLabels } from '../../electron/project/labels.js';
import type { Project } from '../../electron/project/project.js';
import { readSettings, updateSettings } from '../../electron/project/settings.js';
import { fakeHash } from './seed.js';

export const SYNTHETIC_DIM = 16;

/**
 * `n` photos in `project` (empty), photo i of class i % 2 in split `split(i)`, labeled unless
 * `unlabeled(i)`; every photo's view-0 vector is cached (the seed-42 key).
 */
export function syntheticRunProject(project: Project, backend: BackendInfo, n: number, split: (i: number) => 'train' | 'test', unlabeled: (i: number) => boolean = () => false) {
  const spec = findBackbone('mobilenet-v2-0.35-224')!;
  updateSettings(project.db, { split: { train: 1, val: 0, test: 0, seed: 1 } });
  const settings = readSettings(project.db);
  const classIds = [0, 1].map((c) => createClass(project.db, { name: `c${c}` }).id);
  const cache = new EmbeddingCache(project.db, spec.id, SYNTHETIC_DIM);
  const hash = specHash(runPreprocessing(spec, settings), 0, settings.augmentation, 42);
  const random = seededRandom(9);
  const keys: CacheKey[] = [];
  const imageIds: number[] = [];
  const vectors = new Float32Array(n * SYNTHETIC_DIM);
  for (let i = 0; i < n; i++) {
    const { id } = insertImage(project.db, { hash: fakeHash(i), path: `/synthetic/${i}.jpg`, byteSize: 1, width: 8, height: 8, format: 'jpeg', split: split(i) });
    imageIds.push(id);
    if (!unlabeled(i)) applyLabels(project.db, [id], classIds[i % 2]!, { source: 'import' });
    vectors.set(
      Array.from({ length: SYNTHETIC_DIM }, (_, d) => (random() - 0.5) * 2 + (d === i % 2 ? 1.5 : 0)),
      i * SYNTHETIC_DIM,
    );
    keys.push({ imageHash: fakeHash(i), view: 0, specHash: hash });
  }
  cache.putMany(keys, vectors);
  const embedder: Embedder = { spec, dim: SYNTHETIC_DIM, engine: 'tfjs-wasm', embed: () => Promise.reject(new Error('served from the cache')), dispose: () => undefined };
  const train = (config: TrainConfig) => runTraining({ db: project.db, projectDir: project.dir, embedder, backbone: spec, backend, config, settings });
  const headOf = (runId: number) => (JSON.parse(project.db.prepare('SELECT metrics FROM runs WHERE id = ?').pluck().get(runId) as string) as { head?: HeadRecord }).head;
  const valLosses = (runId: number) => project.db.prepare('SELECT val_loss FROM run_epochs WHERE run_id = ? ORDER BY epoch').pluck().all(runId) as Array<number | null>;
  const probs = (runId: number) => (project.db.prepare('SELECT probs FROM predictions WHERE run_id = ? ORDER BY image_id').pluck().all(runId) as Buffer[]).map((b) => b.toString('hex'));
  /** Gives photo i its class (i % 2), or `classOf(i)`'s. */
  const label = (photos: readonly number[], classOf: (i: number) => number = (i) => i % 2) => {
    for (const i of photos) applyLabels(project.db, [imageIds[i]!], classIds[classOf(i)]!);
  };
  return { project, train, headOf, valLosses, probs, label, classIds, imageIds };
}
