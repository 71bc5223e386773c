// The command line as a user would chain it, through the package's own `bin` in child
// processes: init → import hymenoptera → train (a local backbone folder) → eval → export ONNX
// → predict a folder, with the exact forms, their JSON lines and exit codes.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTsChild } from '../helpers/child.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';

const skip = fixturesUnavailable();
const BIN = path.resolve(import.meta.dirname, '../../bin/transfer-studio.js');

describe.skipIf(skip)('CLI session: init, import, train, eval, export, predict', () => {
  const tmp = tempDir('studio-cli-session-');
  const dir = path.join(tmp.dir, 'bees');
  const env = { STUDIO_MODEL_CACHE: path.join(tmp.dir, 'cache'), STUDIO_USER_DATA: path.join(tmp.dir, 'user') };

  async function cli(args: string[]): Promise<{ code: number | null; lines: string[]; stderr: string; last: () => Record<string, unknown> }> {
    const lines: string[] = [];
    const exit = await runTsChild(BIN, args, (line) => lines.push(line), { env });
    return { code: exit.code, lines, stderr: exit.stderr, last: () => JSON.parse(lines.at(-1)!) as Record<string, unknown> };
  }

  beforeAll(() => fs.mkdirSync(env.STUDIO_USER_DATA, { recursive: true }));
  afterAll(() => tmp.cleanup());

  it('runs the whole loop with the documented forms', async () => {
    const init = await cli(['init', dir, '--json']);
    expect(init.code, init.stderr).toBe(0);

    const imported = await cli(['import', dir, fixture('datasets', 'hymenoptera'), '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.last()).toMatchObject({ status: 'done', added: 398, labeled: 398, problemTotal: 1 });

    // Training on a catalogue backbone that is not installed (and does not ship) names the way to get one.
    const noBackbone = await cli(['train', dir, '--backbone', 'mobilenet-v2-1.0-224', '--json']);
    expect(noBackbone.code).toBe(1);
    expect(noBackbone.stderr).toMatch(/is not on this machine yet[\s\S]*--backbone FOLDER/);
    const unknown = await cli(['train', dir, '--backbone', 'mobilenet-v2-1.0-224-nope', '--json']);
    expect(unknown.code).toBe(2);

    const train = await cli(['train', dir, '--backbone', fixture('models', 'tm-mobilenet_v2_0.35_224-backbone'), '--config', '{"augmentViews":0,"outOfFoldK":0}', '--json']);
    expect(train.code, train.stderr).toBe(0);
    const run = train.last();
    expect(run).toMatchObject({ run_id: 1, backend: 'wasm' });
    expect(run.val_acc as number).toBeGreaterThan(0.85);
    // hymenoptera's val/ folder becomes the val split; there is no test split.
    expect(run.test_acc).toBeNull();
    expect(run.train_s as number).toBeGreaterThan(0);

    const evaluation = await cli(['eval', dir, '--json']);
    expect(evaluation.code).toBe(0);
    expect(evaluation.last()).toMatchObject({ runId: 1, classes: ['ants', 'bees'] });

    const out = path.join(tmp.dir, 'exports', 'bees-onnx');
    const exported = await cli(['export', dir, '--format', 'onnx', '--out', out, '--samples', '8', '--json']);
    expect(exported.code, exported.stderr).toBe(0);
    const record = exported.last() as { passed: boolean; parity: { maxAbs: number; top1Agreement: number; runtime: string } };
    expect(record.passed).toBe(true);
    expect(record.parity.maxAbs).toBeLessThanOrEqual(1e-4);
    expect(record.parity.top1Agreement).toBe(1);
    expect(fs.existsSync(path.join(out, 'model.onnx'))).toBe(true);

    const folder = fixture('datasets', 'hymenoptera', 'val', 'bees');
    const predicted = await cli(['predict', dir, folder, '--json']);
    expect(predicted.code, predicted.stderr).toBe(0);
    const rows = predicted.lines.map((l) => JSON.parse(l) as { file: string; predicted: string });
    expect(rows.length).toBe(fs.readdirSync(folder).filter((f) => /\.jpe?g$/i.test(f)).length);
    expect(rows.filter((r) => r.predicted === 'bees').length / rows.length).toBeGreaterThan(0.8);

    const csv = await cli(['predict', dir, path.join(folder, fs.readdirSync(folder)[0]!), '--csv']);
    expect(csv.code).toBe(0);
    expect(csv.lines[0]).toBe('file,predicted,confidence,ants,bees,error');

    const missing = await cli(['train', path.join(tmp.dir, 'nowhere'), '--json']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no project|not a project|does not exist/i);
    // A bound for a machine busy with other work (it took 300 s at load 17), not a speed check.
  }, 600_000);
});
