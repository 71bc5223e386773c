// Runs the CLI as a child process, as a user would: from its sources through tsx, or from the
// bundle (dist/electron/cli.js) with plain Node.
import path from 'node:path';
import { runTsChild, type ChildOptions } from './child.js';
import type { ChildProcess } from 'node:child_process';

export const CLI_ENTRY = path.resolve(import.meta.dirname, '../../electron/cli.ts');

export interface CliRun {
  code: number | null;
  stdout: string[];
  stderr: string;
  /** The last stdout line parsed as JSON (what --json promises). */
  json<T = Record<string, unknown>>(): T;
}

export async function runCliChild(
  args: readonly string[],
  options: ChildOptions & { onStdout?: (line: string, child: ChildProcess) => void; entry?: string } = {},
): Promise<CliRun> {
  const stdout: string[] = [];
  const exit = await runTsChild(options.entry ?? CLI_ENTRY, args, (line, child) => {
    stdout.push(line);
    options.onStdout?.(line, child);
  }, options);
  return {
    code: exit.code,
    stdout,
    stderr: exit.stderr,
    json<T>() {
      const last = stdout.filter((l) => l.trim()).at(-1);
      if (!last) throw new Error(`No output on stdout. stderr: ${exit.stderr}`);
      return JSON.parse(last) as T;
    },
  };
}
