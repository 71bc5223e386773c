// The parts of the reliability run, in the order they run, each sized by a ReliabilityConfig.
// `npm run test:reliability` (test/reliability/run.ts) runs them all with FULL; `npm test`
// runs the same parts with QUICK (test/integration/reliability.test.ts).
import path from 'node:path';
import type { ReliabilityConfig } from './config.js';
import { exportScenario } from './crash/export-scenario.js';
import { importScenario } from './crash/import-scenario.js';
import { labelScenario } from './crash/label-scenario.js';
import { runCrashPart } from './crash/run-crash.js';
import { trainScenario } from './crash/train-scenario.js';
import { runBadFilesPart } from './bad-files/run-bad-files.js';
import { runConfinementPart } from './confinement/run-confinement.js';
import type { PartResult } from './figures.js';
import { runFuzzPart } from './fuzz/run-fuzz.js';
import { runHardeningPart } from './hardening/run-hardening.js';
import { runLoadPart } from './load/run-load.js';
import { runServePart } from './serve/run-serve.js';

export const RENDERER_DIR = path.resolve(import.meta.dirname, '../../dist/renderer');

export interface PartContext {
  /** A fresh folder for this part. */
  dir: string;
  /** Model cache with the fixture backbone, or null where fixtures are absent. */
  modelCache: string | null;
  log: (message: string) => void;
}

export interface Part {
  name: string;
  run(ctx: PartContext): Promise<Omit<PartResult, 'part' | 'seconds'>>;
}

export function reliabilityParts(config: ReliabilityConfig): Part[] {
  const { seed } = config;
  return [
    {
      name: 'crash',
      run: (ctx) =>
        runCrashPart(
          [
            { scenario: importScenario(config.crash.import.images), kills: config.crash.import.kills },
            { scenario: labelScenario(config.crash.labels.images, config.crash.labels.maxRunMs), kills: config.crash.labels.kills },
            { scenario: trainScenario(config.crash.train.perClass), kills: config.crash.train.kills },
            { scenario: exportScenario(config.crash.export.perClass), kills: config.crash.export.kills },
          ],
          { dir: ctx.dir, modelCache: ctx.modelCache, seed, log: ctx.log },
        ),
    },
    { name: 'bad files', run: (ctx) => runBadFilesPart({ dir: ctx.dir, modelCache: ctx.modelCache, rendererDir: RENDERER_DIR, watch: config.badFiles.watch, log: ctx.log }) },
    { name: 'fuzz', run: (ctx) => runFuzzPart({ dir: ctx.dir, seed, payloads: config.fuzz.payloads, modelCache: ctx.modelCache, rendererDir: RENDERER_DIR, log: ctx.log }) },
    { name: 'confinement', run: (ctx) => runConfinementPart({ dir: ctx.dir, rendererDir: RENDERER_DIR, seed, log: ctx.log }) },
    { name: 'serve', run: (ctx) => runServePart({ dir: ctx.dir, rendererDir: RENDERER_DIR }) },
    { name: 'load', run: (ctx) => runLoadPart({ dir: ctx.dir, modelCache: ctx.modelCache, rendererDir: RENDERER_DIR, seed, ...config.load, log: ctx.log }) },
    { name: 'hardening', run: (ctx) => runHardeningPart({ dir: ctx.dir, ...config.hardening, log: ctx.log }) },
  ];
}
