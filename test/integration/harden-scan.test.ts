// Issue 20 #1: a folder holding one photo and a link to `/` must import quickly, with the link
// reported and skipped, instead of walking the whole disk until the heap runs out. The import
// runs in a CLI child with a small heap, as a user runs it, so the old behaviour fails here by
// dying (or by the time limit) rather than taking the test runner down.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanFolder } from '../../electron/dataset/scan.js';
import { CLI_ENTRY } from '../helpers/cli.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { writeSyntheticJpeg } from '../helpers/synthetic-images.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir('studio-scan-');
afterAll(() => tmp.cleanup());

/** One real photo where the fixtures are, else a synthetic JPEG (the scan is what is tested). */
async function onePhoto(file: string): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (fixturesUnavailable() === null) fs.copyFileSync(fixture('datasets', 'hymenoptera', 'val', 'ants', '10308379_1b6c72e180.jpg'), file);
  else await writeSyntheticJpeg(file, 7);
}

function cli(args: string[], limitMs: number): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--max-old-space-size=512', '--import', 'tsx', CLI_ENTRY, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr: stderr.slice(-2000), ms: Date.now() - started });
    });
  });
}

describe('scanning a folder with links out of it', () => {
  it('imports the one photo beside `root-link -> /` and reports the link', async () => {
    const source = path.join(tmp.dir, 'photos');
    await onePhoto(path.join(source, 'ant.jpg'));
    fs.symlinkSync('/', path.join(source, 'root-link'));
    const project = path.join(tmp.dir, 'project');
    expect((await cli(['init', project], 60_000)).code).toBe(0);
    const run = await cli(['import', project, source, '--json'], 90_000);
    expect(run.signal, `killed after ${run.ms} ms: ${run.stderr}`).toBeNull();
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { status: string; seen: number; added: number; problems: Array<{ path: string; reason: string; message: string }> };
    expect(report).toMatchObject({ status: 'done', seen: 1, added: 1 });
    expect(report.problems).toEqual([expect.objectContaining({ path: path.join(source, 'root-link'), reason: 'symlink_loop' })]);
  }, 180_000);

  it('skips a link to a folder outside the import and one already scanned, and enters one inside', async () => {
    const root = path.join(tmp.dir, 'walk');
    const outside = path.join(tmp.dir, 'elsewhere');
    await onePhoto(path.join(root, 'cats', 'a.jpg'));
    await onePhoto(path.join(outside, 'b.jpg'));
    fs.symlinkSync(outside, path.join(root, 'out'));
    fs.symlinkSync(path.join(root, 'cats'), path.join(root, 'same-cats'));
    fs.mkdirSync(path.join(root, 'deep', 'er'), { recursive: true });
    fs.symlinkSync(path.join(root, 'deep'), path.join(root, 'deep', 'er', 'up'));

    const scan = await scanFolder(root);
    expect(scan.files).toEqual([path.join(root, 'cats', 'a.jpg')]);
    expect(scan.problems.map((p) => [path.relative(root, p.path), p.reason])).toEqual([
      ['deep/er/up', 'symlink_loop'],
      ['out', 'symlink_outside'],
      ['same-cats', 'symlink_loop'],
    ]);
    // Asked for, a link out of the folder is followed.
    const followed = await scanFolder(root, { followLinksOutside: true });
    expect(followed.files).toContain(path.join(root, 'out', 'b.jpg'));
  });

  it('stops at its cap of entries and says so in the report', async () => {
    const root = path.join(tmp.dir, 'many');
    fs.mkdirSync(root);
    for (let i = 0; i < 50; i++) fs.writeFileSync(path.join(root, `f${String(i).padStart(2, '0')}.jpg`), 'x');
    const scan = await scanFolder(root, { maxEntries: 20 });
    expect(scan.files).toHaveLength(20);
    expect(scan.problems).toEqual([expect.objectContaining({ path: root, reason: 'scan_limit', message: expect.stringContaining('stopped after 20 entries') })]);
  });
});
