// One life of a child process under the crash harness: it starts, says "ready", works, and is
// SIGKILLed at the planned moment (a delay after "ready", or a delay after a line it prints).
// A child that finishes first is simply not killed; the caller decides what that means.
import type { ChildProcess } from 'node:child_process';
import { runTsChild, type ChildExit } from '../../helpers/child.js';

export interface KillPlan {
  /** Kill this long after the child printed "ready" (null: no timed kill). */
  afterReadyMs: number | null;
  /** Or kill once a line matches, after `delayMs`. */
  onLine?: { matches: (line: string) => boolean; delayMs: number };
}

export interface ChildLife {
  killed: boolean;
  exit: ChildExit;
  /** From "ready" to the exit (or the kill). */
  ranMs: number;
}

export async function runUntilKilled(script: string, args: readonly string[], plan: KillPlan, onLine: (line: string) => void = () => undefined): Promise<ChildLife> {
  let readyAt: number | null = null;
  let killedAt: number | null = null;
  let timer: NodeJS.Timeout | null = null;
  const kill = (child: ChildProcess) => {
    if (killedAt !== null || child.exitCode !== null) return;
    killedAt = performance.now();
    child.kill('SIGKILL');
  };
  const exit = await runTsChild(script, args, (line, child) => {
    onLine(line);
    if (line === 'ready' && readyAt === null) {
      readyAt = performance.now();
      if (plan.afterReadyMs !== null) timer = setTimeout(() => kill(child), plan.afterReadyMs);
    }
    if (plan.onLine?.matches(line)) {
      if (plan.onLine.delayMs <= 0) kill(child);
      else setTimeout(() => kill(child), plan.onLine.delayMs);
    }
  });
  if (timer) clearTimeout(timer);
  const killed = exit.signal === 'SIGKILL';
  if (!killed && exit.code !== 0) throw new Error(`${script} exited with code ${exit.code} before it was killed:\n${exit.stderr.slice(-2000)}`);
  const end = killedAt ?? performance.now();
  return { killed, exit, ranMs: readyAt === null ? 0 : end - readyAt };
}
