// The training screen's job, as a state machine: idle → starting → following → finished,
// failed or cancelled (and back to starting for the next run). A training started elsewhere
// (the CLI's serve, another window, before a reload) is adopted into `following`; a run that
// ended before this page looked is shown as its end state with `earlier` set. Pure, so every
// transition is unit-tested; train-session.svelte.ts carries it out.

export type EndPhase = 'finished' | 'failed' | 'cancelled' | 'interrupted';

export type TrainState =
  | { phase: 'idle' }
  | { phase: 'starting' }
  /** A job this page follows; `adopted` when it did not start it (its curves so far are read back). */
  | { phase: 'following'; jobId: string; runId: number | null; adopted: boolean }
  /** How a run ended; `earlier` (its end time) when it ended before this page followed it. */
  | { phase: EndPhase; runId: number | null; error?: string; earlier?: number };

export type RunStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

export type TrainEvent =
  | { type: 'start' }
  | { type: 'started'; jobId: string }
  | { type: 'start-failed' }
  | { type: 'adopt'; jobId: string }
  /** The run the followed job trains (from its first metrics, or the run history). */
  | { type: 'run'; runId: number }
  | { type: 'job-finished'; jobId: string; status: 'done' | 'failed' | 'cancelled'; error?: string }
  | { type: 'show-earlier'; runId: number; status: RunStatus; at: number; error?: string | null };

const END: Record<'done' | 'failed' | 'cancelled' | 'interrupted', EndPhase> = {
  done: 'finished',
  failed: 'failed',
  cancelled: 'cancelled',
  interrupted: 'interrupted',
};

export const isEnded = (state: TrainState): state is Extract<TrainState, { phase: EndPhase }> =>
  state.phase === 'finished' || state.phase === 'failed' || state.phase === 'cancelled' || state.phase === 'interrupted';

/** Whether a new training can begin (nothing is starting or followed). */
export const isFree = (state: TrainState): boolean => state.phase === 'idle' || isEnded(state);

/** The next state; an event that does not apply leaves the state as it is (the same object). */
export function transition(state: TrainState, event: TrainEvent): TrainState {
  switch (event.type) {
    case 'start':
      return isFree(state) ? { phase: 'starting' } : state;
    case 'started':
      return state.phase === 'starting' ? { phase: 'following', jobId: event.jobId, runId: null, adopted: false } : state;
    case 'start-failed':
      return state.phase === 'starting' ? { phase: 'idle' } : state;
    case 'adopt':
      return isFree(state) ? { phase: 'following', jobId: event.jobId, runId: null, adopted: true } : state;
    case 'run':
      return state.phase === 'following' && state.runId !== event.runId ? { ...state, runId: event.runId } : state;
    case 'job-finished': {
      if (state.phase !== 'following' || state.jobId !== event.jobId) return state;
      // An adopted job can end before this page learned its run (its run was listed as
      // finished already, and no metrics came after the reload): back to idle, where the
      // newest run (this one, once the history has it) is shown as an earlier run.
      if (state.adopted && state.runId === null) return { phase: 'idle' };
      return { phase: END[event.status], runId: state.runId, ...(event.error ? { error: event.error } : {}) };
    }
    case 'show-earlier': {
      // Only a page that shows nothing yet shows an earlier run, and only one that has ended.
      if (state.phase !== 'idle' || event.status === 'running' || event.status === 'queued') return state;
      return { phase: END[event.status], runId: event.runId, earlier: event.at, ...(event.error ? { error: event.error } : {}) };
    }
  }
}

/** The run whose curves and result the screen shows, if any. */
export function shownRun(state: TrainState): number | null {
  return state.phase === 'following' || isEnded(state) ? state.runId : null;
}
