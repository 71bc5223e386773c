// Labeling bursts (single keys, bulk labels, undo, redo) killed at random moments: every
// acknowledged write is there after reopening, the history is whole, and undo still works.
import path from 'node:path';
import { redoLabels, undoLabels } from '../../../electron/project/labels.js';
import { createProject, openProject } from '../../../electron/project/project.js';
import type { Db } from '../../../electron/project/database.js';
import { seedClasses, seedImages } from '../../helpers/seed.js';
import { storeProblems } from './checks.js';
import type { ChildRun, CrashContext, CrashScenario, KillCheck } from './scenario.js';

const CHILD = path.join(import.meta.dirname, '../children/label-burst.ts');
type Labels = Map<number, number | null>;

function readLabels(db: Db): Labels {
  const labels: Labels = new Map((db.prepare('SELECT id FROM images').pluck().all() as number[]).map((id) => [id, null]));
  for (const row of db.prepare('SELECT image_id AS id, class_id AS classId FROM labels').all() as Array<{ id: number; classId: number }>) labels.set(row.id, row.classId);
  return labels;
}

export function labelScenario(images: number, maxRunMs: number): CrashScenario {
  let projectDir = '';
  /** The state every acknowledged write adds up to. */
  let acked: Labels = new Map();
  /** The write in flight when the kill came: it may or may not have committed. */
  let inFlight: { n: number; values: Record<string, number | null> } | null = null;
  let acks = 0;

  return {
    name: 'labels',
    unavailable: () => null,
    async prepare(ctx: CrashContext) {
      projectDir = path.join(ctx.dir, 'project');
      const project = createProject(projectDir);
      seedClasses(project.db, ['ant', 'bee', 'wasp', 'fly']);
      seedImages(project.db, images);
      acked = readLabels(project.db);
      project.close();
    },
    nextRun(ctx: CrashContext): ChildRun {
      inFlight = null;
      return {
        script: CHILD,
        args: [projectDir, String(Math.floor(ctx.random() * 2 ** 31))],
        plan: { afterReadyMs: 50 + ctx.random() * maxRunMs },
        onLine: (line) => {
          const [word, n] = line.split(' ', 2);
          if (word === 'begin') inFlight = { n: Number(n), values: JSON.parse(line.slice(line.indexOf('{'))) as Record<string, number | null> };
          else if (word === 'ack' && inFlight && inFlight.n === Number(n)) {
            for (const [id, classId] of Object.entries(inFlight.values)) acked.set(Number(id), classId);
            inFlight = null;
            acks++;
          }
        },
      };
    },
    async afterKill(): Promise<KillCheck> {
      const project = openProject(projectDir);
      try {
        const problems = storeProblems(project.db);
        const now = readLabels(project.db);
        let lost = 0;
        for (const [id, classId] of acked) {
          if (now.get(id) === classId) continue;
          // The unacknowledged write in flight may have committed: its value is allowed too.
          const pending = inFlight?.values[String(id)];
          if (pending !== undefined && now.get(id) === pending) continue;
          lost++;
        }
        const orphans = project.db.prepare('SELECT count(*) FROM label_actions a WHERE NOT EXISTS (SELECT 1 FROM label_changes c WHERE c.action_id = a.id)').pluck().get() as number;
        if (orphans) problems.push(`${orphans} label actions without their changes`);
        // Undo then redo after the crash is the identity: the history matches the labels.
        const before = JSON.stringify([...now]);
        undoLabels(project.db);
        redoLabels(project.db);
        if (JSON.stringify([...readLabels(project.db)]) !== before) problems.push('undo + redo after reopening did not restore the labels');
        // What survives is the new truth for the next life (an in-flight write that committed included).
        acked = now;
        return { lost, problems };
      } finally {
        project.close();
      }
    },
    async finish() {
      return null;
    },
    acknowledgedWrites: () => acks,
  };
}
