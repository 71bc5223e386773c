// Training killed at random moments (embedding, epochs, evaluation, saving, label checks):
// after reopening no run is left running, every listed model loads, no half-written model is
// visible, and training once more gives what an uninterrupted run gives.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../../electron/project/database.js';
import { openProject } from '../../../electron/project/project.js';
import { fixtureProject } from '../../helpers/fixture-project.js';
import { fixture, fixturesUnavailable } from '../../helpers/fixtures.js';
import { runProblems, storeProblems } from './checks.js';
import { runUntilKilled } from './kill.js';
import type { ChildRun, CrashContext, CrashScenario, KillCheck } from './scenario.js';

const CHILD = path.join(import.meta.dirname, '../children/job-runner.ts');
/** One-click defaults, plus one augmented view so that view embeddings are cached and killed too. */
const PAYLOAD = JSON.stringify({ config: { augmentViews: 1 } });
/** Short phases a timed kill rarely hits: some kills aim at them. */
const AIMED_PHASES = ['phase predicting', 'phase saving', 'phase checking-labels', 'phase evaluating'];

/** What a finished run left: its metrics, its predictions and its saved weights. */
function finalState(db: Db, projectDir: string): { metrics: unknown; predictions: unknown[]; weights: string } | null {
  const run = db.prepare(`SELECT id, metrics FROM runs WHERE status = 'done' ORDER BY id DESC LIMIT 1`).get() as { id: number; metrics: string } | undefined;
  if (!run) return null;
  const { val, test, bestEpoch, epochs } = JSON.parse(run.metrics) as Record<string, unknown>;
  const predictions = db.prepare('SELECT image_id, class_id, round(confidence, 6) AS confidence, oof_label_prob IS NOT NULL AS checked FROM predictions WHERE run_id = ? ORDER BY image_id').all(run.id);
  const modelPath = db.prepare('SELECT path FROM models WHERE run_id = ?').pluck().get(run.id) as string;
  const weights = createHash('sha256').update(fs.readFileSync(path.join(projectDir, modelPath, 'weights.bin'))).digest('hex');
  return { metrics: { val, test, bestEpoch, epochs }, predictions, weights };
}

export function trainScenario(perClass: number): CrashScenario {
  let projectDir = '';
  let referenceDir = '';
  let windowMs = 0;
  let reference: ReturnType<typeof finalState> = null;
  let epochsSeen = 0;

  const run = (ctx: CrashContext, dir: string) => ({ script: CHILD, args: [dir, ctx.modelCache!, 'train:start', PAYLOAD] });

  return {
    name: 'train',
    unavailable: (ctx) => (ctx.modelCache === null ? (fixturesUnavailable() ?? 'no model cache') : null),
    async prepare(ctx: CrashContext) {
      const root = fixture('datasets', 'hymenoptera');
      projectDir = path.join(ctx.dir, 'killed');
      referenceDir = path.join(ctx.dir, 'reference');
      fixtureProject(projectDir, root, { limitPerClass: perClass }).close();
      fixtureProject(referenceDir, root, { limitPerClass: perClass }).close();
      const { script, args } = run(ctx, referenceDir);
      let finished = '';
      const life = await runUntilKilled(script, args, { afterReadyMs: null }, (line) => {
        if (line.startsWith('finished ')) finished = line;
      });
      if (finished !== 'finished done') throw new Error(`the reference training did not finish: ${finished || life.exit.stderr.slice(-1000)}`);
      windowMs = life.ranMs;
      const project = openProject(referenceDir);
      reference = finalState(project.db, referenceDir);
      project.close();
      ctx.log(`train: reference run on ${perClass * 4} photos took ${(windowMs / 1000).toFixed(1)} s (kills are drawn in that window)`);
    },
    nextRun(ctx: CrashContext): ChildRun {
      const aimed = ctx.random() < 0.3 ? AIMED_PHASES[Math.floor(ctx.random() * AIMED_PHASES.length)]! : null;
      const delayMs = Math.floor(ctx.random() * 60);
      return {
        ...run(ctx, projectDir),
        plan: aimed ? { afterReadyMs: windowMs * 1.5, onLine: { matches: (line) => line === aimed, delayMs } } : { afterReadyMs: ctx.random() * windowMs },
        onLine: (line) => {
          if (line.startsWith('epoch ')) epochsSeen++;
        },
      };
    },
    async afterKill(): Promise<KillCheck> {
      const project = openProject(projectDir);
      try {
        return { lost: 0, problems: [...storeProblems(project.db), ...(await runProblems(project.db, projectDir))] };
      } finally {
        project.close();
      }
    },
    async finish(ctx: CrashContext) {
      const { script, args } = run(ctx, projectDir);
      let finished = '';
      await runUntilKilled(script, args, { afterReadyMs: null }, (line) => {
        if (line.startsWith('finished ')) finished = line;
      });
      if (finished !== 'finished done') return { same: false, detail: `the re-run did not finish: ${finished}` };
      const project = openProject(projectDir);
      try {
        const problems = await runProblems(project.db, projectDir);
        const state = finalState(project.db, projectDir);
        const same = problems.length === 0 && JSON.stringify(state) === JSON.stringify(reference);
        const what = !state || !reference ? 'no finished run' : JSON.stringify(state.metrics) !== JSON.stringify(reference.metrics) ? 'metrics differ' : state.weights !== reference.weights ? 'weights differ' : 'predictions differ';
        return { same, detail: same ? 'the re-run equals an uninterrupted run (metrics, predictions, weights)' : [what, ...problems].join('; ') };
      } finally {
        project.close();
      }
    },
    acknowledgedWrites: () => epochsSeen,
  };
}
