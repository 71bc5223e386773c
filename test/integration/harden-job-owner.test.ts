// Issue 20 #7: jobs carry their owner (pid + process start time). Opening the project from a
// second process — the CLI's `info`, serve mode's project:open — leaves a live job running
// (and its model folder in place); a job whose process was killed with -9 is marked
// interrupted by whichever process opens the project next, CLI included.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, openProject } from '../../electron/project/project.js';
import { createStudio } from '../../electron/services/studio.js';
import { runTsChild } from '../helpers/child.js';
import { runCliChild } from '../helpers/cli.js';
import { writeSyntheticDataset } from '../helpers/synthetic-images.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir('studio-job-owner-');
afterAll(() => tmp.cleanup());

const statuses = (dir: string, runId: number, importId: number) => {
  const project = openProject(dir);
  try {
    return {
      run: project.db.prepare('SELECT status FROM runs WHERE id = ?').pluck().get(runId),
      import: project.db.prepare('SELECT status FROM imports WHERE id = ?').pluck().get(importId),
    };
  } finally {
    project.close();
  }
};

describe('jobs of another process', () => {
  it('stay running while their process lives, and become interrupted once it is killed', async () => {
    const dir = path.join(tmp.dir, 'project');
    createProject(dir).close();
    let holder: ChildProcess | null = null;
    let ids: [number, number] = [0, 0];
    const held = new Promise<void>((resolve) => {
      void runTsChild(path.join(import.meta.dirname, '../helpers/job-holder.ts'), [dir], (line, child) => {
        const match = /^holding (\d+) (\d+)$/.exec(line);
        if (!match) return;
        holder = child;
        ids = [Number(match[1]), Number(match[2])];
        resolve();
      });
    });
    await held;
    const [runId, importId] = ids;
    const folder = path.join(dir, 'models', `run-${runId}`);
    try {
      // This process opens the project, the CLI reads it, serve mode opens it.
      expect(statuses(dir, runId, importId)).toEqual({ run: 'running', import: 'running' });
      const info = await runCliChild(['info', dir, '--json']);
      expect(info.json()).toMatchObject({ lastImport: { id: importId, status: 'running' }, runs: [{ id: runId, status: 'running' }] });
      const studio = createStudio();
      studio.session.open(dir);
      await studio.close();
      expect(statuses(dir, runId, importId)).toEqual({ run: 'running', import: 'running' });
      expect(fs.existsSync(path.join(folder, 'model.json'))).toBe(true);
    } finally {
      (holder as ChildProcess | null)?.kill('SIGKILL');
    }
    await new Promise((resolve) => (holder as unknown as ChildProcess).once('exit', resolve));
    expect(statuses(dir, runId, importId)).toEqual({ run: 'interrupted', import: 'interrupted' });
    expect(fs.existsSync(folder)).toBe(false);
  });

  it('a CLI import killed with -9 is recovered by the next `info`', async () => {
    const dir = path.join(tmp.dir, 'killed');
    const source = path.join(tmp.dir, 'photos');
    await writeSyntheticDataset(source, 60, ['a', 'b']);
    createProject(dir).close();
    const exit = await runTsChild(path.join(import.meta.dirname, '../helpers/import-runner.ts'), [dir, source, '4'], (line, child) => {
      if (line.startsWith('committed ') && !child.killed) child.kill('SIGKILL');
    });
    expect(exit.signal).toBe('SIGKILL');
    const info = await runCliChild(['info', dir, '--json']);
    expect(info.json()).toMatchObject({ lastImport: { status: 'interrupted' } });
  });
});
