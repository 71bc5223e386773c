// Teachable Machine models into a project: the real fixture export (14 labels, Japanese names,
// its own 100-unit head) imports as classes and predicts image files in plain Node exactly as its
// own library's input would; and a studio run exported in Teachable Machine's format imports
// into another project and predicts as the studio did.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resizeBilinear } from '../../electron/engine/images/resample.js';
import { fromDisk } from '../../electron/engine/model-files.js';
import { exportModel } from '../../electron/export/model/export-model.js';
import { TM_FILES } from '../../electron/export/teachable/format.js';
import { importTeachable, teachableModelDir } from '../../electron/export/teachable/import.js';
import { loadTeachableModel, predictTeachableFiles } from '../../electron/export/teachable/predict.js';
import { listClasses } from '../../electron/project/classes.js';
import { createProject } from '../../electron/project/project.js';
import { storedPredictions } from '../../electron/export/model/samples.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { hymenopteraFiles } from '../helpers/photos.js';
import { tempDir } from '../helpers/temp-dir.js';
import { trainedProject, type TrainedProject } from '../helpers/trained-project.js';

const skip = fixturesUnavailable();

describe.skipIf(skip)('Teachable Machine import', () => {
  const tmp = tempDir('studio-tm-import-');
  const TM = () => fixture('models', 'tm-mobilenet_v2_0.35_224-truncated');
  let t: TrainedProject;

  beforeAll(async () => {
    t = await trainedProject(path.join(tmp.dir, 'trained'), { perClass: 10 });
  });
  afterAll(() => {
    t?.project.close();
    tmp.cleanup();
  });

  it('imports the fixture export: its labels become classes, the model is kept in the project, and it predicts files', async () => {
    const project = createProject(path.join(tmp.dir, 'tm'));
    try {
      // One class exists already (case differs): it is reused, not duplicated.
      project.db.prepare(`INSERT INTO classes (name, color, sort_order, created_at) VALUES ('DEFAULT', '#000000', 0, 0)`).run();
      const labels = JSON.parse(fs.readFileSync(path.join(TM(), TM_FILES.metadata), 'utf8')).labels as string[];
      const result = await importTeachable({ db: project.db, projectDir: project.dir, folder: TM() });
      expect(result.labels).toEqual(labels);
      expect(result.classes.map((c) => c.name)).toEqual([...labels.slice(0, -1), 'DEFAULT']);
      expect(result.classes.filter((c) => !c.created).map((c) => c.name)).toEqual(['DEFAULT']);
      expect(listClasses(project.db)).toHaveLength(14);
      expect(fs.readdirSync(result.dir).sort()).toEqual(['metadata.json', 'model.json', 'weights.bin']);
      expect(fs.readFileSync(path.join(result.dir, 'weights.bin')).equals(fs.readFileSync(path.join(TM(), 'weights.bin')))).toBe(true);
      expect(teachableModelDir(project.db, project.dir, result.modelId).dir).toBe(result.dir);

      const files = hymenopteraFiles(2);
      const predictions = await predictTeachableFiles(result.dir, [...files, path.join(tmp.dir, 'nope.jpg')]);
      expect(predictions.slice(0, 4).every((p) => p.probs!.length === 14 && Math.abs(p.probs!.reduce((a, b) => a + b, 0) - 1) < 1e-4)).toBe(true);
      expect(predictions[4]).toMatchObject({ probs: null, label: null, error: expect.stringMatching(/nope\.jpg|no such file|Input file is missing/i) });

      // The same photo as Teachable Machine's library feeds it: its centre-crop arithmetic and a
      // bilinear resize (resample.ts, byte for byte tf.image.resizeBilinear with half-pixel
      // centres: test/unit/resize-spec.test.ts), then the plain model under x / 127 - 1.
      const model = await tfl.loadLayersModel(fromDisk(TM()));
      const full = await sharp(files[0]!).rotate().toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const data = resizeBilinear({ data: full.data, width: full.info.width, height: full.info.height }, 224, 'center-crop');
      const expected = await (model.predict(tf.sub(tf.div(tf.tensor4d(Float32Array.from(data), [1, 224, 224, 3]), 127), 1)) as tf.Tensor).data();
      const got = predictions[0]!.probs!;
      expect(Math.max(...got.map((p, i) => Math.abs(p - expected[i]!)))).toBeLessThanOrEqual(1e-5);
      // Photos differ, so do their predictions: the model is not answering a constant.
      expect(predictions[0]!.probs).not.toEqual(predictions[3]!.probs);
      model.dispose();
    } finally {
      project.close();
    }
  });

  it('refuses folders that are not a working Teachable Machine export, changing nothing', async () => {
    const project = createProject(path.join(tmp.dir, 'refuse'));
    try {
      const broken = path.join(tmp.dir, 'broken');
      fs.mkdirSync(broken);
      await expect(importTeachable({ db: project.db, projectDir: project.dir, folder: broken })).rejects.toThrow(/no model\.json/);
      fs.copyFileSync(path.join(TM(), 'model.json'), path.join(broken, 'model.json'));
      await expect(importTeachable({ db: project.db, projectDir: project.dir, folder: broken })).rejects.toThrow(/no metadata\.json/);
      fs.writeFileSync(path.join(broken, 'metadata.json'), JSON.stringify({ labels: ['a', 'b'] }));
      await expect(importTeachable({ db: project.db, projectDir: project.dir, folder: broken })).rejects.toThrow(/missing the weight file weights\.bin/);
      fs.copyFileSync(path.join(TM(), 'weights.bin'), path.join(broken, 'weights.bin'));
      await expect(importTeachable({ db: project.db, projectDir: project.dir, folder: broken })).rejects.toThrow(/has 14 outputs but metadata\.json lists 2 labels/);
      fs.writeFileSync(path.join(broken, 'metadata.json'), JSON.stringify({ labels: ['Ant', ...Array.from({ length: 12 }, (_, i) => `c${i}`), 'ant'] }));
      await expect(importTeachable({ db: project.db, projectDir: project.dir, folder: broken })).rejects.toThrow(/"Ant" and "ant" would be the same class/);
      expect(listClasses(project.db)).toEqual([]);
      expect(fs.readdirSync(path.join(project.dir, 'models'))).toEqual([]);
    } finally {
      project.close();
    }
  });

  it('round trip: a studio run exported for Teachable Machine imports elsewhere and predicts as the studio did', async () => {
    const exported = await exportModel({ db: t.project.db, projectDir: t.project.dir, modelCacheDir: t.cache, format: 'teachable' });
    const other = createProject(path.join(tmp.dir, 'round-trip'));
    try {
      const imported = await importTeachable({ db: other.db, projectDir: other.dir, folder: exported.dir });
      expect(imported.classes.map((c) => c.name)).toEqual(['ants', 'bees']);
      expect(imported.imageSize).toBe(224);
      const tm = await loadTeachableModel(imported.dir);
      const images = t.project.db.prepare(`SELECT i.id, p.path FROM images i JOIN image_paths p ON p.image_id = i.id WHERE i.split = 'val' ORDER BY i.id LIMIT 8`).all() as Array<{ id: number; path: string }>;
      const predictions = await tm.predict(images.map((i) => i.path));
      tm.dispose();
      // Against the predictions the studio stored when it trained (float16 cached embeddings).
      const stored = storedPredictions(t.project.db, t.run.runId, images.map((i) => i.id), 2);
      let maxDp = 0;
      predictions.forEach((p, row) => p.probs!.forEach((v, c) => (maxDp = Math.max(maxDp, Math.abs(v - stored[row * 2 + c]!)))));
      console.log(`[tm round trip] ${images.length} val images, max |Δp| vs the studio's stored predictions ${maxDp.toExponential(2)}`);
      expect(maxDp).toBeLessThanOrEqual(1e-3);
      predictions.forEach((p, row) => expect(p.probs![0]! > p.probs![1]!).toBe(stored[row * 2]! > stored[row * 2 + 1]!));
    } finally {
      other.close();
    }
  });
});
