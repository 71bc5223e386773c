// npm run bench:finetune — what fine-tuning the top MobileNetV2 blocks gains and costs against
// the frozen one-click, on hymenoptera and flower_photos_small (each: train folder → training,
// with validation carved from it; val folder → the test split, which neither run sees before its
// final evaluation), a few seeds each, the MobileNetV2 0.35 fixture. Per seed the frozen run
// goes first (it fills the embedding cache), then the fine-tuned run on the same project (its
// extra cost: the cut activations, the fine-tuning epochs, the tuned embeddings).
// Env: FT_SEEDS (default 1,2,3), FT_BLOCKS (default 1), FT_LR, FT_EPOCHS, FT_DATASETS, STUDIO_BACKEND.
// Ends with one JSON line (hym_/flowers_ frozen and fine-tuned means, times) for bench:accuracy.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initBackend, type BackendName } from '../../electron/engine/backend.js';
import { findBackbone } from '../../electron/engine/backbones/catalogue.js';
import { importBackboneFolder } from '../../electron/engine/backbones/install.js';
import { openEmbedder } from '../../electron/engine/embedders/open-embedder.js';
import { runTraining } from '../../electron/engine/training/run.js';
import { TrainConfig } from '../../electron/domain/schemas.js';
import { readSettings } from '../../electron/project/settings.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { fixtureProject } from '../helpers/fixture-project.js';

const skip = fixturesUnavailable();
if (skip) {
  console.log(JSON.stringify({ skipped: skip }));
  process.exit(0);
}

const round = (x: number, digits = 3) => Number(x.toFixed(digits));
const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
/** null for a dataset left out (FT_DATASETS), never a made-up 0. */
const mean = (xs: number[]) => (xs.length ? avg(xs) : null);
const sd = (xs: number[]) => (xs.length ? Math.sqrt(avg(xs.map((x) => (x - avg(xs)) ** 2))) : null);
const fig = (x: number | null, digits = 3) => (x === null ? null : round(x, digits));
const seeds = (process.env.FT_SEEDS ?? '1,2,3').split(',').map(Number);
const blocks = Number(process.env.FT_BLOCKS ?? 1);
const fineTune = {
  fineTuneBlocks: blocks,
  ...(process.env.FT_LR ? { fineTuneLearningRate: Number(process.env.FT_LR) } : {}),
  ...(process.env.FT_EPOCHS ? { fineTuneEpochs: Number(process.env.FT_EPOCHS) } : {}),
};

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-bench-finetune-'));
const backend = await initBackend((process.env.STUDIO_BACKEND as BackendName | undefined) ?? undefined);
console.log(`backend: ${backend.label}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; seeds ${seeds.join(',')}; ${JSON.stringify(fineTune)}`);
const spec = findBackbone('mobilenet-v2-0.35-224')!;
const { dir: backboneDir } = await importBackboneFolder(fixture('models', spec.fixture!), { cache: path.join(work, 'models'), spec });

interface Figures {
  frozen: number[];
  tuned: number[];
  frozenS: number[];
  tunedS: number[];
  fineTuneS: number[];
  kept: number[];
}

async function dataset(name: string): Promise<Figures> {
  const project = fixtureProject(path.join(work, name), fixture('datasets', name), { splits: { train: 'train', val: 'test' } });
  const files = project.db.prepare('SELECT path FROM image_paths LIMIT 16').pluck().all() as string[];
  const { embedder } = await openEmbedder(spec, backboneDir, { samples: async () => files });
  const out: Figures = { frozen: [], tuned: [], frozenS: [], tunedS: [], fineTuneS: [], kept: [] };
  try {
    for (const seed of seeds) {
      const train = async (extra: object) => {
        const t = Date.now();
        const run = await runTraining({
          db: project.db,
          projectDir: project.dir,
          embedder,
          backbone: spec,
          backboneDir,
          backend,
          config: TrainConfig.parse({ seed, outOfFoldK: 0, ...extra }),
          settings: readSettings(project.db),
        });
        return { run, s: (Date.now() - t) / 1000 };
      };
      const frozen = await train({});
      const tuned = await train(fineTune);
      const metrics = JSON.parse(project.db.prepare('SELECT metrics FROM runs WHERE id = ?').pluck().get(tuned.run.runId) as string) as {
        fineTune: { bestEpoch: number; epochs: number; timings: { cutMs: number; trainMs: number; embedMs: number } };
      };
      const ft = metrics.fineTune;
      const ftS = (ft.timings.cutMs + ft.timings.trainMs + ft.timings.embedMs) / 1000;
      out.frozen.push(frozen.run.test!.accuracy);
      out.tuned.push(tuned.run.test!.accuracy);
      out.frozenS.push(frozen.s);
      out.tunedS.push(tuned.s);
      out.fineTuneS.push(ftS);
      out.kept.push(ft.bestEpoch);
      console.log(
        `${name} seed ${seed}: frozen ${round(frozen.run.test!.accuracy)} (${round(frozen.s, 1)} s) → fine-tuned ${round(tuned.run.test!.accuracy)} (${round(tuned.s, 1)} s; fine-tuning ${round(ftS, 1)} s = cut ${round(ft.timings.cutMs / 1000, 1)} + train ${round(ft.timings.trainMs / 1000, 1)} + embed ${round(ft.timings.embedMs / 1000, 1)}; best epoch ${ft.bestEpoch} of ${ft.epochs})`,
      );
    }
  } finally {
    embedder.dispose();
    project.close();
  }
  return out;
}

// FT_DATASETS=flower_photos_small (say) runs one dataset; its figures for the other stay empty.
const wanted = (process.env.FT_DATASETS ?? 'hymenoptera,flower_photos_small').split(',');
const none: Figures = { frozen: [], tuned: [], frozenS: [], tunedS: [], fineTuneS: [], kept: [] };
const hym = wanted.includes('hymenoptera') ? await dataset('hymenoptera') : none;
const flowers = wanted.includes('flower_photos_small') ? await dataset('flower_photos_small') : none;
fs.rmSync(work, { recursive: true, force: true });
const figures = {
  bench: 'finetune',
  backend: backend.name,
  seeds: seeds.length,
  fine_tune: fineTune,
  hym_frozen_mean: fig(mean(hym.frozen)),
  hym_frozen_sd: fig(sd(hym.frozen)),
  hym_finetune_mean: fig(mean(hym.tuned)),
  hym_finetune_sd: fig(sd(hym.tuned)),
  flowers_frozen_mean: fig(mean(flowers.frozen)),
  flowers_frozen_sd: fig(sd(flowers.frozen)),
  flowers_finetune_mean: fig(mean(flowers.tuned)),
  flowers_finetune_sd: fig(sd(flowers.tuned)),
  oneclick_train_s: fig(mean([...hym.frozenS, ...flowers.frozenS]), 1),
  finetune_train_s: fig(mean([...hym.tunedS, ...flowers.tunedS]), 1),
  finetune_extra_s: fig(mean([...hym.fineTuneS, ...flowers.fineTuneS]), 1),
  finetune_kept_frozen: [...hym.kept, ...flowers.kept].filter((e) => e === 0).length,
};
console.log(JSON.stringify(figures));
