// `transfer-studio export PROJECT RUN FORMAT OUT` as a separate process, through the studio's
// handlers and engine worker: the export is made, checked and printed; OUT is never replaced.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTsChild } from '../helpers/child.js';
import { fixturesUnavailable } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';
import { trainedProject } from '../helpers/trained-project.js';

const skip = fixturesUnavailable();
const CLI = path.resolve(import.meta.dirname, '../../electron/cli.ts');

async function cli(args: string[]): Promise<{ code: number | null; lines: string[]; stderr: string }> {
  const lines: string[] = [];
  const exit = await runTsChild(CLI, args, (line) => lines.push(line));
  return { code: exit.code, lines, stderr: exit.stderr };
}

describe.skipIf(skip)('CLI: export', () => {
  const tmp = tempDir('studio-cli-export-');
  let projectDir = '';

  beforeAll(async () => {
    const t = await trainedProject(tmp.dir, { perClass: 6 });
    projectDir = t.project.dir;
    t.project.close();
    process.env.STUDIO_MODEL_CACHE = t.cache;
  });
  afterAll(() => tmp.cleanup());

  it('exports a run, prints its record with the parity check, and never replaces OUT', async () => {
    const out = path.join(tmp.dir, 'out', 'bees-tm');
    const first = await cli(['export', projectDir, 'latest', 'teachable', out, '--samples', '6', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const record = JSON.parse(first.lines.at(-1)!);
    expect(record).toMatchObject({ format: 'teachable', status: 'done', path: out, passed: true, parity: { examples: 6, top1Agreement: 1 } });
    expect(fs.readdirSync(out)).toEqual(expect.arrayContaining(['model.json', 'weights.bin', 'metadata.json', 'parity.json', 'model-card.md']));

    const again = await cli(['export', projectDir, '--format', 'onnx', '--out', out, '--json']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    expect(fs.existsSync(path.join(out, 'model.onnx'))).toBe(false);

    const bad = await cli(['export', projectDir, '1', 'coreml', path.join(tmp.dir, 'k')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/FORMAT must be one of tfjs, teachable, onnx, tflite, keras, bundle, card/);

    // The form: --format/--out, the short name tm, one JSON line with the parity result.
    const tm = path.join(tmp.dir, 'out', 'tm-form');
    const short = await cli(['export', projectDir, '--format', 'tm', '--out', tm, '--samples', '4', '--json']);
    expect(short.code, short.stderr).toBe(0);
    expect(JSON.parse(short.lines.at(-1)!)).toMatchObject({ format: 'teachable', path: tm, passed: true, parity: { examples: 4, top1Agreement: 1 } });
  });

  it('import-keras brings a Keras export back as a new run, and refuses a model without its side spec', async () => {
    const out = path.join(tmp.dir, 'out', 'keras');
    expect((await cli(['export', projectDir, 'latest', 'keras', out, '--samples', '4'])).code).toBe(0);
    const imported = await cli(['import-keras', projectDir, path.join(out, 'model.keras'), '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    const result = JSON.parse(imported.lines.at(-1)!);
    expect(result).toMatchObject({ classes: ['ants', 'bees'], backbone: 'mobilenet-v2-0.35-224' });
    expect(result.run_id).toBeGreaterThan(1);
    expect(result.val_acc).toBeGreaterThan(0);

    fs.rmSync(path.join(out, 'preprocessing.json'));
    const refused = await cli(['import-keras', projectDir, path.join(out, 'model.keras')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/preprocessing.json is missing beside model.keras/);
  }, 300_000);
});
