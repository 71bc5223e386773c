// Issue 20 #11: inputs that were skipped silently or taken unbounded. A folder whose path
// passes PATH_MAX is reported; a small JPEG padded to tens of MB is not copied whole into a
// class-folder export (it is listed as skipped, with the reason); a failed import takes back
// the empty classes it created.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runImport } from '../../electron/dataset/import-job.js';
import { exportDataset } from '../../electron/export/dataset/dataset-export.js';
import { listClasses } from '../../electron/project/classes.js';
import { createProject } from '../../electron/project/project.js';
import { writeSyntheticDataset, writeSyntheticJpeg } from '../helpers/synthetic-images.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir('studio-inputs-');
afterAll(() => {
  // Node's rmSync cannot name a path past PATH_MAX; rm walks it relatively.
  execFileSync('rm', ['-rf', path.join(tmp.dir, 'long')]);
  tmp.cleanup();
});

describe('unreported and unbounded inputs', () => {
  it.skipIf(process.platform === 'win32')('reports a folder whose path is longer than the file system takes', async () => {
    const root = path.join(tmp.dir, 'long');
    await writeSyntheticJpeg(path.join(root, 'ok', 'a.jpg'), 1);
    // Built with relative steps: no single call may name the whole path.
    const here = process.cwd();
    const segment = 'd'.repeat(200);
    try {
      process.chdir(root);
      for (let i = 0; i < 22; i++) {
        fs.mkdirSync(segment);
        process.chdir(segment);
      }
      fs.writeFileSync('deep.jpg', fs.readFileSync(path.join(root, 'ok', 'a.jpg')));
    } finally {
      process.chdir(here);
    }
    const project = createProject(path.join(tmp.dir, 'long-project'));
    const summary = await runImport(project, { kind: 'folder', root });
    expect(summary.counts).toMatchObject({ added: 1 });
    const problems = project.db.prepare('SELECT path, message FROM import_problems').all() as Array<{ path: string; message: string }>;
    expect(problems).toEqual([expect.objectContaining({ message: expect.stringContaining('too long') })]);
    project.close();
  });

  it('does not copy a JPEG padded with trailing data into a class-folder export', async () => {
    const source = path.join(tmp.dir, 'padded');
    await writeSyntheticDataset(source, 2, ['cats']);
    const file = path.join(source, 'cats', fs.readdirSync(path.join(source, 'cats')).sort()[0]!);
    const original = fs.statSync(file).size;
    fs.truncateSync(file, 40 * 1024 * 1024);
    const project = createProject(path.join(tmp.dir, 'padded-project'));
    const summary = await runImport(project, { kind: 'folder', root: source });
    expect(summary.counts).toMatchObject({ added: 2 });
    const { dir, summary: exported } = await exportDataset({ db: project.db, projectDir: project.dir, layout: 'class' });
    expect(exported.skipped).toEqual([expect.objectContaining({ reason: expect.stringMatching(/40 MB, far more than its \d+×\d+ picture needs: it carries trailing data/) })]);
    const copied = fs.readdirSync(path.join(dir, 'cats'));
    expect(copied).toHaveLength(1);
    expect(fs.statSync(path.join(dir, 'cats', copied[0]!)).size).toBeLessThan(original * 4);
    project.close();
  });

  it('takes back the classes a failed import created', async () => {
    const source = path.join(tmp.dir, 'failing');
    await writeSyntheticDataset(source, 4, ['new-a', 'new-b']);
    const project = createProject(path.join(tmp.dir, 'failing-project'));
    const failure = runImport(project, { kind: 'folder', root: source }, {
      progress: (phase) => {
        if (phase === 'importing') throw new Error('the disk went away');
      },
    });
    await expect(failure).rejects.toThrow('the disk went away');
    expect(listClasses(project.db)).toEqual([]);
    expect(project.db.prepare('SELECT status FROM imports').pluck().get()).toBe('failed');
    const again = await runImport(project, { kind: 'folder', root: source });
    expect(again.status).toBe('done');
    expect(listClasses(project.db).map((c) => c.name)).toEqual(['new-a', 'new-b']);
    project.close();
  });
});
