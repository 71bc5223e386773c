// Import killed at random commits: every acknowledged file is in the project (as an image or a
// reported problem), and the re-run ends equal to an import that was never interrupted.
import fs from 'node:fs';
import path from 'node:path';
import { markInterruptedImports } from '../../../electron/project/dataset-catalog.js';
import { runImport } from '../../../electron/dataset/import-job.js';
import { createProject, openProject } from '../../../electron/project/project.js';
import { writeBadCorpus } from '../../helpers/bad-corpus.js';
import { datasetSnapshot, type DatasetSnapshot } from '../../helpers/dataset-snapshot.js';
import { writeSyntheticDataset } from '../../helpers/synthetic-images.js';
import { storeProblems } from './checks.js';
import type { ChildRun, CrashContext, CrashScenario, KillCheck } from './scenario.js';

const RUNNER = path.join(import.meta.dirname, '../../helpers/import-runner.ts');
const BATCH = 8;

export function importScenario(images: number): CrashScenario {
  let source = '';
  let projectDir = '';
  let reference: DatasetSnapshot;
  let total = 0;
  let acknowledged = 0;
  let acknowledgedTotal = 0;

  return {
    name: 'import',
    unavailable: () => null,
    async prepare(ctx: CrashContext) {
      source = path.join(ctx.dir, 'source');
      await writeSyntheticDataset(source, images, ['cats', 'dogs', 'owls']);
      await writeBadCorpus(source);
      fs.copyFileSync(path.join(source, 'cats', 'img_00000.jpg'), path.join(source, 'dogs', 'copy of img_00000.jpg'));
      const project = createProject(path.join(ctx.dir, 'reference'));
      const summary = await runImport(project, { kind: 'folder', root: source });
      total = summary.counts!.seen;
      reference = datasetSnapshot(project.db, project.dir);
      project.close();
      projectDir = path.join(ctx.dir, 'killed');
      createProject(projectDir).close();
      ctx.log(`import: ${total} files (${images} photos + the bad-file corpus), reference imported`);
    },
    nextRun(ctx: CrashContext): ChildRun {
      acknowledged = 0;
      // Commits are every BATCH files: kill after a random one of them, at a random delay.
      const killAfter = 1 + Math.floor(ctx.random() * Math.max(1, Math.ceil(total / BATCH) - 1));
      const delayMs = Math.floor(ctx.random() * 40);
      return {
        script: RUNNER,
        args: [projectDir, source, String(BATCH)],
        plan: { afterReadyMs: null, onLine: { matches: (line) => line.startsWith('committed ') && Number(line.slice(10)) >= killAfter * BATCH, delayMs } },
        onLine: (line) => {
          if (!line.startsWith('committed ')) return;
          acknowledgedTotal += Number(line.slice(10)) - acknowledged;
          acknowledged = Number(line.slice(10));
        },
      };
    },
    async afterKill(): Promise<KillCheck> {
      const project = openProject(projectDir);
      try {
        const problems = storeProblems(project.db);
        const paths = project.db.prepare('SELECT count(*) FROM image_paths').pluck().get() as number;
        const reported = project.db.prepare('SELECT count(DISTINCT path) FROM import_problems').pluck().get() as number;
        markInterruptedImports(project.db);
        const running = project.db.prepare(`SELECT count(*) FROM imports WHERE status = 'running'`).pluck().get() as number;
        if (running) problems.push(`${running} imports still running after reopening`);
        return { lost: Math.max(0, acknowledged - (paths + reported)), problems };
      } finally {
        project.close();
      }
    },
    acknowledgedWrites: () => acknowledgedTotal,
    async finish() {
      const project = openProject(projectDir);
      try {
        markInterruptedImports(project.db);
        await runImport(project, { kind: 'folder', root: source });
        const same = JSON.stringify(datasetSnapshot(project.db, project.dir)) === JSON.stringify(reference);
        return { same, detail: same ? 'the re-run equals an uninterrupted import' : 'the re-run differs from an uninterrupted import' };
      } finally {
        project.close();
      }
    },
  };
}
