// Deployment-pipeline parity of the Keras and TFLite exports (issue 19): their predict.py —
// the studio's own Python preprocessing (Pillow, EXIF orientation, the 'bilinear' resize) feeding
// keras.models.load_model / tf.lite.Interpreter, shown verbatim in the README — run as a user runs
// it on real photos (EXIF-rotated, enlarged and shrunk ones among them), against the studio's
// answers from the same files. Skipped with a visible message where Python's TensorFlow is absent.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportModel, type ModelExportResult } from '../../electron/export/model/export-model.js';
import { deploymentPhotos, type DeploymentPhoto } from '../helpers/deployment-photos.js';
import { fixturesUnavailable } from '../helpers/fixtures.js';
import { pythonTensorflow } from '../helpers/python-tf.js';
import { studioAnswers, worstAgainstStudio } from '../helpers/studio-answers.js';
import { tempDir } from '../helpers/temp-dir.js';
import { trainedProject, type TrainedProject } from '../helpers/trained-project.js';

const skip = fixturesUnavailable();

describe.skipIf(skip)("Keras and TFLite exports' predict.py", () => {
  const tmp = tempDir('studio-python-predict-');
  let t: TrainedProject;
  let photos: DeploymentPhoto[];
  let studio: Map<string, Float32Array>;
  const exports: Record<string, ModelExportResult> = {};

  beforeAll(async () => {
    t = await trainedProject(tmp.dir, { perClass: 6, preprocessing: { resampling: 'bilinear' } });
    photos = (await deploymentPhotos('hymenoptera', path.join(tmp.dir, 'photos'), 8)).filter((p) => p.kind !== 'regular');
    studio = await studioAnswers(t, photos.map((p) => p.file));
    for (const format of ['keras', 'tflite'] as const) exports[format] = await exportModel({ db: t.project.db, projectDir: t.project.dir, modelCacheDir: t.cache, format, sampleCount: 4 });
  }, 600_000);
  afterAll(() => {
    t?.project.close();
    tmp.cleanup();
  });

  for (const format of ['keras', 'tflite'] as const) {
    it(`${format}: predict.py ships beside the model, is the README's text, and gives the studio's answers`, () => {
      const dir = exports[format]!.dir;
      expect(exports[format]!.files).toContain('predict.py');
      const script = fs.readFileSync(path.join(dir, 'predict.py'), 'utf8');
      expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf8')).toContain(script.trimEnd());
      expect(script).toContain('ImageOps.exif_transpose');
      if (!pythonTensorflow()) return;
      const out = execFileSync('python3', [path.join(dir, 'predict.py'), ...photos.map((p) => p.file)], { encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3', CUDA_VISIBLE_DEVICES: '' }, timeout: 600_000 });
      const rows = out.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { file: string; labels: string[]; probabilities: number[] });
      expect(rows.map((r) => r.file)).toEqual(photos.map((p) => p.file));
      for (const r of rows) expect(r.labels).toEqual(['ants', 'bees']);
      const worst = worstAgainstStudio(studio, new Map(rows.map((r) => [r.file, r.probabilities])));
      console.log(`[python-predict] ${format} predict.py on ${rows.length} photos (${photos.map((p) => p.kind).join(', ')}): max |Δp| ${worst.toExponential(2)}`);
      expect(worst).toBeLessThanOrEqual(1e-4);
    }, 600_000);
  }
});
