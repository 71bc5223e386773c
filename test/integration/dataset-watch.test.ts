// Watched folders through the real studio (contract, service, chokidar, import jobs, events).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../electron/ipc/contract.js';
import { thumbPath } from '../../electron/dataset/thumbnails.js';
import { insertImage } from '../../electron/project/images.js';
import { createStudio, type Studio } from '../../electron/services/studio.js';
import { writeSyntheticJpeg } from '../helpers/synthetic-images.js';
import { fakeHash } from '../helpers/seed.js';
import { invoke } from '../helpers/studio-jobs.js';
import { tempDir } from '../helpers/temp-dir.js';

type WatchEvent = EventPayload<'watch:changed'>;

// A liveness bound, not a speed check: the first import also installs the shipped backbone and
// embeds its photos, which takes far longer than 15 s on a machine busy with other work.
async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 120_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function imageAt(studio: Studio, file: string) {
  return studio.session
    .requireProject()
    .db.prepare(
      `SELECT i.id, i.hash, i.status, i.width, p.present, c.name AS className FROM image_paths p JOIN images i ON i.id = p.image_id
       LEFT JOIN labels l ON l.image_id = i.id LEFT JOIN classes c ON c.id = l.class_id WHERE p.path = ?`,
    )
    .get(file) as { id: number; hash: string; status: string; width: number; present: number; className: string | null } | undefined;
}

describe('a watched folder', () => {
  const tmp = tempDir();
  const source = path.join(tmp.dir, 'source');
  const projectDir = path.join(tmp.dir, 'project');
  let studio: Studio;
  const events: WatchEvent[] = [];
  const nextEvent = async (after: number, match: (e: WatchEvent) => boolean) =>
    waitFor('a watch:changed event', () => events.slice(after).find(match));

  beforeAll(async () => {
    studio = createStudio({ checkOutput: true });
    studio.bus.listen((event, payload) => {
      if (event === 'watch:changed') events.push(payload as WatchEvent);
    });
    studio.session.create(projectDir);
    for (let i = 0; i < 3; i++) await writeSyntheticJpeg(path.join(source, 'cats', `cat ${i}.jpg`), 10 + i);
  });
  afterAll(() => {
    studio.close();
    tmp.cleanup();
  });

  it('imports what is there when watching starts', async () => {
    const { folder, reconcile } = await invoke<{ folder: { id: number; active: boolean }; reconcile: { importId: number } }>(studio, 'watch:add', { path: source });
    expect(folder.active).toBe(true);
    const event = await nextEvent(0, (e) => e.importId === reconcile.importId);
    expect(event).toMatchObject({ folder: source, added: 3, changed: 0, removed: 0, problems: 0 });
    expect(imageAt(studio, path.join(source, 'cats', 'cat 0.jpg'))).toMatchObject({ className: 'cats', status: 'ok' });
  });

  it('imports a new file once its write has finished, not half of it', async () => {
    const before = events.length;
    const file = path.join(source, 'cats', 'slow writer.jpg');
    const scratch = path.join(tmp.dir, 'whole.jpg');
    await writeSyntheticJpeg(scratch, 99);
    const bytes = fs.readFileSync(scratch);
    const handle = fs.openSync(file, 'w');
    for (let part = 0; part < 4; part++) {
      fs.writeSync(handle, bytes.subarray((part * bytes.length) / 4, ((part + 1) * bytes.length) / 4));
      await new Promise((r) => setTimeout(r, 150));
    }
    fs.closeSync(handle);
    const event = await nextEvent(before, (e) => e.added > 0);
    expect(event).toMatchObject({ added: 1, problems: 0 });
    // Had a batch seen the file half-written, it would have reported it as truncated first.
    expect(events.slice(before).map((e) => e.problems)).toEqual([0]);
    expect(imageAt(studio, file)).toMatchObject({ width: 500, className: 'cats' });
  });

  it('re-hashes a changed file: same image, new content', async () => {
    const file = path.join(source, 'cats', 'cat 0.jpg');
    const before = imageAt(studio, file)!;
    const mark = events.length;
    await writeSyntheticJpeg(path.join(tmp.dir, 'edit.jpg'), 555);
    fs.copyFileSync(path.join(tmp.dir, 'edit.jpg'), file);
    await nextEvent(mark, (e) => e.changed > 0);
    const after = imageAt(studio, file)!;
    expect(after.id).toBe(before.id);
    expect(after.hash).not.toBe(before.hash);
  });

  it('matches a renamed file by hash, and marks a removed one missing with its label kept', async () => {
    const from = path.join(source, 'cats', 'cat 1.jpg');
    const to = path.join(source, 'cats', 'cat one (renamed).jpg');
    const image = imageAt(studio, from)!;
    let mark = events.length;
    fs.renameSync(from, to);
    await nextEvent(mark, (e) => e.moved > 0 || e.removed > 0);
    await waitFor('the rename to settle', () => imageAt(studio, to)?.present === 1);
    expect(imageAt(studio, to)).toMatchObject({ id: image.id, status: 'ok', className: 'cats' });
    expect(imageAt(studio, from)).toMatchObject({ present: 0 });

    const gone = path.join(source, 'cats', 'cat 2.jpg');
    const removed = imageAt(studio, gone)!;
    mark = events.length;
    fs.rmSync(gone);
    await nextEvent(mark, (e) => e.removed > 0);
    expect(imageAt(studio, gone)).toMatchObject({ id: removed.id, status: 'missing', present: 0, className: 'cats' });
  });

  it('reports a bad file dropped into the folder instead of stopping', async () => {
    const mark = events.length;
    fs.writeFileSync(path.join(source, 'cats', 'broken.jpg'), 'definitely not a jpeg');
    const event = await nextEvent(mark, (e) => e.problems > 0);
    const report = await invoke<{ problems: Array<{ path: string; reason: string }> }>(studio, 'import:report', { importId: event.importId! });
    expect(report.problems).toEqual([{ path: path.join(source, 'cats', 'broken.jpg'), reason: 'not_image', message: expect.any(String) }]);
  });

  it('resumes watching when the project is opened again, catching up on changes made meanwhile', async () => {
    await invoke(studio, 'project:close', {});
    await writeSyntheticJpeg(path.join(source, 'cats', 'while closed.jpg'), 4321);
    const mark = events.length;
    await invoke(studio, 'project:open', { path: projectDir });
    const event = await nextEvent(mark, (e) => e.added > 0);
    expect(event.added).toBe(1);
    const watched = await invoke<Array<{ path: string; active: boolean }>>(studio, 'watch:list', {});
    expect(watched).toEqual([expect.objectContaining({ path: source, active: true })]);
  });
});

describe('watching a folder of 10,000 files that were imported before', () => {
  const COUNT = 10_000;
  const tmp = tempDir();
  const source = path.join(tmp.dir, 'big');
  let studio: Studio;
  beforeAll(() => {
    studio = createStudio();
    const project = studio.session.create(path.join(tmp.dir, 'project'));
    // Files that are not images at all: hashing or decoding any of them would show up as a
    // problem in the report. Their rows carry the size and mtime a past import recorded, and
    // the thumbnails it made are there.
    project.db.transaction(() => {
      for (let n = 0; n < COUNT; n++) {
        const file = path.join(source, `class ${n % 10}`, `img ${n}.jpg`);
        if (n < 10) fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, `placeholder ${n}`);
        const stats = fs.statSync(file);
        insertImage(project.db, { hash: fakeHash(n), path: file, byteSize: stats.size, width: 500, height: 375, format: 'jpeg', mtimeMs: Math.trunc(stats.mtimeMs) });
        const thumb = thumbPath(project.dir, fakeHash(n));
        fs.mkdirSync(path.dirname(thumb), { recursive: true });
        fs.writeFileSync(thumb, '');
      }
    })();
  });
  afterAll(() => {
    studio.close();
    tmp.cleanup();
  });

  it('re-imports none of them on start', async () => {
    const result = await studio.dispatch('watch:add', { path: source }, { transport: 'in-process' });
    expect(result.ok).toBe(true);
    const importId = (result as { value: { reconcile: { importId: number } } }).value.reconcile.importId;
    const report = await waitFor('the reconcile import', () => {
      const r = studio.session.requireProject().db.prepare('SELECT status, counts FROM imports WHERE id = ?').get(importId) as { status: string; counts: string };
      return r.status !== 'running' && r;
    }, 60_000);
    expect(report.status).toBe('done');
    expect(JSON.parse(report.counts)).toMatchObject({ seen: COUNT, unchanged: COUNT, added: 0, updated: 0, problems: 0, missing: 0 });
  }, 120_000);
});
