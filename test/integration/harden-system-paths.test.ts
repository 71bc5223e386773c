// Issue 20 #10: `init /proc/x` made Node's recursive mkdir spin at 100 % CPU and ignore
// SIGTERM. Paths under /proc, /sys and /dev (also through a link) are refused at once, before
// anything is created.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../electron/domain/result.js';
import { createProject } from '../../electron/project/project.js';
import { systemFolderOf } from '../../electron/project/system-paths.js';
import { CLI_ENTRY } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir('studio-system-paths-');
afterAll(() => tmp.cleanup());

function cli(args: string[], limitMs: number): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI_ENTRY, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

describe.skipIf(process.platform === 'win32')('system folders', () => {
  it('init refuses /proc/x, /sys/x and /dev/x with a clear message', async () => {
    for (const target of ['/proc/x', '/sys/studio-x', '/dev/studio-x/deeper']) {
      const run = await cli(['init', target, '--json'], 45_000);
      expect(run.signal, `${target} hung and was killed`).toBeNull();
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stdout.trim())).toMatchObject({ error: { code: 'invalid_payload', message: expect.stringContaining("the operating system's own virtual folder") } });
      expect(fs.existsSync(target)).toBe(false);
    }
  }, 180_000);

  it('sees through a link into /proc, and leaves ordinary folders alone', () => {
    const link = path.join(tmp.dir, 'sneaky');
    fs.symlinkSync('/proc/self', link);
    expect(systemFolderOf(path.join(link, 'project'))).toBe('/proc');
    expect(() => createProject(path.join(link, 'project'))).toThrow(StudioError);
    expect(systemFolderOf(path.join(tmp.dir, 'dev', 'proc'))).toBeNull();
    expect(systemFolderOf('/devices')).toBeNull();
  });
});
