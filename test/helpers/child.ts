// Runs a TypeScript file in a child Node process (via tsx) and hands its stdout over line by
// line, so a test can kill it at the moment it has acknowledged enough work.
import { spawn, type ChildProcess } from 'node:child_process';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

export function runTsChild(script: string, args: readonly string[], onLine: (line: string, child: ChildProcess) => void): Promise<ChildExit> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let buffer = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) onLine(line, child);
    });
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}
