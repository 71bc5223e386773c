// The project store on a real SQLite file: create, reopen, migrations, undo/redo, settings.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StudioError } from '../../electron/domain/result.js';
import { createClass, listClasses, updateClass } from '../../electron/project/classes.js';
import { openDatabase, schemaVersion } from '../../electron/project/database.js';
import { insertImage, pageImages } from '../../electron/project/images.js';
import { applyLabels, labelSummary, redoLabels, undoLabels } from '../../electron/project/labels.js';
import { LATEST_VERSION } from '../../electron/project/migrations.js';
import { createProject, DB_FILE, openProject, projectInfo } from '../../electron/project/project.js';
import { createRun, finishRun } from '../../electron/project/runs.js';
import { DEFAULT_SETTINGS, readSettings, updateSettings } from '../../electron/project/settings.js';
import { fakeHash, seedClasses, seedImages } from '../helpers/seed.js';
import { tempDir } from '../helpers/temp-dir.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

function labelOf(db: Database.Database, imageId: number): number | null {
  return (db.prepare('SELECT class_id FROM labels WHERE image_id = ?').pluck().get(imageId) as number | undefined) ?? null;
}

describe('project folder', () => {
  it('creates the layout, then reopens with everything it held', () => {
    const dir = path.join(tmp.dir, 'my project (1)');
    const project = createProject(dir, 'Bees');
    for (const sub of ['thumbs', 'models', 'exports']) expect(fs.statSync(path.join(dir, sub)).isDirectory()).toBe(true);
    const [ant] = seedClasses(project.db, ['ant']);
    const ids = seedImages(project.db, 3);
    applyLabels(project.db, ids.slice(0, 2), ant!);
    project.close();

    const reopened = openProject(dir);
    const info = projectInfo(reopened);
    expect(info).toMatchObject({ name: 'Bees', imageCount: 3, schemaVersion: LATEST_VERSION });
    expect(info.classes.map((c) => c.name)).toEqual(['ant']);
    expect(labelSummary(reopened.db)).toMatchObject({ total: 3, labeled: 2, unlabeled: 1 });
    expect(reopened.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(reopened.db.pragma('foreign_keys', { simple: true })).toBe(1);
    reopened.close();
  });

  it('refuses to create over an existing project and to open a folder that is not one', () => {
    createProject(tmp.dir).close();
    expect(() => createProject(tmp.dir)).toThrow(/already holds a project/);
    expect(() => openProject(path.join(tmp.dir, 'thumbs'))).toThrow(StudioError);
  });

  it('reports a corrupt database file as a readable error', () => {
    fs.writeFileSync(path.join(tmp.dir, DB_FILE), 'this is not sqlite'.repeat(100));
    expect(() => openProject(tmp.dir)).toThrow(/Could not open the project/);
  });

  it('marks runs left running by a crash as interrupted when the project opens', () => {
    const project = createProject(tmp.dir);
    const crashed = createRun(project.db, { epochs: 3 }, 'wasm');
    const finished = createRun(project.db, { epochs: 3 }, 'wasm');
    finishRun(project.db, finished, 'done');
    // The run's owner is this (live) process: make it one that is gone, as after a crash.
    project.db.prepare(`UPDATE settings SET value = json_set(value, '$.pid', 2147483646) WHERE key = ?`).run(`job-owner:runs:${crashed}`);
    project.close();
    const reopened = openProject(tmp.dir);
    const statuses = reopened.db.prepare('SELECT id, status FROM runs ORDER BY id').all();
    expect(statuses).toEqual([
      { id: crashed, status: 'interrupted' },
      { id: finished, status: 'done' },
    ]);
    reopened.close();
  });
});

describe('migrations', () => {
  it('migrates a version-0 database (an empty file) to the latest version', () => {
    const file = path.join(tmp.dir, DB_FILE);
    new Database(file).close();
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(LATEST_VERSION);
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all();
    expect(tables).toEqual(
      expect.arrayContaining(['classes', 'exports', 'image_paths', 'images', 'label_actions', 'label_changes', 'labels', 'models', 'run_epochs', 'runs', 'settings']),
    );
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('migrates every older version, keeping its rows', () => {
    for (let version = 1; version < LATEST_VERSION; version++) {
      const file = path.join(tmp.dir, `v${version}.sqlite`);
      const old = openDatabase(file, { targetVersion: version });
      expect(schemaVersion(old)).toBe(version);
      insertImage(old, { hash: fakeHash(version), path: `/x/${version}.jpg`, byteSize: 1, width: 1, height: 1, format: 'png' });
      old.close();
      const db = openDatabase(file);
      expect(schemaVersion(db)).toBe(LATEST_VERSION);
      expect(db.prepare('SELECT count(*) FROM images').pluck().get()).toBe(1);
      db.close();
    }
  });

  it('refuses a project written by a newer studio instead of damaging it', () => {
    const file = path.join(tmp.dir, DB_FILE);
    const db = new Database(file);
    db.pragma(`user_version = ${LATEST_VERSION + 5}`);
    db.close();
    expect(() => openDatabase(file)).toThrow(/newer Transfer Studio/);
  });
});

describe('images', () => {
  it('stores exact duplicates once, with every path', () => {
    const project = createProject(tmp.dir);
    const a = insertImage(project.db, { hash: fakeHash(1), path: '/a/ant.jpg', byteSize: 10, width: 5, height: 5, format: 'jpeg' });
    const b = insertImage(project.db, { hash: fakeHash(1), path: '/b/copy of ant.jpg', byteSize: 10, width: 5, height: 5, format: 'jpeg' });
    expect(b).toEqual({ id: a.id, created: false });
    expect(project.db.prepare('SELECT count(*) FROM image_paths WHERE image_id = ?').pluck().get(a.id)).toBe(2);
    project.close();
  });

  it('pages and filters the library', () => {
    const project = createProject(tmp.dir);
    const [ant, bee] = seedClasses(project.db, ['ant', 'bee']);
    const ids = seedImages(project.db, 30);
    applyLabels(project.db, ids.slice(0, 10), ant!);
    applyLabels(project.db, ids.slice(10, 15), bee!);
    expect(pageImages(project.db, 0, 8).rows.map((r) => r.id)).toEqual(ids.slice(0, 8));
    expect(pageImages(project.db, 0, 100, { classId: bee! }).total).toBe(5);
    expect(pageImages(project.db, 0, 100, { unlabeled: true }).total).toBe(15);
    expect(pageImages(project.db, 0, 100, { nameContains: 'IMG 2' }).rows.map((r) => r.path)).toContain('/data/photos/img 2.jpg');
    project.close();
  });
});

describe('classes', () => {
  it('hands out number-key shortcuts and refuses clashes', () => {
    const project = createProject(tmp.dir);
    const ant = createClass(project.db, { name: 'ant' });
    const bee = createClass(project.db, { name: 'bee' });
    expect([ant.shortcut, bee.shortcut]).toEqual([1, 2]);
    expect(() => createClass(project.db, { name: 'ANT' })).toThrow(/already exists/);
    expect(() => updateClass(project.db, { id: bee.id, shortcut: 1 })).toThrow(/already the shortcut/);
    expect(updateClass(project.db, { id: bee.id, name: 'honey bee', color: '#00ff00' })).toMatchObject({ name: 'honey bee', color: '#00ff00', shortcut: 2 });
    expect(listClasses(project.db).map((c) => c.name)).toEqual(['ant', 'honey bee']);
    project.close();
  });
});

describe('labels undo/redo', () => {
  it('undoes and redoes whole actions, and a new action clears the redo stack', () => {
    const project = createProject(tmp.dir);
    const db = project.db;
    const [ant, bee] = seedClasses(db, ['ant', 'bee']);
    const [i1, i2, i3] = seedImages(db, 3) as [number, number, number];

    const first = applyLabels(db, [i1, i2], ant!);
    expect(first.changed).toBe(2);
    applyLabels(db, [i2, i3], bee!);
    expect([labelOf(db, i1), labelOf(db, i2), labelOf(db, i3)]).toEqual([ant, bee, bee]);
    expect(applyLabels(db, [i2], bee!)).toMatchObject({ changed: 0, actionId: 0 });

    expect(undoLabels(db).changed).toBe(2);
    expect([labelOf(db, i1), labelOf(db, i2), labelOf(db, i3)]).toEqual([ant, ant, null]);
    expect(undoLabels(db).changed).toBe(2);
    expect([labelOf(db, i1), labelOf(db, i2), labelOf(db, i3)]).toEqual([null, null, null]);
    expect(undoLabels(db)).toMatchObject({ changed: 0 });

    expect(redoLabels(db).changed).toBe(2);
    expect([labelOf(db, i1), labelOf(db, i2), labelOf(db, i3)]).toEqual([ant, ant, null]);

    applyLabels(db, [i3], null); // nothing to clear: no action
    applyLabels(db, [i1], bee!);
    expect(redoLabels(db)).toMatchObject({ changed: 0 });
    expect(undoLabels(db).imageIds).toEqual([i1]);
    expect(labelOf(db, i1)).toBe(ant);
    project.close();
  });

  it('survives a reopen: the history is in the database', () => {
    const project = createProject(tmp.dir);
    const [ant] = seedClasses(project.db, ['ant']);
    const [img] = seedImages(project.db, 1);
    applyLabels(project.db, [img!], ant!);
    project.close();
    const reopened = openProject(tmp.dir);
    undoLabels(reopened.db);
    expect(labelOf(reopened.db, img!)).toBeNull();
    reopened.close();
  });

  it('rejects unknown images or classes as a whole, changing nothing', () => {
    const project = createProject(tmp.dir);
    const [ant] = seedClasses(project.db, ['ant']);
    const ids = seedImages(project.db, 2);
    expect(() => applyLabels(project.db, [...ids, 999], ant!)).toThrow(/Unknown image id/);
    expect(() => applyLabels(project.db, ids, 999)).toThrow(/no class/);
    expect(labelSummary(project.db).labeled).toBe(0);
    project.close();
  });
});

describe('settings', () => {
  it('reads defaults, stores a patch, and falls back when a stored value no longer fits', () => {
    const project = createProject(tmp.dir);
    expect(readSettings(project.db)).toEqual(DEFAULT_SETTINGS);
    const next = updateSettings(project.db, { preprocessing: { inputSize: 192, resizeMode: 'letterbox', scaling: 'zero1' } });
    expect(next.preprocessing.resizeMode).toBe('letterbox');
    expect(next.augmentation).toEqual(DEFAULT_SETTINGS.augmentation);
    project.db.prepare(`UPDATE settings SET value = '{"inputSize":"huge"}' WHERE key = 'preprocessing'`).run();
    expect(readSettings(project.db).preprocessing).toEqual(DEFAULT_SETTINGS.preprocessing);
    project.close();
  });
});
