// The crash part: each scenario's child is killed at seeded random moments, the project is
// reopened and checked after every kill, and at the end the job is run once more to the end
// and compared with an uninterrupted run.
import fs from 'node:fs';
import path from 'node:path';
import { seededRandom } from '../../../electron/engine/images/random.js';
import type { PartResult } from '../figures.js';
import { runUntilKilled } from './kill.js';
import type { CrashContext, CrashScenario } from './scenario.js';

export interface CrashPlan {
  scenario: CrashScenario;
  kills: number;
}

export async function runCrashPart(plans: readonly CrashPlan[], options: { dir: string; modelCache: string | null; seed: number; log: (m: string) => void }): Promise<Omit<PartResult, 'part' | 'seconds'>> {
  let kills = 0;
  let recovered = 0;
  let lost = 0;
  let acknowledged = 0;
  let survivedLives = 0;
  const failures: string[] = [];
  const perScenario: string[] = [];
  const figures: Record<string, number | null> = {};
  let reruns = 0;
  let rerunsSame = 0;

  for (const { scenario, kills: target } of plans) {
    const dir = path.join(options.dir, scenario.name);
    fs.mkdirSync(dir, { recursive: true });
    const ctx: CrashContext = { dir, modelCache: options.modelCache, random: seededRandom(`${options.seed}:crash:${scenario.name}`), log: options.log };
    const unavailable = scenario.unavailable(ctx);
    if (unavailable) {
      options.log(`crash/${scenario.name}: skipped (${unavailable})`);
      perScenario.push(`${scenario.name} skipped`);
      continue;
    }
    await scenario.prepare(ctx);
    let done = 0;
    let ok = 0;
    let lostHere = 0;
    // A life that finished before its kill moment still counts as a run, not as a kill.
    for (let life = 0; done < target && life < target * 4; life++) {
      const run = scenario.nextRun(ctx);
      const outcome = await runUntilKilled(run.script, run.args, run.plan, run.onLine);
      if (!outcome.killed) {
        survivedLives++;
        continue;
      }
      done++;
      const check = await scenario.afterKill(ctx);
      lostHere += check.lost;
      if (check.lost === 0 && check.problems.length === 0) ok++;
      else failures.push(`${scenario.name} kill ${done} at ${Math.round(outcome.ranMs)} ms: lost ${check.lost}; ${check.problems.join('; ')}`);
    }
    if (done < target) failures.push(`${scenario.name}: only ${done} of ${target} planned kills landed before the job finished`);
    const rerun = await scenario.finish(ctx);
    if (rerun) {
      reruns++;
      if (rerun.same) rerunsSame++;
      else failures.push(`${scenario.name} re-run: ${rerun.detail}`);
    }
    kills += done;
    recovered += ok;
    lost += lostHere;
    acknowledged += scenario.acknowledgedWrites();
    figures[`kills_${scenario.name}`] = done;
    perScenario.push(`${scenario.name} ${ok}/${done}${rerun ? (rerun.same ? ' (re-run same)' : ' (re-run DIFFERS)') : ''}`);
    options.log(`crash/${scenario.name}: ${done} kills, ${ok} recovered, ${lostHere} lost${rerun ? `; ${rerun.detail}` : ''}`);
  }

  Object.assign(figures, { kills, recovered, lost_labels: lost, acknowledged_writes: acknowledged, reruns_same: rerunsSame, reruns, lives_unkilled: survivedLives });
  return {
    ok: failures.length === 0 && kills > 0 && recovered === kills && lost === 0 && rerunsSame === reruns,
    figures,
    summary: `kills ${kills} · recovered ${recovered} · lost ${lost} · re-runs same ${rerunsSame}/${reruns} · ${perScenario.join(', ')}`,
    failures,
  };
}
