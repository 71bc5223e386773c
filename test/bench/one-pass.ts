// "From a folder of photos to a trained model" end to end (issue 21), through the studio's own
// jobs and engine worker: today's import (runImport, which embeds nothing) then a one-click Train
// and its label check (separate: what a Train was before this change, one job), against the
// studio's import job that embeds as it decodes, then the same Train click (one pass; the label
// check follows as its own job and is reported, not counted). Used by bench:import.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runImport } from '../../electron/dataset/import-job.js';
import { EngineHost } from '../../electron/worker/engine-host.js';
import type { RunDetail } from '../../electron/domain/engine-schemas.js';
import { createStudio, type Studio } from '../../electron/services/studio.js';
import { invoke, watchJobs } from '../helpers/studio-jobs.js';
import { fixtureModelCache } from '../reliability/model-cache.js';

export interface OnePassFigures {
  images: number;
  separate_import_s: number;
  /** The Train click until its run is done (the label check is a follow-up job now). */
  separate_train_s: number;
  separate_label_check_s: number;
  /** Import + Train + label check: a one-click Train before this change ran the check in its job. */
  separate_s: number;
  /** The import job, embedding included (it ends when every view is cached). */
  one_pass_import_s: number;
  first_train_after_import_s: number;
  /** The follow-up label check after the one-pass Train (results arrive after the run is done). */
  one_pass_label_check_s: number;
  one_pass_s: number;
  one_pass_speedup: number;
  /** separate_s without its label check, against one_pass_s: the import's share alone. */
  one_pass_speedup_same_train: number;
  /** CPU seconds of the whole process (every thread: libvips, onnxruntime, workers) over separate_s. */
  separate_cpu_s: number;
  /** The same over one_pass_s. */
  one_pass_cpu_s: number;
  /** separate_cpu_s / one_pass_cpu_s: the work the fused import saves, whatever the machine's load. */
  one_pass_cpu_ratio: number;
  /**
   * The most one_pass_speedup can be for this run: the fused path cannot end before its CPU time
   * spread over every core (separate_s × cores / one_pass_cpu_s).
   */
  one_pass_speedup_ceiling: number;
  cores: number;
  /** Where the first Train after the fused import spent its time (ms, the run's own timings). */
  first_train_timings: Record<string, number> | null;
  /** Its head: epochs trained, their mean duration, and the choice (what trainMs is made of). */
  first_train_head: HeadFigures | null;
}

interface HeadFigures {
  epochs: number;
  best_epoch: number | null;
  mean_epoch_ms: number | null;
  head: string | null;
  method: string | null;
}

const seconds = (since: number) => (performance.now() - since) / 1000;
/** CPU seconds of this process (all its threads) since a process.cpuUsage() reading. */
const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};
const JOB_MS = 3_600_000;

export class OnePassBench {
  private constructor(
    private readonly studio: Studio,
    private readonly jobs: ReturnType<typeof watchJobs>,
    private readonly work: string,
  ) {}

  /** A studio on a private model cache with the fixture backbone; null without fixtures. */
  static async open(work: string): Promise<OnePassBench | null> {
    const cache = await fixtureModelCache(work);
    if (!cache) return null;
    const studio = createStudio({ engine: new EngineHost({ modelCache: cache }) });
    return new OnePassBench(studio, watchJobs(studio), work);
  }

  /** The Train click until the run is done, then its follow-up label check. */
  /** `cpu`: the reading the caller's CPU figures start from (read at the run's end and the check's). */
  private async train(cpu: NodeJS.CpuUsage): Promise<{ trainS: number; checkS: number; cpuToTrainS: number; cpuToCheckS: number; timings: Record<string, number> | null; head: HeadFigures }> {
    let started = performance.now();
    const { jobId } = await invoke<{ jobId: string }>(this.studio, 'train:start', {});
    const end = await this.jobs.finished(jobId, JOB_MS);
    if (end.status !== 'done') throw new Error(`train ${end.status}: ${end.error}`);
    const trainS = seconds(started);
    const cpuToTrainS = cpuSeconds(cpu);
    started = performance.now();
    const check = await this.jobs.finishedKind('evaluate', JOB_MS);
    if (check.status !== 'done') throw new Error(`label check ${check.status}: ${check.error}`);
    const checkS = seconds(started);
    const cpuToCheckS = cpuSeconds(cpu);
    const [run] = await invoke<Array<{ id: number }>>(this.studio, 'runs:list', { limit: 1 });
    const detail = await invoke<RunDetail>(this.studio, 'runs:get', { runId: run!.id });
    const durations = detail.history.flatMap((h) => (h.durationMs === null ? [] : [h.durationMs]));
    const head: HeadFigures = {
      epochs: detail.history.length,
      best_epoch: detail.bestEpoch,
      mean_epoch_ms: durations.length ? Math.round(durations.reduce((a, b) => a + b, 0) / durations.length) : null,
      head: detail.head ? `${detail.head.chosen.kind} ${detail.head.chosen.param}` : `${detail.config.hiddenUnits > 0 ? 'mlp' : 'linear'} (configured)`,
      method: detail.head?.method ?? null,
    };
    return { trainS, checkS, cpuToTrainS, cpuToCheckS, timings: detail.timings, head };
  }

  /** Today's import (no embedding), then Train and its label check. */
  async separate(root: string, name: string): Promise<{ importS: number; trainS: number; checkS: number; cpuS: number; images: number }> {
    const project = this.studio.session.create(path.join(this.work, `${name}-separate`), name);
    const cpu = process.cpuUsage();
    const started = performance.now();
    const summary = await runImport(project, { kind: 'folder', root });
    const importS = seconds(started);
    const train = await this.train(cpu);
    return { importS, trainS: train.trainS, checkS: train.checkS, cpuS: train.cpuToCheckS, images: summary.counts!.added };
  }

  /** The studio's import job (embedding as it decodes, ending when both are done), then Train. */
  async onePass(root: string, name: string): Promise<{ importS: number; trainS: number; checkS: number; cpuS: number; timings: Record<string, number> | null; head: HeadFigures }> {
    this.studio.session.create(path.join(this.work, `${name}-one-pass`), name);
    const cpu = process.cpuUsage();
    const started = performance.now();
    const { jobId } = await invoke<{ jobId: string }>(this.studio, 'import:folder', { path: root });
    const end = await this.jobs.finished(jobId, JOB_MS);
    if (end.status !== 'done') throw new Error(`import ${end.status}: ${end.error}`);
    const importS = seconds(started);
    const train = await this.train(cpu);
    return { importS, trainS: train.trainS, checkS: train.checkS, cpuS: train.cpuToTrainS, timings: train.timings, head: train.head };
  }

  async compare(root: string, name: string, log: (m: string) => void): Promise<OnePassFigures> {
    const a = await this.separate(root, name);
    log(`${name} separate: import ${a.importS.toFixed(1)} s + train ${a.trainS.toFixed(1)} s + label check ${a.checkS.toFixed(1)} s, ${a.cpuS.toFixed(1)} s of CPU`);
    const b = await this.onePass(root, name);
    log(`${name} one pass: import+embed ${b.importS.toFixed(1)} s + train ${b.trainS.toFixed(1)} s (label check after it: ${b.checkS.toFixed(1)} s), ${b.cpuS.toFixed(1)} s of CPU; run timings ${JSON.stringify(b.timings)}, head ${JSON.stringify(b.head)}`);
    const r = (n: number) => Math.round(n * 100) / 100;
    const separate = a.importS + a.trainS + a.checkS;
    const cores = os.availableParallelism();
    const onePass = b.importS + b.trainS;
    return {
      images: a.images,
      separate_import_s: r(a.importS),
      separate_train_s: r(a.trainS),
      separate_label_check_s: r(a.checkS),
      separate_s: r(separate),
      one_pass_import_s: r(b.importS),
      first_train_after_import_s: r(b.trainS),
      one_pass_label_check_s: r(b.checkS),
      one_pass_s: r(onePass),
      one_pass_speedup: r(separate / onePass),
      one_pass_speedup_same_train: r((a.importS + a.trainS) / onePass),
      separate_cpu_s: r(a.cpuS),
      one_pass_cpu_s: r(b.cpuS),
      one_pass_cpu_ratio: r(a.cpuS / b.cpuS),
      one_pass_speedup_ceiling: r((separate * cores) / b.cpuS),
      cores,
      first_train_timings: b.timings,
      first_train_head: b.head,
    };
  }

  /** Loads the backbone (and its ONNX conversion) once, so neither side pays for it. */
  async warmUp(root: string): Promise<void> {
    const dir = path.join(this.work, 'warm-photos');
    for (const cls of fs.readdirSync(root).slice(0, 2)) {
      fs.mkdirSync(path.join(dir, cls), { recursive: true });
      for (const f of fs.readdirSync(path.join(root, cls)).slice(0, 6)) fs.copyFileSync(path.join(root, cls, f), path.join(dir, cls, f));
    }
    await this.onePass(dir, 'warm-up');
  }

  async close(): Promise<void> {
    this.jobs.stop();
    await this.studio.close();
  }
}
