// Runs a TypeScript file in a child Node process (via tsx) and hands its stdout over line by
// line, so a test can kill it at the moment it has acknowledged enough work. stderr is kept,
// and can be followed line by line too (progress, prompts).
import { spawn, type ChildProcess } from 'node:child_process';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

export interface ChildOptions {
  onStderr?: (line: string, child: ChildProcess) => void;
  env?: NodeJS.ProcessEnv;
  /** A command the child runs under, e.g. ['unshare', '-n'] for a process with no network. */
  wrap?: readonly string[];
}

function splitLines(onLine: (line: string) => void): (chunk: Buffer) => void {
  let buffer = '';
  return (chunk) => {
    buffer += chunk.toString();
    // \r too: a progress bar redraws its line with a carriage return.
    const lines = buffer.split(/\r\n|\n|\r/);
    buffer = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  };
}

export function runTsChild(script: string, args: readonly string[], onLine: (line: string, child: ChildProcess) => void, options: ChildOptions = {}): Promise<ChildExit> {
  return new Promise((resolve) => {
    const runner = script.endsWith('.ts') ? ['--import', 'tsx', script] : [script];
    const [command, ...prefix] = [...(options.wrap ?? []), process.execPath];
    const child = spawn(command!, [...prefix, ...runner, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    if (options.onStderr) child.stderr.on('data', splitLines((line) => options.onStderr!(line, child)));
    child.stdout.on('data', splitLines((line) => onLine(line, child)));
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}
