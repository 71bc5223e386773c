// Starts test/reliability/children/serve-child.ts and hands over its address and liveness.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

export interface ServeChild {
  port: number;
  origin: string;
  token: string;
  pid: number;
  /** Still running (a crash shows here)? */
  alive(): boolean;
  exitCode(): number | null;
  stderr(): string;
  stop(): Promise<void>;
}

const SCRIPT = path.join(import.meta.dirname, 'children/serve-child.ts');

export function startServeChild(options: { projectDir: string; modelCache: string | null; rendererDir: string }): Promise<ServeChild> {
  const token = randomBytes(24).toString('base64url');
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, options.projectDir, token, options.modelCache ?? '-', options.rendererDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let exited: number | null = null;
  let signal: string | null = null;
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
  const exit = new Promise<void>((resolve) =>
    child.on('exit', (code, sig) => {
      exited = code ?? -1;
      signal = sig;
      resolve();
    }),
  );
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = /listening (\d+)\n/.exec(buffer);
      if (!match) return;
      const port = Number(match[1]);
      resolve({
        port,
        origin: `http://127.0.0.1:${port}`,
        token,
        pid: child.pid!,
        alive: () => exited === null,
        exitCode: () => exited,
        stderr: () => stderr + (signal ? `\n(killed by ${signal})` : ''),
        async stop() {
          if (exited !== null) return;
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exit;
          clearTimeout(timer);
        },
      });
    });
    void exit.then(() => reject(new Error(`serve child exited (${exited}) before listening:\n${stderr.slice(-2000)}`)));
  });
}
