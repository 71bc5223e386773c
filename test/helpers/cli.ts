// Runs the CLI as a child process, as a user would: from its sources through tsx, or from the
// bundle (dist/electron/cli.js) with plain Node. runCliInProcess calls the same front door
// (runCli) inside the test for cases that never reach a command's work (usage errors, help),
// which a child would only spend start-up time on.
import path from 'node:path';
import { runCli } from '../../electron/cli/run.js';
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
  return cliRun(exit.code, stdout, exit.stderr);
}

/** runCli in this process, its output collected as runCliChild collects a child's. */
export async function runCliInProcess(args: readonly string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) } };
  const code = await runCli(args, io, new AbortController().signal);
  // Complete lines, as a child's stdout is split.
  const lines = stdout.split(/\r\n|\n|\r/);
  lines.pop();
  return cliRun(code, lines, stderr);
}

function cliRun(code: number | null, stdout: string[], stderr: string): CliRun {
  return {
    code,
    stdout,
    stderr,
    json<T>() {
      const last = stdout.filter((l) => l.trim()).at(-1);
      if (!last) throw new Error(`No output on stdout. stderr: ${stderr}`);
      return JSON.parse(last) as T;
    },
  };
}
