// The studio without a window. Commands grow with the product; `serve` runs the UI in a
// browser on 127.0.0.1 with a token in the printed URL.
import path from 'node:path';
import { importReport } from './dataset/catalog.js';
import { runImport } from './dataset/import-job.js';
import { openProject } from './project/project.js';
import type { EventPayload, RequestChannel, RequestInput, RequestOutput } from './ipc/contract.js';
import { ModelExportFormat, TrainConfig, WeightQuantization, type TrainConfigInput } from './ipc/schemas.js';
import { runServeMode } from './server/serve-command.js';
import { createStudio, type Studio } from './services/studio.js';

const USAGE = `Usage: transfer-studio <command> [options]

Commands:
  serve [--port N]            serve the studio UI on 127.0.0.1 and print its URL
  import PROJECT SOURCE       import a folder (split/class/img, class/img or flat) or a
                              path,label[,split] CSV into an existing project
  train PROJECT [--config JSON]
                              train in one click (or with settings, e.g. '{"epochs":30}');
                              progress on stderr, the run's figures as JSON on stdout
  eval PROJECT [RUN]          the metrics of a run (default: the newest finished one) as JSON
  predict PROJECT FILE...     class probabilities of image files with the newest model, as JSON
  backbones                   the backbone catalogue and what is installed
  export PROJECT RUN FORMAT OUT [--quantize float16|uint8] [--samples N]
                              export run RUN (a number, or "latest") as tfjs, teachable, onnx
                              or card into the new folder OUT (never replaced), checked against
                              the studio first; the export's record (parity included) as JSON
`;

/** Imports and prints the summary, then each unusable file with its reason. */
async function runImportCommand(args: string[]): Promise<number> {
  const [projectDir, source] = args;
  if (!projectDir || !source) throw new UsageError('import needs a project folder and a source folder or CSV file.');
  const project = openProject(projectDir);
  try {
    const root = path.resolve(source);
    const summary = await runImport(project, root.toLowerCase().endsWith('.csv') ? { kind: 'csv', file: root } : { kind: 'folder', root }, {
      ...(process.stderr.isTTY ? { progress: (phase: string, done: number, total: number) => process.stderr.write(`\r${phase} ${done}/${total}   `) } : {}),
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    process.stdout.write(`${JSON.stringify({ importId: summary.id, layout: summary.layout, ...summary.counts })}\n`);
    for (const p of importReport(project.db, summary.id, 0, 10_000)?.problems ?? []) process.stdout.write(`${p.reason}\t${JSON.stringify(p.path)}\t${p.message}\n`);
    return 0;
  } finally {
    project.close();
  }
}

class UsageError extends Error {}

/** The same handler table the UI uses, in-process: the engine still runs in its worker. */
async function withStudio<T>(projectDir: string | null, work: (studio: Studio, call: <K extends RequestChannel>(channel: K, input: RequestInput<K>) => Promise<RequestOutput<K>>) => Promise<T>): Promise<T> {
  const studio = createStudio();
  const call = async <K extends RequestChannel>(channel: K, input: RequestInput<K>): Promise<RequestOutput<K>> => {
    const result = await studio.dispatch(channel, input, { transport: 'in-process' });
    if (!result.ok) throw new Error(result.error.message);
    return result.value as RequestOutput<K>;
  };
  try {
    if (projectDir) studio.session.open(path.resolve(projectDir));
    return await work(studio, call);
  } finally {
    await studio.close();
  }
}

function parseConfig(args: string[]): TrainConfigInput {
  const i = args.indexOf('--config');
  if (i === -1) return {};
  try {
    return TrainConfig.parse(JSON.parse(args[i + 1] ?? '')) as TrainConfigInput;
  } catch (error) {
    throw new UsageError(`--config needs training settings as JSON: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
}

/** Follows a job to its end, its progress on stderr; Ctrl-C cancels it. */
async function followJob(studio: Studio, jobId: string, cancel: () => void): Promise<EventPayload<'job:finished'>> {
  const finished = new Promise<EventPayload<'job:finished'>>((resolve) => {
    studio.bus.listen((event, payload) => {
      if (event === 'job:progress' && (payload as EventPayload<'job:progress'>).jobId === jobId) {
        const p = payload as EventPayload<'job:progress'>;
        process.stderr.write(`\r${p.phase} ${p.done}/${p.total}${p.etaMs !== null ? ` ~${Math.ceil(p.etaMs / 1000)}s left` : ''}      `);
      }
      if (event === 'job:finished' && (payload as EventPayload<'job:finished'>).jobId === jobId) resolve(payload as EventPayload<'job:finished'>);
    });
  });
  process.once('SIGINT', cancel);
  const end = await finished;
  process.off('SIGINT', cancel);
  process.stderr.write('\n');
  return end;
}

async function runTrainCommand(args: string[]): Promise<number> {
  const [projectDir] = args;
  if (!projectDir) throw new UsageError('train needs a project folder.');
  return withStudio(projectDir, async (studio, call) => {
    const { jobId } = await call('train:start', { config: parseConfig(args.slice(1)) });
    const end = await followJob(studio, jobId, () => void call('jobs:cancel', { jobId }));
    if (end.status !== 'done') {
      process.stderr.write(`Training ${end.status}${end.error ? `: ${end.error}` : ''}\n`);
      return 1;
    }
    const [run] = await call('runs:list', { limit: 1 });
    const detail = await call('runs:get', { runId: run!.id });
    process.stdout.write(`${JSON.stringify({ runId: detail.id, backend: detail.backend, embedEngine: detail.embedEngine, valAccuracy: detail.valAccuracy, testAccuracy: detail.testAccuracy, bestEpoch: detail.bestEpoch, timings: detail.timings })}\n`);
    return 0;
  });
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
}

async function runExportCommand(args: string[]): Promise<number> {
  const [projectDir, runArg, format, out] = args;
  if (!projectDir || !runArg || !format || !out) throw new UsageError('export needs a project folder, a run, a format and an output folder.');
  const runId = runArg === 'latest' ? undefined : Number(runArg);
  if (runId !== undefined && !(Number.isInteger(runId) && runId > 0)) throw new UsageError(`RUN must be a run number or "latest", got ${runArg}.`);
  const parsedFormat = ModelExportFormat.safeParse(format);
  if (!parsedFormat.success) throw new UsageError(`FORMAT must be one of ${ModelExportFormat.options.join(', ')}, got ${format}.`);
  const quantize = option(args, '--quantize');
  const quantization = quantize === undefined ? undefined : WeightQuantization.safeParse(quantize);
  if (quantization && !quantization.success) throw new UsageError(`--quantize takes float16 or uint8, got ${quantize}.`);
  const samples = option(args, '--samples');
  const sampleCount = samples === undefined ? undefined : Number(samples);
  if (sampleCount !== undefined && !(Number.isInteger(sampleCount) && sampleCount > 0)) throw new UsageError(`--samples takes a positive number, got ${samples}.`);
  const target = path.resolve(out);
  return withStudio(projectDir, async (studio, call) => {
    const { jobId } = await call('export:model', {
      ...(runId !== undefined ? { runId } : {}),
      format: parsedFormat.data,
      ...(quantization ? { quantization: quantization.data } : {}),
      ...(sampleCount !== undefined ? { sampleCount } : {}),
      folder: path.dirname(target),
      name: path.basename(target),
    });
    const end = await followJob(studio, jobId, () => void call('jobs:cancel', { jobId }));
    if (end.status !== 'done') {
      process.stderr.write(`Export ${end.status}${end.error ? `: ${end.error}` : ''}\n`);
      return 1;
    }
    const [record] = await call('export:list', { limit: 1 });
    process.stdout.write(`${JSON.stringify(record)}\n`);
    return 0;
  });
}

async function runEvalCommand(args: string[]): Promise<number> {
  const [projectDir, runArg] = args;
  if (!projectDir) throw new UsageError('eval needs a project folder.');
  const runId = runArg === undefined ? undefined : Number(runArg);
  if (runId !== undefined && !(Number.isInteger(runId) && runId > 0)) throw new UsageError(`RUN must be a run number, got ${runArg}.`);
  return withStudio(projectDir, async (_studio, call) => {
    const id = runId ?? (await call('runs:list', {})).find((r) => r.status === 'done')?.id;
    if (id === undefined) throw new Error('No model has been trained in this project yet.');
    const detail = await call('runs:get', { runId: id });
    process.stdout.write(`${JSON.stringify({ runId: detail.id, classes: detail.classNames, val: detail.val, test: detail.test })}\n`);
    return 0;
  });
}

async function runPredictCommand(args: string[]): Promise<number> {
  const [projectDir, ...files] = args;
  if (!projectDir || files.length === 0) throw new UsageError('predict needs a project folder and at least one image file.');
  return withStudio(projectDir, async (_studio, call) => {
    let failed = 0;
    for (let i = 0; i < files.length; i += 16) {
      const chunk = files.slice(i, i + 16).map((f) => path.resolve(f));
      const result = await call('predict:images', { images: chunk.map((file) => ({ path: file })) });
      for (const r of result.results) {
        if (!r.probs) failed++;
        const probabilities = r.probs && Object.fromEntries(result.classNames.map((name, c) => [name, Number(r.probs![c]!.toFixed(6))]));
        process.stdout.write(`${JSON.stringify({ file: chunk[r.index], runId: result.runId, probabilities, error: r.error })}\n`);
      }
    }
    return failed ? 1 : 0;
  });
}

async function runBackbonesCommand(): Promise<number> {
  return withStudio(null, async (_studio, call) => {
    for (const b of await call('backbones:list', {})) process.stdout.write(`${JSON.stringify(b)}\n`);
    return 0;
  });
}

function parsePort(args: string[]): number | undefined {
  const i = args.indexOf('--port');
  if (i === -1) return undefined;
  const value = Number(args[i + 1]);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new UsageError(`--port needs a number from 0 to 65535, got ${args[i + 1] ?? 'nothing'}`);
  return value;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        await runServeMode(parsePort(rest));
        return 0;
      case 'import':
        return await runImportCommand(rest);
      case 'train':
        return await runTrainCommand(rest);
      case 'eval':
        return await runEvalCommand(rest);
      case 'predict':
        return await runPredictCommand(rest);
      case 'backbones':
        return await runBackbonesCommand();
      case 'export':
        return await runExportCommand(rest);
      case undefined:
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`Unknown command "${command}".`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
if (code !== 0) process.exit(code);
