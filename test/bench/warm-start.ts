// npm run bench:warmstart — what a warm-started retrain (engine/training/warm-start.ts) costs in
// accuracy against the cold refit it replaces. On hymenoptera and flower_photos_small (train
// folder → training photos, val folder → the test split), for each seed: a seeded 10 % of the
// training photos is left unlabeled and the project trained from scratch (the previous run);
// they are labeled again and the project retrained three ways on the same photos: warm (one
// click's retrain), cold (the reused choice refit from scratch, as before warm starts) and the
// configured head alone (headSearch 'off', before selection). Test accuracy and head seconds
// of each; ends with one JSON line.
//
// Environment: BENCH_SEEDS=3, BENCH_DATASETS=hymenoptera,flower_photos_small.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initBackend, type BackendName } from '../../electron/engine/backend.js';
import { findBackbone } from '../../electron/engine/backbones/catalogue.js';
import { importBackboneFolder } from '../../electron/engine/backbones/install.js';
import { openEmbedder } from '../../electron/engine/embedders/open-embedder.js';
import { seededRandom, shuffleInPlace } from '../../electron/engine/images/random.js';
import { runTraining, type TrainResult } from '../../electron/engine/training/run.js';
import { TrainConfig, type TrainConfigInput } from '../../electron/domain/schemas.js';
import { loadExamples, runClasses } from '../../electron/project/examples.js';
import { applyLabels } from '../../electron/project/labels.js';
import { runDetail } from '../../electron/project/runs.js';
import { readSettings } from '../../electron/project/settings.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { fixtureProject } from '../helpers/fixture-project.js';

const skip = fixturesUnavailable();
if (skip) {
  console.log(JSON.stringify({ skipped: skip }));
  process.exit(0);
}

const SEEDS = Array.from({ length: Number(process.env.BENCH_SEEDS ?? 3) }, (_, i) => i + 1);
const DATASETS = (process.env.BENCH_DATASETS ?? 'hymenoptera,flower_photos_small').split(',');
const WITHHELD = 0.1;
const round = (x: number, digits = 4) => Number(x.toFixed(digits));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const log = (line: string) => console.log(line);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-bench-warm-'));

const backend = await initBackend((process.env.STUDIO_BACKEND as BackendName | undefined) ?? undefined);
log(`backend: ${backend.label}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const spec = findBackbone('mobilenet-v2-0.35-224')!;
const { dir: backboneDir } = await importBackboneFolder(fixture('models', spec.fixture!), { cache: path.join(work, 'models'), spec });

type Way = 'before' | 'warm' | 'cold' | 'legacy';
const figures: Record<string, number | null> = {};

for (const name of DATASETS) {
  const project = fixtureProject(path.join(work, name), fixture('datasets', name), { splits: { train: 'train', val: 'test' } });
  const classes = runClasses(project.db);
  const examples = loadExamples(project.db, classes);
  const ladder = await openEmbedder(spec, backboneDir, { samples: async () => examples.slice(0, 16).map((e) => e.paths[0]!) });
  const train = (input: TrainConfigInput) =>
    runTraining({ db: project.db, projectDir: project.dir, embedder: ladder.embedder, backbone: spec, backend, config: TrainConfig.parse({ outOfFoldK: 0, ...input }), settings: readSettings(project.db) });
  const acc: Record<Way, number[]> = { before: [], warm: [], cold: [], legacy: [] };
  const headS: Record<Way, number[]> = { before: [], warm: [], cold: [], legacy: [] };
  const note = (way: Way, run: TrainResult) => {
    acc[way].push(run.test!.accuracy);
    headS[way].push(run.timings.trainMs / 1000);
  };
  for (const seed of SEEDS) {
    const trainPhotos = examples.filter((e) => e.label >= 0 && e.split === 'train');
    const withheld = shuffleInPlace([...trainPhotos], seededRandom(`withheld:${seed}`)).slice(0, Math.round(WITHHELD * trainPhotos.length));
    applyLabels(
      project.db,
      withheld.map((e) => e.imageId),
      null,
    );
    note('before', await train({ seed, headSearch: 'always' }));
    for (const e of withheld) applyLabels(project.db, [e.imageId], classes.ids[e.label]!);
    const warm = await train({ seed });
    const head = runDetail(project.db, warm.runId)?.head as { warmStart?: unknown; coldReason?: string } | null;
    if (!head?.warmStart) throw new Error(`${name} seed ${seed}: the retrain did not start warm (${head?.coldReason ?? 'no head record'})`);
    note('warm', warm);
    // The same photos again: the reused choice refit cold (warm-start.ts), as every retrain was before.
    note('cold', await train({ seed }));
    note('legacy', await train({ seed, headSearch: 'off' }));
    log(`${name} seed ${seed}: ${withheld.length} photos withheld then labeled; test acc ${(['before', 'warm', 'cold', 'legacy'] as const).map((w) => `${w} ${round(acc[w].at(-1)!, 3)} (${round(headS[w].at(-1)!, 2)} s)`).join(', ')}`);
  }
  const short = name === 'hymenoptera' ? 'hym' : name === 'flower_photos_small' ? 'flowers' : name;
  for (const way of ['before', 'warm', 'cold', 'legacy'] as const) {
    figures[`${short}_${way}_mean`] = round(mean(acc[way]));
    figures[`${short}_${way}_head_s`] = round(mean(headS[way]), 2);
  }
  ladder.embedder.dispose();
  project.close();
}
fs.rmSync(work, { recursive: true, force: true });
console.log(JSON.stringify({ backend: backend.name, seeds: SEEDS.length, withheld: WITHHELD, ...figures }));
