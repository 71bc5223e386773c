// Getting a backbone: the real download code (download.ts + install.ts) against a local HTTP
// server publishing the fixture models, with the failures a real network produces, and the
// import of a model folder from disk. Whatever fails, no half model is visible in the cache,
// nothing loads from it, and the next attempt succeeds.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initBackend } from '../../electron/engine/backend.js';
import { findBackbone, type BackboneSpec } from '../../electron/engine/backbones/catalogue.js';
import { DownloadError } from '../../electron/engine/backbones/download.js';
import { downloadBackbone, importBackboneFolder, type InstallProgress } from '../../electron/engine/backbones/install.js';
import { loadBackbone } from '../../electron/engine/backbones/load.js';
import { backboneState, installedDir, listInstalled, partialDir, readInstall } from '../../electron/engine/backbones/model-cache.js';
import { ModelFileError } from '../../electron/engine/model-files.js';
import { installedBackbone } from '../../electron/worker/embedder-pool.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { startModelServer, type ModelServer } from '../helpers/model-server.js';
import { tempDir } from '../helpers/temp-dir.js';

const skip = fixturesUnavailable();
if (skip) console.warn(`[backbone-download] skipped: ${skip}`);

const TFHUB = 'mobilenet-v1-0.25-224-tfhub';
const KERAS = 'mobilenet-v1-0.25-224-keras';
const SHARD = 'group1-shard1of1.bin';

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

describe.skipIf(skip)('backbone download and import', () => {
  let server: ModelServer;
  let tmp: ReturnType<typeof tempDir>;
  let cache: string;
  let tfhub: BackboneSpec;
  let keras: BackboneSpec;
  const folder = (spec: BackboneSpec) => spec.fixture!;
  const modelUrl = (spec: BackboneSpec) => server.url(folder(spec), 'model.json', spec.format === 'graph' ? '?tfjs-format=file' : '');
  const download = (spec: BackboneSpec, onProgress?: (p: InstallProgress) => void) =>
    downloadBackbone(spec, { cache, urls: [modelUrl(spec)], ...(onProgress ? { onProgress } : {}) });
  const shardRequests = (file: string) => server.requests.filter((r) => r.path.endsWith(`/${file}`));
  const partFile = (spec: BackboneSpec, file: string) => path.join(partialDir(spec.id, cache), `${file}.part`);

  /** Not installed, not listed, not loadable, and the engine refuses it by name. */
  async function expectNoModel(spec: BackboneSpec): Promise<void> {
    expect(backboneState(spec.id, cache)).not.toBe('installed');
    expect(readInstall(spec.id, cache)).toBeNull();
    expect(listInstalled(cache).map((r) => r.spec.id)).not.toContain(spec.id);
    expect(fs.existsSync(installedDir(spec.id, cache))).toBe(false);
    await expect(loadBackbone(installedDir(spec.id, cache), spec)).rejects.toThrow(/Cannot read .*model\.json/);
    expect(() => installedBackbone(spec.id)).toThrow(/is not on this machine yet/);
  }

  /** Installed, every file byte-identical to what the publisher serves, and it embeds. */
  async function expectInstalled(spec: BackboneSpec, dir: string): Promise<void> {
    expect(dir).toBe(installedDir(spec.id, cache));
    expect(backboneState(spec.id, cache)).toBe('installed');
    const record = readInstall(spec.id, cache)!;
    for (const [file, sha] of Object.entries(record.files)) {
      expect(sha).toBe(sha256(fixture('models', folder(spec), file)));
      expect(sha256(path.join(dir, file))).toBe(sha);
    }
    expect(fs.existsSync(partialDir(spec.id, cache))).toBe(false);
    expect(installedBackbone(spec.id).dir).toBe(dir);
    const backbone = await loadBackbone(dir, spec);
    try {
      expect(backbone.dim).toBe(spec.embedding.size);
      const vector = await backbone.embed(new Float32Array(224 * 224 * 3).fill(0.5), 1);
      expect(vector).toHaveLength(spec.embedding.size);
      expect(vector.every(Number.isFinite)).toBe(true);
    } finally {
      backbone.dispose();
    }
  }

  beforeAll(async () => {
    await initBackend('wasm');
    server = await startModelServer(fixture('models'));
    tfhub = findBackbone(TFHUB)!;
    keras = findBackbone(KERAS)!;
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    tmp = tempDir('studio-download-');
    cache = path.join(tmp.dir, 'cache');
    // installedBackbone() reads the cache the engine uses, as the worker does.
    process.env.STUDIO_MODEL_CACHE = cache;
    server.requests.length = 0;
  });
  afterEach(() => {
    delete process.env.STUDIO_MODEL_CACHE;
    tmp.cleanup();
  });

  it('downloads with progress, checks every file against the catalogue sha256 and installs atomically', async () => {
    expect(tfhub.sha256).not.toBeNull();
    const events: InstallProgress[] = [];
    const dir = await download(tfhub, (p) => events.push(p));
    await expectInstalled(tfhub, dir);
    expect(readInstall(tfhub.id, cache)!.files).toEqual(tfhub.sha256);

    const sizes = ['model.json', SHARD].map((f) => fs.statSync(fixture('models', folder(tfhub), f)).size);
    expect(events.length).toBeGreaterThan(2);
    expect(new Set(events.map((e) => e.file))).toEqual(new Set(['model.json', SHARD]));
    events.forEach((e, i) => {
      expect(e.bytesDone).toBeLessThanOrEqual(e.bytesTotal);
      if (i > 0) expect(e.bytesDone).toBeGreaterThanOrEqual(events[i - 1]!.bytesDone);
    });
    expect(events.at(-1)!.bytesDone).toBe(sizes[0]! + sizes[1]!);
    // TF-Hub serves files only with its query: the shard request carries it over.
    expect(shardRequests(SHARD)).toEqual([expect.objectContaining({ query: '?tfjs-format=file', range: null, status: 200 })]);
  });

  it('resumes a file with a Range request after the connection dropped mid-way', async () => {
    server.fail(folder(tfhub), SHARD, { kind: 'drop', after: 700_000 });
    const failure = await download(tfhub).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DownloadError);
    expect((failure as DownloadError).retryable).toBe(true);
    expect((failure as Error).message).toMatch(/broke off|ended early/);
    await expectNoModel(tfhub);
    expect(backboneState(tfhub.id, cache)).toBe('partial');
    const kept = fs.statSync(partFile(tfhub, SHARD)).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(700_000);

    await expectInstalled(tfhub, await download(tfhub));
    expect(shardRequests(SHARD).at(-1)).toMatchObject({ range: `bytes=${kept}-`, status: 206 });
    // model.json completed the first time and was not fetched again.
    expect(server.requests.filter((r) => r.path.endsWith('/model.json'))).toHaveLength(1);
  });

  it('refuses a response shorter than its Content-Length, then resumes it', async () => {
    server.fail(folder(tfhub), SHARD, { kind: 'truncate', after: 400_000 });
    const failure = await download(tfhub).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DownloadError);
    expect((failure as Error).message).toMatch(/broke off|ended early/);
    await expectNoModel(tfhub);
    const kept = fs.statSync(partFile(tfhub, SHARD)).size;
    expect(kept).toBeLessThanOrEqual(400_000);

    await expectInstalled(tfhub, await download(tfhub));
    expect(shardRequests(SHARD).at(-1)!.range).toBe(kept > 0 ? `bytes=${kept}-` : null);
  });

  it('throws away a file whose sha256 does not match, installs nothing, and starts clean on retry', async () => {
    server.fail(folder(tfhub), SHARD, { kind: 'corrupt', at: 123_456 });
    await expect(download(tfhub)).rejects.toThrow(/Checksum mismatch for .*group1-shard1of1\.bin/);
    await expectNoModel(tfhub);
    expect(fs.existsSync(partFile(tfhub, SHARD))).toBe(false);

    await expectInstalled(tfhub, await download(tfhub));
    expect(shardRequests(SHARD).map((r) => r.range)).toEqual([null, null]);
  });

  it('reports HTTP 404 and 500 and installs nothing; a retry succeeds', async () => {
    server.fail(folder(tfhub), SHARD, { kind: 'status', code: 404 });
    await expect(download(tfhub)).rejects.toThrow(/answered HTTP 404/);
    await expectNoModel(tfhub);

    server.fail(folder(tfhub), SHARD, { kind: 'status', code: 500 });
    const failure = await download(tfhub).catch((e: unknown) => e);
    expect((failure as Error).message).toMatch(/answered HTTP 500/);
    expect((failure as DownloadError).retryable).toBe(true);
    await expectNoModel(tfhub);

    await expectInstalled(tfhub, await download(tfhub));
  });

  it('refuses a weight file that is short on the server when no checksum is published', async () => {
    expect(keras.sha256).toBeNull();
    server.fail(folder(keras), 'group55-shard1of1', { kind: 'short', bytes: 10_000 });
    await expect(download(keras)).rejects.toThrow(/weights .* are truncated/);
    await expectNoModel(keras);

    const dir = await download(keras);
    await expectInstalled(keras, dir);
    // Trust on first use: the checksums of this first download are recorded.
    expect(Object.keys(readInstall(keras.id, cache)!.files)).toHaveLength(56);
  });

  it('falls back to the next mirror when one fails', async () => {
    const dir = await downloadBackbone(tfhub, { cache, urls: [server.url('no-such-folder', 'model.json'), modelUrl(tfhub)] });
    await expectInstalled(tfhub, dir);
    expect(readInstall(tfhub.id, cache)!.source).toBe(modelUrl(tfhub));
  });

  it('imports a model folder from disk, recognising a catalogue model by its checksums', async () => {
    const graph = await importBackboneFolder(fixture('models', folder(tfhub)), { cache });
    expect(graph.spec.id).toBe(TFHUB);
    await expectInstalled(tfhub, graph.dir);

    const layers = await importBackboneFolder(fixture('models', folder(keras)), { cache, spec: keras });
    await expectInstalled(keras, layers.dir);
    expect(readInstall(keras.id, cache)!.source).toBe(fixture('models', folder(keras)));
  });

  it('refuses to import a folder with missing or truncated weight shards, leaving the cache untouched', async () => {
    const copy = path.join(tmp.dir, 'incomplete');
    fs.cpSync(fixture('models', folder(keras)), copy, { recursive: true });
    fs.rmSync(path.join(copy, 'group7-shard1of1'));
    fs.rmSync(path.join(copy, 'group12-shard1of1'));
    const failure = await importBackboneFolder(copy, { cache, spec: keras }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ModelFileError);
    expect((failure as Error).message).toMatch(/is missing 2 weight files that its model.json names: group7-shard1of1, group12-shard1of1/);
    await expectNoModel(keras);
    expect(backboneState(keras.id, cache)).toBe('missing');

    fs.copyFileSync(fixture('models', folder(keras), 'group7-shard1of1'), path.join(copy, 'group7-shard1of1'));
    fs.copyFileSync(fixture('models', folder(keras), 'group12-shard1of1'), path.join(copy, 'group12-shard1of1'));
    fs.truncateSync(path.join(copy, 'group55-shard1of1'), 1000);
    await expect(importBackboneFolder(copy, { cache, spec: keras })).rejects.toThrow(/truncated/);
    await expectNoModel(keras);
    expect(fs.existsSync(cache) ? fs.readdirSync(cache).filter((name) => !name.startsWith('.')) : []).toEqual([]);
  });
});
