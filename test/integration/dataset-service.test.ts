// Imports through the contract: typed errors at once for bad sources, one import at a time,
// cancel (also of a queued import), progress events with phases.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../electron/ipc/contract.js';
import { createStudio, type Studio } from '../../electron/services/studio.js';
import { invoke, watchJobs } from '../helpers/studio-jobs.js';
import { writeSyntheticDataset } from '../helpers/synthetic-images.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir();
const source = path.join(tmp.dir, 'source');
let studio: Studio;
beforeAll(async () => {
  await writeSyntheticDataset(source, 60, ['a', 'b']);
  studio = createStudio({ checkOutput: true });
});
afterAll(() => {
  studio.close();
  tmp.cleanup();
});

const errorOf = async (channel: string, payload: unknown) => {
  const result = await studio.dispatch(channel, payload, { transport: 'in-process' });
  return result.ok ? null : result.error.code;
};

describe('imports over the contract', () => {
  it('answers bad sources with a typed error before any job starts', async () => {
    expect(await errorOf('import:folder', { path: source })).toBe('no_project');
    studio.session.create(path.join(tmp.dir, 'project'));
    expect(await errorOf('import:folder', { path: path.join(tmp.dir, 'nowhere') })).toBe('not_found');
    expect(await errorOf('import:folder', { path: path.join(source, 'a', 'img_00000.jpg') })).toBe('invalid_payload');
    expect(await errorOf('import:csv', { path: source })).toBe('invalid_payload');
    // A relative path is read from the home folder (issue 16); one that is not there is not found.
    expect(await errorOf('import:folder', { path: 'relative/path/nowhere-8f3c' })).toBe('not_found');
    expect(await errorOf('import:folder', { path: 'bad\u0000path' })).toBe('invalid_payload');
    expect(await invoke(studio, 'import:list', {})).toEqual([]);
  });

  it('runs imports one at a time, and a queued import can be cancelled', async () => {
    const jobs = watchJobs(studio);
    const progress: Array<EventPayload<'job:progress'>> = [];
    const stop = studio.bus.listen((event, payload) => event === 'job:progress' && progress.push(payload as EventPayload<'job:progress'>));
    const first = await invoke<{ jobId: string; importId: number }>(studio, 'import:folder', { path: source });
    const second = await invoke<{ jobId: string; importId: number }>(studio, 'import:folder', { path: source });
    expect(await invoke(studio, 'jobs:cancel', { jobId: second.jobId })).toEqual({ cancelled: true });
    expect(await jobs.finished(first.jobId)).toMatchObject({ status: 'done' });
    expect(await jobs.finished(second.jobId)).toMatchObject({ status: 'cancelled' });
    const list = await invoke<Array<{ id: number; status: string; counts: { added: number } | null }>>(studio, 'import:list', {});
    expect(list.map((i) => [i.id, i.status])).toEqual([
      [second.importId, 'cancelled'],
      [first.importId, 'done'],
    ]);
    expect(list[1]!.counts!.added).toBe(60);
    const phases = new Set(progress.filter((p) => p.jobId === first.jobId).map((p) => p.phase));
    expect([...phases]).toEqual(expect.arrayContaining(['scanning', 'importing', 'assigning splits']));
    expect(progress.filter((p) => p.jobId === second.jobId).map((p) => p.phase)).toEqual(['queued']);
    stop();
    jobs.stop();
  });
});
