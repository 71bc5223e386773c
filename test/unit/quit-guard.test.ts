// Quitting during a job asks first, then cancels and waits before the app really quits. The
// guard is driven the way Electron drives it: 'close' on the window, 'before-quit' on the app,
// and app.quit() emitting 'before-quit' again.
import { describe, expect, it, vi } from 'vitest';
import type { JobInfo } from '../../electron/domain/schemas.js';
import { QuitGuard, describeJobs } from '../../electron/shell/quit-guard.js';

const job = (kind: JobInfo['kind']): JobInfo => ({ jobId: kind, kind, phase: 'running', done: 1, total: 10, etaMs: null, startedAt: 0 });

function harness(options: { jobs: JobInfo[]; answer?: boolean }) {
  let running = [...options.jobs];
  const log: string[] = [];
  let quits = 0;
  const guard: QuitGuard = new QuitGuard({
    runningJobs: () => running,
    confirm: vi.fn(async (jobs: readonly JobInfo[]) => {
      log.push(`ask:${jobs.map((j) => j.kind).join(',')}`);
      return options.answer ?? true;
    }),
    shutdown: vi.fn(async () => {
      log.push('shutdown');
      await new Promise((r) => setTimeout(r, 10));
      running = [];
      log.push('stopped');
    }),
    // app.quit() emits before-quit again; the app exits when nobody prevents it.
    quit: () => {
      quits++;
      const event = { prevented: false, preventDefault() {
        this.prevented = true;
      } };
      guard.onBeforeQuit(event);
      if (!event.prevented) log.push('exit');
    },
  });
  const event = () => ({ prevented: false, preventDefault() {
    this.prevented = true;
  } });
  return { guard, log, event, quits: () => quits };
}

describe('quit guard', () => {
  it('without jobs: holds the first quit, shuts down, then quits for real', async () => {
    const h = harness({ jobs: [] });
    const first = h.event();
    h.guard.onBeforeQuit(first);
    expect(first.prevented).toBe(true);
    await vi.waitFor(() => expect(h.log).toEqual(['shutdown', 'stopped', 'exit']));
    expect(h.guard.state).toBe('stopped');
  });

  it('closing the window without jobs lets it close (the quit that follows shuts down)', () => {
    const h = harness({ jobs: [] });
    const close = h.event();
    h.guard.onWindowClose(close);
    expect(close.prevented).toBe(false);
  });

  it('during training: asks, and on yes cancels and waits before the app quits', async () => {
    const h = harness({ jobs: [job('train')], answer: true });
    h.guard.onBeforeQuit(h.event());
    await vi.waitFor(() => expect(h.log).toEqual(['ask:train', 'shutdown', 'stopped', 'exit']));
  });

  it('during training: on no, nothing stops and the app stays', async () => {
    const h = harness({ jobs: [job('train'), job('import')], answer: false });
    const quit = h.event();
    h.guard.onBeforeQuit(quit);
    expect(quit.prevented).toBe(true);
    await vi.waitFor(() => expect(h.log).toEqual(['ask:train,import']));
    expect(h.guard.state).toBe('open');
    // Asking again later works.
    const close = h.event();
    h.guard.onWindowClose(close);
    expect(close.prevented).toBe(true);
    await vi.waitFor(() => expect(h.log).toEqual(['ask:train,import', 'ask:train,import']));
    expect(h.quits()).toBe(0);
  });

  it('closing the window during a job asks once; the quit that follows does not ask again', async () => {
    const h = harness({ jobs: [job('import')], answer: true });
    const close = h.event();
    h.guard.onWindowClose(close);
    expect(close.prevented).toBe(true);
    await vi.waitFor(() => expect(h.log).toEqual(['ask:import', 'shutdown', 'stopped', 'exit']));
    // Electron closes the window during the real quit: allowed now.
    const again = h.event();
    h.guard.onWindowClose(again);
    expect(again.prevented).toBe(false);
  });

  it('ignores repeated quits while asking or stopping (one dialog, one shutdown)', async () => {
    const h = harness({ jobs: [job('train')], answer: true });
    for (let i = 0; i < 3; i++) {
      const e = h.event();
      h.guard.onBeforeQuit(e);
      expect(e.prevented).toBe(true);
    }
    await vi.waitFor(() => expect(h.log).toEqual(['ask:train', 'shutdown', 'stopped', 'exit']));
  });

  it('names the running work in the question', () => {
    expect(describeJobs([job('train')])).toBe('a training run');
    expect(describeJobs([job('import'), job('import'), job('download')])).toBe('an import and a download');
    expect(describeJobs([job('train'), job('import'), job('health')])).toBe('a training run, an import and a health check');
  });
});
