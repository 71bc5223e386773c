// A small trained project for export tests: hymenoptera (a few photos per class and split), a
// backbone from the fixtures installed into a private model cache, and one finished run trained
// in-process on tfjs (wasm) with few epochs, so that a test gets a real model in seconds.
import path from 'node:path';
import { initBackend } from '../../electron/engine/backend.js';
import { findBackbone } from '../../electron/engine/backbones/catalogue.js';
import { importBackboneFolder } from '../../electron/engine/backbones/install.js';
import { loadBackbone } from '../../electron/engine/backbones/load.js';
import { runTraining, type TrainResult } from '../../electron/engine/training/run.js';
import { TrainConfig, type TrainConfigInput } from '../../electron/domain/schemas.js';
import type { Project } from '../../electron/project/project.js';
import { readSettings, updateSettings } from '../../electron/project/settings.js';
import type { Settings } from '../../electron/domain/schemas.js';
import { fixtureProject } from './fixture-project.js';
import { fixture } from './fixtures.js';

export interface TrainedProject {
  project: Project;
  /** The model cache the backbone was installed into. */
  cache: string;
  run: TrainResult;
}

export interface TrainedProjectOptions {
  backboneId?: string;
  perClass?: number;
  config?: TrainConfigInput;
  preprocessing?: Partial<Settings['preprocessing']>;
}

/** Installs a catalogue backbone from its fixture folder into `cache`. */
export async function installFixtureBackbone(cache: string, backboneId: string) {
  const spec = findBackbone(backboneId);
  if (!spec?.fixture) throw new Error(`${backboneId} has no fixture folder`);
  return importBackboneFolder(fixture('models', spec.fixture), { cache, spec });
}

export async function trainedProject(dir: string, options: TrainedProjectOptions = {}): Promise<TrainedProject> {
  const backend = await initBackend('wasm');
  const backboneId = options.backboneId ?? 'mobilenet-v2-0.35-224';
  const cache = path.join(dir, 'cache');
  const { spec, dir: backboneDir } = await installFixtureBackbone(cache, backboneId);
  const project = fixtureProject(path.join(dir, 'project'), fixture('datasets', 'hymenoptera'), { limitPerClass: options.perClass ?? 12 });
  if (options.preprocessing) updateSettings(project.db, { preprocessing: { ...readSettings(project.db).preprocessing, ...options.preprocessing } });
  const backbone = await loadBackbone(backboneDir, spec);
  try {
    const run = await runTraining({
      db: project.db,
      projectDir: project.dir,
      embedder: backbone,
      backbone: spec,
      backboneDir,
      backend,
      config: TrainConfig.parse({ epochs: 6, augmentViews: 0, outOfFoldK: 0, ...options.config }),
      settings: readSettings(project.db),
    });
    return { project, cache, run };
  } finally {
    backbone.dispose();
  }
}
