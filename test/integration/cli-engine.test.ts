// The CLI trains, evaluates and predicts through the same handlers as the UI (engine in its
// worker), on a real project with real weights, as a separate process.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTsChild } from '../helpers/child.js';
import { fixtureProject } from '../helpers/fixture-project.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';

const skip = fixturesUnavailable();
if (skip) console.warn(`[cli-engine] skipped: ${skip}`);
const CLI = path.resolve(import.meta.dirname, '../../electron/cli.ts');

async function cli(args: string[]): Promise<{ code: number | null; lines: string[]; stderr: string }> {
  const lines: string[] = [];
  const exit = await runTsChild(CLI, args, (line) => lines.push(line));
  return { code: exit.code, lines, stderr: exit.stderr };
}

describe.skipIf(skip)('CLI: train, eval, predict', () => {
  const tmp = tempDir('studio-cli-');
  const projectDir = path.join(tmp.dir, 'project');

  beforeAll(async () => {
    process.env.STUDIO_MODEL_CACHE = path.join(tmp.dir, 'cache');
    fixtureProject(projectDir, fixture('datasets', 'hymenoptera'), { limitPerClass: 15 }).close();
  });
  afterAll(() => tmp.cleanup());

  it('refuses bad settings with usage help', async () => {
    const result = await cli(['train', projectDir, '--config', '{"epochs": -3}']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--config needs training settings/);
  });

  it('trains, then reports the run and predicts files', async () => {
    // A local model folder as the backbone: added to the (empty) model cache, then used.
    const backbone = fixture('models', 'tm-mobilenet_v2_0.35_224-backbone');
    const train = await cli(['train', projectDir, '--backbone', backbone, '--config', '{"augmentViews": 0, "outOfFoldK": 0}', '--json']);
    expect(train.code, train.stderr).toBe(0);
    const run = JSON.parse(train.lines.at(-1)!);
    expect(run).toMatchObject({ run_id: 1, backend: 'wasm', embed_engine: 'onnxruntime', test_acc: null });
    expect(run.val_acc).toBeGreaterThan(0.7);
    expect(run.train_s).toBeGreaterThan(0);

    const unknown = await cli(['train', projectDir, '--backbone', 'no-such-model']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/neither a backbone id .* nor a model folder/);

    const evaluation = await cli(['eval', projectDir]);
    expect(evaluation.code).toBe(0);
    expect(JSON.parse(evaluation.lines[0]!)).toMatchObject({ runId: 1, classes: ['ants', 'bees'], val: { count: 30 } });

    const bee = fixture('datasets', 'hymenoptera', 'val', 'bees', '10870992_eebeeb3a12.jpg');
    const good = await cli(['predict', projectDir, bee, '--json']);
    expect(good.code).toBe(0);
    const probabilities = JSON.parse(good.lines[0]!).probabilities;
    expect(probabilities.bees).toBeGreaterThan(probabilities.ants);

    const predicted = await cli(['predict', projectDir, bee, path.join(tmp.dir, 'missing.jpg')]);
    expect(predicted.code).toBe(1);
    expect(predicted.stderr).toMatch(/missing\.jpg is not a file/);
  });
});
