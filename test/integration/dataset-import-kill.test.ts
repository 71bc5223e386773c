// An import killed with SIGKILL (twice) or cancelled keeps every committed image, and running
// it again ends in exactly the state of an import that was never interrupted.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markInterruptedImports } from '../../electron/project/dataset-catalog.js';
import { runImport } from '../../electron/dataset/import-job.js';
import { StudioError } from '../../electron/domain/result.js';
import { createProject, openProject } from '../../electron/project/project.js';
import { writeBadCorpus } from '../helpers/bad-corpus.js';
import { runTsChild } from '../helpers/child.js';
import { datasetSnapshot, type DatasetSnapshot } from '../helpers/dataset-snapshot.js';
import { writeSyntheticDataset } from '../helpers/synthetic-images.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir();
const source = path.join(tmp.dir, 'source');
let reference: DatasetSnapshot;
let total = 0;

beforeAll(async () => {
  await writeSyntheticDataset(source, 240, ['cats', 'dogs', 'owls']);
  await writeBadCorpus(source);
  // The same photo twice under two names, in two classes: the first one (in plan order) wins.
  fs.copyFileSync(path.join(source, 'cats', 'img_00000.jpg'), path.join(source, 'dogs', 'copy of img_00000.jpg'));
  const project = createProject(path.join(tmp.dir, 'reference'));
  const summary = await runImport(project, { kind: 'folder', root: source });
  total = summary.counts!.seen;
  reference = datasetSnapshot(project.db, project.dir);
  project.close();
});
afterAll(() => tmp.cleanup());

async function importAndKill(projectDir: string, killAfter: number): Promise<number> {
  let acknowledged = 0;
  const exit = await runTsChild(path.join(import.meta.dirname, '../helpers/import-runner.ts'), [projectDir, source, '8'], (line, child) => {
    if (line.startsWith('committed ')) acknowledged = Number(line.slice(10));
    if (acknowledged >= killAfter && !child.killed) child.kill('SIGKILL');
  });
  if (exit.signal !== 'SIGKILL') throw new Error(`import exited with ${exit.code} before it could be killed: ${exit.stderr}`);
  return acknowledged;
}

describe('an interrupted import', () => {
  it('survives kill -9 twice; a re-run ends equal to an uninterrupted import', async () => {
    const dir = path.join(tmp.dir, 'killed');
    createProject(dir).close();
    for (const killAfter of [40, 150]) {
      const acknowledged = await importAndKill(dir, killAfter);
      expect(acknowledged).toBeGreaterThanOrEqual(killAfter);
      expect(acknowledged).toBeLessThan(total);
      const project = openProject(dir);
      expect(project.db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(project.db.pragma('foreign_key_check')).toEqual([]);
      // Every acknowledged file is in: as an image path or as a reported problem.
      const paths = project.db.prepare('SELECT count(*) FROM image_paths').pluck().get() as number;
      const problems = project.db.prepare('SELECT count(DISTINCT path) FROM import_problems').pluck().get() as number;
      expect(paths + problems).toBeGreaterThanOrEqual(acknowledged);
      // Opening the project marked the killed import (its process is gone) as interrupted.
      expect(project.db.prepare('SELECT status FROM imports ORDER BY id DESC LIMIT 1').pluck().get()).toBe('interrupted');
      expect(markInterruptedImports(project.db)).toBe(0);
      project.close();
    }
    const project = openProject(dir);
    const summary = await runImport(project, { kind: 'folder', root: source });
    expect(summary.counts!.unchanged).toBeGreaterThanOrEqual(150 - summary.counts!.problems);
    expect(datasetSnapshot(project.db, project.dir)).toEqual(reference);
    expect(project.db.prepare(`SELECT status FROM imports ORDER BY id`).pluck().all()).toEqual(['interrupted', 'interrupted', 'done']);
    project.close();
  });

  it('keeps what was committed when cancelled, and resumes to the same end state', async () => {
    const project = createProject(path.join(tmp.dir, 'cancelled'));
    const controller = new AbortController();
    const run = runImport(project, { kind: 'folder', root: source }, { batchSize: 8, signal: controller.signal, onCommit: () => controller.abort() });
    await expect(run).rejects.toSatisfy((e) => e instanceof StudioError && e.code === 'cancelled');
    const kept = project.db.prepare('SELECT count(*) FROM image_paths').pluck().get() as number;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(reference.paths.length);
    expect(project.db.prepare('SELECT status FROM imports').pluck().get()).toBe('cancelled');
    await runImport(project, { kind: 'folder', root: source });
    expect(datasetSnapshot(project.db, project.dir)).toEqual(reference);
    project.close();
  });
});
