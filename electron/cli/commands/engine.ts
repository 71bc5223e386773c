// train, eval, predict, backbones, engine: the training engine through the studio's own
// handlers (it runs in its worker thread, as in the app).
import path from 'node:path';
import { TrainConfig, type TrainConfigInput } from '../../ipc/schemas.js';
import { UsageError, type Command } from '../command.js';
import { followJob } from '../jobs.js';
import { withStudio } from '../studio-session.js';

function parseConfig(raw: string | boolean | undefined): TrainConfigInput {
  if (raw === undefined) return {};
  try {
    return TrainConfig.parse(JSON.parse(String(raw))) as TrainConfigInput;
  } catch (error) {
    throw new UsageError(`--config needs training settings as JSON: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
}

export const trainCommand: Command = {
  name: 'train',
  usage: "PROJECT [--config JSON]",
  summary: "train in one click (or with settings, e.g. '{\"epochs\":30}'); Ctrl+C cancels",
  details: "Progress on stderr, the run's figures as JSON on stdout.",
  options: { config: { type: 'string' } },
  optionHelp: { config: 'training settings as JSON (every field has a default)' },
  positionals: { min: 1, max: 1, names: 'a project folder' },
  async run({ args, options, out, signal }) {
    const config = parseConfig(options.config);
    return withStudio(args[0]!, async (client) => {
      const end = await followJob(client, () => client.invoke('train:start', { config }), { progress: out.progress(), signal });
      if (end.status !== 'done') {
        out.note(`Training ${end.status}${end.error ? `: ${end.error}` : ''}`);
        return 1;
      }
      const [run] = await client.invoke('runs:list', { limit: 1 });
      const detail = await client.invoke('runs:get', { runId: run!.id });
      const result = { runId: detail.id, backend: detail.backend, embedEngine: detail.embedEngine, valAccuracy: detail.valAccuracy, testAccuracy: detail.testAccuracy, bestEpoch: detail.bestEpoch, timings: detail.timings };
      out.line(result, JSON.stringify(result));
      return 0;
    });
  },
};

export const evalCommand: Command = {
  name: 'eval',
  usage: 'PROJECT [RUN]',
  summary: 'the metrics of a run (default: the newest finished one) as JSON',
  positionals: { min: 1, max: 2, names: 'a project folder and optionally a run number' },
  async run({ args, out }) {
    const [projectDir, runArg] = args;
    const runId = runArg === undefined ? undefined : Number(runArg);
    if (runId !== undefined && !(Number.isInteger(runId) && runId > 0)) throw new UsageError(`RUN must be a run number, got ${runArg}.`);
    return withStudio(projectDir!, async (client) => {
      const id = runId ?? (await client.invoke('runs:list', {})).find((r) => r.status === 'done')?.id;
      if (id === undefined) throw new Error('No model has been trained in this project yet. Train one with: transfer-studio train PROJECT');
      const detail = await client.invoke('runs:get', { runId: id });
      const result = { runId: detail.id, classes: detail.classNames, val: detail.val, test: detail.test };
      out.line(result, JSON.stringify(result));
      return 0;
    });
  },
};

export const predictCommand: Command = {
  name: 'predict',
  usage: 'PROJECT FILE...',
  summary: 'class probabilities of image files with the newest model, one JSON line per file',
  positionals: { min: 2, max: Number.MAX_SAFE_INTEGER, names: 'a project folder and at least one image file' },
  async run({ args, out }) {
    const [projectDir, ...files] = args;
    return withStudio(projectDir!, async (client) => {
      let failed = 0;
      for (let i = 0; i < files.length; i += 16) {
        const chunk = files.slice(i, i + 16).map((f) => path.resolve(f));
        const result = await client.invoke('predict:images', { images: chunk.map((file) => ({ path: file })) });
        for (const r of result.results) {
          if (!r.probs) failed++;
          const probabilities = r.probs && Object.fromEntries(result.classNames.map((name, c) => [name, Number(r.probs![c]!.toFixed(6))]));
          const line = { file: chunk[r.index], runId: result.runId, probabilities, error: r.error };
          out.line(line, JSON.stringify(line));
          if (r.error) out.note(r.error);
        }
      }
      return failed ? 1 : 0;
    });
  },
};

export const backbonesCommand: Command = {
  name: 'backbones',
  usage: '',
  summary: 'the backbone catalogue and what is installed, one JSON line each',
  positionals: { min: 0, max: 0, names: '' },
  async run({ out }) {
    return withStudio(null, async (client) => {
      for (const b of await client.invoke('backbones:list', {})) out.line(b, JSON.stringify(b));
      return 0;
    });
  },
};

export const engineCommand: Command = {
  name: 'engine',
  usage: '',
  summary: 'which backend the training engine runs on here, and where models are cached',
  positionals: { min: 0, max: 0, names: '' },
  async run({ out }) {
    return withStudio(null, async (client) => {
      const info = await client.invoke('engine:info', {});
      out.result(info, () => [
        `Backend      ${info.backend.label}${info.backend.simd ? ' (SIMD)' : ''}, ${info.backend.threads} thread(s)`,
        ...info.backend.skipped.map((s) => `  not ${s.backend}: ${s.reason}`),
        `Fine-tuning  ${info.fineTune.available ? 'available' : `not available: ${info.fineTune.reason ?? ''}`}`,
        `Model cache  ${info.modelCache}`,
      ]);
      return 0;
    });
  },
};
