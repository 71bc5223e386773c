// Moving a project recorded before issue 22 (sharp's Lanczos3) to the 'bilinear' resize: an
// explicit, confirmed action (CLI `resampling PROJECT bilinear --yes`; the settings:resampling
// channel behind the Augment screen's button). Without the confirmation nothing changes; after
// it the next train embeds every photo again under the new spec's cache keys, the run records
// 'bilinear', and the earlier run keeps its Lanczos3 spec and its cached embeddings.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../electron/engine/backend.js';
import { loadBackbone } from '../../electron/engine/backbones/load.js';
import { readRunConfig, runTraining } from '../../electron/engine/training/run.js';
import { TrainConfig } from '../../electron/domain/schemas.js';
import { openProject, type Project } from '../../electron/project/project.js';
import { previewBilinearSwitch, switchToBilinear } from '../../electron/project/resampling.js';
import { readSettings, updateSettings } from '../../electron/project/settings.js';
import { runCliChild } from '../helpers/cli.js';
import { fixtureProject } from '../helpers/fixture-project.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';
import { installFixtureBackbone } from '../helpers/trained-project.js';

const skip = fixturesUnavailable();

async function train(project: Project, cache: string) {
  const backend = await initBackend('wasm');
  const { spec, dir } = await installFixtureBackbone(cache, 'mobilenet-v2-0.35-224');
  const backbone = await loadBackbone(dir, spec);
  try {
    return await runTraining({ db: project.db, projectDir: project.dir, embedder: backbone, backbone: spec, backend, config: TrainConfig.parse({ epochs: 3, augmentViews: 0, outOfFoldK: 0 }), settings: readSettings(project.db) });
  } finally {
    backbone.dispose();
  }
}

const embeddings = (project: Project) => project.db.prepare('SELECT count(*) FROM embeddings').pluck().get() as number;

describe.skipIf(skip !== null)('switching a Lanczos3 project to bilinear', () => {
  const tmp = tempDir('studio-resampling-');
  afterAll(() => tmp.cleanup());

  it('needs the confirmation, re-embeds on the next train and records the spec per run', async () => {
    const cache = path.join(tmp.dir, 'cache');
    const dir = path.join(tmp.dir, 'project');
    let project = fixtureProject(dir, fixture('datasets', 'hymenoptera'), { limitPerClass: 4 });
    // A project from before issue 22 has no recorded preprocessing: it means Lanczos3.
    project.db.prepare("DELETE FROM settings WHERE key = 'preprocessing'").run();
    expect(readSettings(project.db).preprocessing.resampling).toBeUndefined();
    const images = project.db.prepare('SELECT count(*) FROM images').pluck().get() as number;
    const old = await train(project, cache);
    expect(readRunConfig(project.db, old.runId).preprocessing.resampling).toBeUndefined();
    const oldVectors = embeddings(project);
    expect(oldVectors).toBeGreaterThanOrEqual(images);
    project.close();

    const preview = await runCliChild(['resampling', dir, 'bilinear', '--json']);
    expect(preview.code).toBe(0);
    expect(preview.json()).toMatchObject({ previous: 'lanczos3', previousColourProfile: 'convert', changed: true, switched: false, imagesToEmbed: images, cachedVectorsKept: oldVectors });
    project = openProject(dir);
    expect(readSettings(project.db).preprocessing.resampling).toBeUndefined();
    project.close();

    const wrong = await runCliChild(['resampling', dir, 'lanczos3']);
    expect(wrong.code).toBe(2);

    const done = await runCliChild(['resampling', dir, 'bilinear', '--yes']);
    expect(done.code).toBe(0);
    expect(done.stdout.join('\n')).toContain(`The next train embeds all ${images} photos again`);
    project = openProject(dir);
    try {
      expect(readSettings(project.db).preprocessing).toEqual({ inputSize: 224, resizeMode: 'center-crop', scaling: 'minus1to1', resampling: 'bilinear', colourProfile: 'ignore' });
      const next = await train(project, cache);
      expect(readRunConfig(project.db, next.runId).preprocessing).toMatchObject({ resampling: 'bilinear', colourProfile: 'ignore' });
      // New cache keys: every photo embedded again; the old run's vectors are still there.
      expect(embeddings(project)).toBe(oldVectors * 2);
      expect(readRunConfig(project.db, old.runId).preprocessing.resampling).toBeUndefined();
    } finally {
      project.close();
    }

    const again = await runCliChild(['resampling', dir, 'bilinear', '--yes', '--json']);
    expect(again.json()).toMatchObject({ changed: false, switched: false });

    // A project recorded with bilinear before colour profiles were ignored moves too.
    project = openProject(dir);
    try {
      updateSettings(project.db, { preprocessing: { inputSize: 224, resizeMode: 'center-crop', scaling: 'minus1to1', resampling: 'bilinear' } });
      expect(previewBilinearSwitch(project.db)).toMatchObject({ previous: 'bilinear', previousColourProfile: 'convert', changed: true, imagesToEmbed: images });
      expect(switchToBilinear(project.db).settings.preprocessing.colourProfile).toBe('ignore');
    } finally {
      project.close();
    }
  }, 600_000);
});
