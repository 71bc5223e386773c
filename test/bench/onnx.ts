// npm run bench:onnx — the ONNX path for issue 9 on the MobileNetV2-0.35 backbone and real
// hymenoptera photos, all in one run on the same pre-decoded tensors: onnxruntime-node alone,
// tfjs (the backend ladder's choice, wasm here) alone, sharp decoding alone, and how far the two
// engines' embeddings differ. Ends with one JSON line.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import os from 'node:os';
import { initBackend, type BackendName } from '../../electron/engine/backend.js';
import { fromDisk } from '../../electron/engine/model-files.js';
import { OnnxRunner } from '../../electron/engine/onnx-runner.js';
import { layersModelToOnnx } from '../../electron/onnx/index.js';
import { scalePixelArray } from '../../electron/onnx/input-scaling.js';
import { compareOutputs } from '../../electron/onnx/output-parity.js';
import type { Preprocessing } from '../../electron/domain/schemas.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { decodePhoto, hymenopteraFiles } from '../helpers/photos.js';

const skip = fixturesUnavailable();
if (skip) {
  console.log(JSON.stringify({ skipped: skip }));
  process.exit(0);
}

const IMAGES = 64;
const BATCH = 32;
const ORT_ROUNDS = 4;
const THREADS = Number(process.env.STUDIO_ORT_THREADS ?? 2);
const DECODE_IN_FLIGHT = Math.max(2, os.availableParallelism() * 2);
const SPEC: Preprocessing = { inputSize: 224, resizeMode: 'center-crop', scaling: 'minus1to1' };
const PER_IMAGE = 224 * 224 * 3;
const round = (x: number, digits = 1) => Number(x.toFixed(digits));
const now = () => performance.now();

const backend = await initBackend((process.env.STUDIO_BACKEND as BackendName | undefined) ?? undefined);
console.log(`backend: ${backend.label}; onnxruntime-node intra-op threads: ${THREADS}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

const files = hymenopteraFiles(IMAGES / 2, 'train');

/** Decodes every file with `inFlight` sharp calls outstanding; returns raw pixels in file order. */
async function decodeAll(inFlight: number): Promise<Buffer[]> {
  const out: Buffer[] = new Array(files.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < files.length) {
        const i = next++;
        out[i] = await decodePhoto(files[i]!, 224);
      }
    }),
  );
  return out;
}

// Decoding: one untimed pass so the files are in the page cache, then the timed one.
await decodeAll(DECODE_IN_FLIGHT);
let t = now();
const decoded = await decodeAll(DECODE_IN_FLIGHT);
const decodeSeconds = (now() - t) / 1000;
const raw = new Float32Array(IMAGES * PER_IMAGE);
decoded.forEach((d, i) => raw.set(d, i * PER_IMAGE));
const scaled = scalePixelArray(raw, SPEC.scaling);

const model = await tfl.loadLayersModel(fromDisk(fixture('models', 'tm-mobilenet_v2_0.35_224-backbone')));
t = now();
const onnx = layersModelToOnnx(model, { preprocessing: SPEC, inputScaling: 'external' });
const convertMs = now() - t;
const runner = await OnnxRunner.create(onnx.bytes, { threads: THREADS });

// onnxruntime alone: one warm-up batch, then every image ORT_ROUNDS times in batches of BATCH.
await runner.run(scaled.subarray(0, BATCH * PER_IMAGE), BATCH);
t = now();
let ortOut: Float32Array = new Float32Array(0);
for (let r = 0; r < ORT_ROUNDS; r++) ortOut = await runner.runAll(scaled, IMAGES, BATCH);
const ortSeconds = (now() - t) / 1000;

// tfjs alone on the same tensors and batches.
const predict = (start: number, n: number) =>
  tf.tidy(() => model.predict(tf.tensor4d(scaled.subarray(start * PER_IMAGE, (start + n) * PER_IMAGE), [n, 224, 224, 3])) as tf.Tensor);
const warm = predict(0, BATCH);
await warm.data();
warm.dispose();
t = now();
const tfjsOut = new Float32Array(ortOut.length);
for (let start = 0; start < IMAGES; start += BATCH) {
  const y = predict(start, Math.min(BATCH, IMAGES - start));
  tfjsOut.set(await y.data(), start * (ortOut.length / IMAGES));
  y.dispose();
}
const tfjsSeconds = (now() - t) / 1000;
await runner.dispose();
model.dispose();

const stats = compareOutputs(tfjsOut, ortOut, IMAGES, false);
const ortRate = (IMAGES * ORT_ROUNDS) / ortSeconds;
const tfjsRate = IMAGES / tfjsSeconds;
const decodeRate = IMAGES / decodeSeconds;
const figures = {
  backend: backend.name,
  model: 'tm-mobilenet_v2_0.35_224-backbone',
  images: IMAGES,
  batch: BATCH,
  ort_threads: THREADS,
  decode_in_flight: DECODE_IN_FLIGHT,
  ort_raw_img_per_s: round(ortRate),
  wasm_raw_img_per_s: round(tfjsRate),
  decode_img_per_s: round(decodeRate),
  ort_over_wasm: round(ortRate / tfjsRate, 2),
  // Decode and inference share the cores: the ceiling of a decode → embed pipeline.
  pipeline_ceiling_img_per_s: round(1 / (1 / ortRate + 1 / decodeRate)),
  max_abs_delta: Number(stats.maxAbs.toExponential(2)),
  max_rel_delta: Number(stats.maxRel.toExponential(2)),
  embedding_scale: round(stats.scale, 3),
  convert_ms: Math.round(convertMs),
  onnx_bytes: onnx.bytes.length,
};
console.log(`onnxruntime ${figures.ort_raw_img_per_s} img/s, ${backend.name} ${figures.wasm_raw_img_per_s} img/s (x${figures.ort_over_wasm}), sharp decode ${figures.decode_img_per_s} img/s, max |Δ| ${figures.max_abs_delta} (rel ${figures.max_rel_delta})`);
console.log(JSON.stringify(figures));
