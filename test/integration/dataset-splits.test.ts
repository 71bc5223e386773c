// Train/val/test assignment on imported data: stratified and seeded, folder splits kept, the
// test split locked against later imports, near duplicates kept together.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImport } from '../../electron/dataset/import-job.js';
import { assignSplits } from '../../electron/dataset/splits.js';
import { setSplit } from '../../electron/project/image-splits.js';
import { createProject, type Project } from '../../electron/project/project.js';
import { updateSettings } from '../../electron/project/settings.js';
import { resaveJpeg, writeSyntheticDataset, writeSyntheticJpeg } from '../helpers/synthetic-images.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir();
const pets = path.join(tmp.dir, 'pets');
afterAll(() => tmp.cleanup());
beforeAll(async () => {
  // 60 cats and 20 dogs, class folders only: every split comes from the assignment.
  await writeSyntheticDataset(pets, 60, ['cats']);
  await writeSyntheticDataset(pets, 20, ['dogs'], 1000);
});

type Row = { hash: string; split: string; source: string | null; cls: string | null };
function splitsByHash(project: Project): Map<string, Row> {
  const rows = project.db
    .prepare(`SELECT i.hash, i.split, i.split_source AS source, c.name AS cls FROM images i LEFT JOIN labels l ON l.image_id = i.id LEFT JOIN classes c ON c.id = l.class_id`)
    .all() as Row[];
  return new Map(rows.map((r) => [r.hash, r]));
}
function tally(rows: Iterable<Row>, cls: string): Record<string, number> {
  const out: Record<string, number> = { train: 0, val: 0, test: 0, unassigned: 0 };
  for (const r of rows) if (r.cls === cls) out[r.split]!++;
  return out;
}

describe('automatic splits', () => {
  let first: Map<string, Row>;
  let project: Project;
  beforeAll(async () => {
    project = createProject(path.join(tmp.dir, 'a'));
    await runImport(project, { kind: 'folder', root: pets });
    first = splitsByHash(project);
  });
  afterAll(() => project.close());

  it('stratifies 70/15/15 within each class', () => {
    expect(tally(first.values(), 'cats')).toEqual({ train: 42, val: 9, test: 9, unassigned: 0 });
    expect(tally(first.values(), 'dogs')).toEqual({ train: 14, val: 3, test: 3, unassigned: 0 });
    expect([...first.values()].every((r) => r.source === 'auto')).toBe(true);
  });

  it('is seeded: the same data gets the same splits in another project, another seed gives others', async () => {
    const same = createProject(path.join(tmp.dir, 'b'));
    await runImport(same, { kind: 'folder', root: pets });
    expect(splitsByHash(same)).toEqual(first);
    same.close();
    const other = createProject(path.join(tmp.dir, 'c'));
    updateSettings(other.db, { split: { train: 0.7, val: 0.15, test: 0.15, seed: 7 } });
    await runImport(other, { kind: 'folder', root: pets });
    const reseeded = splitsByHash(other);
    expect(tally(reseeded.values(), 'cats')).toEqual({ train: 42, val: 9, test: 9, unassigned: 0 });
    const moved = [...reseeded].filter(([hash, r]) => first.get(hash)!.split !== r.split).length;
    expect(moved).toBeGreaterThan(10);
    other.close();
  });

  it('locks the test split: later imports and a reshuffle leave test images where they are', async () => {
    const testBefore = [...first].filter(([, r]) => r.split === 'test').map(([h]) => h).sort();
    await writeSyntheticDataset(path.join(tmp.dir, 'more'), 30, ['cats'], 5000);
    await runImport(project, { kind: 'folder', root: path.join(tmp.dir, 'more') });
    const after = splitsByHash(project);
    for (const hash of testBefore) expect(after.get(hash)!.split).toBe('test');
    // The new cats were added to reach 70/15/15 over all 90 cats.
    expect(tally(after.values(), 'cats')).toEqual({ train: 63, val: 14, test: 13, unassigned: 0 });

    const user = project.db.prepare(`SELECT id FROM images WHERE split = 'train' ORDER BY id LIMIT 1`).pluck().get() as number;
    setSplit(project.db, [user], 'val');
    const result = assignSplits(project.db, { train: 0.7, val: 0.15, test: 0.15, seed: 99 }, { reshuffle: true });
    expect(result.assigned).toBeGreaterThan(0);
    const reshuffled = splitsByHash(project);
    expect([...reshuffled].filter(([, r]) => r.split === 'test').map(([h]) => h).sort()).toEqual(
      [...after].filter(([, r]) => r.split === 'test').map(([h]) => h).sort(),
    );
    expect(project.db.prepare('SELECT split, split_source FROM images WHERE id = ?').get(user)).toEqual({ split: 'val', split_source: 'user' });
    expect([...reshuffled].filter(([h, r]) => after.get(h)!.split !== r.split).length).toBeGreaterThan(0);
  });
});

describe('splits given by folders', () => {
  it('are kept, and extra unsplit images are assigned around them', async () => {
    const root = path.join(tmp.dir, 'given');
    await writeSyntheticDataset(path.join(root, 'train'), 10, ['cats'], 2000);
    await writeSyntheticDataset(path.join(root, 'test'), 10, ['cats'], 2100);
    await writeSyntheticDataset(path.join(root, 'extra'), 4, ['x'], 2200);
    const project = createProject(path.join(tmp.dir, 'd'));
    await runImport(project, { kind: 'folder', root });
    const rows = project.db.prepare('SELECT p.path, i.split, i.split_source AS source FROM images i JOIN image_paths p ON p.image_id = i.id').all() as Array<{ path: string; split: string; source: string }>;
    for (const r of rows) {
      if (r.path.includes(`${path.sep}train${path.sep}`)) expect(r).toMatchObject({ split: 'train', source: 'folder' });
      else if (r.path.includes(`${path.sep}test${path.sep}`)) expect(r).toMatchObject({ split: 'test', source: 'folder' });
      else expect(r).toMatchObject({ source: 'auto' });
    }
    expect(assignSplits(project.db, { train: 0.7, val: 0.15, test: 0.15, seed: 1 }, { reshuffle: true }).assigned).toBe(project.db.prepare(`SELECT count(*) FROM images WHERE split_source = 'auto' AND split <> 'test'`).pluck().get());
    expect(project.db.prepare(`SELECT count(*) FROM images WHERE split_source = 'folder'`).pluck().get()).toBe(20);
    project.close();
  });
});

describe('near-duplicate groups', () => {
  it('go to one split together', async () => {
    const root = path.join(tmp.dir, 'groups');
    const originals = await writeSyntheticDataset(root, 30, ['birds'], 3000);
    // Eight pictures saved again (smaller, other quality), some twice.
    for (let i = 0; i < 8; i++) {
      await resaveJpeg(originals[i]!, path.join(root, 'birds', `resaved ${i}.jpg`), { width: 420, quality: 75 });
      if (i < 3) await resaveJpeg(originals[i]!, path.join(root, 'birds', `resaved again ${i}.jpg`), { width: 300, quality: 60 });
    }
    const project = createProject(path.join(tmp.dir, 'e'));
    await runImport(project, { kind: 'folder', root });
    const splitOf = (file: string) => project.db.prepare('SELECT i.split FROM images i JOIN image_paths p ON p.image_id = i.id WHERE p.path = ?').pluck().get(file);
    const splitsSeen = new Set<unknown>();
    for (let i = 0; i < 8; i++) {
      const split = splitOf(originals[i]!);
      splitsSeen.add(split);
      expect(splitOf(path.join(root, 'birds', `resaved ${i}.jpg`)), `group ${i}`).toBe(split);
      if (i < 3) expect(splitOf(path.join(root, 'birds', `resaved again ${i}.jpg`)), `group ${i}`).toBe(split);
    }
    // Groups were not all simply put in train.
    expect(splitsSeen.size).toBeGreaterThan(1);
    // A later near duplicate of a picture in test joins it there.
    const inTest = originals.find((f) => splitOf(f) === 'test')!;
    await resaveJpeg(inTest, path.join(root, 'birds', 'late copy.jpg'), { width: 350, quality: 80 });
    await writeSyntheticJpeg(path.join(root, 'birds', 'unrelated.jpg'), 9999);
    await runImport(project, { kind: 'folder', root });
    expect(splitOf(path.join(root, 'birds', 'late copy.jpg'))).toBe('test');
    project.close();
  });
});
