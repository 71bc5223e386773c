// The load part: a project of N image rows (real photos to train on, the rest library rows),
// the UI's calls through the real WebSocket — label writes at a steady rate (a key press each)
// and grid pages at random scroll offsets, filters and sorts — first idle, then while a real
// training runs in the engine worker (restarted whenever it finishes, so one is always
// running). Calls are sent on schedule whether or not earlier ones answered, so a stall shows
// as latency, not as fewer calls.
import path from 'node:path';
import { seededRandom, type Random } from '../../../electron/engine/images/random.js';
import type { StudioClient } from '../../../electron/ipc/client.js';
import type { Project } from '../../../electron/project/project.js';
import { addSplitClassFolder } from '../../helpers/fixture-project.js';
import { fixture } from '../../helpers/fixtures.js';
import { seedImages } from '../../helpers/seed.js';
import { createProject } from '../../../electron/project/project.js';
import { readSettings } from '../../../electron/project/settings.js';
import { assignSplits } from '../../../electron/dataset/splits.js';
import { percentile, round, type PartResult } from '../figures.js';
import { startServeChild } from '../serve-child-handle.js';
import { openWsSession, type WsSession } from '../ws-client.js';

export interface LoadOptions {
  dir: string;
  modelCache: string | null;
  rendererDir: string;
  seed: number;
  rows: number;
  seconds: number;
  labelWritesPerSecond: number;
  pagesPerSecond: number;
  perClass: number;
  /** The p95 budget of the UI's calls under training, a failure when exceeded; null: only reported. */
  p95BudgetMs: number | null;
  log: (m: string) => void;
}

interface Window {
  label: number[];
  page: number[];
  errors: string[];
  /** Calls sent while a training job was running. */
  duringTraining: number;
}

function buildProject(dir: string, options: LoadOptions): { project: Project; photos: number } {
  const project = createProject(dir);
  let photos = 0;
  if (options.modelCache) photos = addSplitClassFolder(project, fixture('datasets', 'hymenoptera'), { limitPerClass: options.perClass });
  else project.db.prepare("INSERT INTO classes (name, color, sort_order) VALUES ('ant', '#aa3333', 0), ('bee', '#3333aa', 1)").run();
  seedImages(project.db, Math.max(0, options.rows - photos));
  // As an import leaves them: every image with a split.
  assignSplits(project.db, readSettings(project.db).split);
  return { project, photos };
}

/** Fires the UI's calls on a fixed schedule for `seconds`; latencies in ms per channel. */
async function drive(
  client: StudioClient,
  options: LoadOptions,
  random: Random,
  imageIds: { min: number; max: number },
  classIds: number[],
  seconds: number,
  training: () => boolean = () => false,
): Promise<Window> {
  const window: Window = { label: [], page: [], errors: [], duringTraining: 0 };
  const pending: Array<Promise<void>> = [];
  const timed = (into: number[], call: () => Promise<unknown>) => {
    const started = performance.now();
    pending.push(
      call().then(
        () => void into.push(performance.now() - started),
        (error: unknown) => void window.errors.push(String(error)),
      ),
    );
  };
  const events: Array<{ at: number; kind: 'label' | 'page' }> = [];
  for (let t = 0; t < seconds * 1000; t += 1000 / options.labelWritesPerSecond) events.push({ at: t, kind: 'label' });
  for (let t = 0; t < seconds * 1000; t += 1000 / options.pagesPerSecond) events.push({ at: t + 7, kind: 'page' });
  events.sort((a, b) => a.at - b.at);
  const start = performance.now();
  for (const event of events) {
    const wait = start + event.at - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (training()) window.duringTraining++;
    if (event.kind === 'label') {
      const imageId = imageIds.min + Math.floor(random() * (imageIds.max - imageIds.min + 1));
      timed(window.label, () => client.invoke('labels:set', { imageIds: [imageId], classId: classIds[Math.floor(random() * classIds.length)]! }));
    } else {
      const roll = random();
      const filter = roll < 0.6 ? undefined : roll < 0.8 ? { unlabeled: true } : { classId: classIds[Math.floor(random() * classIds.length)]! };
      const offset = Math.floor(random() * Math.max(1, options.rows - 100));
      // The grid's sorts: date added (default), and by file name either way.
      const sortRoll = random();
      const sort = sortRoll < 0.5 ? undefined : sortRoll < 0.75 ? ('name' as const) : ('name-desc' as const);
      timed(window.page, () =>
        client.invoke('images:page', { offset: filter ? Math.floor(offset / 10) : offset, limit: 100, ...(filter ? { filter } : {}), ...(sort ? { sort } : {}) }),
      );
    }
  }
  await Promise.all(pending);
  return window;
}

const stats = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return { p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? null) };
};

export async function runLoadPart(options: LoadOptions): Promise<Omit<PartResult, 'part' | 'seconds'>> {
  const projectDir = path.join(options.dir, 'load-project');
  let started = performance.now();
  const { project, photos } = buildProject(projectDir, options);
  const range = project.db.prepare('SELECT min(id) AS min, max(id) AS max FROM images').get() as { min: number; max: number };
  const classIds = project.db.prepare('SELECT id FROM classes ORDER BY id').pluck().all() as number[];
  project.close();
  options.log(`load: ${options.rows} rows (${photos} photos) built in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const server = await startServeChild({ projectDir, modelCache: options.modelCache, rendererDir: options.rendererDir });
  let session: WsSession | null = null;
  const random = seededRandom(`${options.seed}:load`);
  const failures: string[] = [];
  let runs = 0;
  let idle: Window;
  let busy: Window;
  try {
    session = await openWsSession(server);
    const { client } = session;
    idle = await drive(client, options, random, range, classIds, Math.max(3, Math.round(options.seconds / 4)));

    let training = options.modelCache !== null;
    let stop = false;
    // Between train:start and the job's end; the gap between two runs is one round trip.
    let active = false;
    const keepTraining = async () => {
      while (!stop) {
        active = true;
        const { jobId } = await client.invoke('train:start', { config: { augmentViews: 1, seed: 42 + runs } });
        const end = await session!.finished(jobId, 600_000);
        active = false;
        if (end.status === 'cancelled' && stop) return;
        if (end.status !== 'done') throw new Error(`training ${end.status}: ${end.error}`);
        runs++;
      }
    };
    let trainer: Promise<void> = Promise.resolve();
    if (training) {
      trainer = keepTraining().catch((error: unknown) => {
        failures.push(`training: ${String(error)}`);
        training = false;
      });
      // Measure once the worker is past loading the backbone and into the run.
      const until = Date.now() + 120_000;
      while (Date.now() < until && !(await client.invoke('jobs:list', {})).some((j) => j.kind === 'train' && j.phase !== 'starting' && j.phase !== 'loading backbone')) await new Promise((r) => setTimeout(r, 100));
    }
    started = performance.now();
    busy = await drive(client, options, random, range, classIds, options.seconds, () => active);
    options.log(`load: ${options.seconds} s measured, ${runs} training runs finished by then`);
    stop = true;
    const cancel = (await client.invoke('jobs:list', {})).filter((j) => j.kind === 'train');
    for (const job of cancel) await client.invoke('jobs:cancel', { jobId: job.jobId });
    await trainer;
    const sent = busy.label.length + busy.page.length + busy.errors.length;
    if (options.modelCache && busy.duringTraining < 0.9 * sent) {
      failures.push(`a training job ran during only ${busy.duringTraining} of the ${sent} calls`);
    }
  } finally {
    session?.close();
    await server.stop();
  }

  const label = stats(busy.label);
  const page = stats(busy.page);
  const all = stats([...busy.label, ...busy.page]);
  const idleAll = stats([...idle.label, ...idle.page]);
  failures.push(...[...idle.errors, ...busy.errors].slice(0, 10).map((e) => `call failed: ${e}`));
  const p95 = all.p95 ?? Infinity;
  if (options.p95BudgetMs !== null && p95 >= options.p95BudgetMs) failures.push(`p95 of the UI's calls under training is ${p95} ms (budget ${options.p95BudgetMs} ms)`);
  return {
    ok: failures.length === 0,
    figures: {
      load_rows: options.rows,
      load_calls: busy.label.length + busy.page.length + busy.errors.length,
      load_failed_calls: busy.errors.length + idle.errors.length,
      load_p50_ms: all.p50,
      load_p95_ms: all.p95,
      load_p99_ms: all.p99,
      load_label_p95_ms: label.p95,
      load_page_p95_ms: page.p95,
      load_idle_p95_ms: idleAll.p95,
      load_training_runs: runs,
      load_calls_during_training: busy.duringTraining,
      load_label_writes_per_s: options.labelWritesPerSecond,
    },
    summary: `${options.rows} rows · ${options.labelWritesPerSecond} labels/s + ${options.pagesPerSecond} pages/s for ${options.seconds} s ${options.modelCache ? 'under training' : 'without training (fixtures absent)'} · p50 ${all.p50} / p95 ${all.p95} / p99 ${all.p99} ms (labels:set p95 ${label.p95}, images:page p95 ${page.p95}; idle p95 ${idleAll.p95}) · ${busy.duringTraining}/${busy.label.length + busy.page.length + busy.errors.length} calls while training ran, ${busy.errors.length + idle.errors.length} failed · ${runs} runs finished`,
    failures,
  };
}
