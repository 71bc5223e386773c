// Child process for the embedding kill test: an import that embeds ahead of training in this
// process (the same stage, model inputs and cache writes the studio's engine worker makes),
// then the catch-up pass. Prints "embedded N" after each batch is written and, at the end,
// "done stage S missing M" (vectors the stage and the catch-up pass computed).
// Usage: import-embed-runner.ts PROJECT_DIR SOURCE_DIR MODEL_CACHE
import { initBackend } from '../../electron/engine/backend.js';
import { DEFAULT_BACKBONE_ID } from '../../electron/engine/backbones/catalogue.js';
import { readInstall } from '../../electron/engine/backbones/model-cache.js';
import type { Embedder } from '../../electron/engine/embedder.js';
import { EmbeddingCache } from '../../electron/engine/embeddings/cache.js';
import { embedMissing, embedPixels, importViews, missingViews } from '../../electron/engine/embeddings/embed-ahead.js';
import { presentImagePaths } from '../../electron/project/images.js';
import { oneClickViews, runPreprocessing } from '../../electron/engine/embeddings/train-keys.js';
import { embedderFor } from '../../electron/worker/embedder-pool.js';
import { EmbedStage } from '../../electron/dataset/embed-stage.js';
import { runImport } from '../../electron/dataset/import-job.js';
import { openProject } from '../../electron/project/project.js';
import { readSettings } from '../../electron/project/settings.js';

const [dir, source, cacheDir] = process.argv.slice(2);
if (!dir || !source || !cacheDir) throw new Error('usage: import-embed-runner.ts PROJECT_DIR SOURCE_DIR MODEL_CACHE');
process.env.STUDIO_MODEL_CACHE = cacheDir;
await initBackend('wasm');
const project = openProject(dir);
const backboneId = DEFAULT_BACKBONE_ID;
const settings = readSettings(project.db);
const plan = oneClickViews(runPreprocessing(readInstall(backboneId)!.spec, settings), settings);
let embedder: Promise<Embedder> | null = null;
const load = (samples: string[]) => (embedder ??= embedderFor(backboneId, async () => samples).then((p) => p.embedder));
const check = new EmbeddingCache(project.db, backboneId, 0);
let written = 0;
const stage = new EmbedStage(
  {
    preprocessing: plan.preprocessing,
    missing: (hash) => missingViews(check, importViews(plan), hash),
    embed: async (items) => {
      const e = await load(items.map((i) => i.path));
      // Two batches may be embedding at once (the stage's IN_FLIGHT): add after the await,
      // or both would add to the count read before it.
      const count = await embedPixels(
        e,
        new EmbeddingCache(project.db, backboneId, e.dim),
        plan,
        items.flatMap(({ hash, inputs }) => inputs.map(({ view, pixels }) => ({ hash, view, pixels }))),
      );
      written += count;
      process.stdout.write(`embedded ${written}\n`);
    },
  },
  { batchSize: 16 },
);
process.stdout.write('ready\n');
await runImport(project, { kind: 'folder', root: source }, { batchSize: 8, embed: stage });
await stage.finish();
if (stage.error) throw stage.error;
const e = await load(presentImagePaths(project.db, 16));
const missing = await embedMissing(project.db, e, new EmbeddingCache(project.db, backboneId, e.dim), plan);
project.close();
process.stdout.write(`done stage ${written} missing ${missing.embedded}\n`);
process.exit(0);
