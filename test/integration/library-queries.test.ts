// What the library screen asks of the store: sort by name or date, filter by a list of ids,
// filter and sort by the newest run's predictions and accept its suggestions, select all, merge classes (with the label history kept usable), and the file-name column the
// migration maintains by triggers whoever writes the paths.
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClass, listClasses, mergeClasses } from '../../electron/project/classes.js';
import { openDatabase } from '../../electron/project/database.js';
import type { ImageFilter, ImageSort } from '../../electron/domain/schemas.js';
import { explainPage, insertImage, matchingImageIds, pageImages } from '../../electron/project/images.js';
import { acceptSuggestions, applyLabels, redoLabels, undoLabels } from '../../electron/project/labels.js';
import { writePredictions } from '../../electron/project/predictions.js';
import { createRun, finishRun } from '../../electron/project/runs.js';
import { createProject, type Project } from '../../electron/project/project.js';
import { createStudio } from '../../electron/services/studio.js';
import { fakeHash, seedClasses, seedImages, seedManyImages } from '../helpers/seed.js';
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
    // Seeded in SQL: 300,000 single-row statements took minutes on a busy machine.
    const { first } = seedManyImages(project.db, 100_000);
    const plan = project.db.prepare(`EXPLAIN QUERY PLAN SELECT i.id FROM images i LEFT JOIN labels l ON l.image_id = i.id ORDER BY i.name COLLATE NOCASE, i.id LIMIT 200 OFFSET 99000`).all() as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join(' | ')).toMatch(/USING (COVERING )?INDEX images_name/);
    const last = pageImages(project.db, 99_800, 200, undefined, 'name-desc');
    expect(last.total).toBe(100_000);
    // The first image has the smallest zero-padded name, so it is the last one in descending order.
    expect(last.rows.at(-1)?.path).toBe(`/data/many/img ${String(first).padStart(6, '0')}.jpg`);
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

describe('by the newest finished run’s predictions', () => {
  /** A finished (or not) run with one prediction per [imageId, classId, confidence, margin, loss]. */
  function run(rows: Array<[number, number | null, number, number, number | null]>, status: 'done' | 'failed' = 'done'): number {
    const id = createRun(project.db, {}, 'test');
    finishRun(project.db, id, status);
    writePredictions(
      project.db,
      id,
      rows.map(([imageId, classId, confidence, margin, loss]) => ({
        imageId,
        classId,
        confidence,
        margin,
        entropy: 1 - confidence,
        probs: new Float32Array([confidence, 1 - confidence]),
        loss,
        oofLabelProb: null,
      })),
    );
    return id;
  }
  const ids = (filter?: ImageFilter, sort?: ImageSort) => pageImages(project.db, 0, 100, filter, sort).rows.map((r) => r.id);

  it('filters by predicted class, disagreement and confidence, alone and with the other filters', () => {
    const [ant, bee] = seedClasses(project.db, ['ant', 'bee']);
    const [a, b, c, d, e, f] = seedImages(project.db, 6);
    applyLabels(project.db, [a!, b!], ant!);
    applyLabels(project.db, [c!], bee!);
    // f was imported after the run: it has no prediction.
    run([
      [a!, ant!, 0.9, 0.8, 0.1],
      [b!, bee!, 0.55, 0.1, 0.8],
      [c!, ant!, 0.7, 0.4, 1.2],
      [d!, bee!, 0.6, 0.2, null],
      [e!, ant!, 0.95, 0.9, null],
    ]);
    expect(ids({ predictedClassId: bee! })).toEqual([b, d]);
    expect(ids({ predictedClassId: ant!, unlabeled: true })).toEqual([e]);
    expect(ids({ disagreements: true })).toEqual([b, c]);
    expect(ids({ disagreements: true, classId: ant! })).toEqual([b]);
    expect(ids({ maxConfidence: 0.6 })).toEqual([b, d]);
    expect(ids({ maxConfidence: 0.6, unlabeled: true })).toEqual([d]);
    expect(ids({ predictedClassId: ant!, maxConfidence: 0.8, imageIds: [a!, c!, f!] })).toEqual([c]);
    expect(pageImages(project.db, 0, 1, { disagreements: true }).total).toBe(2);
    expect(matchingImageIds(project.db, { maxConfidence: 0.7 }, 'added-desc', 100)).toEqual({ total: 3, ids: [d, c, b] });
    // A label that now agrees with the model takes the image out of the disagreements.
    applyLabels(project.db, [c!], ant!);
    expect(ids({ disagreements: true })).toEqual([b]);
  });

  it('puts the prediction on each row (the card’s suggestion), from the newest finished run only', () => {
    const [ant, bee] = seedClasses(project.db, ['ant', 'bee']);
    const [a, b] = seedImages(project.db, 2);
    const rowOf = (id: number) => pageImages(project.db, 0, 10).rows.find((r) => r.id === id)!;
    expect(rowOf(a!).prediction).toBeNull();
    expect(ids({ predictedClassId: ant! })).toEqual([]);
    run([[a!, ant!, 0.75, 0.5, null]]);
    expect(rowOf(a!).prediction).toEqual({ classId: ant, confidence: 0.75, margin: 0.5, loss: null });
    expect(rowOf(b!).prediction).toBeNull();
    // A newer run that did not finish changes nothing; a newer finished one replaces the old.
    run([[a!, bee!, 0.6, 0.2, null]], 'failed');
    expect(rowOf(a!).prediction?.classId).toBe(ant);
    run([[b!, bee!, 0.6, 0.2, null]]);
    expect(rowOf(a!).prediction).toBeNull();
    expect(rowOf(b!).prediction).toMatchObject({ classId: bee, confidence: 0.6 });
  });

  it('sorts the predicted images by uncertainty (smallest margin first) and by loss (highest first)', () => {
    const [ant] = seedClasses(project.db, ['ant']);
    const [a, b, c, d, e] = seedImages(project.db, 5);
    expect(ids(undefined, 'uncertain')).toEqual([]);
    run([
      [a!, ant!, 0.9, 0.3, 0.2],
      [b!, ant!, 0.9, 0.05, null],
      [c!, ant!, 0.9, 0.3, 2.5],
      [d!, ant!, 0.9, 0.6, 0.9],
    ]);
    // Ties in margin go by id; e has no prediction and is not listed.
    expect(ids(undefined, 'uncertain')).toEqual([b, a, c, d]);
    expect(pageImages(project.db, 0, 100, undefined, 'uncertain').total).toBe(4);
    // No loss (unlabeled when trained) sorts last.
    expect(ids(undefined, 'loss')).toEqual([c, d, a, b]);
    expect(ids({ imageIds: [a!, b!, e!] }, 'uncertain')).toEqual([b, a]);
    expect(matchingImageIds(project.db, { maxConfidence: 1 }, 'loss', 2)).toEqual({ total: 4, ids: [c, d] });
    expect(pageImages(project.db, 1, 2, undefined, 'uncertain').rows.map((r) => r.id)).toEqual([a, c]);
  });

  it('accepts suggestions as one undoable action whose labels come from the model', () => {
    const [ant, bee] = seedClasses(project.db, ['ant', 'bee']);
    const [a, b, c, d] = seedImages(project.db, 4);
    expect(() => acceptSuggestions(project.db, [a!])).toThrow(/No model has been trained/);
    applyLabels(project.db, [c!], bee!);
    run([
      [a!, ant!, 0.8, 0.6, null],
      [b!, bee!, 0.7, 0.4, null],
      [c!, bee!, 0.9, 0.8, 0.1],
    ]);
    const labels = () => project.db.prepare('SELECT image_id AS id, class_id AS classId, source, confidence FROM labels ORDER BY image_id').all();
    // c already has the suggested class (its human label stays), d has no prediction.
    const change = acceptSuggestions(project.db, [a!, b!, c!, d!]);
    expect(change).toMatchObject({ changed: 2, imageIds: [a, b] });
    expect(labels()).toEqual([
      { id: a, classId: ant, source: 'model', confidence: 0.8 },
      { id: b, classId: bee, source: 'model', confidence: expect.closeTo(0.7, 6) },
      { id: c, classId: bee, source: 'human', confidence: null },
    ]);
    expect(project.db.prepare('SELECT description FROM label_actions ORDER BY id DESC LIMIT 1').pluck().get()).toBe('accept suggestion');
    expect(undoLabels(project.db)).toMatchObject({ changed: 2 });
    expect(labels()).toEqual([{ id: c, classId: bee, source: 'human', confidence: null }]);
    redoLabels(project.db);
    expect(labels()).toHaveLength(3);
    expect(acceptSuggestions(project.db, [a!, b!])).toMatchObject({ changed: 0, actionId: 0 });
    expect(() => acceptSuggestions(project.db, [a!, 999_999])).toThrow(/Unknown image id: 999999/);
  });

  it('accepts suggestions through the channel, which announces the labels', async () => {
    const studio = createStudio({ checkOutput: true, userDataDir: path.join(tmp.dir, 'user') });
    try {
      const opened = studio.session.create(path.join(tmp.dir, 'accept-channel'));
      const [ant] = seedClasses(opened.db, ['ant']);
      const [a] = seedImages(opened.db, 1);
      const before = await studio.dispatch('labels:acceptSuggestions', { imageIds: [a!] }, { transport: 'in-process' });
      expect(before).toMatchObject({ ok: false, error: { code: 'not_found' } });
      const runId = createRun(opened.db, {}, 'test');
      finishRun(opened.db, runId, 'done');
      writePredictions(opened.db, runId, [{ imageId: a!, classId: ant!, confidence: 0.5, margin: 0.1, entropy: 0.7, probs: new Float32Array([0.5]), loss: null, oofLabelProb: null }]);
      const events: unknown[] = [];
      studio.bus.listen((event, payload) => event === 'labels:changed' && events.push(payload));
      const change = await invoke<{ changed: number }>(studio, 'labels:acceptSuggestions', { imageIds: [a!] });
      expect(change.changed).toBe(1);
      expect(events).toEqual([expect.objectContaining({ imageIds: [a] })]);
      const page = await invoke<{ rows: Array<{ classId: number; labelSource: string; prediction: { classId: number } }> }>(studio, 'images:page', {
        offset: 0,
        limit: 10,
        sort: 'uncertain',
      });
      expect(page.rows[0]).toMatchObject({ classId: ant, labelSource: 'model', prediction: { classId: ant } });
    } finally {
      await studio.close();
    }
  });

  it('filters and sorts 100,000 images by predictions through indexes', () => {
    const { first, last } = seedManyImages(project.db, 100_000);
    const classes = seedClasses(project.db, ['a', 'b', 'c', 'd', 'e']);
    project.db
      .prepare(`INSERT INTO labels (image_id, class_id, source, confidence, updated_at) SELECT id, ? + id % 5, 'human', NULL, 0 FROM images WHERE id % 2 = 0`)
      .run(classes[0]);
    const rows = [];
    for (let id = first; id <= last; id++) {
      const confidence = 0.2 + 0.8 * (((id * 7919) % 1000) / 1000);
      rows.push([id, classes[(id * 3) % 5]!, confidence, confidence * (((id * 104729) % 997) / 997), id % 2 === 0 ? 1 - confidence : null] as [number, number, number, number, number | null]);
    }
    run(rows);

    // The outer loop walks the prediction index in the sort's order; the only sorting left is the
    // one every page has (its rows' shown path), as in date order.
    const plan = (filter: ImageFilter | undefined, sort: ImageSort) => explainPage(project.db, filter, sort);
    const sorts = (lines: string[]) => lines.filter((line) => line.includes('TEMP B-TREE')).length;
    expect(plan(undefined, 'uncertain')[0]).toMatch(/^SEARCH p USING (COVERING )?INDEX predictions_margin \(run_id=\?\)$/);
    expect(plan({ unlabeled: true }, 'uncertain')[0]).toMatch(/INDEX predictions_margin/);
    expect(plan(undefined, 'loss')[0]).toMatch(/^SEARCH p USING (COVERING )?INDEX predictions_loss \(run_id=\?\)$/);
    for (const sort of ['uncertain', 'loss'] as const) expect(sorts(plan(undefined, sort))).toBe(sorts(plan(undefined, 'added')));
    expect(plan({ predictedClassId: classes[1]! }, 'added').join(' | ')).toMatch(/COVERING INDEX predictions_class \(run_id=\? AND class_id=\?\)/);
    expect(plan({ maxConfidence: 0.3 }, 'added').join(' | ')).toMatch(/COVERING INDEX predictions_confidence \(run_id=\? AND confidence<\?\)/);

    const timed = (filter: ImageFilter | undefined, sort: ImageSort, offset = 0) => {
      const started = performance.now();
      const page = pageImages(project.db, offset, 200, filter, sort);
      return { ...page, ms: performance.now() - started };
    };
    const uncertain = timed({ unlabeled: true }, 'uncertain');
    expect(uncertain.total).toBe(50_000);
    const margins = uncertain.rows.map((r) => r.prediction!.margin);
    expect(margins).toEqual([...margins].sort((x, y) => x - y));
    expect(uncertain.rows.every((r) => r.classId === null && r.prediction !== null)).toBe(true);
    const deep = timed(undefined, 'loss', 99_800);
    expect(deep.rows.at(-1)!.prediction!.loss).toBeNull();
    const disagree = timed({ disagreements: true }, 'added');
    expect(disagree.rows.every((r) => r.classId !== r.prediction!.classId)).toBe(true);
    const lowConfidence = timed({ maxConfidence: 0.3, predictedClassId: classes[2]! }, 'added');
    expect(lowConfidence.rows.every((r) => r.prediction!.confidence <= 0.3 && r.prediction!.classId === classes[2])).toBe(true);
    console.log(
      `100k predictions: uncertain page ${uncertain.ms.toFixed(1)} ms, loss page at 99,800 ${deep.ms.toFixed(1)} ms, disagreements ${disagree.ms.toFixed(1)} ms (${disagree.total}), low confidence of a class ${lowConfidence.ms.toFixed(1)} ms (${lowConfidence.total})`,
    );
    // The times are printed, not asserted (a busy CI machine must not fail this); the query plans
    // that make them fast are asserted above.
  });
});
