// What the library screen asks of the store: sort by name or date, filter by a list of ids,
// select all, merge classes (with the label history kept usable), and the file-name column the
// migration maintains by triggers whoever writes the paths.
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClass, listClasses, mergeClasses } from '../../electron/project/classes.js';
import { openDatabase } from '../../electron/project/database.js';
import { insertImage, matchingImageIds, pageImages } from '../../electron/project/images.js';
import { applyLabels, redoLabels, undoLabels } from '../../electron/project/labels.js';
import { createProject, type Project } from '../../electron/project/project.js';
import { createStudio } from '../../electron/services/studio.js';
import { fakeHash, seedClasses, seedImages } from '../helpers/seed.js';
import { invoke } from '../helpers/studio-jobs.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir();
let project: Project;
let n = 0;

beforeEach(() => {
  project = createProject(path.join(tmp.dir, `p${n++}`));
});
afterEach(() => project.close());
afterAll(() => tmp.cleanup());

const add = (name: string, hashSeed: number) =>
  insertImage(project.db, { hash: fakeHash(hashSeed), path: name, byteSize: 1, width: 1, height: 1, format: 'jpeg' }).id;
const nameOf = (id: number) => project.db.prepare('SELECT name FROM images WHERE id = ?').pluck().get(id);

describe('sorting', () => {
  it('sorts by file name (not folder), case-insensitively, either way round, and by date added', () => {
    const zebra = add('/a/Zebra.jpg', 1);
    const apple = add('/z/apple.jpg', 2);
    const mango = add('C:\\photos\\Mango.png', 3);
    const banana = add('/m/b/banana.jpg', 4);
    const names = (sort: 'name' | 'name-desc' | 'added' | 'added-desc') => pageImages(project.db, 0, 10, undefined, sort).rows.map((r) => r.id);
    expect(names('name')).toEqual([apple, banana, mango, zebra]);
    expect(names('name-desc')).toEqual([zebra, mango, banana, apple]);
    expect(names('added')).toEqual([zebra, apple, mango, banana]);
    expect(names('added-desc')).toEqual([banana, mango, apple, zebra]);
    expect(pageImages(project.db, 1, 2, undefined, 'name').rows.map((r) => r.id)).toEqual([banana, mango]);
  });

  it('keeps the file name in step with the paths, whoever writes them', () => {
    const id = add('/photos/first.jpg', 1);
    expect(nameOf(id)).toBe('first.jpg');
    // A second path of the same content does not change the shown one.
    add('/copies/second.jpg', 1);
    expect(nameOf(id)).toBe('first.jpg');
    // The shown path goes missing: the present copy is shown, and named, instead.
    project.db.prepare('UPDATE image_paths SET present = 0 WHERE path = ?').run('/photos/first.jpg');
    expect(nameOf(id)).toBe('second.jpg');
    project.db.prepare('UPDATE image_paths SET path = ? WHERE path = ?').run('/copies/renamed.jpg', '/copies/second.jpg');
    expect(nameOf(id)).toBe('renamed.jpg');
    project.db.prepare('DELETE FROM image_paths WHERE path = ?').run('/copies/renamed.jpg');
    expect(nameOf(id)).toBe('first.jpg');
    project.db.prepare('DELETE FROM image_paths WHERE image_id = ?').run(id);
    expect(nameOf(id)).toBe('');
  });

  it('fills the name of images a version-3 project already had', () => {
    const file = path.join(tmp.dir, 'v3.sqlite');
    const old = openDatabase(file, { targetVersion: 3 });
    insertImage(old, { hash: fakeHash(7), path: '/old/folder/kept.jpg', byteSize: 1, width: 1, height: 1, format: 'jpeg' });
    old.close();
    const raw = new Database(file);
    expect(raw.prepare("SELECT count(*) FROM pragma_table_info('images') WHERE name = 'name'").pluck().get()).toBe(0);
    raw.close();
    const db = openDatabase(file);
    expect(db.prepare('SELECT name FROM images').pluck().all()).toEqual(['kept.jpg']);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'images_name'").pluck().get()).toBe(1);
    db.close();
  });

  it('pages 100,000 images by name through the index', () => {
    seedImages(project.db, 100_000);
    const plan = project.db.prepare(`EXPLAIN QUERY PLAN SELECT i.id FROM images i LEFT JOIN labels l ON l.image_id = i.id ORDER BY i.name COLLATE NOCASE, i.id LIMIT 200 OFFSET 99000`).all() as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join(' | ')).toMatch(/USING (COVERING )?INDEX images_name/);
    const started = performance.now();
    const last = pageImages(project.db, 99_800, 200, undefined, 'name-desc');
    const ms = performance.now() - started;
    expect(last.total).toBe(100_000);
    // 'img 0.jpg' sorts first by name, so it is the last one in descending order.
    expect(last.rows.at(-1)?.path).toBe('/data/photos/img 0.jpg');
    expect(ms).toBeLessThan(1000);
  });
});

describe('filter by ids and select all', () => {
  it('shows only the listed images, combined with the other filters', () => {
    const [ant] = seedClasses(project.db, ['ant']);
    const ids = seedImages(project.db, 20);
    applyLabels(project.db, ids.slice(0, 5), ant!);
    const wanted = [ids[1]!, ids[3]!, ids[12]!, ids[19]!];
    expect(pageImages(project.db, 0, 50, { imageIds: wanted }).rows.map((r) => r.id)).toEqual(wanted);
    expect(pageImages(project.db, 0, 50, { imageIds: wanted, classId: ant! }).rows.map((r) => r.id)).toEqual([ids[1], ids[3]]);
    expect(pageImages(project.db, 0, 50, { imageIds: [999_999] }).total).toBe(0);
  });

  it('hands out every matching id in grid order, capped, with the full total', () => {
    const ids = seedImages(project.db, 30);
    expect(matchingImageIds(project.db, { unlabeled: true }, 'added-desc', 100)).toEqual({ total: 30, ids: [...ids].reverse() });
    expect(matchingImageIds(project.db, undefined, 'added', 10)).toEqual({ total: 30, ids: ids.slice(0, 10) });
  });
});

describe('merging classes', () => {
  it('moves the images, keeps their label source, passes the key on and removes the source class', () => {
    const wasps = createClass(project.db, { name: 'wasps' }); // key 1
    const bees = createClass(project.db, { name: 'bees', shortcut: null });
    const ids = seedImages(project.db, 6);
    applyLabels(project.db, ids.slice(0, 3), wasps.id);
    applyLabels(project.db, ids.slice(3, 5), bees.id, { source: 'import' });
    const merged = mergeClasses(project.db, wasps.id, bees.id);
    expect(merged.moved).toBe(3);
    expect(merged.target).toMatchObject({ id: bees.id, name: 'bees', shortcut: 1 });
    expect(listClasses(project.db).map((c) => c.name)).toEqual(['bees']);
    const labels = project.db.prepare('SELECT image_id AS id, class_id AS classId, source FROM labels ORDER BY image_id').all();
    expect(labels).toEqual([
      ...ids.slice(0, 3).map((id) => ({ id, classId: bees.id, source: 'human' })),
      ...ids.slice(3, 5).map((id) => ({ id, classId: bees.id, source: 'import' })),
    ]);
  });

  it('keeps undo and redo of earlier labels meaningful', () => {
    const wasps = createClass(project.db, { name: 'wasps' });
    const bees = createClass(project.db, { name: 'bees' });
    const [a, b] = seedImages(project.db, 2);
    applyLabels(project.db, [a!], wasps.id);
    applyLabels(project.db, [b!], bees.id);
    applyLabels(project.db, [b!], wasps.id);
    mergeClasses(project.db, wasps.id, bees.id);
    const classOf = (id: number) => project.db.prepare('SELECT class_id FROM labels WHERE image_id = ?').pluck().get(id) ?? null;
    // Undoing "b: bees → wasps" now reads "b: bees → bees": b stays labelled (not cleared).
    undoLabels(project.db);
    expect(classOf(b!)).toBe(bees.id);
    undoLabels(project.db);
    expect(classOf(b!)).toBeNull();
    undoLabels(project.db);
    expect(classOf(a!)).toBeNull();
    redoLabels(project.db);
    expect(classOf(a!)).toBe(bees.id);
  });

  it('refuses a merge into itself or with an unknown class, changing nothing', () => {
    const wasps = createClass(project.db, { name: 'wasps' });
    expect(() => mergeClasses(project.db, wasps.id, wasps.id)).toThrow(/into itself/);
    expect(() => mergeClasses(project.db, wasps.id, 999)).toThrow(/no class with id 999/);
    expect(() => mergeClasses(project.db, 999, wasps.id)).toThrow(/no class with id 999/);
    expect(listClasses(project.db)).toHaveLength(1);
  });

  it('is a channel that announces the new class list', async () => {
    const studio = createStudio({ checkOutput: true, userDataDir: path.join(tmp.dir, 'user') });
    try {
      const opened = studio.session.create(path.join(tmp.dir, 'merge-channel'));
      const [x, y] = seedClasses(opened.db, ['x', 'y']);
      const events: unknown[] = [];
      studio.bus.listen((event, payload) => event === 'project:changed' && events.push(payload));
      const result = await invoke<{ moved: number; target: { id: number } }>(studio, 'classes:merge', { sourceId: x, targetId: y });
      expect(result).toMatchObject({ moved: 0, target: { id: y } });
      expect(events).toEqual([{ project: expect.objectContaining({ classes: [expect.objectContaining({ name: 'y' })] }) }]);
      const again = await studio.dispatch('classes:merge', { sourceId: x, targetId: y }, { transport: 'in-process' });
      expect(again).toMatchObject({ ok: false, error: { code: 'not_found' } });
    } finally {
      await studio.close();
    }
  });
});
