// npm run bench:export — every model export of a run trained on hymenoptera (MobileNetV2 0.35,
// all 398 photos), reloaded and checked against the studio on 64 of the project's photos; then
// the exported ONNX model in onnxruntime-node against the studio's own tfjs forward pass
// (backbone + head) on the same decoded images and weights: the native ceiling the engine's
// embed throughput is measured against. Then pipeline parity (issue 22, see
// pipeline-bench.ts): per fixture dataset, a run on the 'bilinear' spec exported and fed from
// photo files through each deployment's own pipeline, and the validation accuracy of the
// 'bilinear' spec minus the old 'lanczos3' one. Ends with one JSON line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initBackend, type BackendName } from '../../electron/engine/backend.js';
import { findBackbone } from '../../electron/engine/backbones/catalogue.js';
import { openEmbedder } from '../../electron/engine/embedders/open-embedder.js';
import { scalePixels } from '../../electron/engine/images/decode.js';
import { OnnxRunner } from '../../electron/engine/onnx-runner.js';
import { runTraining } from '../../electron/engine/training/run.js';
import { exportModel, type ModelExportResult } from '../../electron/export/model/export-model.js';
import { sampleImages } from '../../electron/export/model/samples.js';
import { resolveModelSource } from '../../electron/export/model/source.js';
import { loadStudioModel } from '../../electron/export/model/studio-model.js';
import { TrainConfig, type WeightQuantization } from '../../electron/ipc/schemas.js';
import { readSettings } from '../../electron/project/settings.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { fixtureProject } from '../helpers/fixture-project.js';
import { installFixtureBackbone } from '../helpers/trained-project.js';
import { pipelineBench } from './pipeline-bench.js';

const skip = fixturesUnavailable();
if (skip) {
  console.log(JSON.stringify({ skipped: skip }));
  process.exit(0);
}

const SAMPLES = 64;
const BATCH = 32;
const ROUNDS = 3;
const round = (x: number, digits = 1) => Number(x.toFixed(digits));
const sci = (x: number | null) => (x === null ? null : Number(x.toExponential(2)));
const log = (line: string) => console.log(line);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-bench-export-'));

const backend = await initBackend((process.env.STUDIO_BACKEND as BackendName | undefined) ?? 'wasm');
log(`backend: ${backend.label}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const cache = path.join(work, 'cache');
const { spec, dir: backboneDir } = await installFixtureBackbone(cache, 'mobilenet-v2-0.35-224');
const project = fixtureProject(path.join(work, 'project'), fixture('datasets', 'hymenoptera'));
const { embedder, report } = await openEmbedder(spec, backboneDir, {
  samples: async () => project.db.prepare('SELECT path FROM image_paths LIMIT 16').pluck().all() as string[],
});
let t = Date.now();
const run = await runTraining({ db: project.db, projectDir: project.dir, embedder, backbone: spec, backend, config: TrainConfig.parse({ outOfFoldK: 0 }), settings: readSettings(project.db) });
embedder.dispose();
log(`trained run ${run.runId} in ${round((Date.now() - t) / 1000)} s (embeddings by ${report.engine}), val acc ${round(run.val?.accuracy ?? 0, 3)}`);

const request = { db: project.db, projectDir: project.dir, modelCacheDir: cache, sampleCount: SAMPLES };
const exports: Record<string, ModelExportResult> = {};
for (const [key, format, quantization] of [
  ['tfjs', 'tfjs', null],
  ['tm', 'teachable', null],
  ['onnx', 'onnx', null],
  ['float16', 'tfjs', 'float16'],
  ['uint8', 'tfjs', 'uint8'],
] as Array<[string, 'tfjs' | 'teachable' | 'onnx', WeightQuantization | null]>) {
  t = Date.now();
  const r = await exportModel({ ...request, format, quantization });
  exports[key] = r;
  const p = r.parity!;
  log(`${key}: ${Date.now() - t} ms, ${r.bytes} bytes (weights ${r.weightBytes}), max |Δp| ${p.maxAbs?.toExponential(2)}, top-1 ${p.top1Agreement}, ${p.examples} images (${p.split}), vs stored predictions ${p.stored?.maxAbs.toExponential(2)}; ${p.runtime}`);
}

// Throughput on the same decoded images: the exported .onnx in onnxruntime (raw pixels in, the
// graph scales) against the studio's tfjs forward pass (scaled pixels in), batches of 32.
const source = resolveModelSource(project.db, project.dir, cache, { runId: run.runId });
const samples = await sampleImages(project.db, source.preprocessing, SAMPLES);
const per = source.preprocessing.inputSize ** 2 * 3;
const scaled = new Float32Array(samples.count * per);
scalePixels(samples.raw, source.preprocessing.scaling, scaled, 0);
const runner = await OnnxRunner.create(fs.readFileSync(path.join(exports.onnx!.dir, 'model.onnx')));
await runner.run(samples.raw.subarray(0, BATCH * per), BATCH);
t = performance.now();
for (let r = 0; r < ROUNDS; r++) await runner.runAll(samples.raw, samples.count, BATCH);
const ortImgPerS = (ROUNDS * samples.count) / ((performance.now() - t) / 1000);
const threads = runner.threads;
await runner.dispose();

const studio = await loadStudioModel(source);
await studio.forward(scaled.subarray(0, BATCH * per), BATCH);
t = performance.now();
for (let start = 0; start < samples.count; start += BATCH) {
  const n = Math.min(BATCH, samples.count - start);
  await studio.forward(scaled.subarray(start * per, (start + n) * per), n);
}
const studioImgPerS = samples.count / ((performance.now() - t) / 1000);
studio.dispose();
log(`inference on ${samples.count} decoded images: onnxruntime-node (${threads} threads) ${round(ortImgPerS)} img/s; studio tfjs (${backend.name}) ${round(studioImgPerS)} img/s`);

project.close();
const pipelines = await pipelineBench({ work, cache, spec, backboneDir, backend, log });
fs.rmSync(work, { recursive: true, force: true });
const figure = (key: string) => exports[key]!.parity!;
console.log(
  JSON.stringify({
    backend: backend.name,
    samples: samples.count,
    tfjs_max_dp: sci(figure('tfjs').maxAbs),
    tfjs_top1_agree: figure('tfjs').top1Agreement,
    tm_max_dp: sci(figure('tm').maxAbs),
    tm_top1_agree: figure('tm').top1Agreement,
    onnx_max_dp: sci(figure('onnx').maxAbs),
    onnx_top1_agree: figure('onnx').top1Agreement,
    float16_max_dp: sci(figure('float16').maxAbs),
    float16_top1_agree: figure('float16').top1Agreement,
    float16_weight_ratio: round(exports.float16!.weightBytes! / exports.float16!.float32WeightBytes!, 3),
    uint8_max_dp: sci(figure('uint8').maxAbs),
    uint8_top1_agree: figure('uint8').top1Agreement,
    uint8_weight_ratio: round(exports.uint8!.weightBytes! / exports.uint8!.float32WeightBytes!, 3),
    all_float32_passed: ['tfjs', 'tm', 'onnx'].every((k) => figure(k).passed),
    ort_img_per_s: round(ortImgPerS),
    ort_threads: threads,
    studio_img_per_s: round(studioImgPerS),
    ort_vs_studio: round(ortImgPerS / studioImgPerS),
    val_acc: round(run.val?.accuracy ?? 0, 4),
    ...pipelines,
  }),
);
