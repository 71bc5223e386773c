// Issue 20 #6: project.sqlite-wal deleted (or project.sqlite replaced) while the project is open.
// SQLite would go on committing into the unlinked file and every label from then on would be
// lost at the next open, without a word. The studio notices at the next write and stops.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureClass } from '../../electron/project/classes.js';
import { insertImage } from '../../electron/project/images.js';
import { applyLabels } from '../../electron/project/labels.js';
import { createProject, DB_FILE, openProject, type Project } from '../../electron/project/project.js';
import { StudioError } from '../../electron/domain/result.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir('studio-wal-');
afterAll(() => tmp.cleanup());

function projectWithImages(name: string, count: number): { project: Project; ids: number[]; classId: number } {
  const project = createProject(path.join(tmp.dir, name));
  const ids = Array.from({ length: count }, (_, i) => insertImage(project.db, { hash: `${i}`.padStart(64, 'a'), path: `/photos/${i}.jpg`, byteSize: 10, width: 1, height: 1, format: 'jpeg' }).id);
  return { project, ids, classId: ensureClass(project.db, 'ant').id };
}

const label = (p: { project: Project; classId: number }, id: number) => applyLabels(p.project.db, [id], p.classId, { source: 'human' });

function thrown(fn: () => unknown): StudioError {
  try {
    fn();
  } catch (error) {
    if (error instanceof StudioError) return error;
    throw error;
  }
  throw new Error('no error: the write went on');
}

describe('the database files changing under an open project', () => {
  it('stops writing once the WAL is deleted, saying why (no later label is acknowledged and then lost)', () => {
    const p = projectWithImages('wal-deleted', 20);
    const file = path.join(p.project.dir, DB_FILE);
    for (const id of p.ids.slice(0, 10)) label(p, id);
    fs.rmSync(`${file}-wal`);
    const error = thrown(() => label(p, p.ids[10]!));
    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(/project\.sqlite-wal \(its write-ahead log, holding the latest changes\) was removed while the project was open\. Nothing more is written/);
    // Every later write is refused too, whichever way it is made.
    expect(() => p.project.db.prepare('UPDATE images SET split = ? WHERE id = ?').run('val', p.ids[0])).toThrow(/was removed while the project was open/);
    p.project.close();
  });

  it('stops writing once project.sqlite is replaced by another file', () => {
    const p = projectWithImages('replaced', 5);
    const file = path.join(p.project.dir, DB_FILE);
    label(p, p.ids[0]!);
    const copy = path.join(tmp.dir, 'copy.sqlite');
    fs.copyFileSync(file, copy);
    fs.renameSync(copy, file);
    expect(thrown(() => label(p, p.ids[1]!)).message).toMatch(/project\.sqlite was replaced by another file while the project was open/);
    p.project.close();
  });

  it('keeps writing while the files are the ones it opened, also after another connection opened and closed the project', () => {
    const p = projectWithImages('untouched', 5);
    label(p, p.ids[0]!);
    openProject(p.project.dir).close();
    label(p, p.ids[1]!);
    expect(p.project.db.prepare('SELECT count(*) FROM labels').pluck().get()).toBe(2);
    p.project.close();
  });
});
