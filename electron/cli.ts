// The studio without a window. Commands grow with the product; `serve` runs the UI in a
// browser on 127.0.0.1 with a token in the printed URL.
import { runServeMode } from './server/serve-command.js';

const USAGE = `Usage: transfer-studio <command> [options]

Commands:
  serve [--port N]   serve the studio UI on 127.0.0.1 and print its URL
`;

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
