// What the screens ask of the run history, worked out in one place.
import type { RunSummary } from './types';

/** The newest finished run: the one whose model the library suggests with and exports default to. */
export function newestFinishedRun(runs: readonly RunSummary[]): RunSummary | null {
  let best: RunSummary | null = null;
  for (const run of runs) if (run.status === 'done' && (!best || run.id > best.id)) best = run;
  return best;
}

/** The run in progress, if any (one training runs at a time). */
export function runningRun(runs: readonly RunSummary[]): RunSummary | null {
  return runs.find((r) => r.status === 'running' || r.status === 'queued') ?? null;
}
