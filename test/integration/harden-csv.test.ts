// Issue 20 #3: class and file names that a spreadsheet would run as formulas are neutralised in
// dataset.csv and predictions.csv (OWASP: cells starting with = + - @ tab CR), and the studio's
// CSV import undoes it, so the round trip keeps every name exactly.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isFormulaCell } from '../../electron/dataset/csv-formula.js';
import { parseCsv } from '../../electron/dataset/csv.js';
import { runImport } from '../../electron/dataset/import-job.js';
import { DATASET_CSV, exportDataset } from '../../electron/export/dataset/dataset-export.js';
import { exportPredictions, PREDICTIONS_CSV } from '../../electron/export/dataset/predictions-export.js';
import { ensureClass, listClasses, updateClass } from '../../electron/project/classes.js';
import { insertImage } from '../../electron/project/images.js';
import { applyLabels } from '../../electron/project/labels.js';
import { createProject } from '../../electron/project/project.js';
import { FORMULA_NAMES } from '../helpers/hostile-names.js';
import { fixturesUnavailable } from '../helpers/fixtures.js';
import { hymenopteraFiles } from '../helpers/photos.js';
import { tempDir } from '../helpers/temp-dir.js';
import { trainedProject } from '../helpers/trained-project.js';

const skip = fixturesUnavailable();
const tmp = tempDir('studio-csv-formula-');
afterAll(() => tmp.cleanup());


const cellsOf = (file: string) => parseCsv(fs.readFileSync(file, 'utf8')).flatMap((r) => r.fields);

describe.skipIf(skip)('CSV formula cells', () => {
  it('dataset.csv holds no formula cell, and imports back with the same class names', async () => {
    const project = createProject(path.join(tmp.dir, 'project'));
    const source = path.join(tmp.dir, 'photos');
    const photos = hymenopteraFiles(3);
    FORMULA_NAMES.forEach((name, i) => {
      // A file name that is a formula too.
      const file = path.join(source, `${i === 0 ? '=HYPERLINK("x")' : `photo-${i}`}.jpg`);
      fs.mkdirSync(source, { recursive: true });
      fs.copyFileSync(photos[i]!, file);
      const data = fs.readFileSync(file);
      const { id } = insertImage(project.db, { hash: createHash('sha256').update(data).digest('hex'), path: file, byteSize: data.length, width: null, height: null, format: 'jpeg', split: 'train' });
      applyLabels(project.db, [id], ensureClass(project.db, name).id, { source: 'human' });
    });
    const { dir } = await exportDataset({ db: project.db, projectDir: project.dir, layout: 'csv', splits: ['train'] });
    const csv = path.join(dir, DATASET_CSV);
    expect(cellsOf(csv).filter(isFormulaCell)).toEqual([]);

    const again = createProject(path.join(tmp.dir, 'again'));
    const summary = await runImport(again, { kind: 'csv', file: csv });
    expect(summary.counts).toMatchObject({ added: FORMULA_NAMES.length, labeled: FORMULA_NAMES.length, problems: 0 });
    expect(listClasses(again.db).map((c) => c.name).sort()).toEqual([...FORMULA_NAMES].sort());
    project.close();
    again.close();
  });

  it('predictions.csv holds no formula cell', async () => {
    const t = await trainedProject(path.join(tmp.dir, 'trained'), { perClass: 4 });
    try {
      const [ants, bees] = listClasses(t.project.db);
      updateClass(t.project.db, { id: ants!.id, name: FORMULA_NAMES[0]! });
      updateClass(t.project.db, { id: bees!.id, name: FORMULA_NAMES[1]! });
      const { dir } = await exportPredictions({ db: t.project.db, projectDir: t.project.dir });
      const cells = cellsOf(path.join(dir, PREDICTIONS_CSV));
      expect(cells.some((c) => c.includes('IMPORTXML'))).toBe(true);
      expect(cells.filter(isFormulaCell)).toEqual([]);
    } finally {
      t.project.close();
    }
  });
});
