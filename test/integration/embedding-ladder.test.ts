// The embedding ladder on real weights and photos: every fixture backbone converted by our ONNX
// writer gives the tfjs embeddings on onnxruntime; the conversion is cached beside the backbone
// and reused; a damaged cache is rebuilt; a conversion that fails leaves training on tfjs with
// the reason.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../electron/engine/backend.js';
import { findBackbone, loadCatalogue } from '../../electron/engine/backbones/catalogue.js';
import { importBackboneFolder } from '../../electron/engine/backbones/install.js';
import { loadBackbone } from '../../electron/engine/backbones/load.js';
import { ONNX_FILE, ONNX_RECORD } from '../../electron/engine/embedders/onnx-backbone.js';
import { openEmbedder } from '../../electron/engine/embedders/open-embedder.js';
import { decodeForModel, scalePixels } from '../../electron/engine/images/decode.js';
import { compareOutputs } from '../../electron/onnx/output-parity.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { hymenopteraFiles } from '../helpers/photos.js';
import { tempDir } from '../helpers/temp-dir.js';

const skip = fixturesUnavailable();
if (skip) console.warn(`[embedding-ladder] skipped: ${skip}`);

// Every catalogue backbone whose weights are in the fixtures (the TM export is a classifier, not a backbone).
const backbones = skip ? [] : loadCatalogue().filter((b) => b.fixture !== null && !b.fixture.endsWith('-truncated'));

describe.skipIf(skip)('embedding ladder', () => {
  const tmp = tempDir('studio-ladder-');
  const photos = skip ? [] : hymenopteraFiles(3);
  const samples = async () => photos;

  beforeAll(async () => {
    await initBackend('wasm');
  });
  afterAll(() => tmp.cleanup());

  async function install(id: string) {
    const spec = findBackbone(id)!;
    const { dir } = await importBackboneFolder(fixture('models', spec.fixture!), { cache: tmp.dir, spec });
    return { spec, dir };
  }

  async function scaledPhotos(spec: NonNullable<ReturnType<typeof findBackbone>>) {
    const pre = { inputSize: spec.input.size, resizeMode: 'center-crop' as const, scaling: spec.input.scaling };
    const size = pre.inputSize * pre.inputSize * 3;
    const out = new Float32Array(photos.length * size);
    for (const [i, file] of photos.entries()) scalePixels((await decodeForModel(file, pre)).pixels, pre.scaling, out, i * size);
    return out;
  }

  it.each(backbones.map((b) => [b.id]))('%s: onnxruntime embeddings equal the tfjs ones on real photos', async (id) => {
    const { spec, dir } = await install(id);
    const { embedder, report } = await openEmbedder(spec, dir, { samples });
    expect(report.engine).toBe('onnxruntime');
    expect(report.onnx).toMatchObject({ ok: true, reason: null });
    const tf = await loadBackbone(dir, spec);
    const batch = await scaledPhotos(spec);
    const stats = compareOutputs(await tf.embed(batch, photos.length), await embedder.embed(batch, photos.length), photos.length, false);
    console.log(`[ladder] ${id}: dim ${embedder.dim}, max|Δ| ${stats.maxAbs.toExponential(2)} of scale ${stats.scale.toFixed(3)}`);
    expect(embedder.dim).toBe(spec.embedding.size);
    expect(stats.scale).toBeGreaterThan(0.5);
    expect(stats.maxRel).toBeLessThanOrEqual(1e-4);
    tf.dispose();
    embedder.dispose();
  });

  it('reuses the cached conversion, and rebuilds a damaged one', async () => {
    const { spec, dir } = await install('mobilenet-v2-0.35-224');
    await openEmbedder(spec, dir, { samples }).then(({ embedder }) => embedder.dispose());
    const file = path.join(dir, ONNX_FILE);
    const built = fs.statSync(file).mtimeMs;
    let converted = 0;
    const counting = { samples: async () => (converted++, photos) };
    const again = await openEmbedder(spec, dir, counting);
    expect(again.report.engine).toBe('onnxruntime');
    expect(converted).toBe(0);
    expect(fs.statSync(file).mtimeMs).toBe(built);
    again.embedder.dispose();

    // A truncated .onnx (a crash while copying, a bad disk) must not be loaded.
    fs.truncateSync(file, 1000);
    const rebuilt = await openEmbedder(spec, dir, counting);
    expect(converted).toBe(1);
    expect(rebuilt.report.engine).toBe('onnxruntime');
    expect(fs.statSync(file).size).toBeGreaterThan(1000);
    rebuilt.embedder.dispose();
  });

  it('falls back to tfjs with the reason when the conversion fails, and remembers it', async () => {
    const { spec, dir } = await install('mobilenet-v1-0.25-224-keras');
    fs.rmSync(path.join(dir, ONNX_RECORD), { force: true });
    fs.rmSync(path.join(dir, ONNX_FILE), { force: true });
    const failing = () => {
      throw new Error('Unsupported layer SeparableConv2D (block_3)');
    };
    const { embedder, report } = await openEmbedder(spec, dir, { samples, convert: failing });
    expect(report.engine).toBe('tfjs-wasm');
    expect(report.skipped).toContainEqual({ engine: 'onnxruntime', reason: 'conversion failed: Unsupported layer SeparableConv2D (block_3)' });
    expect(JSON.parse(fs.readFileSync(path.join(dir, ONNX_RECORD), 'utf8'))).toMatchObject({ ok: false, reason: expect.stringMatching(/SeparableConv2D/) });
    expect(fs.existsSync(path.join(dir, ONNX_FILE))).toBe(false);
    embedder.dispose();
  });

  it('says why when onnxruntime-node cannot load', async () => {
    const { spec, dir } = await install('mobilenet-v2-0.35-224');
    const { report } = await openEmbedder(spec, dir, { samples, loadRuntime: async () => ({ ok: false, reason: 'onnxruntime-node could not be loaded: libonnxruntime.so.1: cannot open shared object file' }) });
    expect(report.engine).toBe('tfjs-wasm');
    expect(report.skipped.at(-1)?.reason).toMatch(/cannot open shared object/);
  });
});
