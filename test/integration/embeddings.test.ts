// Real backbones on real photos: every fixture backbone of the catalogue gives embeddings of
// the size the catalogue states, and an image gives the same embedding whether it is computed
// fresh or read back from the project's cache (float32 exactly, float16 to half precision).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../electron/engine/backend.js';
import { loadCatalogue, findBackbone } from '../../electron/engine/backbones/catalogue.js';
import { loadBackbone, type LoadedBackbone } from '../../electron/engine/backbones/load.js';
import { EmbeddingCache, specHash, type CacheKey, type EmbeddingDtype } from '../../electron/engine/embeddings/cache.js';
import { embedItems } from '../../electron/engine/embeddings/pipeline.js';
import { IDENTITY } from '../../electron/engine/images/augment.js';
import { decodeForModel, scalePixels } from '../../electron/engine/images/decode.js';
import type { Preprocessing } from '../../electron/domain/schemas.js';
import { createProject, type Project } from '../../electron/project/project.js';
import { DEFAULT_SETTINGS } from '../../electron/project/settings.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { hymenopteraFiles } from '../helpers/photos.js';
import { tempDir } from '../helpers/temp-dir.js';

const skip = fixturesUnavailable();
if (skip) console.warn(`[embeddings] skipped: ${skip}`);

const preprocessingOf = (backbone: LoadedBackbone): Preprocessing => ({ inputSize: backbone.spec.input.size, resizeMode: 'center-crop', scaling: backbone.spec.input.scaling });

/** Each file embedded on its own, straight from the decoder: no batching, no cache. */
async function embedFresh(backbone: LoadedBackbone, files: string[]): Promise<Float32Array[]> {
  const preprocessing = preprocessingOf(backbone);
  const input = new Float32Array(preprocessing.inputSize ** 2 * 3);
  const out: Float32Array[] = [];
  for (const file of files) {
    scalePixels((await decodeForModel(file, preprocessing)).pixels, preprocessing.scaling, input, 0);
    out.push(Float32Array.from(await backbone.embed(input, 1)));
  }
  return out;
}

describe.skipIf(skip)('embeddings', () => {
  const files = hymenopteraFiles(3);
  let tmp: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    await initBackend('wasm');
    tmp = tempDir('studio-embeddings-');
  });
  afterAll(() => tmp.cleanup());

  const withFixtures = loadCatalogue().filter((b) => b.fixture !== null);
  it('covers every fixture model of the catalogue', () => {
    expect(withFixtures.map((b) => b.fixture).sort()).toEqual([
      'keras-mobilenet_v1_0.25_224-layers',
      'tfhub-mobilenet_v1_025_224-graph',
      'tm-mobilenet_v2_0.35_224-backbone',
      'tm-mobilenet_v2_0.35_224-truncated',
    ]);
  });

  for (const spec of withFixtures) {
    it(`${spec.id}: ${spec.embedding.size} values per image, as the catalogue says, and different for different photos`, async () => {
      const backbone = await loadBackbone(fixture('models', spec.fixture!), spec);
      try {
        expect(backbone.dim).toBe(spec.embedding.size);
        const vectors = await embedFresh(backbone, files.slice(0, 1).concat(files.slice(-1)));
        for (const v of vectors) {
          expect(v).toHaveLength(spec.embedding.size);
          expect(v.every(Number.isFinite)).toBe(true);
          expect(v.some((x) => x !== 0)).toBe(true);
        }
        const distance = Math.hypot(...vectors[0]!.map((x, i) => x - vectors[1]![i]!));
        expect(distance).toBeGreaterThan(0.1 * Math.hypot(...vectors[0]!));
      } finally {
        backbone.dispose();
      }
    });
  }

  describe('through the cache', () => {
    let backbone: LoadedBackbone;
    let fresh: Float32Array[];
    let project: Project;
    const keysFor = (preprocessing: Preprocessing): CacheKey[] =>
      files.map((file, i) => ({ imageHash: `${i.toString(16).padStart(2, '0')}${'ab'.repeat(31)}`, view: 0, specHash: specHash(preprocessing, 0, DEFAULT_SETTINGS.augmentation, 42) }));

    beforeAll(async () => {
      const spec = findBackbone('mobilenet-v2-0.35-224')!;
      backbone = await loadBackbone(fixture('models', spec.fixture!), spec);
      fresh = await embedFresh(backbone, files);
      project = createProject(path.join(tmp.dir, 'project'));
    });
    afterAll(() => {
      project.close();
      backbone.dispose();
    });

    for (const dtype of ['float32', 'float16'] as EmbeddingDtype[]) {
      it(`${dtype}: the pipeline's cached vectors are the fresh ones`, async () => {
        const cache = new EmbeddingCache(project.db, `${backbone.spec.id}-${dtype}`, backbone.dim, dtype);
        const preprocessing = preprocessingOf(backbone);
        const keys = keysFor(preprocessing);
        const first = await embedItems(
          keys.map((key, i) => ({ key, paths: [files[i]!], augment: IDENTITY })),
          { embedder: backbone, cache, preprocessing, batchSize: 4 },
        );
        expect(first).toMatchObject({ embedded: files.length, cached: 0, failed: [] });
        const again = await embedItems(
          keys.map((key, i) => ({ key, paths: [files[i]!], augment: IDENTITY })),
          { embedder: backbone, cache, preprocessing, batchSize: 4 },
        );
        expect(again).toMatchObject({ embedded: 0, cached: files.length });

        // Read back both ways the engine reads: one by one, and by range over the hash span.
        const one = cache.readBatch(keys);
        const ranged = new Float32Array(keys.length * backbone.dim);
        cache.readKeys([...keys].reverse(), ranged, keys.map((_, i) => keys.length - 1 - i));
        expect(ranged).toEqual(one);
        fresh.forEach((vector, i) => {
          const cached = one.subarray(i * backbone.dim, (i + 1) * backbone.dim);
          if (dtype === 'float32') {
            // Batch of 4 through the pipeline and one image alone agree to the bit on this backend.
            expect(cached).toEqual(vector);
            return;
          }
          // Half precision rounds to 11 significant bits (and to 2^-24 near zero).
          cached.forEach((x, d) => {
            if (Math.abs(x - vector[d]!) > Math.abs(vector[d]!) * 2 ** -11 + 2 ** -24) expect.fail(`float16 image ${i} value ${d}: cached ${x}, fresh ${vector[d]}`);
          });
          expect(cached).not.toEqual(vector);
        });
      });
    }
  });
});
