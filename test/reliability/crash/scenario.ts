// A crash scenario: a job run in a child process that the harness kills again and again, then
// lets finish. Adding one (export, say) is one module with these four steps, listed in
// crash/scenarios.ts.
import type { Random } from '../../../electron/engine/images/random.js';
import type { KillPlan } from './kill.js';

export interface CrashContext {
  /** A fresh folder for this scenario's projects and sources. */
  dir: string;
  /** A model cache with the fixture backbone installed (null where fixtures are absent). */
  modelCache: string | null;
  random: Random;
  log(message: string): void;
}

export interface ChildRun {
  script: string;
  args: string[];
  plan: KillPlan;
  /** Sees every line the child prints (acknowledgements). */
  onLine(line: string): void;
}

export interface KillCheck {
  /** Acknowledged work missing after the kill (labels, committed files). */
  lost: number;
  /** Anything else wrong: integrity, a run left running, a half model... */
  problems: string[];
}

export interface CrashScenario {
  readonly name: string;
  /** Why the scenario cannot run here (e.g. fixtures absent), or null. */
  unavailable(ctx: CrashContext): string | null;
  /** Builds the starting project and the reference end state (an uninterrupted run). */
  prepare(ctx: CrashContext): Promise<void>;
  /** The next life of the child, with a seeded kill moment. */
  nextRun(ctx: CrashContext): ChildRun;
  /** Reopens the project after a kill and checks it. */
  afterKill(ctx: CrashContext): Promise<KillCheck>;
  /**
   * Runs the interrupted job once more to the end and compares with the reference; null when
   * the scenario has no job to re-run (labeling: the acknowledged state is the end state).
   */
  finish(ctx: CrashContext): Promise<{ same: boolean; detail: string } | null>;
  /** Writes the children acknowledged over all lives (labels, committed files). */
  acknowledgedWrites(): number;
}
