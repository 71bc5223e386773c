// Dataset and predictions exports on real files with awkward names: spaces, brackets, commas,
// quotes, a line break, a Windows device name, non-Latin letters, two files of one name in one
// class, two class names that become the same folder name, a vanished file and one changed
// since import. The CSV imports back into a new project with the same labels, splits and hashes.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../electron/dataset/csv.js';
import { runImport } from '../../electron/dataset/import-job.js';
import { DATASET_CSV, exportDataset } from '../../electron/export/dataset/dataset-export.js';
import { exportPredictions, PREDICTIONS_CSV } from '../../electron/export/dataset/predictions-export.js';
import { ensureClass } from '../../electron/project/classes.js';
import { insertImage } from '../../electron/project/images.js';
import { applyLabels } from '../../electron/project/labels.js';
import { listExports } from '../../electron/project/exports.js';
import { createProject, type Project } from '../../electron/project/project.js';
import { StudioError } from '../../electron/domain/result.js';
import type { Split } from '../../electron/domain/schemas.js';
import { fixturesUnavailable } from '../helpers/fixtures.js';
import { hymenopteraFiles } from '../helpers/photos.js';
import { tempDir } from '../helpers/temp-dir.js';
import { trainedProject, type TrainedProject } from '../helpers/trained-project.js';

const skip = fixturesUnavailable();

interface Placed {
  file: string;
  label: string | null;
  split: Split;
  hash: string;
  id: number;
}

describe.skipIf(skip)('dataset export', () => {
  const tmp = tempDir('studio-export-dataset-');
  const source = path.join(tmp.dir, 'photos');
  let project: Project;
  const placed: Placed[] = [];

  beforeAll(() => {
    const photos = hymenopteraFiles(6);
    const plan: Array<{ rel: string; label: string | null; split: Split }> = [
      { rel: 'a/ant photos.jpg', label: 'ants', split: 'train' },
      { rel: 'b/ant photos.jpg', label: 'ants', split: 'train' },
      { rel: 'c/F.pergan.28(f).jpg', label: 'ants', split: 'val' },
      { rel: 'c/comma, and "quotes".jpg', label: 'ants', split: 'test' },
      { rel: 'c/line\nbreak.jpg', label: 'bees', split: 'train' },
      { rel: 'c/CON.jpg', label: 'bees', split: 'val' },
      { rel: 'c/蜂 über.jpg', label: 'Wasps?', split: 'train' },
      { rel: 'd/wasp.jpg', label: 'Wasps*', split: 'unassigned' },
      { rel: 'd/unlabeled one.jpg', label: null, split: 'train' },
      { rel: 'd/vanished.jpg', label: 'bees', split: 'train' },
      { rel: 'd/changed.jpg', label: 'bees', split: 'train' },
    ];
    project = createProject(path.join(tmp.dir, 'project'));
    plan.forEach((p, i) => {
      const file = path.join(source, p.rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.copyFileSync(photos[i % photos.length]!, file);
      // Each file distinct content (so each is its own image): append its index.
      fs.appendFileSync(file, Buffer.from([i]));
      const data = fs.readFileSync(file);
      const hash = createHash('sha256').update(data).digest('hex');
      const { id } = insertImage(project.db, { hash, path: file, byteSize: data.length, width: null, height: null, format: 'jpeg', split: p.split });
      if (p.label) applyLabels(project.db, [id], ensureClass(project.db, p.label).id, { source: 'import' });
      placed.push({ file, label: p.label, split: p.split, hash, id });
    });
    fs.rmSync(path.join(source, 'd/vanished.jpg'));
    fs.appendFileSync(path.join(source, 'd/changed.jpg'), 'edited');
  });
  afterAll(() => {
    project?.close();
    tmp.cleanup();
  });

  const readCsv = (file: string) => parseCsv(fs.readFileSync(file, 'utf8')).map((r) => r.fields);

  it('copies images into split/class folders with portable, distinct names, and lists what it left out', async () => {
    const { dir, summary } = await exportDataset({ db: project.db, projectDir: project.dir, layout: 'split-class', includeUnlabeled: true });
    const rows = readCsv(path.join(dir, DATASET_CSV));
    expect(rows[0]).toEqual(['path', 'label', 'split', 'hash']);
    const exported = rows.slice(1);
    expect(exported).toHaveLength(9);
    expect(summary).toMatchObject({ rows: 9, files: 10, skippedTotal: 2 });
    expect(summary.skipped.map((s) => s.reason).sort()).toEqual([
      'the file cannot be read (ENOENT)',
      'the file changed since it was imported (import it again to refresh its label and hash)',
    ]);
    // Every listed file exists, holds the content the hash names, and sits under split/class.
    for (const [rel, label, split, hash] of exported) {
      const data = fs.readFileSync(path.join(dir, rel!));
      expect(createHash('sha256').update(data).digest('hex')).toBe(hash);
      const [splitFolder] = rel!.split('/');
      expect(splitFolder).toBe(split === '' ? 'unassigned' : split);
      expect(placed.find((p) => p.hash === hash)).toMatchObject({ label: label === '' ? null : label });
    }
    const names = exported.map((r) => r[0]!);
    expect(names).toEqual(
      expect.arrayContaining([
        'train/ants/ant photos.jpg',
        expect.stringMatching(/^train\/ants\/ant photos~[0-9a-f]{8}\.jpg$/),
        'val/ants/F.pergan.28(f).jpg',
        'test/ants/comma, and _quotes_.jpg',
        'train/bees/line_break.jpg',
        'val/bees/_CON.jpg',
        'train/Wasps_/蜂 über.jpg',
        'unassigned/Wasps_/wasp.jpg',
        'train/unlabeled/unlabeled one.jpg',
      ]),
    );
    expect(listExports(project.db, project.dir, { limit: 1 })[0]).toMatchObject({ kind: 'dataset', format: 'split-class', status: 'done', summary: { skippedTotal: 2 } });
  });

  it('keeps two classes apart when their names make the same folder name', async () => {
    fs.mkdirSync(path.join(source, 'e'), { recursive: true });
    const file = path.join(source, 'e', 'other wasp.jpg');
    fs.copyFileSync(hymenopteraFiles(1)[0]!, file);
    fs.appendFileSync(file, 'other');
    const data = fs.readFileSync(file);
    const { id } = insertImage(project.db, { hash: createHash('sha256').update(data).digest('hex'), path: file, byteSize: data.length, width: null, height: null, format: 'jpeg', split: 'train' });
    applyLabels(project.db, [id], ensureClass(project.db, 'Wasps*').id, { source: 'import' });
    const { dir } = await exportDataset({ db: project.db, projectDir: project.dir, layout: 'class' });
    const byFolder = new Map<string, string>();
    for (const [rel, label] of readCsv(path.join(dir, DATASET_CSV)).slice(1)) {
      const folder = rel!.split('/')[0]!;
      expect(byFolder.get(folder) ?? label).toBe(label);
      byFolder.set(folder, label!);
    }
    expect([...byFolder.entries()].filter(([, l]) => l.startsWith('Wasps')).map(([f]) => f).sort()).toEqual(['Wasps_', 'Wasps_~2']);
    expect(fs.existsSync(path.join(dir, 'unlabeled'))).toBe(false);
  });

  it('writes CSV only (paths where the files are), quoted so that the studio imports it back unchanged', async () => {
    const { dir, summary } = await exportDataset({ db: project.db, projectDir: project.dir, layout: 'csv', splits: ['train', 'val', 'test', 'unassigned'] });
    expect(fs.readdirSync(dir)).toEqual([DATASET_CSV]);
    const text = fs.readFileSync(path.join(dir, DATASET_CSV), 'utf8');
    expect(text).toContain('"c/comma, and ""quotes"".jpg"'.replace('c/', `${source}/c/`));
    expect(text).toContain(`"${source}/c/line\nbreak.jpg"`);
    expect(summary.rows).toBe(9);

    const copy = createProject(path.join(tmp.dir, 'reimported'));
    try {
      const imported = await runImport(copy, { kind: 'csv', file: path.join(dir, DATASET_CSV) });
      expect(imported.counts).toMatchObject({ added: 9, problems: 0 });
      const back = copy.db
        .prepare(`SELECT i.hash, i.split, c.name AS label FROM images i LEFT JOIN labels l ON l.image_id = i.id LEFT JOIN classes c ON c.id = l.class_id ORDER BY i.hash`)
        .all() as Array<{ hash: string; split: Split; label: string | null }>;
      const rows = readCsv(path.join(dir, DATASET_CSV)).slice(1).sort((a, b) => a[3]!.localeCompare(b[3]!));
      expect(back.map((b) => [b.hash, b.label])).toEqual(rows.map(([, label, , hash]) => [hash, label || null]));
      // A split in the CSV is kept; an empty one leaves the importer to assign one.
      back.forEach((b, i) => {
        if (rows[i]![2]) expect(b.split).toBe(rows[i]![2]);
      });
      expect(rows.some((r) => r[2] === '')).toBe(true);
    } finally {
      copy.close();
    }
  });

  it('never leaves a partial folder when a copy fails, and never reuses a name', async () => {
    const exports = path.join(project.dir, 'exports');
    const before = fs.readdirSync(exports).sort();
    await expect(
      exportDataset({ db: project.db, projectDir: project.dir, layout: 'class', beforeCommit: () => Promise.reject(Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' })) }),
    ).rejects.toThrow(/the disk is read-only/);
    expect(fs.readdirSync(exports).sort()).toEqual(before);
    await exportDataset({ db: project.db, projectDir: project.dir, layout: 'csv', target: { name: 'labels for review' } });
    await expect(exportDataset({ db: project.db, projectDir: project.dir, layout: 'class', target: { name: 'labels for review' } })).rejects.toThrow(/already exists/);
    expect(fs.readdirSync(path.join(exports, 'labels for review'))).toEqual([DATASET_CSV]);
  });

  it('stops at a cancel between copies, leaving nothing and recording no failure', async () => {
    const exports = path.join(project.dir, 'exports');
    const before = fs.readdirSync(exports).sort();
    const records = listExports(project.db, project.dir, { limit: 500 }).length;
    let calls = 0;
    const checkpoint = () => {
      if (++calls > 1) throw new StudioError('cancelled', 'Cancelled.');
    };
    await expect(exportDataset({ db: project.db, projectDir: project.dir, layout: 'class', checkpoint })).rejects.toThrow(/Cancelled/);
    expect(calls).toBe(2);
    expect(fs.readdirSync(exports).sort()).toEqual(before);
    expect(listExports(project.db, project.dir, { limit: 500 })).toHaveLength(records);
  });
});

describe.skipIf(skip)('predictions export', () => {
  const tmp = tempDir('studio-export-predictions-');
  let t: TrainedProject;
  beforeAll(async () => {
    t = await trainedProject(tmp.dir, { perClass: 8 });
  });
  afterAll(() => {
    t?.project.close();
    tmp.cleanup();
  });

  it('writes every prediction of a run with its probabilities, or a filtered set', async () => {
    const { db, dir: projectDir } = t.project;
    const all = await exportPredictions({ db, projectDir });
    const rows = parseCsv(fs.readFileSync(path.join(all.dir, PREDICTIONS_CSV), 'utf8')).map((r) => r.fields);
    expect(rows[0]).toEqual(['path', 'label', 'split', 'predicted', 'confidence', 'margin', 'p_ants', 'p_bees', 'hash', 'image_id']);
    expect(rows).toHaveLength(33);
    for (const r of rows.slice(1)) {
      const [pa, pb] = [Number(r[6]), Number(r[7])];
      expect(pa + pb).toBeCloseTo(1, 4);
      expect(r[3]).toBe(pa > pb ? 'ants' : 'bees');
      expect(Number(r[4])).toBeCloseTo(Math.max(pa, pb), 5);
      expect(fs.existsSync(r[0]!)).toBe(true);
    }

    const val = await exportPredictions({ db, projectDir, runId: t.run.runId, filter: { split: 'val' } });
    expect(val.summary.rows).toBe(16);
    const wrong = await exportPredictions({ db, projectDir, filter: { disagreements: true } });
    const disagreeing = rows.slice(1).filter((r) => r[1] !== r[3]).length;
    expect(wrong.summary.rows).toBe(disagreeing);
    const unsure = await exportPredictions({ db, projectDir, filter: { maxConfidence: 0.9 } });
    expect(unsure.summary.rows).toBe(rows.slice(1).filter((r) => Number(r[4]) <= 0.9).length);
    expect(listExports(db, projectDir, { limit: 10 }).filter((e) => e.kind === 'predictions')).toHaveLength(4);
  });
});
