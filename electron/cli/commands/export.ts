// export: a trained run as TF.js, Teachable Machine, ONNX or a model card, made by the studio's
// own export job (written aside, reloaded and checked against the studio, then moved into
// place). OUT must not exist: an export never replaces another.
import path from 'node:path';
import { ModelExportFormat, WeightQuantization } from '../../domain/schemas.js';
import { UsageError, intOption, runArgument, type Command } from '../command.js';
import { followJob } from '../jobs.js';
import { jobFailureCode } from '../output.js';
import { withStudio } from '../studio-session.js';

/** Short names people type for the formats. */
const FORMAT_ALIASES: Record<string, ModelExportFormat> = { tm: 'teachable' };

function exportFormat(raw: string): ModelExportFormat {
  const parsed = ModelExportFormat.safeParse((Object.hasOwn(FORMAT_ALIASES, raw) ? FORMAT_ALIASES[raw] : undefined) ?? raw);
  if (!parsed.success) throw new UsageError(`FORMAT must be one of ${ModelExportFormat.options.join(', ')} (or tm), got ${raw}.`);
  return parsed.data;
}

export const exportCommand: Command = {
  name: 'export',
  usage: 'PROJECT [RUN FORMAT OUT] [--format F --out PATH] [--run N] [--quantize float16|uint8|int8] [--samples N]',
  summary: 'export a run (tfjs, tm/teachable, onnx, tflite, keras, bundle, card) into a new folder, checked against the studio',
  details: 'The format and folder go either as words after PROJECT or as --format/--out; RUN defaults to the newest finished run. The export record with its parity result is printed (one JSON line with --json); exit code 1 when the export fails or its parity check does not pass.',
  options: {
    format: { type: 'string' },
    out: { type: 'string' },
    run: { type: 'string' },
    quantize: { type: 'string' },
    samples: { type: 'string' },
  },
  optionHelp: {
    format: 'tfjs, tm (teachable), onnx, tflite, keras, bundle or card',
    out: 'the folder to create (must not exist)',
    run: 'a run number or "latest" (default)',
    quantize: 'float16 or uint8 weights (TF.js and Teachable Machine); float16 or int8 full-integer (TFLite)',
    samples: 'how many validation images the parity check compares (default 32)',
  },
  positionals: { min: 1, max: 4, names: 'a project folder, then optionally RUN FORMAT OUT' },
  async run({ args, options, out, signal }) {
    const [projectDir, runArg, formatArg, outArg] = args;
    if (args.length !== 1 && args.length !== 4) throw new UsageError('export takes PROJECT RUN FORMAT OUT, or PROJECT with --format and --out.');
    const format = exportFormat(String(formatArg ?? options.format ?? ''));
    const target = outArg ?? (typeof options.out === 'string' ? options.out : undefined);
    if (!target) throw new UsageError('export needs the folder to create: --out PATH.');
    const runId = runArgument(runArg ?? (typeof options.run === 'string' ? options.run : undefined), { latest: true });
    const quantization = options.quantize === undefined ? undefined : WeightQuantization.safeParse(options.quantize);
    if (quantization && !quantization.success) throw new UsageError(`--quantize takes float16, uint8 or int8, got ${String(options.quantize)}.`);
    const sampleCount = intOption(options, 'samples', 1, 10_000);
    const folder = path.resolve(target);
    return withStudio(projectDir!, async (client) => {
      let exportId: number | null = null;
      const end = await followJob(
        client,
        async () => {
          const started = await client.invoke('export:model', {
            ...(runId !== undefined ? { runId } : {}),
            format,
            ...(quantization ? { quantization: quantization.data } : {}),
            ...(sampleCount !== undefined ? { sampleCount } : {}),
            folder: path.dirname(folder),
            name: path.basename(folder),
          });
          exportId = started.exportId;
          return started;
        },
        { progress: out.progress(), signal },
      );
      if (end.status !== 'done') {
        return out.failure(jobFailureCode(end.status, end.error), `Export ${end.status}${end.error ? `: ${end.error}` : ''}`);
      }
      // This export's own row: another client may have finished an export meanwhile.
      const record = (await client.invoke('export:list', { limit: 50, finished: true })).find((r) => r.id === exportId);
      if (!record) return out.failure(jobFailureCode('failed'), `Export #${exportId} is not recorded as finished.`);
      out.result(record, () => [
        `Exported ${format} to ${record!.path}`,
        record!.parity ? `Parity on ${record!.parity.examples} images: max |Δ${record!.parity.kind === "probabilities" ? "p" : ""}| ${record!.parity.maxAbs}, top-1 agreement ${record!.parity.top1Agreement}` : 'No parity check (not a model format).',
      ]);
      return record!.passed === false ? 1 : 0;
    });
  },
};
