// An export channel answers with its export id at once, as the import channels do: the row is
// listed 'running' from then on and settled by the job (done, cancelled). An export killed
// mid-way reads as 'interrupted' on the next open, never as finished.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImport } from '../../electron/dataset/import-job.js';
import type { ExportRecord } from '../../electron/domain/schemas.js';
import { listExports, markInterruptedExports } from '../../electron/project/exports.js';
import { createProject, openProject } from '../../electron/project/project.js';
import { createStudio, type Studio } from '../../electron/services/studio.js';
import { runTsChild } from '../helpers/child.js';
import { invoke, watchJobs } from '../helpers/studio-jobs.js';
import { writeSyntheticDataset } from '../helpers/synthetic-images.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir('studio-export-started-');
const projectDir = path.join(tmp.dir, 'project');

beforeAll(async () => {
  const source = path.join(tmp.dir, 'source');
  await writeSyntheticDataset(source, 240, ['cats', 'dogs']);
  const project = createProject(projectDir);
  await runImport(project, { kind: 'folder', root: source });
  project.close();
});
afterAll(() => tmp.cleanup());

describe('export channels and their export id', () => {
  let studio: Studio;
  let jobs: ReturnType<typeof watchJobs>;
  beforeAll(() => {
    studio = createStudio();
    jobs = watchJobs(studio);
    studio.session.open(projectDir);
  });
  afterAll(async () => {
    jobs.stop();
    await studio.close();
  });

  const row = async (id: number) => (await invoke<ExportRecord[]>(studio, 'export:list', {})).find((r) => r.id === id);

  it('answers with the export id; the row is running, then done where the export went', async () => {
    const { jobId, exportId } = await invoke<{ jobId: string; exportId: number }>(studio, 'export:dataset', { layout: 'class', name: 'by class' });
    expect(exportId).toEqual(expect.any(Number));
    expect(await row(exportId)).toMatchObject({ kind: 'dataset', format: 'class', status: 'running', exists: false });
    expect(await invoke<ExportRecord[]>(studio, 'export:list', { finished: true })).not.toContainEqual(expect.objectContaining({ id: exportId }));
    expect(await jobs.finished(jobId)).toMatchObject({ status: 'done' });
    const done = await row(exportId);
    expect(done).toMatchObject({ status: 'done', exists: true, path: path.join(projectDir, 'exports', 'by class'), summary: { rows: 240 } });
    expect(fs.readdirSync(done!.path).sort()).toEqual(['cats', 'dataset.csv', 'dogs']);
    expect(await invoke<ExportRecord[]>(studio, 'export:list', { finished: true })).toContainEqual(expect.objectContaining({ id: exportId }));
  });

  it('settles a cancelled export as cancelled, and a refused one as failed under its own id', async () => {
    const { jobId, exportId } = await invoke<{ jobId: string; exportId: number }>(studio, 'export:dataset', { layout: 'split-class' });
    await invoke(studio, 'jobs:cancel', { jobId });
    expect(await jobs.finished(jobId)).toMatchObject({ status: 'cancelled' });
    expect(await row(exportId)).toMatchObject({ status: 'cancelled', exists: false });

    // A name that is taken fails inside the job: the begun row says why.
    const again = await invoke<{ jobId: string; exportId: number }>(studio, 'export:dataset', { layout: 'class', name: 'by class' });
    expect(again.exportId).toBeGreaterThan(exportId);
    expect(await jobs.finished(again.jobId)).toMatchObject({ status: 'failed' });
    expect(await row(again.exportId)).toMatchObject({ status: 'failed', exists: false, error: expect.stringMatching(/already exists/) });
  });
});

describe('an export killed mid-way', () => {
  it('reads as interrupted on the next open, not as finished', async () => {
    let exportId = 0;
    let copying = false;
    const exit = await runTsChild(path.join(import.meta.dirname, '../helpers/export-runner.ts'), [projectDir], (line, child) => {
      if (line.startsWith('started ')) exportId = Number(line.slice(8));
      if (line === 'copying') {
        copying = true;
        child.kill('SIGKILL');
      }
    });
    expect(exit.signal, exit.stderr).toBe('SIGKILL');
    expect(copying).toBe(true);
    expect(exportId).toBeGreaterThan(0);

    const project = openProject(projectDir);
    try {
      const [record] = listExports(project.db, project.dir, { limit: 1 });
      expect(record).toMatchObject({ id: exportId, status: 'interrupted', exists: false });
      expect(listExports(project.db, project.dir, { limit: 100, finished: true }).map((r) => r.id)).not.toContain(exportId);
      // Marked once: a second look finds nothing left running.
      expect(markInterruptedExports(project.db)).toBe(0);
    } finally {
      project.close();
    }
  });
});
