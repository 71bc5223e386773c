// onnxruntime on its own worker thread (issue 21), on the fixture backbone and real photos: it
// gives the vectors the in-thread session gives; batches sent back to back, with the caller
// refilling its buffer at once, each get their own vectors in order; the import/training
// pipeline (two batch buffers taking turns) caches every photo's own vector; a model that does
// not load is refused with onnxruntime's reason; a disposed thread refuses new batches.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../electron/engine/backend.js';
import { DEFAULT_BACKBONE_ID, findBackbone } from '../../electron/engine/backbones/catalogue.js';
import { importBackboneFolder } from '../../electron/engine/backbones/install.js';
import { EmbeddingCache, specHash } from '../../electron/engine/embeddings/cache.js';
import { embedItems } from '../../electron/engine/embeddings/pipeline.js';
import { ONNX_FILE } from '../../electron/engine/embedders/onnx-backbone.js';
import { openEmbedder } from '../../electron/engine/embedders/open-embedder.js';
import type { Embedder } from '../../electron/engine/embedder.js';
import { IDENTITY } from '../../electron/engine/images/augment.js';
import { decodeForModel, scalePixels } from '../../electron/engine/images/decode.js';
import { OnnxRunner } from '../../electron/engine/onnx-runner.js';
import { DEFAULT_SETTINGS } from '../../electron/project/settings.js';
import { createProject } from '../../electron/project/project.js';
import { InferenceThread } from '../../electron/worker/inference-thread.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { hymenopteraFiles } from '../helpers/photos.js';
import { tempDir } from '../helpers/temp-dir.js';

const skip = fixturesUnavailable();
if (skip) console.warn(`[inference-thread] skipped: ${skip}`);

const maxAbsDiff = (a: Float32Array, b: Float32Array) => {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
};

describe.skipIf(skip)('inference thread', () => {
  const tmp = tempDir('studio-inference-thread-');
  const photos = skip ? [] : hymenopteraFiles(10);
  const spec = findBackbone(DEFAULT_BACKBONE_ID)!;
  const preprocessing = { ...DEFAULT_SETTINGS.preprocessing, inputSize: spec.input.size, scaling: spec.input.scaling };
  const size = preprocessing.inputSize * preprocessing.inputSize * 3;
  let model: Uint8Array;
  let embedder: Embedder;
  let inThread: OnnxRunner;
  let scaled: Float32Array;

  beforeAll(async () => {
    await initBackend('wasm');
    const { dir } = await importBackboneFolder(fixture('models', spec.fixture!), { cache: tmp.dir, spec });
    // The studio's own way: the ladder converts the backbone, and its session runs on its own thread.
    ({ embedder } = await openEmbedder(spec, dir, { samples: async () => photos }));
    expect(embedder.engine).toBe('onnxruntime');
    model = fs.readFileSync(path.join(dir, ONNX_FILE));
    inThread = await OnnxRunner.create(model, { threads: 1 });
    scaled = new Float32Array(photos.length * size);
    for (const [i, file] of photos.entries()) scalePixels((await decodeForModel(file, preprocessing)).pixels, preprocessing.scaling, scaled, i * size);
  });
  afterAll(async () => {
    embedder?.dispose();
    await inThread?.dispose();
    tmp.cleanup();
  });

  it('gives the in-thread session’s vectors (within 1e-5) on real photos', async () => {
    const threaded = await embedder.embed(scaled, photos.length);
    const reference = await inThread.run(scaled, photos.length);
    expect(threaded.length).toBe(photos.length * embedder.dim);
    expect(maxAbsDiff(threaded, reference)).toBeLessThanOrEqual(1e-5);
    // Different photos give different vectors: the comparison above is not between zeros.
    expect(maxAbsDiff(threaded.subarray(0, embedder.dim), threaded.subarray(embedder.dim, 2 * embedder.dim))).toBeGreaterThan(1e-2);
  });

  it('takes a handed-over batch without copying it (the caller’s buffer is gone), same vectors', async () => {
    const given = scaled.slice();
    const handed = await embedder.embed(given, photos.length, { handOver: true });
    expect(given.byteLength).toBe(0);
    expect(maxAbsDiff(handed, await inThread.run(scaled, photos.length))).toBeLessThanOrEqual(1e-5);
    // A view of a larger buffer is copied even when handed over: the rest of it stays the caller's.
    const larger = new Float32Array(scaled.length + size);
    larger.set(scaled);
    const part = larger.subarray(0, scaled.length);
    const fromPart = await embedder.embed(part, photos.length, { handOver: true });
    expect(larger.byteLength).toBe(scaled.byteLength + size * 4);
    expect(maxAbsDiff(fromPart, handed)).toBe(0);
  });

  it('keeps batches sent back to back apart, while the caller refills its buffer', async () => {
    const thread = await InferenceThread.create(model, { threads: 1 });
    try {
      const buffer = new Float32Array(2 * size);
      const runs: Array<Promise<Float32Array>> = [];
      for (let start = 0; start < photos.length; start += 2) {
        buffer.set(scaled.subarray(start * size, (start + 2) * size));
        runs.push(thread.run(buffer, 2));
      }
      const outputs = await Promise.all(runs);
      const reference = await inThread.run(scaled, photos.length);
      outputs.forEach((output, b) => expect(maxAbsDiff(output, reference.subarray(b * 2 * embedder.dim, (b + 1) * 2 * embedder.dim))).toBeLessThanOrEqual(1e-5));
    } finally {
      thread.dispose();
    }
  });

  it('caches every photo’s own vector through the pipeline’s two batch buffers', async () => {
    const project = createProject(path.join(tmp.dir, 'project'));
    try {
      const cache = new EmbeddingCache(project.db, spec.id, embedder.dim, 'float32');
      const hash = specHash(preprocessing, 0, DEFAULT_SETTINGS.augmentation, 0);
      const keys = photos.map((_, i) => ({ imageHash: `photo-${i}`, view: 0, specHash: hash }));
      const result = await embedItems(
        photos.map((file, i) => ({ key: keys[i]!, paths: [file], augment: IDENTITY })),
        { embedder, cache, preprocessing, batchSize: 3, inFlight: 3 },
      );
      expect(result).toMatchObject({ embedded: photos.length, cached: 0, failed: [] });
      const reference = await inThread.run(scaled, photos.length);
      expect(maxAbsDiff(cache.readBatch(keys), reference)).toBeLessThanOrEqual(1e-5);
    } finally {
      project.close();
    }
  });

  it('refuses a model onnxruntime cannot load, with its reason', async () => {
    await expect(InferenceThread.create(new Uint8Array([1, 2, 3, 4]))).rejects.toThrow(/./);
  });

  it('refuses batches once disposed', async () => {
    const thread = await InferenceThread.create(model, { threads: 1 });
    const last = thread.run(scaled.subarray(0, size), 1);
    thread.dispose();
    // A batch sent before the dispose still gets its vector.
    expect((await last).length).toBe(embedder.dim);
    await expect(thread.run(scaled.subarray(0, size), 1)).rejects.toThrow(/disposed/);
  });
});
