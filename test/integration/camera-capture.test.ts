// Camera frames into the project over the contract: batches of real JPEG frames are written into
// captured/<class>/, the take is imported once through the normal import path with labels of
// source 'capture', undo takes them back, and bad frames are refused with nothing written.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudio, type Studio } from '../../electron/services/studio.js';
import { fixturesUnavailable } from '../helpers/fixtures.js';
import { hymenopteraFiles } from '../helpers/photos.js';
import { invoke, watchJobs } from '../helpers/studio-jobs.js';
import { tempDir } from '../helpers/temp-dir.js';

const skipReason = fixturesUnavailable();
const tmp = tempDir('camera-capture-');
const projectDir = path.join(tmp.dir, 'project');
let studio: Studio;
/** Frames as a camera would send them: real photos, 640×480, JPEG, as base64. */
let frames: string[] = [];

type Batch = { written: number; total: number; import: { jobId: string; importId: number } | null };
const send = (payload: unknown) => invoke<Batch>(studio, 'capture:frames', payload);
const errorOf = async (payload: unknown) => {
  const result = await studio.dispatch('capture:frames', payload, { transport: 'in-process' });
  return result.ok ? null : result.error;
};
const db = () => studio.session.requireProject().db;
const capturedFiles = (folder: string) => (fs.existsSync(path.join(projectDir, 'captured', folder)) ? fs.readdirSync(path.join(projectDir, 'captured', folder)).sort() : []);

describe.skipIf(skipReason !== null)('camera capture', () => {
  let bees: number;
  let odd: number;

  beforeAll(async () => {
    const photos = hymenopteraFiles(6);
    frames = await Promise.all(photos.map(async (f) => (await sharp(f).resize(640, 480, { fit: 'cover' }).jpeg({ quality: 85 }).toBuffer()).toString('base64')));
    studio = createStudio({ checkOutput: true });
    studio.session.create(projectDir, 'camera');
    bees = (await invoke<{ id: number }>(studio, 'classes:create', { name: 'bees' })).id;
    // A name no file system takes as is.
    odd = (await invoke<{ id: number }>(studio, 'classes:create', { name: 'CON: a*b?' })).id;
  });
  afterAll(async () => {
    await studio?.close();
    tmp.cleanup();
  });

  it('writes each batch at once and imports the whole take once, labelled with source capture', async () => {
    const jobs = watchJobs(studio);
    const take = 'take-0001-abcdef';
    const first = await send({ classId: bees, take, frames: frames.slice(0, 4), final: false });
    expect(first).toEqual({ written: 4, total: 4, import: null });
    // Written, not yet imported: the take is still going.
    expect(capturedFiles('bees')).toHaveLength(4);
    expect(db().prepare('SELECT count(*) FROM images').pluck().get()).toBe(0);

    const last = await send({ classId: bees, take, frames: frames.slice(4, 6), final: true });
    expect(last).toMatchObject({ written: 2, total: 6 });
    expect(last.import).not.toBeNull();
    expect(await jobs.finished(last.import!.jobId)).toMatchObject({ status: 'done' });
    jobs.stop();

    const files = capturedFiles('bees');
    expect(files).toHaveLength(6);
    expect(new Set(files).size).toBe(6);
    for (const f of files) expect(f).toMatch(/^\d{8}-\d{6}-\d{3}-take-000-\d{4}\.jpg$/);
    const rows = db()
      .prepare('SELECT l.class_id AS classId, l.source, p.path FROM images i JOIN labels l ON l.image_id = i.id JOIN image_paths p ON p.image_id = i.id ORDER BY p.path')
      .all() as Array<{ classId: number; source: string; path: string }>;
    expect(rows).toHaveLength(6);
    expect(rows.every((r) => r.classId === bees && r.source === 'capture')).toBe(true);
    expect(rows.map((r) => path.basename(r.path))).toEqual(files);
    // Ordinary images afterwards: thumbnails, probe facts, a split.
    const facts = db().prepare("SELECT count(*) FROM images WHERE width = 640 AND height = 480 AND split != 'unassigned'").pluck().get();
    expect(facts).toBe(6);
    const report = await invoke<{ kind: string; source: string; layout: string; counts: { added: number; labeled: number } }>(studio, 'import:report', { importId: last.import!.importId });
    expect(report).toMatchObject({ kind: 'files', layout: 'camera', counts: { added: 6, labeled: 6 } });
    expect(report.source).toContain(path.join('captured', 'bees'));
  });

  it('undoes the take as one label action and redoes it', async () => {
    const undone = await invoke<{ imageIds: number[] }>(studio, 'labels:undo', {});
    expect(undone.imageIds).toHaveLength(6);
    expect(db().prepare('SELECT count(*) FROM labels').pluck().get()).toBe(0);
    await invoke(studio, 'labels:redo', {});
    expect(db().prepare("SELECT count(*) FROM labels WHERE source = 'capture'").pluck().get()).toBe(6);
  });

  it('stores the same picture once (dedupe) and files a frame of a class with an unsafe name under a safe folder', async () => {
    const jobs = watchJobs(studio);
    const shot = await send({ classId: odd, take: 'single-shot-0002', frames: [frames[0]!], final: true });
    expect(await jobs.finished(shot.import!.jobId)).toMatchObject({ status: 'done' });
    jobs.stop();
    expect(capturedFiles('CON_ a_b_')).toHaveLength(1);
    // The content is already a bees image labelled by capture: a second copy does not relabel it.
    expect(db().prepare('SELECT count(*) FROM images').pluck().get()).toBe(6);
    expect(db().prepare('SELECT count(*) FROM image_paths').pluck().get()).toBe(7);
    expect(db().prepare('SELECT count(*) FROM labels WHERE class_id = ?').pluck().get(bees)).toBe(6);
  });

  it('refuses bad frames with a clear error and writes nothing', async () => {
    const before = fs.readdirSync(path.join(projectDir, 'captured'), { recursive: true }).length;
    const png = (await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } }).png().toBuffer()).toString('base64');
    const cases: Array<[unknown, string, RegExp]> = [
      [{ classId: bees, take: 'bad-take-0001', frames: [frames[1]!, png], final: true }, 'invalid_payload', /Frame 2 is not a JPEG/],
      [{ classId: bees, take: 'bad-take-0002', frames: ['!!!!'], final: true }, 'invalid_payload', /base64/],
      [{ classId: bees, take: 'bad-take-0003', frames: ['A'.repeat(6_000_000)], final: true }, 'invalid_payload', /.+/],
      [{ classId: 999, take: 'bad-take-0004', frames: [frames[1]!], final: true }, 'not_found', /no class/],
      [{ classId: bees, take: '../../etc', frames: [frames[1]!], final: true }, 'invalid_payload', /take id/],
      [{ classId: bees, take: 'bad-take-0005', frames: new Array(33).fill(frames[1]!), final: true }, 'invalid_payload', /.+/],
    ];
    for (const [payload, code, message] of cases) {
      const error = await errorOf(payload);
      expect(error?.code).toBe(code);
      expect(`${error?.message} ${error?.issues?.join(' ') ?? ''}`).toMatch(message);
    }
    expect(fs.readdirSync(path.join(projectDir, 'captured'), { recursive: true }).length).toBe(before);
  });

  it('refuses to continue a take into another class', async () => {
    await send({ classId: bees, take: 'switch-take-01', frames: [frames[2]!], final: false });
    expect((await errorOf({ classId: odd, take: 'switch-take-01', frames: [frames[3]!], final: true }))?.code).toBe('conflict');
    const jobs = watchJobs(studio);
    const end = await send({ classId: bees, take: 'switch-take-01', frames: [], final: true });
    expect(end.total).toBe(1);
    expect(await jobs.finished(end.import!.jobId)).toMatchObject({ status: 'done' });
    jobs.stop();
  });
});

describe('label source capture in an older project', () => {
  const dir = tempDir('capture-migration-');
  afterAll(() => dir.cleanup());
  it('keeps every label and its undo history when a schema-6 project is migrated', async () => {
    const { openDatabase, migrate } = await import('../../electron/project/database.js');
    const { seedClasses, seedImages } = await import('../helpers/seed.js');
    const { applyLabels, undoLabels } = await import('../../electron/project/labels.js');
    const old = openDatabase(path.join(dir.dir, 'v6.db'), { targetVersion: 6 });
    try {
      const [ant, bee] = seedClasses(old, ['ant', 'bee']);
      const ids = seedImages(old, 4);
      applyLabels(old, ids.slice(0, 2), ant!, { source: 'import' });
      applyLabels(old, ids.slice(2), bee!);
      // Schema 6 refuses the new source.
      expect(() => old.prepare("UPDATE labels SET source = 'capture'").run()).toThrow(/CHECK constraint/);
      migrate(old);
      expect(old.prepare('SELECT image_id, class_id, source FROM labels ORDER BY image_id').all()).toEqual([
        { image_id: ids[0], class_id: ant, source: 'import' },
        { image_id: ids[1], class_id: ant, source: 'import' },
        { image_id: ids[2], class_id: bee, source: 'human' },
        { image_id: ids[3], class_id: bee, source: 'human' },
      ]);
      expect(old.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'labels' AND name = 'labels_class'").pluck().get()).toBe('labels_class');
      applyLabels(old, [ids[0]!], bee!, { source: 'capture' });
      expect(old.prepare('SELECT source FROM labels WHERE image_id = ?').pluck().get(ids[0])).toBe('capture');
      // Deleting an image still removes its label (the foreign keys came along).
      old.prepare('DELETE FROM images WHERE id = ?').run(ids[3]);
      expect(old.prepare('SELECT count(*) FROM labels').pluck().get()).toBe(3);
      undoLabels(old);
      expect(old.prepare('SELECT source FROM labels WHERE image_id = ?').pluck().get(ids[0])).toBe('import');
      expect(old.pragma('foreign_key_check')).toEqual([]);
    } finally {
      old.close();
    }
  });
});

describe.skipIf(skipReason !== null)('a take whose page went quiet', () => {
  const dir = tempDir('capture-abandoned-');
  let quiet: Studio;
  afterAll(async () => {
    await quiet?.close();
    dir.cleanup();
  });

  it('is imported anyway after a while, so frames on disk are never left out of the library', async () => {
    const { CaptureService } = await import('../../electron/dataset/capture.js');
    const { DatasetService } = await import('../../electron/dataset/service.js');
    quiet = createStudio({ checkOutput: true });
    const project = quiet.session.create(path.join(dir.dir, 'project'), 'quiet');
    const dataset = new DatasetService({ session: quiet.session, bus: quiet.bus, jobs: quiet.jobs });
    const started: string[] = [];
    const capture = new CaptureService(
      quiet.session,
      (paths, classId) => {
        const s = dataset.startImport({ kind: 'files', paths, capture: { classId } });
        started.push(s.jobId);
        return s;
      },
      100,
    );
    const ants = (await invoke<{ id: number }>(quiet, 'classes:create', { name: 'ants' })).id;
    const photos = hymenopteraFiles(2);
    const jpegs = await Promise.all(photos.map(async (f) => (await sharp(f).resize(320, 240).jpeg().toBuffer()).toString('base64')));
    expect(await capture.addFrames({ classId: ants, take: 'quiet-take-001', frames: jpegs, final: false })).toMatchObject({ written: 4, import: null });
    await expect.poll(() => started.length, { timeout: 5_000 }).toBe(1);
    await dataset.idle();
    expect(project.db.prepare("SELECT count(*) FROM labels WHERE source = 'capture' AND class_id = ?").pluck().get(ants)).toBe(4);
  });
});
