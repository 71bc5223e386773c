// bench:export's pipeline-parity part (issue 22). Per fixture dataset (hymenoptera,
// flower_photos_small): one run on the old spec (legacy: sharp's Lanczos3, colour profiles
// converted to sRGB) and one on new projects' spec (bilinear, colour profiles ignored), same seed
// and split, for accuracy_delta_resize (validation accuracy new minus old); the new run exported
// as Teachable Machine, TF.js and ONNX, and each export fed 32 photos of the dataset (small,
// large, EXIF-rotated, enlarged, shrunk, non-sRGB profile, regular) through its deployment
// pipeline as its README documents it: Teachable Machine's library in Chromium on the README's
// studioCanvas(decodePhoto(file)) (pipeline_tm_*; the library's own copy of that canvas is
// checked pixel for pixel), TF.js 4 in Chromium with decodePhoto + toInput, the ONNX export's
// predict.mjs in Node (sharp) and predict.py (Pillow, where installed). Each against the studio's
// own answer for the same file. The library's raw predict(img), which lets the browser's canvas
// resample and colour-convert the photo, is reported apart (pipeline_tm_raw_*), and compared with
// the studio's model fed the modelled Chromium software canvas (chromium-canvas.ts), to show where
// its difference comes from.
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import fs from 'node:fs';
import type { BackendInfo } from '../../electron/engine/backend.js';
import type { BackboneSpec } from '../../electron/engine/backbones/catalogue.js';
import { openEmbedder } from '../../electron/engine/embedders/open-embedder.js';
import { decodeForModel, scalePixels } from '../../electron/engine/images/decode.js';
import { runTraining } from '../../electron/engine/training/run.js';
import { exportModel } from '../../electron/export/model/export-model.js';
import { resolveModelSource } from '../../electron/export/model/source.js';
import { loadStudioModel } from '../../electron/export/model/studio-model.js';
import { TrainConfig, type Preprocessing } from '../../electron/domain/schemas.js';
import { DEFAULT_SETTINGS, LEGACY_PREPROCESSING, readSettings, updateSettings } from '../../electron/project/settings.js';
import { teachableLibrary, teachableWithStudioResize, tfjsWithReadmeSnippet } from '../helpers/browser-pipelines.js';
import { chromiumCanvasInput } from '../helpers/chromium-canvas.js';
import { chromiumUnavailable, launchChromium } from '../helpers/chromium.js';
import { deploymentPhotos } from '../helpers/deployment-photos.js';
import { fixture } from '../helpers/fixtures.js';
import { fixtureProject } from '../helpers/fixture-project.js';

const PHOTOS_PER_DATASET = 32;
const DATASETS = ['hymenoptera', 'flower_photos_small'] as const;
const NODE_MODULES = path.resolve(import.meta.dirname, '../../node_modules');

interface Input {
  work: string;
  cache: string;
  spec: BackboneSpec;
  backboneDir: string;
  backend: BackendInfo;
  log: (line: string) => void;
}

/** Agreement of rows of probabilities with the studio's, accumulated over datasets. */
class Agreement {
  agree = 0;
  total = 0;
  maxDp = 0;
  add(studio: Float32Array[], got: number[][]): void {
    got.forEach((row, i) => {
      const ref = studio[i]!;
      const argmax = (v: ArrayLike<number>) => Array.from(v).indexOf(Math.max(...Array.from(v)));
      if (argmax(row) === argmax(ref)) this.agree++;
      this.total++;
      row.forEach((p, j) => (this.maxDp = Math.max(this.maxDp, Math.abs(p - ref[j]!))));
    });
  }
  figures(): { top1: number | null; maxDp: number | null } {
    return this.total ? { top1: Number((this.agree / this.total).toFixed(4)), maxDp: Number(this.maxDp.toExponential(2)) } : { top1: null, maxDp: null };
  }
}

function scriptRows(command: string, args: string[], files: string[], cwd: string): number[][] {
  const out = execFileSync(command, [...args, ...files], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const byFile = new Map(
    out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { file: string; probabilities: number[] })
      .map((r) => [r.file, r.probabilities]),
  );
  return files.map((f) => byFile.get(f)!);
}

/** One one-click training of `project` on its recorded spec (config seed `seed`, default otherwise): its validation accuracy. */
export async function trainOnSpec(
  project: ReturnType<typeof fixtureProject>,
  { spec, backboneDir, backend }: Pick<Input, 'spec' | 'backboneDir' | 'backend'>,
  seed?: number,
): Promise<{ runId: number; accuracy: number; count: number }> {
  const db = project.db;
  const { embedder } = await openEmbedder(spec, backboneDir, { samples: async () => db.prepare('SELECT path FROM image_paths LIMIT 16').pluck().all() as string[] });
  try {
    const config = TrainConfig.parse({ outOfFoldK: 0, ...(seed === undefined ? {} : { seed }) });
    const run = await runTraining({ db, projectDir: project.dir, embedder, backbone: spec, backend, config, settings: readSettings(db) });
    return { runId: run.runId, accuracy: run.val?.accuracy ?? 0, count: run.val?.count ?? 0 };
  } finally {
    embedder.dispose();
  }
}

export async function pipelineBench({ work, cache, spec, backboneDir, backend, log }: Input): Promise<Record<string, unknown>> {
  const chromiumSkip = chromiumUnavailable();
  const python = spawnSync('python3', ['-c', 'import onnxruntime, PIL, numpy'], { encoding: 'utf8' }).status === 0;
  if (chromiumSkip) log(`browser pipelines skipped: ${chromiumSkip}`);
  if (!python) log('predict.py skipped: python3 with onnxruntime, pillow and numpy is not installed (pip install onnxruntime pillow numpy)');
  const browser = chromiumSkip ? null : await launchChromium();
  let pixelsExact = 0;
  let pixelsTotal = 0;
  // The library's copy of the README's 224x224 canvas against the studio's own input pixels.
  let copyExact = 0;
  let copyTotal = 0;
  const tally = { tmRaw: new Agreement(), tmCanvasModel: new Agreement(), tm: new Agreement(), tfjs: new Agreement(), onnx: new Agreement(), python: new Agreement() };
  const accuracy: Record<string, number> = {};
  const accuracyImages: Record<string, number> = {};
  let photoCount = 0;
  try {
    for (const dataset of DATASETS) {
      const val: Record<string, { accuracy: number; count: number }> = {};
      let runDir = '';
      let project: ReturnType<typeof fixtureProject> | null = null;
      for (const resampling of ['lanczos3', 'bilinear'] as const) {
        project?.close();
        runDir = path.join(work, `${dataset}-${resampling}`);
        project = fixtureProject(runDir, fixture('datasets', dataset));
        // 'bilinear' stands for new projects' whole spec (DEFAULT_SETTINGS), 'lanczos3' for the legacy one.
        const preprocessing: Preprocessing = resampling === 'bilinear' ? DEFAULT_SETTINGS.preprocessing : LEGACY_PREPROCESSING;
        updateSettings(project.db, { preprocessing });
        const t = Date.now();
        const run = await trainOnSpec(project, { spec, backboneDir, backend });
        val[resampling] = run;
        log(`${dataset} ${resampling}: run ${run.runId} in ${Math.round((Date.now() - t) / 1000)} s, val acc ${run.accuracy.toFixed(4)} on ${run.count} images`);
      }
      accuracy[dataset] = Number((val.bilinear!.accuracy - val.lanczos3!.accuracy).toFixed(4));
      accuracyImages[dataset] = Math.round(val.bilinear!.accuracy * val.bilinear!.count - val.lanczos3!.accuracy * val.lanczos3!.count);

      // The 'bilinear' run's exports through their deployments.
      const p = project!;
      const photos = await deploymentPhotos(dataset, path.join(work, `${dataset}-photos`), PHOTOS_PER_DATASET);
      const files = photos.map((ph) => ph.file);
      photoCount += files.length;
      const source = resolveModelSource(p.db, p.dir, cache, {});
      const model = await loadStudioModel(source);
      const studio: Float32Array[] = [];
      const studioPixels: Uint8Array[] = [];
      // The same model on the pixels Chromium's software canvas gives the library (chromium-canvas.ts).
      const onCanvasModel: Float32Array[] = [];
      const canvasModelPixels: Uint8Array[] = [];
      for (const file of files) {
        const x = new Float32Array(224 * 224 * 3);
        const input = (await decodeForModel(file, source.preprocessing)).pixels;
        studioPixels.push(input);
        scalePixels(input, source.preprocessing.scaling, x, 0);
        studio.push(await model.forward(x, 1));
        const pixels = await chromiumCanvasInput(file, source.preprocessing.inputSize);
        canvasModelPixels.push(pixels);
        scalePixels(pixels, source.preprocessing.scaling, x, 0);
        onCanvasModel.push(await model.forward(x, 1));
      }
      model.dispose();
      const request = { db: p.db, projectDir: p.dir, modelCacheDir: cache, sampleCount: 16 };
      const tm = await exportModel({ ...request, format: 'teachable' });
      const tfjs = await exportModel({ ...request, format: 'tfjs' });
      const onnx = await exportModel({ ...request, format: 'onnx' });
      for (const r of [tm, tfjs, onnx]) log(`${dataset} ${r.format} export check: pipeline ${r.parity?.pipeline?.pipeline}: max |Δp| ${r.parity?.pipeline?.maxAbs?.toExponential(2)}, top-1 ${r.parity?.pipeline?.top1Agreement}`);

      if (browser) {
        const lib = await teachableLibrary(browser, tm.dir, files, true);
        tally.tmRaw.add(studio, lib.rows);
        tally.tmCanvasModel.add(onCanvasModel, lib.rows);
        lib.inputs!.forEach((canvas, i) => {
          for (let k = 0; k < canvas.length; k++) if (canvas[k] === canvasModelPixels[i]![k]) pixelsExact++;
          pixelsTotal += canvas.length;
        });
        const readme = await teachableWithStudioResize(browser, tm.dir, files, source.preprocessing, true);
        tally.tm.add(studio, readme.rows);
        readme.inputs!.forEach((canvas, i) => {
          for (let k = 0; k < canvas.length; k++) if (canvas[k] === studioPixels[i]![k]) copyExact++;
          copyTotal += canvas.length;
        });
        const tf4 = await tfjsWithReadmeSnippet(browser, tfjs.dir, files, source.preprocessing);
        tally.tfjs.add(studio, tf4.rows);
        log(`${dataset} in Chromium: ${lib.version}; ${tf4.version}`);
        // Where the library's own resize differs most, by kind of photo.
        const worst = new Map<string, number>();
        lib.rows.forEach((row, i) => {
          const d = Math.max(...row.map((v, j) => Math.abs(v - studio[i]![j]!)));
          worst.set(photos[i]!.kind, Math.max(worst.get(photos[i]!.kind) ?? 0, d));
        });
        log(`${dataset} Teachable Machine predict(img), max |Δp| by kind: ${[...worst].map(([k, d]) => `${k} ${d.toExponential(1)}`).join(', ')}`);
      }
      const user = path.join(work, `${dataset}-onnx-user`);
      fs.cpSync(onnx.dir, user, { recursive: true });
      fs.symlinkSync(NODE_MODULES, path.join(user, 'node_modules'), 'dir');
      tally.onnx.add(studio, scriptRows(process.execPath, [path.join(user, 'predict.mjs')], files, user));
      if (python) tally.python.add(studio, scriptRows('python3', [path.join(user, 'predict.py')], files, user));
      p.close();
    }
  } finally {
    await browser?.close();
  }
  const tmF = tally.tm.figures();
  const tmRawF = tally.tmRaw.figures();
  const canvasModelF = tally.tmCanvasModel.figures();
  const tfjsF = tally.tfjs.figures();
  const onnxF = tally.onnx.figures();
  const pyF = tally.python.figures();
  log(`pipelines over ${photoCount} photos: TM predict(studioCanvas(decodePhoto(file))) top-1 ${tmF.top1} max |Δp| ${tmF.maxDp} (its canvas copy: ${copyExact} of ${copyTotal} values equal to the studio's input); TM raw predict(img) ${tmRawF.top1} / ${tmRawF.maxDp}; TM predict(img) vs the studio's model on its modelled canvas ${canvasModelF.top1} / ${canvasModelF.maxDp} (${pixelsExact} of ${pixelsTotal} canvas values reproduced exactly); TF.js browser ${tfjsF.top1} / ${tfjsF.maxDp}; ONNX predict.mjs ${onnxF.top1} / ${onnxF.maxDp}; predict.py ${pyF.top1} / ${pyF.maxDp}`);
  return {
    pipeline_photos: photoCount,
    pipeline_tm_top1_agree: tmF.top1,
    pipeline_tm_max_dp: tmF.maxDp,
    pipeline_tm_canvas_copy_pixels_exact: copyTotal ? Number((copyExact / copyTotal).toFixed(5)) : null,
    pipeline_tm_raw_top1_agree: tmRawF.top1,
    pipeline_tm_raw_max_dp: tmRawF.maxDp,
    pipeline_tm_canvas_model_top1_agree: canvasModelF.top1,
    pipeline_tm_canvas_model_max_dp: canvasModelF.maxDp,
    pipeline_tm_canvas_model_pixels_exact: pixelsTotal ? Number((pixelsExact / pixelsTotal).toFixed(5)) : null,
    pipeline_tfjs_browser_top1_agree: tfjsF.top1,
    pipeline_tfjs_browser_max_dp: tfjsF.maxDp,
    pipeline_onnx_top1_agree: onnxF.top1,
    pipeline_onnx_max_dp: onnxF.maxDp,
    pipeline_onnx_python_top1_agree: pyF.top1,
    pipeline_onnx_python_max_dp: pyF.maxDp,
    accuracy_delta_resize: accuracy,
    accuracy_delta_resize_images: accuracyImages,
  };
}
