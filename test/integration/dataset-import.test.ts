// Import on real files: a generated corpus of awkward files, the hymenoptera fixture read in
// place, CSV and file-list imports, re-runs, edits and moves.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importReport } from '../../electron/project/dataset-catalog.js';
import { runImport } from '../../electron/dataset/import-job.js';
import { thumbPath } from '../../electron/dataset/thumbnails.js';
import { ensureClass } from '../../electron/project/classes.js';
import { applyLabels } from '../../electron/project/labels.js';
import { createProject, type Project } from '../../electron/project/project.js';
import { writeBadCorpus, type Expectation } from '../helpers/bad-corpus.js';
import { datasetSnapshot } from '../helpers/dataset-snapshot.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { writeSyntheticJpeg } from '../helpers/synthetic-images.js';
import { tempDir } from '../helpers/temp-dir.js';

interface ImageDetail {
  id: number;
  hash: string;
  format: string;
  width: number;
  height: number;
  channels: number;
  orientation: number;
  present: number;
  className: string | null;
  source: string | null;
}

function imageAt(project: Project, file: string): ImageDetail | undefined {
  return project.db
    .prepare(
      `SELECT i.id, i.hash, i.format, i.width, i.height, i.channels, i.orientation, p.present, c.name AS className, l.source
       FROM image_paths p JOIN images i ON i.id = p.image_id LEFT JOIN labels l ON l.image_id = i.id LEFT JOIN classes c ON c.id = l.class_id
       WHERE p.path = ?`,
    )
    .get(file) as ImageDetail | undefined;
}

describe('a corpus of awkward files', () => {
  const tmp = tempDir();
  const source = path.join(tmp.dir, 'source');
  let project: Project;
  let expected: Map<string, Expectation>;

  beforeAll(async () => {
    expected = await writeBadCorpus(source);
    project = createProject(path.join(tmp.dir, 'project'));
  });
  afterAll(() => {
    project.close();
    tmp.cleanup();
  });

  it('imports every usable file and reports every other one with its reason, without stopping', async () => {
    const summary = await runImport(project, { kind: 'folder', root: source });
    expect(summary.status).toBe('done');
    const report = importReport(project.db, summary.id)!;
    const reported = new Map(report.problems.map((p) => [p.path, p]));
    for (const [file, want] of expected) {
      const name = JSON.stringify(path.relative(source, file));
      if ('reason' in want) {
        expect(reported.get(file)?.reason, `${name} should be reported`).toBe(want.reason);
        expect(reported.get(file)?.message.length, name).toBeGreaterThan(10);
        expect(imageAt(project, file), `${name} must not be imported`).toBeUndefined();
      } else {
        const image = imageAt(project, file);
        expect(image, `${name} should be imported`).toBeDefined();
        expect(image, name).toMatchObject({ ...want.imported, present: 1, className: 'things', source: 'import' });
      }
    }
    // Nothing else was reported, and hidden files were skipped on purpose, not reported.
    expect([...reported.keys()].sort()).toEqual([...expected].filter(([, e]) => 'reason' in e).map(([f]) => f).sort());
    expect(summary.counts).toMatchObject({ problems: reported.size, ignored: 1 });
    expect(summary.layout).toBe('class');
  });

  it('stores a copy (here a symbolic link to the same file) once, with both paths', () => {
    const good = imageAt(project, path.join(source, 'things/good.jpg'))!;
    const link = imageAt(project, path.join(source, 'things/link-to-good.jpg'))!;
    expect(link.id).toBe(good.id);
    expect(project.db.prepare('SELECT count(*) FROM image_paths WHERE image_id = ?').pluck().get(good.id)).toBe(2);
  });

  it('writes a 256 px WebP thumbnail per content, turned upright and with its alpha kept', async () => {
    for (const [file, want] of expected) {
      if (!('imported' in want)) continue;
      const image = imageAt(project, file)!;
      const meta = await sharp(thumbPath(project.dir, image.hash)).metadata();
      expect(meta.format).toBe('webp');
      expect(Math.max(meta.width, meta.height)).toBe(Math.min(256, Math.max(want.imported.width, want.imported.height)));
      // Upright: the thumbnail has the shape the image is displayed with.
      expect(Math.sign(meta.width - meta.height)).toBe(Math.sign(want.imported.width - want.imported.height));
    }
    const alpha = imageAt(project, path.join(source, 'things/alpha.png'))!;
    const stats = await sharp(thumbPath(project.dir, alpha.hash)).stats();
    expect(stats.isOpaque).toBe(false);
    expect(fs.readdirSync(path.join(project.dir, 'thumbs/.partial'))).toEqual([]);
  });

  it('adds nothing on a second import of the same folder, and changes nothing', async () => {
    const before = datasetSnapshot(project.db, project.dir);
    const again = await runImport(project, { kind: 'folder', root: source });
    expect(again.counts).toMatchObject({ added: 0, duplicates: 0, updated: 0, restored: 0, missing: 0, labeled: 0 });
    expect(again.counts!.unchanged).toBe(before.paths.length);
    expect(datasetSnapshot(project.db, project.dir)).toEqual(before);
  });
});

describe.skipIf(fixturesUnavailable())('the hymenoptera fixture', () => {
  const root = fixture('datasets', 'hymenoptera');
  const tmp = tempDir();
  let project: Project;
  beforeAll(() => {
    project = createProject(path.join(tmp.dir, 'project'));
  });
  afterAll(() => {
    project.close();
    tmp.cleanup();
  });

  it('reads split/class folders: 398 images, the classes and splits the fixture documents', async () => {
    const summary = await runImport(project, { kind: 'folder', root });
    expect(summary).toMatchObject({ status: 'done', layout: 'split/class' });
    expect(summary.counts).toMatchObject({ added: 398, duplicates: 0, labeled: 398 });
    const counts = project.db
      .prepare(
        `SELECT i.split, c.name, count(*) AS n FROM images i JOIN labels l ON l.image_id = i.id JOIN classes c ON c.id = l.class_id
         GROUP BY i.split, c.name ORDER BY i.split, c.name`,
      )
      .all();
    // README: train 124/121, val 70/83.
    expect(counts).toEqual([
      { split: 'train', name: 'ants', n: 124 },
      { split: 'train', name: 'bees', n: 121 },
      { split: 'val', name: 'ants', n: 70 },
      { split: 'val', name: 'bees', n: 83 },
    ]);
    expect(project.db.prepare(`SELECT count(*) FROM images WHERE split_source <> 'folder'`).pluck().get()).toBe(0);
    // The checksum list beside the folders is not an image, and says so.
    expect(importReport(project.db, summary.id)!.problems).toEqual([
      { path: path.join(root, 'SHA256SUMS'), reason: 'not_image', message: expect.stringContaining('not an image') },
    ]);
  });

  it('keeps the odd names and formats of the fixture', () => {
    expect(imageAt(project, path.join(root, 'train/ants/imageNotFound.gif'))).toMatchObject({ format: 'gif', width: 300, height: 300, className: 'ants' });
    const spaced = fs.readdirSync(path.join(root, 'train/ants')).filter((n) => n.includes(' ') || n.includes('('));
    expect(spaced.length).toBeGreaterThan(0);
    for (const name of spaced) expect(imageAt(project, path.join(root, 'train/ants', name)), name).toBeDefined();
  });

  it('reuses existing classes by name on the next import (case-insensitive)', async () => {
    const other = path.join(tmp.dir, 'more');
    await writeSyntheticJpeg(path.join(other, 'ANTS', 'new ant.jpg'), 77);
    const summary = await runImport(project, { kind: 'folder', root: other });
    expect(summary.counts).toMatchObject({ added: 1 });
    expect(project.db.prepare('SELECT name FROM classes ORDER BY id').pluck().all()).toEqual(['ants', 'bees']);
    expect(imageAt(project, path.join(other, 'ANTS', 'new ant.jpg'))?.className).toBe('ants');
  });
});

describe('CSV and file-list imports', () => {
  const tmp = tempDir();
  let project: Project;
  beforeAll(async () => {
    project = createProject(path.join(tmp.dir, 'project'));
    for (const [i, name] of ['a.jpg', 'b, with comma.jpg', 'c "quoted".jpg', 'multi\nline.jpg', 'e.jpg'].entries()) {
      await writeSyntheticJpeg(path.join(tmp.dir, 'pics', name), 500 + i);
    }
  });
  afterAll(() => {
    project.close();
    tmp.cleanup();
  });

  it('reads path,label,split rows with quoting, relative paths and bad rows reported', async () => {
    const csv = path.join(tmp.dir, 'labels.csv');
    fs.writeFileSync(
      csv,
      [
        'filename,label,split',
        'pics/a.jpg,cat,train',
        '"pics/b, with comma.jpg","big, fluffy",val',
        '"pics/c ""quoted"".jpg",dog,TEST',
        // A quoted field keeps its newline (here a bare \n inside a file that ends lines with \r\n).
        '"pics/multi\nline.jpg",dog,',
        `${path.join(tmp.dir, 'pics', 'e.jpg')},,`,
        'pics/missing.jpg,cat,train',
        'pics/a.jpg,dog,train',
        'pics/e.jpg,cat,holdout',
        '',
      ].join('\r\n'),
    );
    const summary = await runImport(project, { kind: 'csv', file: csv });
    expect(summary.layout).toBe('csv');
    const pic = (name: string) => imageAt(project, path.join(tmp.dir, 'pics', name));
    expect(pic('a.jpg')).toMatchObject({ className: 'cat' });
    expect(pic('b, with comma.jpg')).toMatchObject({ className: 'big, fluffy' });
    expect(pic('c "quoted".jpg')).toMatchObject({ className: 'dog' });
    expect(pic('multi\nline.jpg')).toMatchObject({ className: 'dog' });
    expect(pic('e.jpg')).toMatchObject({ className: null });
    const splits = project.db.prepare('SELECT p.path, i.split, i.split_source FROM images i JOIN image_paths p ON p.image_id = i.id').all() as Array<{ path: string; split: string; split_source: string }>;
    const splitOf = (name: string) => splits.find((s) => s.path === path.join(tmp.dir, 'pics', name));
    expect(splitOf('a.jpg')).toMatchObject({ split: 'train', split_source: 'csv' });
    expect(splitOf('b, with comma.jpg')).toMatchObject({ split: 'val', split_source: 'csv' });
    expect(splitOf('c "quoted".jpg')).toMatchObject({ split: 'test', split_source: 'csv' });
    const problems = importReport(project.db, summary.id)!.problems.map((p) => [path.basename(p.path), p.reason, p.message]);
    expect(problems).toEqual([
      ['a.jpg:9', 'bad_row', expect.stringContaining('already listed on line 2')],
      ['e.jpg', 'bad_row', expect.stringContaining('unknown split "holdout"')],
      ['missing.jpg', 'not_found', expect.any(String)],
    ]);
  });

  it('checks each dropped path on the main side: files, folders and paths that do not exist', async () => {
    const dropped = path.join(tmp.dir, 'dropped');
    await writeSyntheticJpeg(path.join(dropped, 'loose.jpg'), 900);
    await writeSyntheticJpeg(path.join(dropped, 'folder', 'owls', 'owl.jpg'), 901);
    const summary = await runImport(project, {
      kind: 'files',
      paths: [path.join(dropped, 'loose.jpg'), path.join(dropped, 'folder'), path.join(dropped, 'nope.jpg')],
    });
    expect(summary.counts).toMatchObject({ added: 2, problems: 1 });
    expect(imageAt(project, path.join(dropped, 'loose.jpg'))).toMatchObject({ className: null });
    expect(imageAt(project, path.join(dropped, 'folder', 'owls', 'owl.jpg'))).toMatchObject({ className: 'owls' });
    expect(importReport(project.db, summary.id)!.problems).toEqual([{ path: path.join(dropped, 'nope.jpg'), reason: 'not_found', message: expect.any(String) }]);
  });
});

describe('files that change between imports', () => {
  const tmp = tempDir();
  const source = path.join(tmp.dir, 'source');
  let project: Project;
  beforeAll(async () => {
    project = createProject(path.join(tmp.dir, 'project'));
    for (let i = 0; i < 4; i++) await writeSyntheticJpeg(path.join(source, 'cats', `cat${i}.jpg`), 40 + i);
    await runImport(project, { kind: 'folder', root: source });
  });
  afterAll(() => {
    project.close();
    tmp.cleanup();
  });

  it('re-hashes an edited file and keeps its image id, label and split', async () => {
    const file = path.join(source, 'cats', 'cat0.jpg');
    const before = imageAt(project, file)!;
    const split = project.db.prepare('SELECT split FROM images WHERE id = ?').pluck().get(before.id);
    await writeSyntheticJpeg(file, 4242);
    const summary = await runImport(project, { kind: 'folder', root: source });
    expect(summary.counts).toMatchObject({ updated: 1, added: 0, unchanged: 3 });
    const after = imageAt(project, file)!;
    expect(after).toMatchObject({ id: before.id, className: 'cats' });
    expect(after.hash).not.toBe(before.hash);
    expect(project.db.prepare('SELECT split FROM images WHERE id = ?').pluck().get(before.id)).toBe(split);
  });

  it('marks a deleted file missing with its label kept, and finds it again by hash after a move', async () => {
    const file = path.join(source, 'cats', 'cat1.jpg');
    const image = imageAt(project, file)!;
    const moved = path.join(source, 'cats', 'older', 'renamed cat.jpg');
    fs.mkdirSync(path.dirname(moved));
    fs.renameSync(file, path.join(tmp.dir, 'parked.jpg'));
    const gone = await runImport(project, { kind: 'folder', root: source });
    expect(gone.counts).toMatchObject({ missing: 1 });
    expect(project.db.prepare('SELECT status FROM images WHERE id = ?').pluck().get(image.id)).toBe('missing');
    expect(imageAt(project, file)).toMatchObject({ present: 0, className: 'cats' });

    fs.renameSync(path.join(tmp.dir, 'parked.jpg'), moved);
    const back = await runImport(project, { kind: 'folder', root: source });
    expect(back.counts).toMatchObject({ restored: 1, added: 0 });
    // Same content, same image: its label stays (a human's or the import's) and it is 'ok' again.
    expect(imageAt(project, moved)).toMatchObject({ id: image.id, present: 1, className: 'cats' });
    expect(project.db.prepare('SELECT status FROM images WHERE id = ?').pluck().get(image.id)).toBe('ok');
  });

  it('moves an import label with its file into another class folder, but never a human label', async () => {
    const importLabeled = path.join(source, 'cats', 'cat2.jpg');
    const humanLabeled = path.join(source, 'cats', 'cat3.jpg');
    const human = imageAt(project, humanLabeled)!;
    const birds = ensureClass(project.db, 'birds').id;
    applyLabels(project.db, [human.id], birds);
    fs.mkdirSync(path.join(source, 'dogs'));
    fs.renameSync(importLabeled, path.join(source, 'dogs', 'cat2.jpg'));
    fs.renameSync(humanLabeled, path.join(source, 'dogs', 'cat3.jpg'));
    await runImport(project, { kind: 'folder', root: source });
    expect(imageAt(project, path.join(source, 'dogs', 'cat2.jpg'))).toMatchObject({ className: 'dogs', source: 'import' });
    expect(imageAt(project, path.join(source, 'dogs', 'cat3.jpg'))).toMatchObject({ id: human.id, className: 'birds', source: 'human' });
  });
});

describe('the project folder and its thumbnail cache', () => {
  it('never imports the project itself when it sits inside the source, and remakes deleted thumbnails', async () => {
    const tmp = tempDir();
    try {
      const source = path.join(tmp.dir, 'photos');
      await writeSyntheticJpeg(path.join(source, 'a.jpg'), 1);
      await writeSyntheticJpeg(path.join(source, 'b.jpg'), 2);
      const project = createProject(path.join(source, 'my project'));
      const first = await runImport(project, { kind: 'folder', root: source });
      expect(first.counts).toMatchObject({ added: 2, problems: 0 });
      const hash = imageAt(project, path.join(source, 'a.jpg'))!.hash;
      fs.rmSync(thumbPath(project.dir, hash));
      const again = await runImport(project, { kind: 'folder', root: source });
      expect(again.counts).toMatchObject({ added: 0, unchanged: 2 });
      expect((await sharp(thumbPath(project.dir, hash)).metadata()).width).toBe(256);
      expect(project.db.prepare('SELECT count(*) FROM images').pluck().get()).toBe(2);
      project.close();
    } finally {
      tmp.cleanup();
    }
  });
});
