// Issue 20 #9: with --json every failure prints exactly one {"error":{code,message}} line on
// stdout — usage errors, a failed export job, a read-only or full disk — and a read-only
// project still answers the commands that only read. Read-only and full disks are real: a
// read-only bind mount and a tiny tmpfs, made inside a private mount namespace (`unshare -m`)
// so nothing outlives the command; where that is not allowed the test says so and skips.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImport } from '../../electron/dataset/import-job.js';
import { createProject } from '../../electron/project/project.js';
import { CLI_ENTRY, runCliChild, runCliInProcess } from '../helpers/cli.js';
import { fixturesUnavailable } from '../helpers/fixtures.js';
import { writeSyntheticDataset } from '../helpers/synthetic-images.js';
import { tempDir } from '../helpers/temp-dir.js';
import { trainedProject } from '../helpers/trained-project.js';

const tmp = tempDir('studio-cli-json-');
const images = path.join(tmp.dir, 'images');
const project = path.join(tmp.dir, 'project');

const mountsAllowed = spawnSync('unshare', ['-m', 'sh', '-c', `mount -t tmpfs -o size=1m tmpfs ${JSON.stringify(tmp.dir)}`]).status === 0;
if (!mountsAllowed) console.warn('harden-cli-json: no private mount namespace here (unshare -m); the read-only and disk-full cases are skipped.');

/** Runs the CLI inside a private mount namespace after `setup` (shell) ran there. */
function cliInNamespace(setup: string, args: string[]): { code: number | null; lines: string[]; stderr: string } {
  const quoted = [process.execPath, '--import', 'tsx', CLI_ENTRY, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const run = spawnSync('unshare', ['-m', 'sh', '-c', `${setup} && exec ${quoted}`], { encoding: 'utf8', cwd: path.resolve(import.meta.dirname, '../..') });
  return { code: run.status, lines: run.stdout.split('\n').filter((l) => l.trim()), stderr: run.stderr };
}

beforeAll(async () => {
  await writeSyntheticDataset(images, 8, ['ant', 'bee']);
  const p = createProject(project);
  await runImport(p, { kind: 'folder', root: images });
  p.close();
});
afterAll(() => tmp.cleanup());

const errorOf = (lines: string[]) => {
  expect(lines).toHaveLength(1);
  return (JSON.parse(lines[0]!) as { error: { code: string; message: string } }).error;
};

describe('CLI --json failures', () => {
  it('prints one error line for usage errors and an unknown command', async () => {
    // The unknown command through a real process (stdout and exit code as a script sees them);
    // the usage errors through the same front door in this process.
    const bad = await runCliInProcess(['init', 'x', '--bogus', '--json']);
    expect(bad.code).toBe(2);
    expect(errorOf(bad.stdout)).toMatchObject({ code: 'usage', message: expect.stringContaining("Unknown option '--bogus'") });
    const unknown = await runCliChild(['frobnicate', '--json']);
    expect(unknown.code).toBe(2);
    expect(errorOf(unknown.stdout)).toMatchObject({ code: 'usage', message: 'Unknown command "frobnicate".' });
    const missing = await runCliInProcess(['import', project, '--json']);
    expect(errorOf(missing.stdout).code).toBe('usage');
  });

  it.skipIf(!mountsAllowed)('opens a read-only project read-only for info and classes, and says read_only for a write', () => {
    const ro = `mount --bind '${project}' '${project}' && mount -o remount,ro,bind '${project}'`;
    const info = cliInNamespace(ro, ['info', project, '--json']);
    expect(info.code, info.stderr).toBe(0);
    expect(JSON.parse(info.lines.at(-1)!)).toMatchObject({ images: { total: 8 } });
    const classes = cliInNamespace(ro, ['classes', project, '--json']);
    expect(classes.code, classes.stderr).toBe(0);
    expect(JSON.parse(classes.lines.at(-1)!)).toHaveLength(2);
    const label = path.join(tmp.dir, 'labels.csv');
    fs.writeFileSync(label, `path,label\nimages/ant/${fs.readdirSync(path.join(images, 'ant'))[0]},bee\n`);
    const write = cliInNamespace(ro, ['label', project, label, '--json']);
    expect(write.code).toBe(1);
    expect(errorOf(write.lines)).toMatchObject({ code: 'read_only', message: expect.stringContaining('read-only') });
  });

  it.skipIf(!mountsAllowed)('says disk_full when the disk fills during an import', async () => {
    const small = path.join(tmp.dir, 'small');
    fs.mkdirSync(small);
    const more = path.join(tmp.dir, 'more');
    await writeSyntheticDataset(more, 60, ['a', 'b']);
    const setup = `mount -t tmpfs -o size=600k tmpfs '${small}' && cp -a '${project}' '${small}/p'`;
    const run = cliInNamespace(setup, ['import', path.join(small, 'p'), more, '--json']);
    expect(run.code, run.stderr).toBe(1);
    expect(errorOf(run.lines)).toMatchObject({ code: 'disk_full', message: expect.stringContaining('free some space') });
  });
});

describe.skipIf(fixturesUnavailable())('a failed export job under --json', () => {
  it('prints one error line', async () => {
    const t = await trainedProject(path.join(tmp.dir, 'trained'), { perClass: 4 });
    t.project.close();
    // The target's parent is a file: the export job fails when it creates the folder.
    const blocker = path.join(tmp.dir, 'not-a-folder');
    fs.writeFileSync(blocker, 'x');
    const run = await runCliChild(['export', t.project.dir, '--format', 'tfjs', '--out', path.join(blocker, 'out'), '--json'], { env: { STUDIO_MODEL_CACHE: t.cache } });
    expect(run.code).toBe(1);
    expect(errorOf(run.stdout.filter((l) => l.trim()))).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  });
});
