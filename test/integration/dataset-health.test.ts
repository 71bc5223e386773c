// The health check on real fixtures and on generated data with planted problems.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHealthCheck } from '../../electron/dataset/health.js';
import { runImport } from '../../electron/dataset/import-job.js';
import type { HealthFinding, HealthReport } from '../../electron/domain/schemas.js';
import { createProject, type Project } from '../../electron/project/project.js';
import { createStudio } from '../../electron/services/studio.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { resaveJpeg, syntheticPixels, writeSyntheticJpeg } from '../helpers/synthetic-images.js';
import { invoke, watchJobs } from '../helpers/studio-jobs.js';
import { tempDir } from '../helpers/temp-dir.js';

const idOf = (project: Project, file: string) => project.db.prepare('SELECT image_id FROM image_paths WHERE path = ?').pluck().get(file) as number;
const find = (report: HealthReport, kind: HealthFinding['kind']) => report.findings.filter((f) => f.kind === kind);

describe.skipIf(fixturesUnavailable())('health of the hymenoptera fixture', () => {
  const root = fixture('datasets', 'hymenoptera');
  const tmp = tempDir();
  let project: Project;
  let report: HealthReport;
  beforeAll(async () => {
    project = createProject(path.join(tmp.dir, 'project'));
    await runImport(project, { kind: 'folder', root });
    report = runHealthCheck(project.db, { inputSize: 224 });
  });
  afterAll(() => {
    project.close();
    tmp.cleanup();
  });

  it('finds the "image not found" GIF filed as an ant: no detail, no colour, an odd format', () => {
    const gif = idOf(project, path.join(root, 'train/ants/imageNotFound.gif'));
    const flagged = (kind: HealthFinding['kind']) => find(report, kind).flatMap((f) => f.imageIds);
    expect(flagged('low_information')).toContain(gif);
    expect(flagged('grayscale')).toContain(gif);
    expect(flagged('rare_format')).toContain(gif);
    // The rules single out a handful of images, not the dataset.
    for (const kind of ['low_information', 'grayscale', 'rare_format'] as const) expect(flagged(kind).length, kind).toBeLessThan(5);
  });

  it('counts classes per split and finds no duplicates where there are none', () => {
    const ants = project.db.prepare(`SELECT id FROM classes WHERE name = 'ants'`).pluck().get();
    const train = report.splits.find((s) => s.split === 'train')!;
    expect(train.perClass.find((c) => c.classId === ants)?.count).toBe(124);
    expect(train.total).toBe(245);
    expect(train.imbalance).toBeCloseTo(124 / 121);
    expect(find(report, 'class_imbalance')).toEqual([]);
    expect(find(report, 'exact_duplicate')).toEqual([]);
    expect(find(report, 'near_duplicate')).toEqual([]);
    // 193 x 130 and similar: the fixture has images below 224 px.
    expect(find(report, 'tiny')[0]?.count).toBeGreaterThan(0);
    expect(report.nearDuplicateMethod).toBe('dhash');
  });
});

describe('health of cats/dogs-like data with planted problems', () => {
  const tmp = tempDir();
  const root = path.join(tmp.dir, 'pets');
  let project: Project;
  let report: HealthReport;
  const at = (...parts: string[]) => path.join(root, ...parts);

  beforeAll(async () => {
    for (let i = 0; i < 24; i++) await writeSyntheticJpeg(at('train', 'cats', `cat ${i}.jpg`), 100 + i);
    for (let i = 0; i < 6; i++) await writeSyntheticJpeg(at('train', 'dogs', `dog ${i}.jpg`), 200 + i);
    for (let i = 0; i < 5; i++) await writeSyntheticJpeg(at('val', 'cats', `cat ${i}.jpg`), 300 + i);
    // A photo saved twice under two names (byte-identical), and one saved again smaller and
    // at another quality into the validation split.
    fs.copyFileSync(at('train', 'cats', 'cat 3.jpg'), at('train', 'cats', 'cat 3 (copy).jpg'));
    await resaveJpeg(at('train', 'cats', 'cat 7.jpg'), at('val', 'cats', 'IMG_0007 resized.jpg'));
    // Small, gray, stretched, and a file that goes missing.
    await writeSyntheticJpeg(at('train', 'cats', 'thumbnail.jpg'), 400, { width: 120, height: 90 });
    await sharp(syntheticPixels(401, 300, 240), { raw: { width: 300, height: 240, channels: 3 } }).grayscale().jpeg().toFile(at('train', 'dogs', 'bw dog.jpg'));
    await writeSyntheticJpeg(at('train', 'dogs', 'panorama.jpg'), 402, { width: 1200, height: 300 });
    await writeSyntheticJpeg(at('unsorted.jpg'), 403);
    project = createProject(path.join(tmp.dir, 'project'));
    await runImport(project, { kind: 'folder', root });
    fs.rmSync(at('train', 'cats', 'cat 9.jpg'));
    await runImport(project, { kind: 'folder', root });
    report = runHealthCheck(project.db, { inputSize: 224 });
  });
  afterAll(() => {
    project.close();
    tmp.cleanup();
  });

  it('finds the photo saved twice under two names, with both paths', () => {
    const [exact] = find(report, 'exact_duplicate');
    expect(exact?.groups).toEqual([
      { imageIds: [idOf(project, at('train', 'cats', 'cat 3.jpg'))], splits: ['train'], paths: [at('train', 'cats', 'cat 3 (copy).jpg'), at('train', 'cats', 'cat 3.jpg')], distance: 0 },
    ]);
  });

  it('finds the re-saved photo as a near duplicate that leaks from train into val, and nothing else', () => {
    const pair = [idOf(project, at('train', 'cats', 'cat 7.jpg')), idOf(project, at('val', 'cats', 'IMG_0007 resized.jpg'))].sort((a, b) => a - b);
    const [near] = find(report, 'near_duplicate');
    expect(near?.groups?.map((g) => g.imageIds)).toEqual([pair]);
    const [leak] = find(report, 'split_leakage');
    expect(leak).toMatchObject({ severity: 'error', imageIds: pair });
    expect(leak?.groups?.[0]?.splits.sort()).toEqual(['train', 'val']);
  });

  it('flags imbalance, a class never validated, tiny, gray, stretched, missing and unlabeled images', () => {
    const [imbalance] = find(report, 'class_imbalance');
    const dogs = project.db.prepare(`SELECT l.image_id FROM labels l JOIN classes c ON c.id = l.class_id JOIN images i ON i.id = l.image_id WHERE c.name = 'dogs' AND i.split = 'train' ORDER BY l.image_id`).pluck().all();
    expect(imbalance?.imageIds.sort((a, b) => a - b)).toEqual(dogs);
    expect(imbalance?.message).toMatch(/"cats" has 2[0-9] images and "dogs" only 8/);
    expect(find(report, 'class_missing_in_split').map((f) => f.message)).toEqual([expect.stringMatching(/"dogs" has no images in val/)]);
    const only = (kind: HealthFinding['kind']) => find(report, kind).flatMap((f) => f.imageIds);
    expect(only('tiny')).toEqual([idOf(project, at('train', 'cats', 'thumbnail.jpg'))]);
    expect(only('grayscale')).toEqual([idOf(project, at('train', 'dogs', 'bw dog.jpg'))]);
    expect(only('extreme_aspect')).toEqual([idOf(project, at('train', 'dogs', 'panorama.jpg'))]);
    expect(only('missing_file')).toEqual([idOf(project, at('train', 'cats', 'cat 9.jpg'))]);
    expect(only('unlabeled')).toEqual([idOf(project, at('unsorted.jpg'))]);
    expect(only('low_information')).toEqual([]);
  });
});

describe('the health check over the contract', () => {
  it('runs as a job after an import job and keeps its report', async () => {
    const tmp = tempDir();
    const studio = createStudio({ checkOutput: true });
    const jobs = watchJobs(studio);
    try {
      studio.session.create(path.join(tmp.dir, 'project'));
      await writeSyntheticJpeg(path.join(tmp.dir, 'src', 'a', 'one.jpg'), 1);
      const imported = await invoke<{ jobId: string; importId: number }>(studio, 'import:folder', { path: path.join(tmp.dir, 'src') });
      expect(await jobs.finished(imported.jobId)).toMatchObject({ kind: 'import', status: 'done' });
      expect(await invoke(studio, 'import:report', { importId: imported.importId })).toMatchObject({ status: 'done', counts: { added: 1 } });
      expect(await invoke(studio, 'health:report', {})).toBeNull();
      const { jobId } = await invoke<{ jobId: string }>(studio, 'health:run', {});
      expect(await jobs.finished(jobId)).toMatchObject({ kind: 'health', status: 'done' });
      // One photo of one class: the class is too small to train and there is no test split, nothing else.
      const report = await invoke<{ imageCount: number; findings: Array<{ kind: string }> }>(studio, 'health:report', {});
      expect(report.imageCount).toBe(1);
      expect(report.findings.map((f) => f.kind).sort()).toEqual(['no_test_split', 'too_few_images']);
    } finally {
      jobs.stop();
      studio.close();
      tmp.cleanup();
    }
  });
});
