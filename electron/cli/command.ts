// One CLI command: its usage line, options and positional arguments, checked before it runs.
// A wrong invocation is a UsageError (exit code 2, with the command's usage); a failure while
// running is any other error (exit code 1).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Output, CliIo } from './output.js';

export class UsageError extends Error {}

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;
export type OptionValues = Record<string, string | boolean | undefined>;

export interface CommandContext {
  args: string[];
  options: OptionValues;
  out: Output;
  io: CliIo;
  /** Aborted on Ctrl+C: long commands cancel their job and exit cleanly. */
  signal: AbortSignal;
}

export interface Command {
  name: string;
  /** Words after the command name, e.g. 'PROJECT SOURCE [--watch]'. */
  usage: string;
  summary: string;
  /** More lines for `transfer-studio help NAME`. */
  details?: string;
  options?: OptionsConfig;
  /** Help text per option, shown by `help NAME`. */
  optionHelp?: Record<string, string>;
  positionals: { min: number; max: number; names: string };
  run(ctx: CommandContext): Promise<number>;
}

/** Every command accepts these. */
export const COMMON_OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionsConfig;

export function parseCommandArgs(command: Command, argv: readonly string[]): { args: string[]; options: OptionValues } {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: { ...COMMON_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
  } catch (error) {
    // parseArgs names the option it did not like; say it in the CLI's own words.
    const message = error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, '.') : String(error);
    throw new UsageError(message);
  }
  const options = parsed.values as OptionValues;
  if (options.help) return { args: parsed.positionals, options };
  const count = parsed.positionals.length;
  const { min, max, names } = command.positionals;
  if (count < min) throw new UsageError(`${command.name} needs ${names}.`);
  if (count > max) throw new UsageError(`${command.name} takes ${max === 0 ? 'no arguments' : names}; got ${count}: ${parsed.positionals.join(' ')}`);
  return { args: parsed.positionals, options };
}

/** A whole number option within bounds, or a UsageError naming the option. */
export function intOption(options: OptionValues, name: string, min: number, max: number): number | undefined {
  const raw = options[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} needs a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}.`);
  }
  return value;
}

/**
 * A RUN argument: a run number, undefined when absent, and with `latest` also the word
 * "latest" (undefined too: the newest finished run). Anything else is a UsageError.
 */
export function runArgument(raw: string | undefined, options: { latest: boolean }): number | undefined {
  if (raw === undefined || (options.latest && raw === 'latest')) return undefined;
  const runId = Number(raw);
  if (!(Number.isInteger(runId) && runId > 0)) throw new UsageError(`RUN must be a run number${options.latest ? ' or "latest"' : ''}, got ${raw}.`);
  return runId;
}
