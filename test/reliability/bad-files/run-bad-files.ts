// The bad-files part: the dataset's corpus plus our own kinds go through every door a file
// comes in by — folder import, a watched folder, "test an image" by path and by bytes, and the
// augmentation preview of a project image whose file went bad after import — all over the
// real WebSocket of a serve child. Each bad kind must come back reported with a reason at each
// door; each odd-but-valid one must work; nothing may crash or hang.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { StudioClient } from '../../../electron/ipc/client.js';
import { StudioError } from '../../../electron/domain/result.js';
import { createProject } from '../../../electron/project/project.js';
import { writeBadCorpus } from '../../helpers/bad-corpus.js';
import { fixtureProject } from '../../helpers/fixture-project.js';
import { fixture } from '../../helpers/fixtures.js';
import { writeSyntheticJpeg } from '../../helpers/synthetic-images.js';
import type { PartResult } from '../figures.js';
import { startServeChild } from '../serve-child-handle.js';
import { openWsSession, type WsSession } from '../ws-client.js';
import { writeMoreKinds, type KindExpectation } from './kinds.js';

type Outcome = 'reported' | 'worked' | 'wrong' | 'crash';
/** What an import or the watcher made of a file: a reported problem, or an imported image. */
type Seen = { reason?: string; message?: string; imported?: boolean };
interface KindResult {
  path: string;
  bad: boolean;
  doors: Record<string, { outcome: Outcome; detail: string }>;
}

const CALL_TIMEOUT_MS = 60_000;

/** A call's answer: its value, or the typed error; a hang or an untyped failure is marked. */
async function call<T>(work: Promise<T>): Promise<{ value: T } | { error: StudioError } | { crash: string }> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<{ crash: string }>((resolve) => (timer = setTimeout(() => resolve({ crash: `no answer within ${CALL_TIMEOUT_MS} ms` }), CALL_TIMEOUT_MS)));
  try {
    return await Promise.race([work.then((value) => ({ value })), timeout]);
  } catch (error) {
    if (error instanceof StudioError && error.code !== 'internal' && error.message) return { error };
    return { crash: `untyped failure: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    clearTimeout(timer!);
  }
}

function judge(expect: KindExpectation, answer: Awaited<ReturnType<typeof call>>, worked: (value: unknown) => string | null): { outcome: Outcome; detail: string } {
  if ('crash' in answer) return { outcome: 'crash', detail: answer.crash };
  const bad = 'reason' in expect;
  if ('error' in answer) return bad ? { outcome: 'reported', detail: `${answer.error.code}: ${answer.error.message}` } : { outcome: 'wrong', detail: `refused: ${answer.error.message}` };
  const failure = worked(answer.value);
  if (bad) return failure ? { outcome: 'reported', detail: failure } : { outcome: 'wrong', detail: 'accepted a bad file' };
  return failure ? { outcome: 'wrong', detail: failure } : { outcome: 'worked', detail: 'ok' };
}

function judgeSeen(expect: KindExpectation, seen: Seen | undefined): { outcome: Outcome; detail: string } {
  if ('reason' in expect) {
    return seen?.reason && (expect.reason === 'any' || seen.reason === expect.reason)
      ? { outcome: 'reported', detail: `${seen.reason}: ${seen.message}` }
      : { outcome: 'wrong', detail: seen ? `seen as ${seen.reason ?? 'imported'}, expected ${expect.reason}` : 'never reported' };
  }
  return seen?.imported ? { outcome: 'worked', detail: 'imported' } : { outcome: 'wrong', detail: seen ? `reported: ${seen.reason} ${seen.message}` : 'never imported' };
}

/** Puts kind `from` at `at`: its bytes, or the same kind of link or pipe. */
function plant(from: string, at: string): boolean {
  fs.rmSync(at, { force: true, recursive: true });
  const stat = fs.lstatSync(from, { throwIfNoEntry: false });
  if (!stat) return false;
  if (stat.isFIFO()) execFileSync('mkfifo', [at]);
  else if (stat.isSymbolicLink()) {
    const target = fs.readlinkSync(from);
    // Same shape of link next to the subject: a loop onto itself, a dangling one, or one to a folder.
    fs.symlinkSync(target === '..' ? '..' : target.startsWith('loop-') ? path.basename(at) : target === 'good.jpg' ? path.join(path.dirname(from), target) : `gone-${target}`, at);
  } else if (stat.isFile()) fs.copyFileSync(from, at);
  else return false;
  return true;
}

async function importDoor(session: WsSession, client: StudioClient, root: string, expectations: Map<string, KindExpectation>, results: Map<string, KindResult>): Promise<void> {
  const started = await call(client.invoke('import:folder', { path: root }));
  if (!('value' in started)) throw new Error(`import:folder refused its source: ${JSON.stringify(started)}`);
  await session.finished(started.value.jobId);
  const report = await client.invoke('import:report', { importId: started.value.importId, limit: 10_000 });
  const problems = new Map((report?.problems ?? []).map((p) => [p.path, p]));
  for (const [file, expect] of expectations) {
    const problem = problems.get(file);
    const found = problem ? null : await client.invoke('images:page', { offset: 0, limit: 1, filter: { nameContains: file } });
    results.get(file)!.doors.import = judgeSeen(expect, problem ?? (found?.total ? { imported: true } : undefined));
  }
}

async function watchDoor(session: WsSession, client: StudioClient, dir: string, log: (m: string) => void): Promise<Map<string, { expect: KindExpectation; seen: Seen | undefined }>> {
  fs.mkdirSync(dir, { recursive: true });
  const added = await client.invoke('watch:add', { path: dir });
  if (added.reconcile) await session.finished(added.reconcile.jobId);
  // Files arrive after the watcher started: the watcher, not the reconcile pass, must see them.
  const expectations = new Map([...(await writeBadCorpus(dir)), ...(await writeMoreKinds(path.join(dir, 'more')))]);
  const seen = new Map<string, Seen>();
  const until = Date.now() + 30_000;
  while (Date.now() < until && seen.size < expectations.size) {
    await new Promise((r) => setTimeout(r, 500));
    for (const summary of await client.invoke('import:list', { limit: 200 })) {
      if (summary.kind !== 'watch' || summary.status === 'running') continue;
      const report = await client.invoke('import:report', { importId: summary.id, limit: 10_000 });
      for (const p of report?.problems ?? []) if (expectations.has(p.path)) seen.set(p.path, { reason: p.reason, message: p.message });
    }
    for (const [file, expect] of expectations) {
      if ('reason' in expect || seen.has(file)) continue;
      const found = await client.invoke('images:page', { offset: 0, limit: 1, filter: { nameContains: file } });
      if (found.total) seen.set(file, { imported: true });
    }
  }
  log(`bad-files/watch: ${seen.size} of ${expectations.size} files seen by the watcher`);
  return new Map([...expectations].map(([file, expect]) => [file, { expect, seen: seen.get(file) }]));
}

export async function runBadFilesPart(options: { dir: string; modelCache: string | null; rendererDir: string; watch: boolean; log: (m: string) => void }): Promise<Omit<PartResult, 'part' | 'seconds'>> {
  const projectDir = path.join(options.dir, 'bad-files-project');
  if (options.modelCache) fixtureProject(projectDir, fixture('datasets', 'hymenoptera'), { limitPerClass: 8 }).close();
  else createProject(projectDir).close();
  const source = path.join(options.dir, 'bad-source');
  const expectations = new Map<string, KindExpectation>([...(await writeBadCorpus(source)), ...(await writeMoreKinds(path.join(source, 'more')))]);
  const results = new Map<string, KindResult>([...expectations].map(([file, e]) => [file, { path: file, bad: 'reason' in e, doors: {} }]));
  const subjectDir = path.join(options.dir, 'preview');
  const subject = path.join(subjectDir, 'subject.jpg');
  await writeSyntheticJpeg(subject, 777);

  const server = await startServeChild({ projectDir, modelCache: options.modelCache, rendererDir: options.rendererDir });
  const session = await openWsSession(server);
  const { client } = session;
  const skipped: string[] = [];
  try {
    let trained = false;
    if (options.modelCache) {
      const { jobId } = await client.invoke('train:start', { config: { augmentViews: 0, outOfFoldK: 0 } });
      const end = await session.finished(jobId);
      if (end.status !== 'done') throw new Error(`training for "test an image" failed: ${end.error}`);
      trained = true;
    } else skipped.push('predict (no fixtures: nothing to train)');

    await importDoor(session, client, source, expectations, results);

    if (options.watch) {
      const watchedDir = path.join(options.dir, 'watched');
      // The watched copies are the same kinds: their outcome joins the kind of the same name.
      for (const [file, { expect, seen }] of await watchDoor(session, client, watchedDir, options.log)) {
        results.get(path.join(source, path.relative(watchedDir, file)))!.doors.watch = judgeSeen(expect, seen);
      }
    }

    const predicted = (value: unknown) => {
      const result = (value as { results: Array<{ probs: number[] | null; error: string | null }> }).results[0]!;
      return result.probs ? null : (result.error ?? 'no probabilities and no reason');
    };
    for (const [file, expect] of expectations) {
      const result = results.get(file)!;
      if (trained) {
        result.doors.predictPath = judge(expect, await call(client.invoke('predict:images', { images: [{ path: file }] })), predicted);
        const stat = fs.lstatSync(file, { throwIfNoEntry: false });
        if (stat?.isFile()) {
          const base64 = fs.readFileSync(file).toString('base64');
          result.doors.predictBytes = judge(expect, await call(client.invoke('predict:images', { images: [{ name: path.basename(file), base64 }] })), predicted);
        }
      }
    }

    // The preview of a project image whose file was replaced by each kind after import.
    const imported = await client.invoke('import:files', { paths: [subject] });
    await session.finished(imported.jobId);
    const page = await client.invoke('images:page', { offset: 0, limit: 1, filter: { nameContains: 'subject.jpg' } });
    const imageId = page.rows[0]?.id;
    if (!imageId) throw new Error('the preview subject did not import');
    const original = fs.readFileSync(subject);
    for (const [file, expect] of expectations) {
      if (!plant(file, subject)) continue;
      const samples = (value: unknown) => ((value as unknown[]).length === 2 ? null : 'wrong number of previews');
      results.get(file)!.doors.preview = judge(expect, await call(client.invoke('augment:preview', { imageId, count: 2 })), samples);
    }
    fs.rmSync(subject, { force: true });
    fs.writeFileSync(subject, original);
  } finally {
    session.close();
    await server.stop();
  }

  const crashed = !server.alive() && server.exitCode() !== 0;
  const all = [...results.values()];
  const badKinds = all.filter((r) => r.bad);
  const goodKinds = all.filter((r) => !r.bad);
  const doorsOf = (r: KindResult) => Object.values(r.doors);
  const crashes = all.reduce((n, r) => n + doorsOf(r).filter((d) => d.outcome === 'crash').length, 0) + (crashed ? 1 : 0);
  const reported = badKinds.filter((r) => doorsOf(r).length > 0 && doorsOf(r).every((d) => d.outcome === 'reported')).length;
  const worked = goodKinds.filter((r) => doorsOf(r).length > 0 && doorsOf(r).every((d) => d.outcome === 'worked')).length;
  const checks = all.reduce((n, r) => n + doorsOf(r).length, 0);
  const failures = all.flatMap((r) =>
    Object.entries(r.doors)
      .filter(([, d]) => d.outcome === 'wrong' || d.outcome === 'crash')
      .map(([door, d]) => `${path.relative(source, r.path)} via ${door}: ${d.outcome}: ${d.detail}`),
  );
  if (crashed) failures.push(`the serve child crashed: ${server.stderr().slice(-500)}`);
  const doors = [...new Set(all.flatMap((r) => Object.keys(r.doors)))];
  return {
    ok: crashes === 0 && reported === badKinds.length && worked === goodKinds.length,
    figures: { bad_kinds: badKinds.length, bad_reported: reported, bad_crashes: crashes, bad_checks: checks, awkward_kinds: goodKinds.length, awkward_ok: worked },
    summary: `bad kinds ${badKinds.length} · reported at every door ${reported} · crashes ${crashes} · odd-but-valid ${worked}/${goodKinds.length} · ${checks} checks through ${doors.join(', ')}${skipped.length ? ` · skipped: ${skipped.join(', ')}` : ''}`,
    failures,
  };
}
