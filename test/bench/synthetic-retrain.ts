// The "retrain from cache on 10,000 embeddings" line of the engine benchmark: a project whose
// labeled images all have cached view-0 vectors (synthetic, class-dependent means), retrained
// through the real runTraining with an embedder that refuses to embed, so every vector must
// come from the cache.
import path from 'node:path';
import type { BackendInfo } from '../../electron/engine/backend.js';
import type { BackboneSpec } from '../../electron/engine/backbones/catalogue.js';
import type { Embedder } from '../../electron/engine/embedder.js';
import { EmbeddingCache, specHash, type CacheKey } from '../../electron/engine/embeddings/cache.js';
import { seededRandom } from '../../electron/engine/images/random.js';
import { runPreprocessing } from '../../electron/engine/embeddings/train-keys.js';
import { runTraining, type TrainResult } from '../../electron/engine/training/run.js';
import { TrainConfig, type TrainConfigInput } from '../../electron/domain/schemas.js';
import { createClass } from '../../electron/project/classes.js';
import { insertImage } from '../../electron/project/images.js';
import { applyLabels } from '../../electron/project/labels.js';
import { createProject } from '../../electron/project/project.js';
import { readSettings } from '../../electron/project/settings.js';
import { fakeHash } from '../helpers/seed.js';

export interface SyntheticRetrain {
  seconds: number;
  run: TrainResult;
}

export async function syntheticRetrain(
  dir: string,
  options: { spec: BackboneSpec; dim: number; backend: BackendInfo; images?: number; classes?: number; config?: TrainConfigInput },
): Promise<SyntheticRetrain> {
  const { spec, dim } = options;
  const images = options.images ?? 10_000;
  const project = createProject(path.join(dir, 'synthetic'));
  try {
    const settings = readSettings(project.db);
    const config = TrainConfig.parse({ augmentViews: 0, ...options.config });
    const classIds = Array.from({ length: options.classes ?? 5 }, (_, c) => createClass(project.db, { name: `class ${c}` }).id);
    const random = seededRandom('synthetic');
    const means = classIds.map(() => Float32Array.from({ length: dim }, () => random() * 2));
    const cache = new EmbeddingCache(project.db, spec.id, dim);
    const hash = specHash(runPreprocessing(spec, settings), 0, settings.augmentation, config.seed);
    project.db.transaction(() => {
      const vectors = new Float32Array(images * dim);
      const keys: CacheKey[] = [];
      for (let n = 0; n < images; n++) {
        const label = n % classIds.length;
        const { id } = insertImage(project.db, { hash: fakeHash(n), path: `/synthetic/${n}.jpg`, byteSize: 1, width: 224, height: 224, format: 'jpeg' });
        applyLabels(project.db, [id], classIds[label]!, { source: 'import' });
        for (let d = 0; d < dim; d++) vectors[n * dim + d] = Math.max(0, means[label]![d]! + (random() - 0.5) * 3);
        keys.push({ imageHash: fakeHash(n), view: 0, specHash: hash });
      }
      cache.putMany(keys, vectors);
    })();
    const noEmbedding: Embedder = {
      spec,
      dim,
      engine: 'tfjs-wasm',
      embed: () => Promise.reject(new Error('the synthetic retrain must be served from the cache')),
      dispose: () => undefined,
    };
    const started = Date.now();
    const run = await runTraining({ db: project.db, projectDir: project.dir, embedder: noEmbedding, backbone: spec, backend: options.backend, config, settings });
    return { seconds: (Date.now() - started) / 1000, run };
  } finally {
    project.close();
  }
}
