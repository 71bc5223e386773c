// The studio without a window. Commands grow with the product; `serve` runs the UI in a
// browser on 127.0.0.1 with a token in the printed URL.
import path from 'node:path';
import { importReport } from './dataset/catalog.js';
import { runImport } from './dataset/import-job.js';
import { openProject } from './project/project.js';
import { runServeMode } from './server/serve-command.js';

const USAGE = `Usage: transfer-studio <command> [options]

Commands:
  serve [--port N]            serve the studio UI on 127.0.0.1 and print its URL
  import PROJECT SOURCE       import a folder (split/class/img, class/img or flat) or a
                              path,label[,split] CSV into an existing project
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
