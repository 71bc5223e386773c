// The CLI's front door: picks the command, checks its arguments, runs it, and turns the
// outcome into an exit code: 0 ok, 1 failure, 2 bad usage.
import pkg from '../../package.json' with { type: 'json' };
import { StudioError } from '../domain/result.js';
import { COMMON_OPTIONS, UsageError, parseCommandArgs, type Command } from './command.js';
import { backbonesCommand, engineCommand, evalCommand, predictCommand, trainCommand } from './commands/engine.js';
import { healthCommand, importCommand, labelCommand, splitsCommand } from './commands/dataset.js';
import { classesCommand, infoCommand, initCommand, resamplingCommand } from './commands/project.js';
import { checkCommand } from './commands/check.js';
import { exportCommand } from './commands/export.js';
import { importKerasCommand } from './commands/import-keras.js';
import { serveCommand } from './commands/serve.js';
import { storageErrorCode, STORAGE_HINTS } from '../ipc/storage-errors.js';
import { Output, errorLine, type CliIo } from './output.js';

export const BIN = 'transfer-studio';

export const COMMANDS: readonly Command[] = [
  initCommand,
  importCommand,
  labelCommand,
  infoCommand,
  classesCommand,
  resamplingCommand,
  checkCommand,
  healthCommand,
  splitsCommand,
  trainCommand,
  evalCommand,
  predictCommand,
  backbonesCommand,
  exportCommand,
  importKerasCommand,
  engineCommand,
  serveCommand,
];

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

export function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `${pkg.productName} ${pkg.version}: curate an image dataset, train a classifier, export it.`,
    '',
    `Usage: ${BIN} <command> [arguments] [--json]`,
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options for every command:',
    '  --json      the result as one JSON line on stdout (progress stays on stderr)',
    '  -h, --help  what a command takes',
    '',
    `Exit codes: 0 ok, 1 failure, 2 bad usage. \`${BIN} help <command>\` for one command.`,
    '',
  ].join('\n');
}

export function commandHelp(command: Command): string {
  const options = Object.entries<{ type: 'string' | 'boolean' }>({ ...command.options, ...COMMON_OPTIONS });
  const width = Math.max(...options.map(([name]) => name.length + 2));
  const help: Record<string, string> = { json: 'the result as JSON on stdout', help: 'this help', ...command.optionHelp };
  return [
    `Usage: ${BIN} ${command.name}${command.usage ? ` ${command.usage}` : ''}`,
    '',
    `${command.summary.replace(/^./, (c) => c.toUpperCase())}.`,
    ...(command.details ? ['', command.details] : []),
    '',
    'Options:',
    ...options.map(([name, spec]) => `  ${`--${name}`.padEnd(width)}${spec.type === 'string' ? ' VALUE' : '      '}  ${help[name] ?? ''}`),
    '',
  ].join('\n');
}

/** Runs one invocation; `signal` aborts on Ctrl+C. Never throws: every outcome is an exit code. */
export async function runCli(argv: readonly string[], io: CliIo, signal: AbortSignal): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(overview());
    return EXIT.usage;
  }
  if (name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
    io.stdout.write(overview());
    return EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${pkg.version}\n`);
    return EXIT.ok;
  }
  if (name === 'help') {
    const command = findCommand(rest[0]!);
    if (!command) {
      io.stderr.write(`Unknown command "${rest[0]}".\n\n${overview()}`);
      return EXIT.usage;
    }
    io.stdout.write(commandHelp(command));
    return EXIT.ok;
  }
  // --json is known before the arguments are parsed, so that even a usage error is one JSON line.
  const json = rest.includes('--json');
  const command = findCommand(name);
  if (!command) {
    if (json) io.stdout.write(errorLine('usage', `Unknown command "${name}".`));
    io.stderr.write(`Unknown command "${name}".\n\n${overview()}`);
    return EXIT.usage;
  }
  let out: Output | null = null;
  try {
    const { args, options } = parseCommandArgs(command, rest);
    if (options.help) {
      io.stdout.write(commandHelp(command));
      return EXIT.ok;
    }
    out = new Output(io, options.json === true);
    const code = await command.run({ args, options, out, io, signal });
    // A failure that printed no result still owes --json its one error line.
    if (code !== EXIT.ok && out.json && !out.wrote) io.stdout.write(errorLine('failed', out.lastNote ?? `${command.name} failed.`));
    return code;
  } catch (error) {
    if (error instanceof UsageError) {
      if (json) io.stdout.write(errorLine('usage', error.message));
      io.stderr.write(`${error.message}\n\n${commandHelp(command)}`);
      return EXIT.usage;
    }
    // invalid_payload here means a value given on the command line was refused by the contract.
    let message = error instanceof Error ? error.message : String(error);
    const storage = error instanceof StudioError ? null : storageErrorCode(error);
    if (storage) message = `${message.replace(/\.?$/, '.')} ${STORAGE_HINTS[storage]}`;
    const code = error instanceof StudioError ? error.code : (storage ?? 'internal');
    if (out?.json ?? json) io.stdout.write(errorLine(code, message));
    io.stderr.write(`${message}\n`);
    return EXIT.failure;
  }
}
