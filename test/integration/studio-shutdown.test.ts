// Shutting the studio down mid-work (the app quitting during a job): every job is cancelled
// and has settled before the engine stops and the database closes, so an import stops at a
// batch boundary, is recorded as cancelled, and the project reopens with what it committed.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../electron/ipc/event-bus.js';
import { JobManager } from '../../electron/jobs/job-manager.js';
import { openProject } from '../../electron/project/project.js';
import { inProcessClient } from '../../electron/services/in-process-client.js';
import { createStudio } from '../../electron/services/studio.js';
import { writeSyntheticDataset } from '../helpers/synthetic-images.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir('studio-shutdown-');
afterAll(() => tmp.cleanup());

describe('JobManager.whenIdle', () => {
  it('resolves true once running jobs settle, false when one outlives the timeout', async () => {
    const jobs = new JobManager(new EventBus());
    expect(await jobs.whenIdle(10)).toBe(true);
    jobs.start('import', (job) => new Promise((resolve) => job.signal.addEventListener('abort', () => setTimeout(resolve, 30))));
    const stubborn = jobs.start('train', () => new Promise((resolve) => setTimeout(resolve, 400)));
    jobs.cancelAll();
    const started = Date.now();
    expect(await jobs.whenIdle(150)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(jobs.list().map((j) => j.kind)).toEqual(['train']);
    await stubborn.done;
    expect(await jobs.whenIdle(10)).toBe(true);
  });
});

describe('studio.close during an import', () => {
  it('cancels the import, waits for it, and leaves a project that reopens with its committed images', async () => {
    const images = path.join(tmp.dir, 'images');
    await writeSyntheticDataset(images, 120, ['ant', 'bee', 'wasp']);
    const projectDir = path.join(tmp.dir, 'project');
    const studio = createStudio();
    const client = inProcessClient(studio);
    await client.invoke('project:create', { path: projectDir });
    let progressed = 0;
    client.on('job:progress', (p) => (p.phase === 'importing' ? (progressed = Math.max(progressed, p.done)) : undefined));
    const { importId } = await client.invoke('import:folder', { path: images });
    // Quit part-way through.
    while (progressed < 10) await new Promise((r) => setTimeout(r, 5));
    await studio.close();
    expect(studio.jobs.list()).toEqual([]);
    expect(studio.session.project).toBeNull();

    const reopened = openProject(projectDir);
    try {
      const row = reopened.db.prepare('SELECT status FROM imports WHERE id = ?').get(importId) as { status: string };
      const count = reopened.db.prepare('SELECT count(*) FROM images').pluck().get() as number;
      // Either the import was cut off cleanly, or it had just finished; never left running.
      expect(['cancelled', 'done']).toContain(row.status);
      if (row.status === 'cancelled') expect(count).toBeLessThan(120);
      else expect(count).toBe(120);
      expect(reopened.db.prepare("SELECT count(*) FROM imports WHERE status = 'running'").pluck().get()).toBe(0);
      expect(reopened.db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      reopened.close();
    }
  });
});
