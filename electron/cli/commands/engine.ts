// train, eval, predict, backbones, engine: the training engine through the studio's own
// handlers (it runs in its worker thread, as in the app).
import fs from 'node:fs';
import path from 'node:path';
import { scanFolder } from '../../dataset/scan.js';
import { IMAGE_EXTENSIONS } from '../../dataset/sniff.js';
import { argmaxRow } from '../../engine/training/metrics.js';
import { csvField } from '../../export/dataset/csv-write.js';
import type { StudioClient } from '../../ipc/client.js';
import { TrainConfig, type TrainConfigInput } from '../../domain/schemas.js';
import { UsageError, runArgument, type Command } from '../command.js';
import { followJob } from '../jobs.js';
import { jobFailureCode } from '../output.js';
import { withStudio } from '../studio-session.js';

function parseConfig(raw: string | boolean | undefined): TrainConfigInput {
  if (raw === undefined) return {};
  try {
    return TrainConfig.parse(JSON.parse(String(raw))) as TrainConfigInput;
  } catch (error) {
    throw new UsageError(`--config needs training settings as JSON: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
}

/** A catalogue id as is; a folder holding a tfjs model is imported into the model cache first. */
async function resolveBackbone(client: StudioClient, value: string | boolean | undefined): Promise<string | undefined> {
  if (value === undefined) return undefined;
  const raw = String(value);
  const folder = path.resolve(raw);
  if (fs.existsSync(folder) && fs.statSync(folder).isDirectory()) return (await client.invoke('backbones:import', { folder })).id;
  const known = await client.invoke('backbones:list', {});
  if (!known.some((b) => b.id === raw)) {
    throw new UsageError(`--backbone ${raw} is neither a backbone id (${known.map((b) => b.id).join(', ')}) nor a model folder.`);
  }
  return raw;
}

/** The studio's "not on this machine" message, with the command line's way to get a backbone. */
function withBackboneHint(message: string): string {
  return /not on this machine/.test(message)
    ? `${message}\nFrom the command line: --backbone FOLDER uses a local tfjs model folder (it is added to the model cache); \`transfer-studio backbones\` lists the catalogue.`
    : message;
}

export const trainCommand: Command = {
  name: 'train',
  usage: 'PROJECT [--backbone ID|FOLDER] [--config JSON]',
  summary: "train in one click (or with settings, e.g. '{\"epochs\":30}'); Ctrl+C cancels",
  details:
    "Progress on stderr; the run's figures on stdout, with --json as one line holding val_acc, test_acc (null without a test split), train_s, backend and run_id.",
  options: { config: { type: 'string' }, backbone: { type: 'string' } },
  optionHelp: {
    config: 'training settings as JSON (every field has a default)',
    backbone: 'a catalogue id (see `backbones`) or a local tfjs model folder, which is added to the model cache',
  },
  positionals: { min: 1, max: 1, names: 'a project folder' },
  async run({ args, options, out, signal }) {
    const config = parseConfig(options.config);
    return withStudio(args[0]!, async (client) => {
      const backboneId = await resolveBackbone(client, options.backbone);
      const started = performance.now();
      const end = await followJob(client, () => client.invoke('train:start', { config: backboneId ? { ...config, backboneId } : config }), {
        progress: out.progress(),
        signal,
      }).catch((error: unknown) => {
        if (error instanceof Error) error.message = withBackboneHint(error.message);
        throw error;
      });
      if (end.status !== 'done') {
        return out.failure(jobFailureCode(end.status, end.error), `Training ${end.status}${end.error ? `: ${withBackboneHint(end.error)}` : ''}`);
      }
      const [run] = await client.invoke('runs:list', { limit: 1 });
      const detail = await client.invoke('runs:get', { runId: run!.id });
      const result = {
        run_id: detail.id,
        val_acc: detail.valAccuracy,
        test_acc: detail.testAccuracy,
        train_s: Number(((performance.now() - started) / 1000).toFixed(2)),
        backend: detail.backend,
        embed_engine: detail.embedEngine,
        best_epoch: detail.bestEpoch,
        backbone: detail.backboneId,
        backbone_name: detail.backboneName,
        backbone_sha256: detail.backboneSha256,
        timings: detail.timings,
      };
      out.result(result, () => [
        `Run ${result.run_id} done in ${result.train_s} s on ${result.backend} (embeddings: ${result.embed_engine}; backbone: ${result.backbone_name ?? result.backbone})`,
        `Validation accuracy ${result.val_acc ?? 'n/a'}, test accuracy ${result.test_acc ?? 'n/a (no test split)'}`,
      ]);
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
    const runId = runArgument(runArg, { latest: false });
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

/** The files to predict: files as given, folders walked for image files (by extension), sorted. */
async function predictTargets(targets: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const target of targets) {
    const full = path.resolve(target);
    if (fs.existsSync(full) && fs.statSync(full).isDirectory()) {
      const found = await scanFolder(full);
      files.push(...found.files.filter((f) => IMAGE_EXTENSIONS.has(path.extname(f).toLowerCase())));
    } else files.push(full);
  }
  return files;
}

export const predictCommand: Command = {
  name: 'predict',
  usage: 'PROJECT FILE_OR_FOLDER... [--csv]',
  summary: 'class probabilities of image files (folders are walked) with the newest model',
  details: 'One line per file: text, a CSV with --csv (file,predicted,confidence,<one column per class>,error), or JSON with --json. Exit code 1 when any file could not be predicted.',
  options: { csv: { type: 'boolean' } },
  optionHelp: { csv: 'print a CSV table instead of text' },
  positionals: { min: 2, max: Number.MAX_SAFE_INTEGER, names: 'a project folder and at least one image file or folder' },
  async run({ args, options, out }) {
    const [projectDir, ...targets] = args;
    const files = await predictTargets(targets);
    if (files.length === 0) throw new Error(`No image files in ${targets.join(', ')}.`);
    return withStudio(projectDir!, async (client) => {
      let failed = 0;
      let header = false;
      for (let i = 0; i < files.length; i += 16) {
        const chunk = files.slice(i, i + 16);
        const result = await client.invoke('predict:images', { images: chunk.map((file) => ({ path: file })) });
        if (options.csv && !header) {
          out.line(null, ['file', 'predicted', 'confidence', ...result.classNames, 'error'].map(csvField).join(','));
          header = true;
        }
        for (const r of result.results) {
          if (!r.probs) failed++;
          const best = r.probs ? argmaxRow(r.probs, 0, r.probs.length) : null;
          const predicted = best === null ? null : result.classNames[best]!;
          const confidence = best === null ? null : r.probs![best]!;
          const probabilities = r.probs && Object.fromEntries(result.classNames.map((name, c) => [name, Number(r.probs![c]!.toFixed(6))]));
          const line = { file: chunk[r.index], runId: result.runId, predicted, probabilities, error: r.error };
          const text = options.csv
            ? [chunk[r.index]!, predicted ?? '', confidence?.toFixed(6) ?? '', ...result.classNames.map((_, c) => r.probs?.[c]!.toFixed(6) ?? ''), r.error ?? '']
                .map(csvField)
                .join(',')
            : `${chunk[r.index]}\t${predicted ?? 'error'}${confidence === null ? '' : `\t${confidence.toFixed(3)}`}`;
          out.line(line, text);
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
        `Backend      ${info.backend.label}, ${info.backend.threads} thread(s)`,
        ...info.backend.skipped.map((s) => `  not ${s.backend}: ${s.reason}`),
        `Fine-tuning  ${info.fineTune.available ? 'available' : `not available: ${info.fineTune.reason ?? ''}`}`,
        `Model cache  ${info.modelCache}`,
      ]);
      return 0;
    });
  },
};
