// Model export killed at random moments (loading, writing, the parity check, the card): after
// reopening, every folder visible in exports/ is a whole export (the file set of an
// uninterrupted one of its format, nothing empty), every export the project lists is on disk,
// and exporting once more gives the same model files as an uninterrupted export.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { openProject } from '../../../electron/project/project.js';
import { fixtureProject } from '../../helpers/fixture-project.js';
import { fixture, fixturesUnavailable } from '../../helpers/fixtures.js';
import { runProblems, storeProblems } from './checks.js';
import { runUntilKilled } from './kill.js';
import type { ChildRun, CrashContext, CrashScenario, KillCheck } from './scenario.js';

const CHILD = path.join(import.meta.dirname, '../children/job-runner.ts');
const FORMATS = ['tfjs', 'onnx'] as const;
type Format = (typeof FORMATS)[number];
/** Files whose bytes depend only on the model (the card and parity.json carry dates and timings). */
const MODEL_FILE = /(\.bin|\.onnx|model\.json|labels\.json|preprocessing\.json)$/;

/** A model file's content without the export's own date (model.json records `exportedAt`). */
function modelBytes(file: string): Buffer | string {
  const bytes = fs.readFileSync(file);
  if (!file.endsWith('.json')) return bytes;
  return JSON.stringify(JSON.parse(bytes.toString('utf8'), (key, value: unknown) => (key === 'exportedAt' ? undefined : value)));
}

function listFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

function modelDigest(dir: string): string {
  const hash = createHash('sha256');
  for (const file of listFiles(dir).filter((f) => MODEL_FILE.test(f))) hash.update(file).update(modelBytes(path.join(dir, file)));
  return hash.digest('hex');
}

async function runJob(ctx: CrashContext, dir: string, channel: string, payload: unknown): Promise<{ ms: number; finished: string }> {
  let finished = '';
  const life = await runUntilKilled(CHILD, [dir, ctx.modelCache!, channel, JSON.stringify(payload)], { afterReadyMs: null }, (line) => {
    if (line.startsWith('finished ')) finished = line;
  });
  if (finished !== 'finished done') throw new Error(`${channel} did not finish: ${finished || life.exit.stderr.slice(-1000)}`);
  return { ms: life.ranMs, finished };
}

export function exportScenario(perClass: number): CrashScenario {
  let projectDir = '';
  let referenceDir = '';
  let windowMs = 0;
  const reference = new Map<Format, { files: string[]; digest: string }>();
  let finishedExports = 0;
  let lastFormat: Format = 'tfjs';

  return {
    name: 'export',
    unavailable: (ctx) => (ctx.modelCache === null ? (fixturesUnavailable() ?? 'no model cache') : null),
    async prepare(ctx: CrashContext) {
      projectDir = path.join(ctx.dir, 'killed');
      referenceDir = path.join(ctx.dir, 'reference-exports');
      fs.mkdirSync(referenceDir, { recursive: true });
      fixtureProject(projectDir, fixture('datasets', 'hymenoptera'), { limitPerClass: perClass }).close();
      await runJob(ctx, projectDir, 'train:start', { config: {} });
      for (const format of FORMATS) {
        const { ms } = await runJob(ctx, projectDir, 'export:model', { format, folder: referenceDir, name: `reference-${format}` });
        windowMs = Math.max(windowMs, ms);
        const dir = path.join(referenceDir, `reference-${format}`);
        reference.set(format, { files: listFiles(dir), digest: modelDigest(dir) });
      }
      ctx.log(`export: reference exports (${FORMATS.join(', ')}) took up to ${(windowMs / 1000).toFixed(1)} s (kills are drawn in that window)`);
    },
    nextRun(ctx: CrashContext): ChildRun {
      lastFormat = FORMATS[Math.floor(ctx.random() * FORMATS.length)]!;
      return {
        script: CHILD,
        args: [projectDir, ctx.modelCache!, 'export:model', JSON.stringify({ format: lastFormat })],
        plan: { afterReadyMs: ctx.random() * windowMs * 1.1 },
        onLine: (line) => {
          if (line === 'finished done') finishedExports++;
        },
      };
    },
    async afterKill(): Promise<KillCheck> {
      const project = openProject(projectDir);
      try {
        const problems = [...storeProblems(project.db), ...(await runProblems(project.db, projectDir))];
        const exportsDir = path.join(projectDir, 'exports');
        const records = project.db.prepare(`SELECT path, format, status FROM exports WHERE kind = 'model'`).all() as Array<{ path: string; format: string; status: string }>;
        for (const r of records.filter((x) => x.status === 'done')) {
          if (!fs.existsSync(path.resolve(projectDir, r.path))) problems.push(`export ${r.path} is listed as done but is not on disk`);
        }
        let visible = 0;
        for (const name of fs.existsSync(exportsDir) ? fs.readdirSync(exportsDir) : []) {
          if (name.startsWith('.')) continue; // staging folders are hidden, and swept by the next export
          visible++;
          const dir = path.join(exportsDir, name);
          const format = FORMATS.find((f) => name.includes(`-${f}`));
          const expected = format && reference.get(format);
          if (!expected) {
            problems.push(`exports/${name} is of no known format`);
            continue;
          }
          const files = listFiles(dir);
          if (JSON.stringify(files) !== JSON.stringify(expected.files)) problems.push(`exports/${name} is half-written: ${files.length} of ${expected.files.length} files`);
          else if (files.some((f) => fs.statSync(path.join(dir, f)).size === 0)) problems.push(`exports/${name} has an empty file`);
          else if (modelDigest(dir) !== expected.digest) problems.push(`exports/${name}: model files differ from an uninterrupted export`);
        }
        const recorded = records.filter((r) => r.status === 'done').length;
        if (visible > recorded) problems.push(`${visible - recorded} whole export folder(s) in exports/ with no record`);
        return { lost: 0, problems };
      } finally {
        project.close();
      }
    },
    async finish(ctx: CrashContext) {
      const name = `final-${lastFormat}`;
      await runJob(ctx, projectDir, 'export:model', { format: lastFormat, name });
      const dir = path.join(projectDir, 'exports', name);
      const expected = reference.get(lastFormat)!;
      const files = listFiles(dir);
      const same = JSON.stringify(files) === JSON.stringify(expected.files) && modelDigest(dir) === expected.digest;
      return { same, detail: same ? `the re-run ${lastFormat} export equals an uninterrupted one (files, model bytes)` : `the re-run ${lastFormat} export differs (${files.length} files)` };
    },
    acknowledgedWrites: () => finishedExports,
  };
}
