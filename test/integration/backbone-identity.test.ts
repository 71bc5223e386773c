// Backbones by content, through the studio's real handlers and engine worker: weights the
// catalogue knows become that entry (the same files, or the same tensors cut into other
// shards), never a copy; an unknown network is added under the user's name once it gives a
// working embedding; the project's choice survives closing the studio; an entry can be removed.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BACKBONE_ID } from '../../electron/engine/backbones/catalogue.js';
import { listInstalled, readInstall } from '../../electron/engine/backbones/model-cache.js';
import { EngineHost } from '../../electron/worker/engine-host.js';
import type { BackboneEntry } from '../../electron/domain/engine-schemas.js';
import { resourcePath } from '../../electron/resources-dir.js';
import { createStudio, type Studio } from '../../electron/services/studio.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { invoke } from '../helpers/studio-jobs.js';
import { tempDir } from '../helpers/temp-dir.js';

const skip = fixturesUnavailable();
if (skip) console.warn(`[backbone-identity] skipped: ${skip}`);

interface Imported {
  id: string;
  name: string;
  matched: string;
}

/** The shipped network with its weights split into two shards under other names. */
function reshard(dest: string): string {
  const source = resourcePath('backbones', DEFAULT_BACKBONE_ID);
  const model = JSON.parse(fs.readFileSync(path.join(source, 'model.json'), 'utf8')) as { weightsManifest: Array<{ paths: string[]; weights: unknown[] }> };
  const [group] = model.weightsManifest;
  const bytes = fs.readFileSync(path.join(source, group!.paths[0]!));
  fs.mkdirSync(dest, { recursive: true });
  const half = Math.floor(bytes.length / 2);
  fs.writeFileSync(path.join(dest, 'part-a.bin'), bytes.subarray(0, half));
  fs.writeFileSync(path.join(dest, 'part-b.bin'), bytes.subarray(half));
  group!.paths = ['part-a.bin', 'part-b.bin'];
  fs.writeFileSync(path.join(dest, 'model.json'), JSON.stringify(model));
  return dest;
}

describe.skipIf(skip)('backbone identity, choice and removal', () => {
  const tmp = tempDir('studio-backbone-identity-');
  const cache = path.join(tmp.dir, 'cache');
  const projectDir = path.join(tmp.dir, 'project');
  let studio: Studio;
  const open = () => createStudio({ checkOutput: true, engine: new EngineHost({ modelCache: cache }) });
  const list = () => invoke<BackboneEntry[]>(studio, 'backbones:list', {});

  beforeAll(() => {
    studio = open();
    studio.session.create(projectDir, 'identity');
  });
  afterAll(async () => {
    await studio.close();
    tmp.cleanup();
  });

  it('recognises the shipped weights in other shards, and the fixture folder, as the default entry', async () => {
    const resharded = await invoke<Imported>(studio, 'backbones:import', { folder: reshard(path.join(tmp.dir, 'resharded')) });
    expect(resharded).toMatchObject({ id: DEFAULT_BACKBONE_ID, matched: 'catalogue' });
    const again = await invoke<Imported>(studio, 'backbones:import', { folder: fixture('models', 'tm-mobilenet_v2_0.35_224-backbone') });
    expect(again).toMatchObject({ id: DEFAULT_BACKBONE_ID, matched: 'already-installed' });

    const entries = await list();
    expect(entries.filter((b) => b.origin === 'imported')).toEqual([]);
    expect(entries.find((b) => b.id === DEFAULT_BACKBONE_ID)).toMatchObject({ state: 'installed', shipped: true });
    expect(listInstalled(cache).map((r) => r.spec.id)).toEqual([DEFAULT_BACKBONE_ID]);
  }, 120_000);

  it('adds an unknown network under the name given, with its embedding size read by running it', async () => {
    const folder = fixture('models', 'keras-mobilenet_v1_0.25_224-layers');
    const added = await invoke<Imported>(studio, 'backbones:import', { folder, name: 'My MobileNet v1', inputSize: 224, scaling: 'minus1to1' });
    expect(added).toMatchObject({ name: 'My MobileNet v1', matched: 'new' });
    const entry = (await list()).find((b) => b.id === added.id)!;
    // The Keras model's output is its 1000 ImageNet classes: the check ran it and recorded that.
    expect(entry).toMatchObject({ name: 'My MobileNet v1', origin: 'imported', state: 'installed', inputSize: 224, embeddingSize: 1000 });
    expect(readInstall(added.id, cache)!.spec.input.scaling).toBe('minus1to1');
    // The same folder again is the same entry, not a second one.
    expect(await invoke<Imported>(studio, 'backbones:import', { folder, name: 'Another name' })).toMatchObject({ id: added.id, matched: 'already-installed' });
    expect((await list()).filter((b) => b.origin === 'imported')).toHaveLength(1);
  }, 120_000);

  it('refuses a network that does not embed at the input size given, installing nothing', async () => {
    const before = listInstalled(cache).length;
    const folder = fixture('models', 'tfhub-mobilenet_v1_025_224-graph');
    const copy = path.join(tmp.dir, 'graph-copy');
    fs.cpSync(folder, copy, { recursive: true });
    // A changed model.json: no longer the catalogue's checksums, so it is treated as unknown.
    const model = JSON.parse(fs.readFileSync(path.join(copy, 'model.json'), 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(path.join(copy, 'model.json'), JSON.stringify({ ...model, generatedBy: 'someone else' }));
    const result = await studio.dispatch('backbones:import', { folder: copy, name: 'Too small', inputSize: 33 }, { transport: 'in-process' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.message).toMatch(/Too small/);
    expect(listInstalled(cache)).toHaveLength(before);
    expect(fs.readdirSync(path.join(cache, '.partial')).filter((f) => f.includes('import'))).toEqual([]);
  }, 120_000);

  it('keeps the project choice across a studio restart, and removes an entry', async () => {
    const imported = (await list()).find((b) => b.origin === 'imported')!;
    expect(await invoke(studio, 'backbones:choose', { id: imported.id })).toMatchObject({ backboneId: imported.id, isDefault: false, ready: true });
    await studio.close();
    studio = open();
    studio.session.open(projectDir);
    expect(await invoke(studio, 'backbones:choice', {})).toMatchObject({ backboneId: imported.id, name: 'My MobileNet v1', ready: true });

    expect(await invoke(studio, 'backbones:remove', { id: imported.id })).toEqual({ removed: true });
    expect((await list()).some((b) => b.id === imported.id)).toBe(false);
    // The project still names it, and says what to do rather than training on something else.
    expect(await invoke(studio, 'backbones:choice', {})).toMatchObject({ backboneId: imported.id, ready: false, reason: expect.stringMatching(/import its folder again or pick another/) });
    expect(await invoke(studio, 'backbones:choose', { id: null })).toMatchObject({ backboneId: DEFAULT_BACKBONE_ID, isDefault: true, ready: true });
  }, 120_000);
});
