// The Train screen's state machine: idle → starting → following → finished / failed /
// cancelled, adoption of a training started elsewhere, and an earlier run shown on arrival.
import { describe, expect, it } from 'vitest';
import { isFree, shownRun, transition, type TrainEvent, type TrainState } from '../../renderer/src/train/train-state.js';

const run = (state: TrainState, ...events: TrainEvent[]) => events.reduce(transition, state);
const idle: TrainState = { phase: 'idle' };

describe('train state machine', () => {
  it('follows a training it started from the button to its end, with the run its metrics name', () => {
    const starting = transition(idle, { type: 'start' });
    expect(starting).toEqual({ phase: 'starting' });
    const following = transition(starting, { type: 'started', jobId: 'j1' });
    expect(following).toEqual({ phase: 'following', jobId: 'j1', runId: null, adopted: false });
    const withRun = transition(following, { type: 'run', runId: 7 });
    expect(shownRun(withRun)).toBe(7);
    expect(transition(withRun, { type: 'job-finished', jobId: 'j1', status: 'done' })).toEqual({ phase: 'finished', runId: 7 });
    expect(transition(withRun, { type: 'job-finished', jobId: 'j1', status: 'failed', error: 'out of memory' })).toEqual({ phase: 'failed', runId: 7, error: 'out of memory' });
    expect(transition(withRun, { type: 'job-finished', jobId: 'j1', status: 'cancelled' })).toEqual({ phase: 'cancelled', runId: 7 });
  });

  it('ignores what does not apply: a second start, another job’s end, a start that failed after all', () => {
    const following = run(idle, { type: 'start' }, { type: 'started', jobId: 'j1' });
    expect(transition(following, { type: 'start' })).toBe(following);
    expect(transition(following, { type: 'job-finished', jobId: 'other', status: 'done' })).toBe(following);
    expect(transition(following, { type: 'adopt', jobId: 'j2' })).toBe(following);
    expect(transition(idle, { type: 'started', jobId: 'j1' })).toBe(idle);
    expect(run(idle, { type: 'start' }, { type: 'start-failed' })).toEqual(idle);
    // While the request is out, a training seen in the job list is ours: it is not adopted.
    const starting = transition(idle, { type: 'start' });
    expect(transition(starting, { type: 'adopt', jobId: 'j1' })).toBe(starting);
  });

  it('adopts a training started elsewhere, from idle or after an earlier run, and can train again after any end', () => {
    expect(transition(idle, { type: 'adopt', jobId: 'cli' })).toEqual({ phase: 'following', jobId: 'cli', runId: null, adopted: true });
    const ended = run(idle, { type: 'show-earlier', runId: 3, status: 'done', at: 1000 });
    expect(ended).toEqual({ phase: 'finished', runId: 3, earlier: 1000 });
    expect(transition(ended, { type: 'adopt', jobId: 'cli' })).toMatchObject({ phase: 'following', adopted: true, runId: null });
    for (const status of ['done', 'failed', 'cancelled'] as const) {
      const end = run(idle, { type: 'start' }, { type: 'started', jobId: 'j' }, { type: 'job-finished', jobId: 'j', status });
      expect(isFree(end)).toBe(true);
      expect(transition(end, { type: 'start' })).toEqual({ phase: 'starting' });
    }
  });

  it('shows the newest run when an adopted training ends before this page learned its run', () => {
    // A reload near the end: the job list still had the training, the run history already had it finished.
    const adopted = transition(idle, { type: 'adopt', jobId: 'j' });
    const ended = transition(adopted, { type: 'job-finished', jobId: 'j', status: 'done' });
    expect(ended).toEqual(idle);
    expect(transition(ended, { type: 'show-earlier', runId: 9, status: 'done', at: 5 })).toEqual({ phase: 'finished', runId: 9, earlier: 5 });
    // With its run known, the adopted training ends as any other.
    const known = transition(adopted, { type: 'run', runId: 9 });
    expect(transition(known, { type: 'job-finished', jobId: 'j', status: 'done' })).toEqual({ phase: 'finished', runId: 9 });
  });

  it('shows an earlier run only on an idle page, and only one that has ended', () => {
    expect(transition(idle, { type: 'show-earlier', runId: 4, status: 'running', at: 1 })).toBe(idle);
    expect(transition(idle, { type: 'show-earlier', runId: 4, status: 'interrupted', at: 1 })).toEqual({ phase: 'interrupted', runId: 4, earlier: 1 });
    expect(transition(idle, { type: 'show-earlier', runId: 4, status: 'failed', at: 1, error: 'boom' })).toEqual({ phase: 'failed', runId: 4, earlier: 1, error: 'boom' });
    const following = transition(idle, { type: 'adopt', jobId: 'j' });
    expect(transition(following, { type: 'show-earlier', runId: 4, status: 'done', at: 1 })).toBe(following);
  });
});
