// The hardening part's checks, one per finding of the outside attack run (issue 20), each
// against the real thing: a CLI child, a serve child, real SQLite files, real links.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { isFormulaCell } from '../../../electron/dataset/csv-formula.js';
import { parseCsv } from '../../../electron/dataset/csv.js';
import { runImport } from '../../../electron/dataset/import-job.js';
import { thumbPath } from '../../../electron/dataset/thumbnails.js';
import { DATASET_CSV, exportDataset } from '../../../electron/export/dataset/dataset-export.js';
import { StudioError } from '../../../electron/domain/result.js';
import { ensureClass, listClasses } from '../../../electron/project/classes.js';
import { imageFiles, insertImage } from '../../../electron/project/images.js';
import { applyLabels } from '../../../electron/project/labels.js';
import { createProject, DB_FILE, openProject } from '../../../electron/project/project.js';
import { startServer } from '../../../electron/server/serve.js';
import { createMediaHandler } from '../../../electron/shell/media-protocol.js';
import { projectMedia } from '../../../electron/shell/project-media.js';
import { createStudio } from '../../../electron/services/studio.js';
import { runTsChild } from '../../helpers/child.js';
import { CLI_ENTRY, runCliChild } from '../../helpers/cli.js';
import { FORMULA_NAMES, PROTO_NAMES } from '../../helpers/hostile-names.js';
import { writeSyntheticJpeg } from '../../helpers/synthetic-images.js';
import { floodWithoutReading } from '../../helpers/unread-flood.js';
import { startServeChild } from '../serve-child-handle.js';

const HELPERS = path.resolve(import.meta.dirname, '../../helpers');

/** #1: one photo and `root-link -> /`, imported by the CLI with a 512 MB heap and a 2 min limit. */
export async function symlinkAncestorOk(dir: string): Promise<{ ok: boolean; detail: string }> {
  const source = path.join(dir, 'root-link-photos');
  await writeSyntheticJpeg(path.join(source, 'one.jpg'), 11);
  fs.symlinkSync('/', path.join(source, 'root-link'));
  const project = path.join(dir, 'root-link-project');
  createProject(project).close();
  const run = await new Promise<{ code: number | null; stdout: string; ms: number }>((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--max-old-space-size=512', '--import', 'tsx', CLI_ENTRY, 'import', project, source, '--json'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, ms: Date.now() - started });
    });
  });
  try {
    const report = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { added?: number; problems?: Array<{ path: string }> };
    const reported = report.problems?.some((p) => p.path === path.join(source, 'root-link')) ?? false;
    return { ok: run.code === 0 && report.added === 1 && reported, detail: `exit ${run.code} after ${run.ms} ms, link reported: ${reported}` };
  } catch {
    return { ok: false, detail: `exit ${run.code} after ${run.ms} ms, no report` };
  }
}

/** #2: a thumbnail linked to a secret and a source replaced by text; answers carrying the secret or a non-image, over both transports. */
export async function mediaOutsideLeaks(dir: string): Promise<number> {
  const SECRET = 'root:$6$reliability-secret:19000:0:99999:7:::\n';
  const source = path.join(dir, 'media-photos');
  await writeSyntheticJpeg(path.join(source, 'a', 'one.jpg'), 21);
  await writeSyntheticJpeg(path.join(source, 'a', 'two.jpg'), 22);
  const secret = path.join(dir, 'shadow');
  fs.writeFileSync(secret, SECRET);
  const server = await startServer({ rendererDir: dir });
  try {
    const project = server.studio.session.create(path.join(dir, 'media-project'));
    await runImport(project, { kind: 'folder', root: source });
    const [first, second] = project.db.prepare('SELECT id FROM images ORDER BY id').pluck().all() as number[];
    const thumb = thumbPath(project.dir, imageFiles(project.db, first!)!.hash);
    fs.rmSync(thumb);
    fs.symlinkSync(secret, thumb);
    const two = path.join(source, 'a', 'two.jpg');
    fs.writeFileSync(two, Buffer.alloc(fs.statSync(two).size, SECRET));
    const desktop = createMediaHandler({ host: 'media', ...projectMedia(() => server.studio.session.project) });
    const answers: Array<{ type: string | null; body: Buffer }> = [];
    for (const [kind, id] of [['thumb', first], ['image', first], ['thumb', second], ['image', second]] as const) {
      answers.push(
        await new Promise((resolve, reject) =>
          http
            .get({ host: '127.0.0.1', port: server.port, path: `/media/${kind}/${id}?token=${server.token}` }, (res) => {
              const chunks: Buffer[] = [];
              res.on('data', (c: Buffer) => chunks.push(c));
              res.on('end', () => resolve({ type: res.statusCode === 200 ? (res.headers['content-type'] ?? null) : null, body: Buffer.concat(chunks) }));
            })
            .on('error', reject),
        ),
      );
      const response = await desktop(new Request(`studio://media/${kind}/${id}`));
      answers.push({ type: response.status === 200 ? response.headers.get('content-type') : null, body: Buffer.from(await response.arrayBuffer()) });
    }
    const isImage = (body: Buffer) => body.subarray(8, 12).toString('ascii') === 'WEBP' || (body[0] === 0xff && body[1] === 0xd8);
    return answers.filter((a) => a.body.includes('reliability-secret') || (a.type !== null && !isImage(a.body))).length;
  } finally {
    await server.close();
  }
}

/** #3: formula cells left in dataset.csv (and whether the names round-trip through CSV import). */
export async function csvFormulaCells(dir: string, photo: (file: string, seed: number) => Promise<void>): Promise<{ cells: number; roundTrip: boolean }> {
  const project = createProject(path.join(dir, 'csv-project'));
  try {
    for (const [i, name] of FORMULA_NAMES.entries()) {
      const file = path.join(dir, 'csv-photos', i === 0 ? '=HYPERLINK("x").jpg' : `p${i}.jpg`);
      await photo(file, 30 + i);
      const data = fs.readFileSync(file);
      const { id } = insertImage(project.db, { hash: createHash('sha256').update(data).digest('hex'), path: file, byteSize: data.length, width: null, height: null, format: 'jpeg', split: 'train' });
      applyLabels(project.db, [id], ensureClass(project.db, name).id, { source: 'human' });
    }
    const exported = await exportDataset({ db: project.db, projectDir: project.dir, layout: 'csv', splits: ['train'] });
    const csv = path.join(exported.dir, DATASET_CSV);
    const cells = parseCsv(fs.readFileSync(csv, 'utf8')).flatMap((r) => r.fields).filter(isFormulaCell).length;
    const again = createProject(path.join(dir, 'csv-again'));
    try {
      await runImport(again, { kind: 'csv', file: csv });
      const names = listClasses(again.db).map((c) => c.name).sort();
      return { cells, roundTrip: JSON.stringify(names) === JSON.stringify([...FORMULA_NAMES].sort()) };
    } finally {
      again.close();
    }
  } finally {
    project.close();
  }
}

/** #4: folders named like Object.prototype members import as classes. */
export async function protoNamesOk(dir: string): Promise<boolean> {
  const root = path.join(dir, 'proto-photos');
  for (const [i, name] of PROTO_NAMES.entries()) await writeSyntheticJpeg(path.join(root, name, 'a.jpg'), 40 + i);
  const project = createProject(path.join(dir, 'proto-project'));
  try {
    const summary = await runImport(project, { kind: 'folder', root });
    const names = listClasses(project.db).map((c) => c.name).sort();
    return summary.status === 'done' && summary.counts?.labeled === PROTO_NAMES.length && JSON.stringify(names) === JSON.stringify([...PROTO_NAMES].sort());
  } catch {
    return false;
  } finally {
    project.close();
  }
}

/** #5: a 0-byte project.sqlite beside thumbs/ is refused and left as it was. */
export async function emptyDbRefused(dir: string): Promise<boolean> {
  const projectDir = path.join(dir, 'emptied-project');
  const project = createProject(projectDir);
  await runImport(project, { kind: 'folder', root: path.join(dir, 'proto-photos') });
  project.close();
  const file = path.join(projectDir, DB_FILE);
  fs.writeFileSync(file, '');
  try {
    openProject(projectDir).close();
    return false;
  } catch (error) {
    return error instanceof StudioError && error.code === 'corrupt' && fs.statSync(file).size === 0;
  }
}

/** #6: the WAL deleted under an open project: the next label write is refused, saying why. */
export function walLossDetected(dir: string): boolean {
  const project = createProject(path.join(dir, 'wal-project'));
  try {
    const id = insertImage(project.db, { hash: 'f'.repeat(64), path: '/x.jpg', byteSize: 1, width: 1, height: 1, format: 'jpeg' }).id;
    const cls = ensureClass(project.db, 'a').id;
    applyLabels(project.db, [id], cls, { source: 'human' });
    fs.rmSync(path.join(project.dir, `${DB_FILE}-wal`));
    try {
      applyLabels(project.db, [id], null, { source: 'human' });
      return false;
    } catch (error) {
      return error instanceof StudioError && error.code === 'corrupt' && /write-ahead log/.test(error.message);
    }
  } finally {
    project.close();
  }
}

/** #7: live jobs of another process marked interrupted by opens from here, the CLI and a serve-mode session. */
export async function foreignOpenInterrupts(dir: string): Promise<number> {
  const projectDir = path.join(dir, 'owner-project');
  createProject(projectDir).close();
  let holder: ChildProcess | null = null;
  const ids = await new Promise<[number, number]>((resolve, reject) => {
    void runTsChild(path.join(HELPERS, 'job-holder.ts'), [projectDir], (line, child) => {
      const match = /^holding (\d+) (\d+)$/.exec(line);
      if (!match) return;
      holder = child;
      resolve([Number(match[1]), Number(match[2])]);
    }).then((exit) => reject(new Error(`job holder exited: ${exit.stderr}`)));
  });
  try {
    openProject(projectDir).close();
    await runCliChild(['info', projectDir, '--json']);
    const studio = createStudio();
    studio.session.open(projectDir);
    await studio.close();
    const project = openProject(projectDir);
    try {
      const run = project.db.prepare('SELECT status FROM runs WHERE id = ?').pluck().get(ids[0]);
      const imp = project.db.prepare('SELECT status FROM imports WHERE id = ?').pluck().get(ids[1]);
      return (run === 'interrupted' ? 1 : 0) + (imp === 'interrupted' ? 1 : 0);
    } finally {
      project.close();
    }
  } finally {
    (holder as ChildProcess | null)?.kill('SIGKILL');
  }
}

/** #8: the serve child's peak memory growth while a client sends page requests and never reads. */
export async function unreadAnswersPeakMb(dir: string, requests: number, holdMs: number): Promise<{ growthMb: number; othersAnswered: boolean }> {
  const projectDir = path.join(dir, 'unread-project');
  const project = createProject(projectDir);
  const cls = ensureClass(project.db, 'ant').id;
  project.db.transaction(() => {
    for (let i = 0; i < 1000; i++) {
      const { id } = insertImage(project.db, { hash: i.toString(16).padStart(64, '0'), path: `/photos/some/longer/folder/name/image_${i}.jpg`, byteSize: 12_345, width: 640, height: 480, format: 'jpeg' });
      applyLabels(project.db, [id], cls, { source: 'import' });
    }
  })();
  project.close();
  const server = await startServeChild({ projectDir, modelCache: null, rendererDir: dir });
  try {
    const flood = await floodWithoutReading(server, requests, holdMs, 100);
    return { growthMb: Math.round((flood.peakMb - flood.baselineMb) * 10) / 10, othersAnswered: flood.othersAnswered && server.alive() };
  } finally {
    await server.stop();
  }
}
