// The CLI as a separate process on real files: usage errors (exit 2), failures with the next
// step (exit 1), and a project's life from init to serve, with --json output, progress on
// stderr, Ctrl+C that cancels cleanly, and a watched folder.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliChild, runCliInProcess } from '../helpers/cli.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { writeSyntheticDataset, writeSyntheticJpeg } from '../helpers/synthetic-images.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir('studio-cli-');
const project = path.join(tmp.dir, 'project');
const images = path.join(tmp.dir, 'images');
afterAll(() => tmp.cleanup());

describe('CLI usage', () => {
  it('prints help with every command, and exits 0', async () => {
    const help = await runCliChild(['--help']);
    expect(help.code).toBe(0);
    const text = help.stdout.join('\n');
    for (const command of ['init', 'import', 'label', 'info', 'classes', 'health', 'splits', 'train', 'eval', 'predict', 'serve']) expect(text).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(text).toContain('Exit codes: 0 ok, 1 failure, 2 bad usage');
    // The same front door in this process: a child each would only add start-up time.
    const one = await runCliInProcess(['help', 'import']);
    expect(one.code).toBe(0);
    expect(one.stdout.join('\n')).toMatch(/Usage: transfer-studio import PROJECT SOURCE \[--watch\][\s\S]*--watch/);
    expect((await runCliInProcess(['health', '--help'])).stdout[0]).toBe('Usage: transfer-studio health PROJECT [--fail-on warning|error]');
  });

  // One case through a real process proves the exit code reaches the shell; the others call the
  // same front door (runCli) in this process, where a usage error ends before any command runs.
  it.each([
    [[], /Usage: transfer-studio <command>/, runCliInProcess],
    [['frobnicate'], /Unknown command "frobnicate"/, runCliChild],
    [['import', 'only-a-project'], /import needs a project folder and a source folder or CSV file/, runCliInProcess],
    [['init'], /init needs a project folder/, runCliInProcess],
    [['init', 'a', 'b'], /init takes a project folder; got 2/, runCliInProcess],
    [['init', 'x', '--bogus'], /Unknown option '--bogus'/, runCliInProcess],
    [['serve', '--port', '99999'], /--port needs a whole number from 0 to 65535, got "99999"/, runCliInProcess],
    [['health', 'p', '--fail-on', 'sometimes'], /--fail-on takes warning or error/, runCliInProcess],
    [['train', 'p', '--config', '{"epochs": -3}'], /--config needs training settings/, runCliInProcess],
    [['eval', 'p', 'last'], /RUN must be a run number/, runCliInProcess],
  ] as const)('exits 2 with the usage for %j', async (args, message, run) => {
    const result = await run(args);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('Usage: transfer-studio');
    expect(result.stdout.join('')).toBe('');
  });

  it('exits 1 with the next step for a folder that is not a project, and with --json says so on stdout', async () => {
    const result = await runCliChild(['info', tmp.dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`is not a Transfer Studio project (no project.sqlite). Create one with: transfer-studio init "${tmp.dir}"`);
    const json = await runCliChild(['classes', tmp.dir, '--json']);
    expect(json.code).toBe(1);
    expect(json.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});

describe('CLI on a project', () => {
  beforeAll(async () => {
    await writeSyntheticDataset(images, 12, ['ant', 'bee']);
  });

  it('init creates a project, and refuses to make a second one in the same folder', async () => {
    const created = await runCliChild(['init', project, '--name', 'Insects', '--json']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.json()).toMatchObject({ path: project, name: 'Insects' });
    expect(fs.existsSync(path.join(project, 'project.sqlite'))).toBe(true);
    const again = await runCliChild(['init', project]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already holds a project/);
  });

  it('import reads class folders, reports progress on stderr and the counts as JSON', async () => {
    const result = await runCliChild(['import', project, images, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.json()).toMatchObject({ status: 'done', layout: 'class', seen: 12, added: 12, labeled: 12, problemTotal: 0 });
    // Not a terminal: plain progress lines, not a redrawn bar.
    expect(result.stderr).toMatch(/^importing \d+\/12 \(\d+%\)/m);
    expect(result.stderr).not.toContain('\r');

    const again = await runCliChild(['import', project, images]);
    expect(again.code).toBe(0);
    expect(again.stdout[0]).toMatch(/^Import #2 done \(read as class\): 12 files seen, 0 added, 0 duplicates, 12 unchanged/);
  });

  it('label applies a CSV, listing the rows it could not use', async () => {
    const [first, second] = fs.readdirSync(path.join(images, 'ant')).sort();
    const csv = path.join(tmp.dir, 'labels.csv');
    fs.writeFileSync(csv, `path,label\nimages/ant/${first},wasp\nimages/ant/${second},wasp\nimages/ant/missing.jpg,wasp\n`);
    const result = await runCliChild(['label', project, csv, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = result.json<{ labeled: number; problemTotal: number; problems: Array<{ reason: string; path: string }> }>();
    expect(report.labeled).toBe(2);
    expect(report.problemTotal).toBe(1);
    expect(report.problems[0]!.path).toContain('missing.jpg');
    const classes = await runCliChild(['classes', project, '--json']);
    expect(classes.json<Array<{ name: string; images: number }>>().map((c) => [c.name, c.images])).toEqual([
      ['ant', 4],
      ['bee', 6],
      ['wasp', 2],
    ]);
    const table = await runCliChild(['classes', project]);
    expect(table.stdout).toEqual(['id  class  images  key', ' 1  ant         4    1', ' 2  bee         6    2', ' 3  wasp        2    3']);
  });

  it('info summarises the project for people and for machines', async () => {
    const json = (await runCliChild(['info', project, '--json'])).json<{ name: string; images: { total: number; labeled: number }; splits: Record<string, number>; lastImport: { kind: string } }>();
    expect(json).toMatchObject({ name: 'Insects', images: { total: 12, labeled: 12 }, lastImport: { kind: 'csv' } });
    expect(Object.values(json.splits).reduce((a, b) => a + b, 0)).toBe(12);
    const text = (await runCliChild(['info', project])).stdout.join('\n');
    expect(text).toMatch(/^Images {4}12 \(12 labeled, 0 unlabeled\)$/m);
    expect(text).toMatch(/^Classes {3}ant 4, bee 6, wasp 2$/m);
  });

  it('health reports findings, and --fail-on turns them into the exit code', async () => {
    const result = await runCliChild(['health', project, '--json']);
    expect(result.code).toBe(0);
    const report = result.json<{ imageCount: number; findings: Array<{ severity: string; kind: string }> }>();
    expect(report.imageCount).toBe(12);
    const worst = report.findings.some((f) => f.severity === 'error') ? 'error' : report.findings.some((f) => f.severity === 'warning') ? 'warning' : null;
    expect((await runCliChild(['health', project, '--fail-on', 'warning'])).code).toBe(worst ? 1 : 0);
    expect((await runCliChild(['health', project, '--fail-on', 'error'])).code).toBe(worst === 'error' ? 1 : 0);
  });

  it('splits assigns only what is unassigned', async () => {
    const result = await runCliChild(['splits', project, '--json']);
    expect(result.code).toBe(0);
    expect(result.json()).toMatchObject({ assigned: 0 });
  });

  it('serve prints the address with its token, serves the page, and stops on Ctrl+C', async () => {
    let url = '';
    // The page is checked after the server stopped, so that a wrong answer fails this test.
    const served: Array<Promise<{ status: number; text: string }>> = [];
    const result = await runCliChild(['serve', project, '--json'], {
      onStdout: (line, child) => {
        url = (JSON.parse(line) as { url: string }).url;
        served.push(fetch(url).then(async (page) => ({ status: page.status, text: await page.text() })).finally(() => child.kill('SIGINT')));
      },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
    expect(served).toHaveLength(1);
    const page = await served[0]!;
    expect(page.status).toBe(200);
    expect(page.text).toContain('<div id="app">');
  });

  it('import --watch imports, then reports a new image as it lands, until Ctrl+C', async () => {
    const watched = path.join(tmp.dir, 'incoming');
    await writeSyntheticDataset(watched, 2, ['ant'], 500);
    const lines: Array<Record<string, unknown>> = [];
    const result = await runCliChild(['import', project, watched, '--watch', '--json'], {
      onStdout: (line, child) => {
        const data = JSON.parse(line) as Record<string, unknown>;
        lines.push(data);
        if (lines.length === 1) void writeSyntheticJpeg(path.join(watched, 'ant', 'new-arrival.jpg'), 999);
        else if (typeof data.folder === 'string' && (data.added as number) >= 1) child.kill('SIGINT');
      },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(lines[0]).toMatchObject({ status: 'done', added: 2 });
    expect(lines.at(-1)).toMatchObject({ folder: watched, added: 1 });
    expect(result.stderr).toContain(`Watching ${watched} for new and changed images. Press Ctrl+C to stop.`);
  });

  it('Ctrl+C during an import cancels it, keeps what was committed, and a re-run finishes it', async () => {
    const many = path.join(tmp.dir, 'many');
    await writeSyntheticDataset(many, 150, ['a', 'b', 'c']);
    const other = path.join(tmp.dir, 'project-2');
    expect((await runCliChild(['init', other])).code).toBe(0);
    const cancelled = await runCliChild(['import', other, many], {
      onStderr: (line, child) => {
        const m = /^importing (\d+)\/150/.exec(line);
        if (m && Number(m[1]) > 0) child.kill('SIGINT');
      },
    });
    expect(cancelled.code).toBe(1);
    expect(cancelled.stderr).toMatch(/Import cancelled; what was committed is kept \(\d+ new images\)\. Run it again to finish\./);
    const info = (await runCliChild(['info', other, '--json'])).json<{ images: { total: number }; lastImport: { status: string } }>();
    expect(info.lastImport.status).toBe('cancelled');
    expect(info.images.total).toBeLessThan(150);
    const finished = await runCliChild(['import', other, many, '--json']);
    expect(finished.code).toBe(0);
    expect((await runCliChild(['info', other, '--json'])).json()).toMatchObject({ images: { total: 150 } });
  });
});

const skip = fixturesUnavailable();
describe.skipIf(skip)('CLI on real photos', () => {
  it('init then import hymenoptera (split/class folders): every photo added and labeled, the odd file reported', async () => {
    const dir = path.join(tmp.dir, 'hymenoptera');
    expect((await runCliChild(['init', dir])).code).toBe(0);
    const result = await runCliChild(['import', dir, fixture('datasets', 'hymenoptera'), '--json']);
    expect(result.code, result.stderr).toBe(0);
    const counts = result.json<{ layout: string; seen: number; added: number; duplicates: number; labeled: number; problemTotal: number }>();
    // The fixture's SHA256SUMS is listed as not an image; nothing else is a problem.
    expect(counts.problemTotal).toBe(1);
    expect(counts.layout).toBe('split/class');
    expect(counts.added + counts.duplicates).toBe(counts.seen - counts.problemTotal);
    expect(counts.labeled).toBe(counts.added);
    expect(counts.seen).toBeGreaterThan(300);
    const info = (await runCliChild(['info', dir, '--json'])).json<{ classes: Array<{ name: string }>; splits: Record<string, number> }>();
    expect(info.classes.map((c) => c.name)).toEqual(['ants', 'bees']);
    expect(info.splits.train).toBeGreaterThan(0);
    expect(info.splits.val).toBeGreaterThan(0);
  });
});
